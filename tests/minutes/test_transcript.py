"""Transcript input: text lines, transcript JSON shapes, noise cleaning."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from hfkit.core.errors import InputError
from hfkit.minutes.transcript import clean_text, load_transcript, parse_json, parse_text


def test_clean_text_removes_tags_fillers_and_stutters() -> None:
    raw = "{vocalsound} So , um I'll present myself , I'm Ada , and uh the the project project is {disfmarker} new ."
    assert clean_text(raw) == "So, I'll present myself, I'm Ada, and the project is new."


def test_text_lines_get_speakers_times_and_continuations() -> None:
    segments = parse_text("Alice: Hello there, welcome.\ncontinued line\n[01:05] Bob: Thanks for having me.\n")
    assert [s.speaker for s in segments] == ["Alice", "Bob"]
    assert segments[0].text == "Hello there, welcome. continued line"
    assert segments[1].start == 65.0
    assert segments[0].end > segments[0].start


def test_hfkit_transcript_json_round_trip(tmp_path: Path) -> None:
    data = {"language": "en", "duration": 3.0, "segments": [
        {"id": 0, "start": 0.0, "end": 1.5, "text": "Hello.", "speaker": "A",
         "words": [{"start": 0.0, "end": 1.5, "word": " Hello.", "probability": 0.9}]},
        {"id": 1, "start": 1.5, "end": 3.0, "text": "Bye.", "speaker": "B", "words": []},
    ]}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data))
    info, segments = load_transcript(path)
    assert info.duration == 3.0
    assert [s.speaker for s in segments] == ["A", "B"]
    assert segments[0].words[0].word == " Hello."


@pytest.mark.parametrize(("data", "field"), [
    ({"segments": [{"start": 0, "end": 1}]}, "'text'"),
    ({"segments": [{"text": "hi", "end": 1}]}, "'start'"),
    ({"language": "en"}, "'segments'"),
    ({"segments": "nope"}, "'segments'"),
])
def test_wrong_shape_names_the_missing_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        parse_json(data, "x.json")
    assert field in info.value.message


def test_qmsum_shape(shared_testdata: Path) -> None:
    data = json.loads((shared_testdata / "meetings/qmsum/IS1003a.json").read_text())
    segments = parse_json(data)
    assert len(segments) == len(data["meeting_transcripts"])
    assert segments[4].speaker == "Project Manager"
    assert all(a.end <= b.start + 1e-6 for a, b in itertools.pairwise(segments))


def test_clean_text_removes_a_bare_hum() -> None:
    assert clean_text("Keep it like mm a square, mmm, just normal.") == "Keep it like a square, just normal."
