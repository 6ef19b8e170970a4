"""The llm engine's orchestration with a scripted chat-model double: a chunk that fails or runs past its time bound
keeps its grounded items and says so; good chunks add verified items. (The real small-model run is in test_llm.py.)"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from hfkit.backends.base import ChatModel
from hfkit.core.types import ChatRequest, Segment, Usage
from hfkit.minutes.llm import refine
from hfkit.minutes.model import ActionItem, Citation, Minutes, MinutesOptions

pytestmark = pytest.mark.fast

TALK = [
    ("Ana", "We need a new supplier for the cases because the old one closed."),
    ("Raj", "I will call the supplier in Leeds about the rubber cases."),
    ("Ana", "The budget for the cases is twelve euros per unit."),
    ("Raj", "That sounds fine to me, twelve euros works for the plan."),
    ("Ana", "Let's meet again next week to look at the samples."),
    ("Raj", "I will bring the samples from the Leeds supplier next week."),
]


class Scripted(ChatModel):
    """Answers chunk by chunk from a script: 'ok' (a valid answer), 'bad' (not JSON) or 'slow' (dribbles tokens)."""

    name = "scripted"
    context_size = 578  # the prompt takes ~508 tokens: room for three turns a chunk, so two chunks

    def __init__(self, script: list[str]) -> None:
        self.script = script
        self.calls = 0

    def complete(self, request: ChatRequest, usage: Usage | None = None) -> Iterator[str]:
        step = self.script[min(self.calls, len(self.script) - 1)]
        self.calls += 1
        prompt = request.messages[-1].content
        if step == "bad":
            yield "not json at all"
        elif step == "slow":
            for _ in range(200):
                time.sleep(0.02)
                yield " "
        elif "summaries" in json.dumps(request.options.json_schema or {}) or "items" in (request.options.json_schema or {}).get(
            "properties", {}
        ):
            yield json.dumps({"items": [line.split(". ", 1)[1] for line in prompt.splitlines() if ". " in line[:4]]})
        else:
            ids = [int(line[1 : line.index("]")]) for line in prompt.splitlines() if line.startswith("[")]
            yield json.dumps(
                {
                    "summary": "Raj will call the supplier in Leeds about the rubber cases.",
                    "decisions": [],
                    "action_items": [
                        {"owner": "Raj", "task": "Call the supplier in Leeds about the rubber cases", "due": None, "segment_id": 1}
                    ]
                    if 1 in ids
                    else [],
                }
            )


def _grounded() -> tuple[Minutes, list[Segment]]:
    segments = [Segment(i, 10.0 * i, 10.0 * i + 9, text, speaker=who) for i, (who, text) in enumerate(TALK)]
    said = segments[5]
    item = ActionItem(
        owner="Raj",
        task="Bring the samples from the Leeds supplier",
        citation=Citation(segment_id=5, start=said.start, end=said.end, speaker="Raj", quote=said.text),
    )
    return Minutes(title="Cases", summary="The meeting discussed the cases.", action_items=[item]), segments


def test_a_failing_chunk_keeps_its_grounded_part_and_says_which_and_why() -> None:
    minutes, segments = _grounded()
    refined = refine(minutes, segments, MinutesOptions(engine="llm"), model=Scripted(["ok", "bad"]))
    assert len(refined.warnings) >= 1
    failed = [w for w in refined.warnings if w.startswith("Part 2 of")]
    assert failed and "no valid JSON" in failed[0] and "grounded minutes are kept" in failed[0]
    tasks = {a.task for a in refined.action_items}
    assert "Bring the samples from the Leeds supplier" in tasks  # the grounded item of the failed part stays
    assert any("Call the supplier in Leeds" in t for t in tasks)  # the good part added its verified item
    assert refined.engine == "llm:scripted"


def test_a_chunk_past_its_time_bound_stops_and_stays_grounded() -> None:
    minutes, segments = _grounded()
    started = time.monotonic()
    refined = refine(minutes, segments, MinutesOptions(engine="llm", llm_chunk_seconds=0.5), model=Scripted(["slow"]))
    assert time.monotonic() - started < 20
    assert refined.warnings and all("took longer than 0.5 s" in w for w in refined.warnings)
    assert refined.warnings[0].startswith("Part 1 of ") and "00:00-" in refined.warnings[0]
    assert refined.action_items == minutes.action_items and refined.summary == minutes.summary


def test_turn_numbers_name_the_part_when_the_transcript_has_no_times() -> None:
    minutes, segments = _grounded()
    minutes.timed = False
    refined = refine(minutes, segments, MinutesOptions(engine="llm"), model=Scripted(["bad"]))
    assert refined.warnings[0].startswith("Part 1 of ") and "(turns 1-" in refined.warnings[0]


def test_engine_llm_without_llm_uses_the_embedded_chat_model() -> None:
    from hfkit.cli.minutes import build_options
    from hfkit.core.registry import resolve
    from hfkit.minutes.llm import DEFAULT_CHAT_MODEL

    options = build_options("llm", None)  # once refused with "--engine llm needs --llm MODEL"
    assert options.engine == "llm" and options.llm is None
    assert resolve(DEFAULT_CHAT_MODEL).name == DEFAULT_CHAT_MODEL
