"""Fixtures for the minutes tests: a written meeting transcript and the sample recording's minutes."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample_meeting.wav"

MEETING = """\
SPEAKER_00: Good morning everyone, I'm Dana from finance. Let's get started with the budget review.
SPEAKER_01: Thanks Dana. The marketing budget went over by ten percent last quarter, mostly because of the trade show.
SPEAKER_00: {disfmarker} Um, we decided to cap the marketing budget at fifty thousand dollars for the next quarter.
SPEAKER_01: I'll send the revised budget to the board by Friday.
SPEAKER_00: Great, thanks, Bob.
SPEAKER_01: Dana, can you review the vendor contracts before March 10th?
SPEAKER_00: Sure, I will review the vendor contracts.
SPEAKER_02: I'm Lee from sales. The trade show brought in forty new leads, so the money was well spent.
SPEAKER_01: Should we move the product launch to April?
SPEAKER_02: The motion to move the launch to April carried unanimously.
"""


@pytest.fixture
def meeting_txt(tmp_path: Path) -> Path:
    path = tmp_path / "meeting.txt"
    path.write_text(MEETING)
    return path


@pytest.fixture(scope="session")
def sample_result() -> object:
    """Minutes of the committed sample recording (full pipeline: speech, speakers, minutes), made once."""
    from hfkit.minutes.api import minutes
    from hfkit.minutes.model import MinutesOptions

    if not SAMPLE.exists():
        pytest.skip("examples/sample_meeting.wav is missing")
    return minutes(SAMPLE, options=MinutesOptions(date="2026-03-02"))
