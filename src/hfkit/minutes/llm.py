"""The llm engine: map-reduce over context-sized chunks with JSON-schema constrained output, then verification.

Grounded minutes come first (the detected items): the model may reword their items (citations are kept) and add items
of its own, which survive only when the segment they cite contains their words and their owner is found in the talk.
A chunk the model fails on or takes longer than ``options.llm_chunk_seconds`` for keeps its grounded items and summary,
and the minutes say so in ``warnings``: the engine never leaves the user with nothing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from string import Template
from typing import Any

from hfkit.backends.base import ChatModel, load_chat_model
from hfkit.core.errors import ContextTooSmallError, HfkitError
from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions, Segment, Usage
from hfkit.generation.structured import generate_json
from hfkit.minutes.model import ActionItem, Citation, Decision, Minutes, MinutesOptions
from hfkit.minutes.render import clock

PROMPTS = Path(__file__).resolve().parents[1] / "prompts" / "minutes"
MAP_TOKENS = 384
DEFAULT_CHAT_MODEL = "smollm2-135m-instruct"  # embedded: used when --engine llm is given no --llm
SERVER_CONTEXT = 8192
_WORD = re.compile(r"[a-z0-9']+")
STOP = frozenset("the a an and or to of in on at for with by is are was were be will we i you it this that "
                 "should can could would has have had do does did not so as from about".split())


def prompt(name: str, **values: object) -> str:
    """A prompt template from src/hfkit/prompts/minutes, filled in."""
    return Template((PROMPTS / f"{name}.txt").read_text(encoding="utf-8")).substitute(**values)


def _schema(segment_ids: list[int]) -> dict[str, Any]:
    cite = {"type": "integer", "enum": segment_ids} if segment_ids else {"type": "integer"}
    text = {"type": "string", "minLength": 3, "maxLength": 200}
    return {
        "type": "object", "additionalProperties": False, "required": ["summary", "decisions", "action_items"],
        "properties": {
            "summary": {"type": "string", "minLength": 10, "maxLength": 600},
            "decisions": {"type": "array", "maxItems": 4, "items": {
                "type": "object", "additionalProperties": False, "required": ["text", "segment_id"],
                "properties": {"text": text, "segment_id": cite}}},
            "action_items": {"type": "array", "maxItems": 4, "items": {
                "type": "object", "additionalProperties": False, "required": ["owner", "task", "due", "segment_id"],
                "properties": {"owner": {"type": "string", "maxLength": 60}, "task": text,
                               "due": {"type": ["string", "null"], "maxLength": 40}, "segment_id": cite}}},
        },
    }


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in STOP and len(w) > 2}


def supports(quote: str, claim: str, share: float = 0.6) -> bool:
    """True when most content words of ``claim`` are in ``quote``."""
    words = content_words(claim)
    return bool(words) and len(words & content_words(quote)) / len(words) >= share


def faithful(original: str, reworded: str, quote: str) -> bool:
    """A rewording keeps the facts when it is about as long, adds no words beyond the quote, and keeps most words."""
    plain = re.fullmatch(r"[\w\s,.'’()$%:;-]+", reworded.strip()) is not None
    return (plain and len(reworded) <= 1.3 * len(original) + 10 and supports(quote, reworded, 0.9)
            and supports(reworded, original, 0.6))


def grounded_in_one_segment(sentence: str, segments: Sequence[Segment]) -> bool:
    """True when a single segment (with its neighbour) holds most content words of ``sentence``."""
    return any(supports(" ".join(s.text for s in segments[i:i + 2]), sentence, 0.7) for i in range(len(segments)))


def _line(segment: Segment) -> str:
    return f"[{segment.id}] {segment.speaker or 'Speaker'}: {segment.text}"


def context_of(model: ChatModel, options: MinutesOptions) -> int:
    """The context to plan chunks for: the loaded model's, else --context-size, else 8192 (servers may not say)."""
    return model.context_size or options.context_size or SERVER_CONTEXT


