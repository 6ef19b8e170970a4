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


@pytest.mark.fast
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
@pytest.mark.fast
def test_wrong_shape_names_the_missing_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        parse_json(data, "x.json")
    assert field in info.value.message


@pytest.mark.fast
def test_qmsum_shape(shared_testdata: Path) -> None:
    data = json.loads((shared_testdata / "meetings/qmsum/IS1003a.json").read_text())
    segments = parse_json(data)
    assert len(segments) == len(data["meeting_transcripts"])
    assert segments[4].speaker == "Project Manager"
    assert all(a.end <= b.start + 1e-6 for a, b in itertools.pairwise(segments))


def test_clean_text_removes_a_bare_hum() -> None:
    assert clean_text("Keep it like mm a square, mmm, just normal.") == "Keep it like a square, just normal."


@pytest.mark.fast
def test_speaker_labels_of_any_length_are_speakers() -> None:
    long_name = "Vaughan Gething AM (The Minister for Health and Social Services)"
    segments = parse_text(f"{long_name}: Thank you, Chair.\nHelen Mary Jones AM: A question on testing: how many?\n")
    assert [s.speaker for s in segments] == [long_name, "Helen Mary Jones AM"]
    assert segments[1].text == "A question on testing: how many?"
    prose = parse_text("Alice: We looked at this. And then the thing that the whole team said at the end was: no.\n")
    assert [s.speaker for s in prose] == ["Alice"]


@pytest.mark.fast
def test_transcripts_without_times_say_so(tmp_path: Path) -> None:
    untimed, timed = tmp_path / "a.txt", tmp_path / "b.txt"
    untimed.write_text("Alice: Hello.\nBob: Hi.\n")
    timed.write_text("[00:01] Alice: Hello.\n[00:04] Bob: Hi.\n")
    assert load_transcript(untimed)[0].settings["timed"] is False
    assert load_transcript(timed)[0].settings["timed"] is True


@pytest.mark.fast
def test_ami_spelled_letters_are_joined() -> None:
    assert clean_text("the T_V_ and the L_C_D_ , {vocalsound} as the I_D_ said") == "The TV and the LCD, as the ID said"
