"""The grounded engine on a written transcript: every item extracted from, and citing, the words said."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hfkit.minutes.api import minutes
from hfkit.minutes.llm import supports
from hfkit.minutes.model import Minutes, MinutesOptions
from tests.helpers import run_cli


@pytest.fixture
def result(meeting_txt: Path) -> object:
    return minutes(meeting_txt, options=MinutesOptions(date="2026-03-02"))


def test_minutes_from_text_transcript(result: object, meeting_txt: Path) -> None:
    m: Minutes = result.minutes  # type: ignore[attr-defined]
    talk = meeting_txt.read_text()
    assert m.attendees == ["Bob", "Dana", "Lee"]  # named from "I'm Dana", "thanks, Bob", "I'm Lee"
    assert m.date == "2026-03-02"
    owners = {(a.owner, a.task, a.due) for a in m.action_items}
    assert ("Bob", "Send the revised budget to the board", "2026-03-06") in owners
    assert ("Dana", "Review the vendor contracts", "2026-03-10") in owners
    assert any("cap the marketing budget" in d.text for d in m.decisions)
    assert any("carried unanimously" in d.text for d in m.decisions)
    assert any("April" in q.text for q in m.open_questions)
    for item in [*m.decisions, *m.action_items, *m.open_questions]:
        assert item.citation.quote in talk.replace("{disfmarker} Um, we", "We")
        assert item.citation.end >= item.citation.start
    lead, *reports = m.summary.split(". ")
    assert lead.startswith("The meeting of Bob, Dana and Lee discussed ")
    for sentence in reports:  # the summary reports what was said, in the third person, and nothing else
        speaker, _, said = sentence.partition(" said that ")
        said = re.sub(r"\b(?:the group|they|their|them|themselves)(?:'\w+)?\b", "", said)
        assert speaker in m.attendees and supports(talk, said, 0.9), sentence
    assert "{disfmarker}" not in m.summary and "Um," not in m.summary


def test_markdown_layout(result: object) -> None:
    md = result.to_markdown()  # type: ignore[attr-defined]
    lines = md.splitlines()
    assert lines[0].startswith("# Meeting Minutes - ")
    for heading in ("**Date:** 2026-03-02", "**Attendees:** Bob, Dana, Lee", "## Summary", "## Key Discussion Points",
                    "## Decisions", "## Action Items", "## Next Steps"):
        assert heading in md
    # the text transcript has no times: items show their turn, not an invented clock time (was "[00:..]")
    assert '- **Bob**: Send the revised budget to the board (due 2026-03-06, "Friday") [turn ' in md


def test_cli_writes_every_format(meeting_txt: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    rc = run_cli(["minutes", str(meeting_txt), "-o", str(out), "--format", "md,json,docx,html", "--title", "Budget",
                  "--date", "2026-03-02", "--speaker-names", "SPEAKER_02=Lee Park"])
    assert rc == 0
    captured = capsys.readouterr()
    assert "# Meeting Minutes - Budget" in captured.out
    names = sorted(p.name for p in out.iterdir())
    assert names == ["minutes.docx", "minutes.html", "minutes.json", "minutes.md", "speakers.png", "transcript.json",
                     "transcript.srt", "transcript.txt", "transcript.vtt"]
    data = Minutes.model_validate_json((out / "minutes.json").read_text())
    assert data.title == "Budget" and "Lee Park" in data.attendees
    assert "<h2>Action Items</h2>" in (out / "minutes.html").read_text()
    import docx

    text = "\n".join(p.text for p in docx.Document(str(out / "minutes.docx")).paragraphs)
    assert "Send the revised budget to the board" in text
    transcript = json.loads((out / "transcript.json").read_text())
    assert transcript["segments"][0]["speaker"] == "Dana"


def test_transcript_json_from_hfkit_is_accepted(tmp_path: Path, meeting_txt: Path) -> None:
    first = minutes(meeting_txt)
    written = first.write(tmp_path, ["json"], ["json"])
    again = minutes(tmp_path / "transcript.json", options=MinutesOptions(date="2026-03-02"))
    assert written[-1].name == "transcript.json"
    assert {a.owner for a in again.minutes.action_items} == {"Bob", "Dana"}


def test_qmsum_meeting(shared_testdata: Path) -> None:
    from hfkit.minutes.api import minutes_from_segments
    from hfkit.minutes.transcript import parse_json

    data = json.loads((shared_testdata / "meetings/qmsum/IS1003a.json").read_text())
    result = minutes_from_segments(parse_json(data))
    m = result.minutes
    speakers = {t["speaker"] for t in data["meeting_transcripts"]}
    assert 40 <= len(m.summary.split()) <= 250
    assert len(m.key_points) >= 2
    assert all(a.owner in speakers or a.owner == "the group" for a in m.action_items)
    assert "{vocalsound}" not in result.to_markdown()


def test_location_next_steps_and_takeaways_when_said() -> None:
    from hfkit.minutes.api import minutes_from_segments
    from hfkit.minutes.transcript import parse_text

    talk = ("Ana: Welcome everyone, we are meeting at the Boston office today.\n"
            "Raj: The important thing is that the pilot customers renewed their contracts.\n"
            "Ana: We need to hire two more support engineers before the summer.\n"
            "Raj: The next meeting will review the hiring plan in detail.\n")
    m = minutes_from_segments(parse_text(talk)).minutes
    assert m.location == "Boston"
    assert any("support engineers" in step for step in m.next_steps)
    assert any("pilot customers renewed" in t for t in m.takeaways)
    assert m.date is None and "**Date:** not stated" in minutes_from_segments(parse_text(talk)).to_markdown()


def test_minutes_stream_segments_as_they_are_made(tmp_path: Path) -> None:
    from hfkit.minutes.api import minutes

    source = tmp_path / "meeting.txt"
    source.write_text("Alice: We decided to ship on Friday.\nBob: I will write the notes by Thursday.\n")
    seen: list[str] = []
    result = minutes(source, on_segment=lambda segment: seen.append(segment.text))
    assert seen == [s.text for s in result.segments] and len(seen) == 2
