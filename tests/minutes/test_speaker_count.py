"""Unmet speaker counts are said, not swallowed (issue 10: '--speakers 4' that yields 3)."""

from __future__ import annotations

import pytest

from hfkit.core.errors import InputError
from hfkit.core.types import Segment
from hfkit.minutes.model import MinutesOptions
from hfkit.minutes.speakers import unmet_speaker_count

pytestmark = pytest.mark.fast


def _segments(*speakers: str) -> list[Segment]:
    return [Segment(i, i, i + 1, "words", speaker=s) for i, s in enumerate(speakers)]


def test_fewer_voices_than_asked_is_reported() -> None:
    three = _segments("SPEAKER_00", "SPEAKER_01", "SPEAKER_02", "SPEAKER_00")
    assert unmet_speaker_count(three, 4) == "Asked for 4 speakers, but the voices separated into 3."
    assert unmet_speaker_count(three, 3) is None
    assert unmet_speaker_count(three, None, low=5) == "Asked for at least 5 speakers, but the voices separated into 3."
    assert unmet_speaker_count(three, None, high=2) == "Asked for at most 2 speakers, but 3 were found."
    assert unmet_speaker_count(_segments(), 4) is None


@pytest.mark.parametrize(("fields", "needle"), [
    ({"min_speakers": 5, "max_speakers": 2}, "--min-speakers 5 is more than --max-speakers 2"),
    ({"num_speakers": 4, "max_speakers": 3}, "--speakers 4 is outside"),
    ({"num_speakers": 1, "min_speakers": 2}, "--speakers 1 is outside"),
    ({"language": "klingon"}, "'klingon' is not a language"),
])
def test_contradictory_options_are_refused(fields: dict[str, object], needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        MinutesOptions(**fields)  # type: ignore[arg-type]


def test_language_names_become_codes() -> None:
    assert MinutesOptions(language="German").language == "de"
    assert MinutesOptions(language="FR").language == "fr"
