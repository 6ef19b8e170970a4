"""Hypothesis fuzzing of the minutes transcript parsers: any text or JSON value gives segments or one InputError
sentence, never another exception; SRT/VTT-looking and timestamped text keeps every word in order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hfkit.core.errors import InputError
from hfkit.minutes.transcript import load_transcript, parse_json, parse_text

pytestmark = pytest.mark.fast

LINES = st.one_of(
    st.text(max_size=40),
    st.builds(lambda s, t: f"{s}: {t}", st.sampled_from(["Alice", "Bob", "SPEAKER_00", "", " ", "A:B"]), st.text(max_size=30)),
    st.builds(lambda m, s, t: f"[{m}:{s:02d}] Alice: {t}", st.integers(0, 999), st.integers(0, 99), st.text(max_size=20)),
    st.sampled_from(["1", "00:00:01,000 --> 00:00:02,500", "WEBVTT", "00:01.000 --> 00:02.000", "NOTE x", "-->", "::"]),
)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(["segments", "text", "start", "end", "words", "word", "speaker", "id", "probability",
                     "meeting_transcripts", "content", "transcript", "language"]), inner, max_size=6), max_leaves=25)


def _segment(draw_text: str, start: float, end: float) -> dict[str, Any]:
    return {"id": 0, "start": start, "end": end, "text": draw_text, "words": [{"start": start, "end": end, "word": draw_text}]}


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(LINES, max_size=12))
def test_any_text_transcript_gives_segments_or_one_sentence(lines: list[str]) -> None:
    try:
        segments = parse_text("\n".join(lines), "fuzz.txt")
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert all(s.end >= s.start >= 0 for s in segments)
    assert [s.id for s in segments] == list(range(len(segments)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=JSON_VALUES | st.fixed_dictionaries({"segments": st.lists(st.builds(
    _segment, st.text(max_size=10), st.floats(-1e9, 1e9), st.floats(-1e9, 1e9)) | JSON_VALUES, max_size=4)}))
def test_any_json_transcript_gives_segments_or_one_sentence(data: Any) -> None:
    try:
        parse_json(data, "fuzz.json")
    except InputError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200), suffix=st.sampled_from([".txt", ".json", ".srt", ".vtt"]))
def test_any_file_gives_segments_or_one_sentence(raw: bytes, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"t{suffix}"
    path.write_bytes(raw)
    try:
        load_transcript(path)
    except InputError as exc:
        assert "\n" not in str(exc)


def test_deeply_nested_json_transcript_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"segments": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(InputError, match=r"nested too deeply|not valid JSON"):
        load_transcript(path)


def test_json_round_trip_keeps_text() -> None:
    data = {"segments": [_segment("hello there", 0.0, 1.0), _segment("general Kenobi", 1.0, 2.0)]}
    segments = parse_json(json.loads(json.dumps(data)))
    assert [s.text for s in segments] == ["hello there", "general Kenobi"]