def chunks(model: ChatModel, segments: Sequence[Segment], options: MinutesOptions) -> list[list[Segment]]:
    """Consecutive segments whose prompt fits the model's context with room for the answer."""
    size = context_of(model, options)
    overhead = model.count_tokens(prompt("map_system") + prompt("map_user", part=1, parts=1, transcript="")) + MAP_TOKENS
    room = size - overhead
    setting = "the server's context size" if (options.llm or "").startswith("openai:") else "--context-size"
    if room < 64:
        raise ContextTooSmallError(
            f"The model's context of {size} tokens cannot hold the minutes prompt and one transcript chunk.",
            f"Raise {setting} (at least {overhead + 256}) or use a model with a larger context.")
    lines = [_line(s) for s in segments]
    ratio = model.count_tokens("\n".join(lines)) / max(1, sum(len(line) + 1 for line in lines))
    out: list[list[Segment]] = [[]]
    used = 0
    for segment, line in zip(segments, lines, strict=True):
        cost = int(len(line) * ratio * 1.1) + 2
        if cost > room:
            raise ContextTooSmallError(
                f"The model's context of {size} tokens cannot hold transcript segment {segment.id} "
                f"({cost} tokens) with the minutes prompt.", f"Raise {setting} to at least {overhead + cost + 64}.")
        if used + cost > room and out[-1]:
            out.append([])
            used = 0
        out[-1].append(segment)
        used += cost
    return out


def _ask(model: ChatModel, system: str, user: str, schema: dict[str, Any], seed: int, max_tokens: int) -> Any:
    messages = [ChatMessage(role="system", content=system)] if system else []
    request = ChatRequest(messages=[*messages, ChatMessage(role="user", content=user)],
                          options=GenerationOptions(max_tokens=max_tokens, temperature=0.2, seed=seed, json_schema=schema))
    return generate_json(model, request, retries=2)


def _citation(segment: Segment) -> Citation:
    return Citation(segment_id=segment.id, start=segment.start, end=segment.end, speaker=segment.speaker,
                    quote=segment.text)


def _owner_in_talk(owner: str, segments: Sequence[Segment]) -> str | None:
    speakers = {s.speaker for s in segments if s.speaker}
    if owner in speakers:
        return owner
    said = " ".join(s.text for s in segments)
    return owner if owner and re.search(rf"\b{re.escape(owner)}\b", said) else None


def verify(answer: dict[str, Any], by_id: dict[int, Segment], everything: Sequence[Segment]) -> tuple[list[Decision],
                                                                                                        list[ActionItem]]:
    """Keep only items whose cited segment contains their words and whose owner is found in the talk."""
    decisions = [Decision(text=d["text"], citation=_citation(by_id[d["segment_id"]])) for d in answer["decisions"]
                 if d["segment_id"] in by_id and supports(by_id[d["segment_id"]].text, d["text"])]
    actions = []
    for item in answer["action_items"]:
        segment = by_id.get(item["segment_id"])
        owner = _owner_in_talk(item["owner"].strip(), everything)
        if segment and owner and supports(segment.text, item["task"]):
            actions.append(ActionItem(owner=owner, task=item["task"], due=item.get("due"), due_said=item.get("due"),
                                      citation=_citation(segment)))
    return decisions, actions


def _reword(model: Bounded, minutes: Minutes, options: MinutesOptions) -> None:
    """Let the model reword grounded items; a rewording that drops or adds facts is refused (citations stay)."""
    items: list[Any] = [*minutes.decisions, *minutes.action_items]
    if not items:
        return
    listing = "\n".join(f"{i}. {getattr(item, 'text', None) or getattr(item, 'task', '')}" for i, item in enumerate(items))
    schema = {"type": "object", "required": ["items"], "additionalProperties": False, "properties": {"items": {
        "type": "array", "minItems": len(items), "maxItems": len(items),
        "items": {"type": "string", "minLength": 3, "maxLength": 200}}}}
    answer = _ask_within(model, options, "", prompt("reword_user", items=listing), schema, 64 * len(items) + 64)
    for item, text in zip(items, answer["items"], strict=True):
        field = "text" if isinstance(item, Decision) else "task"
        if faithful(getattr(item, field), text, item.citation.quote):
            setattr(item, field, text.strip())


def _is_new(item: Decision | ActionItem, existing: Sequence[Decision | ActionItem]) -> bool:
    return all(item.citation.segment_id != e.citation.segment_id for e in existing)


class ChunkTimeout(HfkitError):
    """The chat model ran past the wall-time bound of one chunk."""


class Bounded(ChatModel):
    """A chat model whose replies stop with ChunkTimeout once ``deadline`` (time.monotonic()) has passed."""

    def __init__(self, inner: ChatModel) -> None:
        self.inner, self.name, self.context_size = inner, inner.name, inner.context_size
        self.deadline = float("inf")

    def complete(self, request: ChatRequest, usage: Usage | None = None) -> Iterator[str]:
        stream = self.inner.complete(request, usage)
        try:
            for piece in stream:
                if time.monotonic() > self.deadline:
                    raise ChunkTimeout("The chat model ran out of time.", "Raise --llm-chunk-seconds.")
                yield piece
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


