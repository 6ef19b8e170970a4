"""Due dates against the meeting date; words to speakers by time overlap; speaker names from the talk."""

from __future__ import annotations

import datetime as dt

import pytest

from hfkit.core.errors import InputError
from hfkit.core.types import Segment, Word
from hfkit.minutes.dates import resolve_due
from hfkit.minutes.speakers import Turn, assign_speakers, names_from_talk, parse_speaker_names, rename

MONDAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize(("said", "expected"), [
    ("Friday", "2026-03-06"), ("next Friday", "2026-03-06"), ("tomorrow", "2026-03-03"), ("Monday", "2026-03-09"),
    ("next week", "2026-03-09"), ("the end of the month", "2026-03-31"), ("March 10th", "2026-03-10"),
    ("June 30th, 2022", "2022-06-30"), ("the 5th of April", "2026-04-05"), ("January 3", "2027-01-03"),
])
@pytest.mark.fast
def test_resolve_due(said: str, expected: str) -> None:
    resolved = resolve_due(said, MONDAY)
    assert resolved is not None and resolved.isoformat() == expected


def test_relative_due_without_meeting_date_stays_unresolved() -> None:
    assert resolve_due("Friday", None) is None
    assert resolve_due("March 10th, 2026", None) == dt.date(2026, 3, 10)


def test_words_follow_the_overlapping_speaker_and_split_segments() -> None:
    words = (Word(0.0, 0.4, " Hello"), Word(0.5, 0.9, " there."), Word(1.2, 1.6, " Hi"), Word(1.7, 2.0, " Alice."))
    segment = Segment(0, 0.0, 2.0, "Hello there. Hi Alice.", words)
    turns = [Turn(0.0, 1.0, "SPEAKER_00"), Turn(1.1, 2.1, "SPEAKER_01")]
    out = assign_speakers([segment], turns)
    assert [(s.speaker, s.text) for s in out] == [("SPEAKER_00", "Hello there."), ("SPEAKER_01", "Hi Alice.")]
    assert out[1].words[0].speaker == "SPEAKER_01"


def test_names_from_self_introduction_and_thanks() -> None:
    segments = [
        Segment(0, 0, 2, "Hi all, I'm Dana from finance.", speaker="SPEAKER_00"),
        Segment(1, 2, 4, "I'm sure it went well. Over to you, Bob.", speaker="SPEAKER_01"),
        Segment(2, 4, 6, "Thanks. Numbers are up.", speaker="SPEAKER_02"),
    ]
    names = names_from_talk(segments)
    assert names == {"SPEAKER_00": "Dana", "SPEAKER_02": "Bob"}
    assert [s.speaker for s in rename(segments, names)] == ["Dana", "SPEAKER_01", "Bob"]


def test_speaker_names_option() -> None:
    assert parse_speaker_names("SPEAKER_00=Alice, SPEAKER_01=Bob") == {"SPEAKER_00": "Alice", "SPEAKER_01": "Bob"}
    with pytest.raises(InputError, match="LABEL=Name"):
        parse_speaker_names("SPEAKER_00")


def test_merge_speakers_to_a_limit() -> None:
    from hfkit.backends.senko_diarizer import merge_speakers

    turns = [(0.0, 1.0, "A"), (1.0, 2.0, "B"), (2.0, 3.0, "C")]
    centroids = {"A": [1.0, 0.0], "B": [0.0, 1.0], "C": [0.9, 0.1]}
    assert merge_speakers(turns, centroids, 2) == [(0.0, 1.0, "A"), (1.0, 2.0, "B"), (2.0, 3.0, "A")]
    assert {label for *_, label in merge_speakers(turns, centroids, 1)} == {"A"}
    assert merge_speakers(turns, centroids, 3) == turns
