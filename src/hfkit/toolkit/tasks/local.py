"""Task engines that run embedded models, a lexicon or any chat model (GGUF, openai:, transformers) with a prompt."""

from __future__ import annotations

import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hfkit.core.errors import InputError, missing_extra
from hfkit.core.registry import ResolvedModel
from hfkit.toolkit.pipelines import PipelineOptions, Runner

PROMPTS = Path(__file__).resolve().parents[2] / "prompts" / "toolkit"
LANGUAGES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
             "nl": "Dutch", "ru": "Russian", "zh": "Chinese", "ja": "Japanese", "ar": "Arabic", "hi": "Hindi"}


def prompt(name: str, **values: str) -> str:
    """Fill the task prompt template ``prompts/toolkit/<name>.txt``."""
    return string.Template((PROMPTS / f"{name}.txt").read_text(encoding="utf-8")).substitute(values).strip()


def _need_model(model: ResolvedModel | None) -> ResolvedModel:
    if model is None or (model.path is None and model.format != "openai"):
        raise InputError("This engine needs a model.", "Pass --model.")
    return model


def spacy_ner(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    from hfkit.backends.spacy_nlp import load_spacy

    nlp = load_spacy(_need_model(model))

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        doc = nlp(text)
        confidence = entity_confidence(nlp, text)
        return {"entities": [{"text": e.text, "label": e.label_, "start": e.start_char, "end": e.end_char,
                              "score": round(confidence.get((e.start, e.end, e.label_), 0.0), 4)} for e in doc.ents],
                "method": f"spaCy NER; score = probability mass of the {BEAM_WIDTH} best parses holding the entity"}

    return run


BEAM_WIDTH = 16


def entity_confidence(nlp: Any, text: str) -> dict[tuple[int, int, str], float]:
    """(start token, end token, label) -> the share of the NER beam's probability on parses with that entity.

    spaCy's greedy NER gives no scores; a beam parse of the same model does (its parse probabilities sum to 1).
    """
    from collections import defaultdict

    ner = nlp.get_pipe("ner")
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name == "ner":
            break
        doc = component(doc)
    beam = ner.beam_parse([doc], beam_width=BEAM_WIDTH, beam_density=0.0001)[0]
    mass: dict[tuple[int, int, str], float] = defaultdict(float)
    for probability, spans in ner.moves.get_beam_parses(beam):
        for start, end, label in spans:
            mass[(start, end, label)] += float(probability)
    return {key: min(1.0, value) for key, value in mass.items()}


def lexicon_sentiment(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError as exc:
        raise missing_extra("vaderSentiment", "transformers") from exc
    analyzer = SentimentIntensityAnalyzer()
    from hfkit.toolkit.tasks.calibration import positive_probability

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        vader = {k: float(v) for k, v in analyzer.polarity_scores(text).items()}
        positive = positive_probability(vader["compound"])
        label = "POSITIVE" if positive >= 0.5 else "NEGATIVE"
        return {"label": label, "score": round(max(positive, 1 - positive), 4),
                "scores": {"POSITIVE": round(positive, 4), "NEGATIVE": round(1 - positive, 4)},
                "method": "lexicon (VADER), valence calibrated to P(positive) on the lexicon's human ratings",
                "vader": vader}

    return run


def piper_tts(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    from hfkit.backends.piper_tts import load_speaker

    speaker = load_speaker(str(_need_model(model).path), "cuda" if options.device == "cuda" else "cpu")

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        samples = speaker.samples(text)
        return {"audio": samples, "sampling_rate": speaker.sample_rate,
                "seconds": round(samples.size / speaker.sample_rate, 3)}

    return run


def whisper_asr(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    from hfkit.backends.base import TranscribeOptions
    from hfkit.speech import get_transcriber

    transcriber = get_transcriber(_need_model(model).name, options.device)

    def run(audio: str, call: PipelineOptions) -> dict[str, Any]:
        from hfkit.core.audio import check_file

        path = check_file(Path(audio))
        segments = list(transcriber.transcribe(path, TranscribeOptions(word_timestamps=False)))
        return {"text": " ".join(s.text.strip() for s in segments).strip(),
                "segments": [{"start": s.start, "end": s.end, "text": s.text.strip()} for s in segments]}

    return run


def sentence_features(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    from hfkit.backends.sentence_transformers import load_embedder

    embedder = load_embedder(_need_model(model).name, "cpu" if options.device == "auto" else options.device)

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        vector = embedder.encode([text])[0]
        return {"dimension": len(vector), "vector": [round(float(x), 6) for x in vector]}

    return run


def embedding_zero_shot(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    from hfkit.backends.sentence_transformers import load_embedder

    embedder = load_embedder(_need_model(model).name, "cpu" if options.device == "auto" else options.device)

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        labels = _labels(call)
        hypotheses = embedder.encode([prompt("zero-shot-hypothesis", label=label) for label in labels])
        similarity = hypotheses @ embedder.encode([text])[0]
        ranked = sorted(zip(labels, (float(s) for s in similarity), strict=True), key=lambda p: -p[1])
        return {"labels": [label for label, _ in ranked], "scores": [round(s, 4) for _, s in ranked],
                "method": "cosine similarity of sentence embeddings"}

    return run


def _labels(options: PipelineOptions) -> list[str]:
    labels = [label.strip() for label in options.labels if label.strip()]
    if len(labels) < 2:
        raise InputError("Zero-shot classification needs at least two candidate labels.",
                         "Pass them with --labels sports,politics,music (candidate_labels=[...] in Python).")
    return labels


def _language(code: str | None, which: str) -> str:
    if not code:
        raise InputError(f"Translation with a chat model needs the {which} language.", f"Pass --{which} (e.g. en, fr).")
    return LANGUAGES.get(code.lower(), code)


def _chat_model(model: ResolvedModel | None, options: PipelineOptions) -> Any:
    from hfkit.backends.base import load_chat_model

    return load_chat_model(_need_model(model), chat=False, device=options.device)


def _can_chat(chat_model: Any, model: ResolvedModel | None) -> bool:
    return bool(chat_model.has_chat_template)


def _ask(chat_model: Any, text: str | list[dict[str, Any]], options: PipelineOptions,
         schema: dict[str, Any] | None = None) -> str:
    from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions

    settings = GenerationOptions(max_tokens=options.max_tokens, temperature=options.sampling_temperature(),
                                 seed=options.seed, json_schema=schema)
    turns = [{"role": "user", "content": text}] if isinstance(text, str) else text
    request = ChatRequest(messages=[ChatMessage.model_validate(turn) for turn in turns], options=settings)
    return "".join(chat_model.complete(request)).strip()


def chat_generation(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    from hfkit.core.types import GenerationOptions

    chat_model = _chat_model(model, options)
    chat = _can_chat(chat_model, model)

    def run(text: str | list[dict[str, Any]], call: PipelineOptions) -> dict[str, Any]:
        if chat or not isinstance(text, str):
            return {"text": _ask(chat_model, text, call), "chat": True}
        settings = GenerationOptions(max_tokens=call.max_tokens, temperature=call.sampling_temperature(),
                                     seed=call.seed)
        return {"text": "".join(chat_model.complete_raw(text, settings)), "chat": False}

    return run


def chat_task(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    """Summarization, translation, QA, sentiment or zero-shot through a chat model and the task's prompt."""
    chat_model = _chat_model(model, options)
    if not _can_chat(chat_model, model):
        from hfkit.core.errors import UnsupportedModelError

        raise UnsupportedModelError(f"'{chat_model.name}' is a base model without a chat template, so it cannot be "
                                    f"prompted for {task}.", "Pass an instruct model, e.g. smollm2-135m-instruct.")
    return CHAT_TASKS[task](chat_model, options)


def _summarize(chat_model: Any, options: PipelineOptions) -> Runner:
    return lambda text, call: {"text": _ask(chat_model, prompt("summarization", text=text), call)}


def _translate(chat_model: Any, options: PipelineOptions) -> Runner:
    _language(options.src, "src"), _language(options.tgt, "tgt")  # refuse a missing language before any call

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        src, tgt = _language(call.src, "src"), _language(call.tgt, "tgt")
        return {"text": _ask(chat_model, prompt("translation", text=text, src=src, tgt=tgt), call)}

    return run


def _answer(chat_model: Any, options: PipelineOptions) -> Runner:
    def run(question: str, call: PipelineOptions) -> dict[str, Any]:
        context = _context(call)
        reply = _ask(chat_model, prompt("question-answering", text=question, context=context), call)
        start, end, similarity = locate_span(reply, context)
        return {"answer": context[start:end], "score": round(similarity, 4), "start": start, "end": end,
                "reply": reply, "method": "chat model's answer, located in the context; score = their similarity"}

    return run


def locate_span(reply: str, context: str) -> tuple[int, int, float]:
    """The context span closest to ``reply`` (exact, case-insensitive match first, else the best-matching run of
    words by difflib ratio) as (start, end, similarity 0-1)."""
    import difflib
    import re

    wanted = reply.strip().strip(".\"'").strip()
    found = context.lower().find(wanted.lower()) if wanted else -1
    if found >= 0:
        return found, found + len(wanted), 1.0
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", context)]
    size = max(1, len(wanted.split()))
    best = (0, 0, 0.0)
    for width in {max(1, size - 1), size, size + 1}:
        for i in range(max(1, len(words) - width + 1)):
            first, last = words[i][0], words[min(i + width, len(words)) - 1][1]
            ratio = difflib.SequenceMatcher(None, wanted.lower(), context[first:last].lower()).ratio()
            if ratio > best[2]:
                best = (first, last, ratio)
    return best


def _choose(chat_model: Any, options: PipelineOptions, template: str, fixed: list[str] | None) -> Runner:
    import json

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        labels = fixed or _labels(call)
        schema = {"type": "object", "properties": {"label": {"enum": labels}}, "required": ["label"],
                  "additionalProperties": False}
        reply = _ask(chat_model, prompt(template, text=text, labels=", ".join(labels)), call, schema)
        label = json.loads(reply)["label"]
        return {"label": label.upper() if template == "sentiment-analysis" else label, "score": None,
                "method": "chat model with a constrained answer (no probability)"}

    return run


def _context(options: PipelineOptions) -> str:
    """The context text, used as given: it is data, never opened as a file (the CLI reads --context FILE)."""
    if not options.context or not options.context.strip():
        raise InputError("Question answering needs a context to find the answer in.",
                         "Pass --context TEXT (or --context FILE.txt).")
    return options.context


CHAT_TASKS: dict[str, Callable[[Any, PipelineOptions], Runner]] = {
    "summarization": _summarize,
    "translation": _translate,
    "question-answering": _answer,
    "zero-shot-classification": lambda m, o: _choose(m, o, "zero-shot-classification", None),
    "sentiment-analysis": lambda m, o: _choose(m, o, "sentiment-analysis", ["positive", "negative", "neutral"]),
}
