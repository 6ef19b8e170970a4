"""The speaker timeline and talk-time chart: written beside minutes.md, linked from it and embedded in html/docx."""

from __future__ import annotations

import base64
import re
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

import hfkit

MEETING = """Dana: Good morning everyone, I'm Dana from finance. Let's review the budget for the launch.
Bob: Thanks Dana. I'm Bob. The mobile tests are still failing on two devices.
Dana: Bob, can you fix the mobile tests by Wednesday?
Bob: Yes, I will fix them by Wednesday.
Priya: I'm Priya. We decided to launch the search feature next month.
Dana: Great. Priya will draft the press release by next Friday.
Priya: I will send the draft to everyone.
"""


def test_minutes_write_the_speaker_chart_and_embed_it(tmp_path: Path) -> None:
    from matplotlib.image import imread

    notes = tmp_path / "notes.txt"
    notes.write_text(MEETING, encoding="utf-8")
    result = hfkit.minutes(notes)
    written = {p.name for p in result.write(tmp_path / "out", ["md", "html", "docx"], ())}
    assert written == {"minutes.md", "minutes.html", "minutes.docx", "speakers.png"}
    out = tmp_path / "out"
    image = imread(out / "speakers.png")
    assert image.shape[0] > 300 and image.shape[1] >= 800 and image[..., :3].std() > 0.1
    assert "![Who spoke when, and talk time per speaker](speakers.png)" in (out / "minutes.md").read_text()
    embedded = re.search(r'src="data:image/png;base64,([^"]+)"', (out / "minutes.html").read_text())
    assert embedded and base64.b64decode(embedded.group(1)) == (out / "speakers.png").read_bytes()
    with zipfile.ZipFile(out / "minutes.docx") as docx:
        assert any(name.startswith("word/media/") and name.endswith(".png") for name in docx.namelist())


def test_no_speakers_no_chart(tmp_path: Path) -> None:
    from hfkit.core.types import Segment
    from hfkit.minutes.render import speaker_chart

    assert speaker_chart([Segment(0, 0.0, 2.0, "hello")]) is None
    assert speaker_chart([Segment(0, 0.0, 2.0, "hello", speaker="Ana")]) is not None