def _span(part: Sequence[Segment], timed: bool) -> str:
    if timed:
        return f"{clock(part[0].start)}-{clock(part[-1].end)}"
    return f"turns {part[0].id + 1}-{part[-1].id + 1}"


def _why(exc: BaseException, seconds: float) -> str:
    if isinstance(exc, ChunkTimeout):
        return f"the chat model took longer than {seconds:g} s"
    return f"the chat model failed ({exc.message if isinstance(exc, HfkitError) else exc})"


def _ask_within(model: Bounded, options: MinutesOptions, system: str, user: str, schema: dict[str, Any],
                max_tokens: int) -> Any:
    """``_ask`` that stops with ChunkTimeout after ``options.llm_chunk_seconds``."""
    model.deadline = time.monotonic() + options.llm_chunk_seconds
    try:
        return _ask(model, system, user, schema, options.seed, max_tokens)
    finally:
        model.deadline = float("inf")


def _map_chunk(model: Bounded, part: list[Segment], number: int, count: int, options: MinutesOptions) -> Any:
    user = prompt("map_user", part=number, parts=count, transcript="\n".join(_line(s) for s in part))
    return _ask_within(model, options, prompt("map_system"), user, _schema([s.id for s in part]), MAP_TOKENS)


def refine(minutes: Minutes, segments: list[Segment], options: MinutesOptions, model: ChatModel | None = None) -> Minutes:
    """Map-reduce the transcript through the chat model (``options.llm``, else the embedded one) and merge verified items
    into the grounded minutes; a chunk that fails or runs out of time keeps its grounded part, with a warning."""
    loaded = model or load_chat_model(options.llm or DEFAULT_CHAT_MODEL, context_size=options.context_size,
                                      base_url=options.base_url)
    bounded = Bounded(loaded)
    parts = chunks(loaded, segments, options)
    summaries: list[str] = []
    refined = minutes.model_copy(deep=True)
    refined.engine = f"llm:{loaded.name}"
    for number, part in enumerate(parts, start=1):
        try:
            answer = _map_chunk(bounded, part, number, len(parts), options)
        except (HfkitError, ValueError, KeyError) as exc:
            refined.warnings.append(f"Part {number} of {len(parts)} ({_span(part, minutes.timed)}): "
                                    f"{_why(exc, options.llm_chunk_seconds)}, so the grounded minutes are kept for it.")
            continue
        decisions, actions = verify(answer, {s.id: s for s in part}, segments)
        refined.decisions += [d for d in decisions if _is_new(d, refined.decisions)]
        refined.action_items += [a for a in actions if _is_new(a, refined.action_items)]
        summaries.append(answer["summary"])
    refined.summary = _merged_summary(bounded, summaries, segments, options, refined)
    _try(lambda: _reword(bounded, refined, options), refined, "Rewording the items", options.llm_chunk_seconds)
    return refined


def _merged_summary(model: Bounded, summaries: list[str], segments: list[Segment], options: MinutesOptions,
                    minutes: Minutes) -> str:
    """The model's summary, sentences grounded in the talk only; the grounded summary when none is left."""
    if len(summaries) > 1:
        reduced: list[str] = []
        _try(lambda: reduced.append(_reduce(model, summaries, options)), minutes, "Joining the part summaries",
             options.llm_chunk_seconds)
        summaries = reduced
    kept = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(summaries)) if grounded_in_one_segment(s, segments)]
    return " ".join(kept) if kept else minutes.summary


def _try(step: Any, minutes: Minutes, what: str, seconds: float) -> None:
    """Run one whole-meeting step under the time bound; a failure is a warning, the grounded result stays."""
    try:
        step()
    except (HfkitError, ValueError, KeyError) as exc:
        minutes.warnings.append(f"{what}: {_why(exc, seconds)}, so the grounded text is kept.")


def _reduce(model: Bounded, summaries: list[str], options: MinutesOptions) -> str:
    schema = {"type": "object", "required": ["summary"], "additionalProperties": False,
              "properties": {"summary": {"type": "string", "minLength": 10, "maxLength": 1200}}}
    joined = "\n".join(f"- {s}" for s in summaries)
    answer = _ask_within(model, options, prompt("map_system"), prompt("reduce_user", summaries=joined, sentences=6),
                         schema, 400)
    return str(answer["summary"])
