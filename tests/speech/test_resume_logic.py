"""The checkpoint format and window replay, with a scripted engine (the real-engine runs are in tests/minutes)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from hfkit.backends.base import TranscribeOptions, Transcriber, Window
from hfkit.core.checkpoint import Checkpoint
from hfkit.core.types import Segment, Word
from hfkit.speech.resume import transcribe_resumable

RATE = 16000


class Scripted(Transcriber):
    """One segment per window whose text names the window's start, language and the options it was given."""

    name = "scripted"

    def __init__(self) -> None:
        self.calls: list[tuple[float, str | None]] = []

    def transcribe_window(self, samples: np.ndarray, options: TranscribeOptions, start: float, end: float) -> Window:
        self.calls.append((round(start, 3), options.language))
        language = options.language or "de"
        segment = Segment(0, start, end, f"{start:.2f}-{end:.2f} {language} beam {options.beam_size}",
                          (Word(start, end, "w", 0.9),))
        return Window(start, end, language, 0.8, iter([segment]))


def _recording(seconds: int = 100) -> np.ndarray:
    rng = np.random.default_rng(0)
    samples = rng.normal(0, 0.1, RATE * seconds).astype(np.float32)
    for pause in (17, 41, 63, 88):
        samples[RATE * pause: RATE * pause + RATE // 2] = 0.0
    return samples


OPTIONS = TranscribeOptions(window_seconds=20)


@pytest.mark.fast
def test_windows_are_cut_at_pauses_and_numbered_on_the_recording_clock() -> None:
    segments = list(Scripted().transcribe(_recording(), OPTIONS))
    assert [s.id for s in segments] == list(range(len(segments)))
    assert segments[0].start == 0 and segments[-1].end == pytest.approx(100)
    assert all(a.end == b.start for a, b in itertools.pairwise(segments))
    assert any(17 <= s.end <= 17.5 for s in segments)  # a cut inside the pause at 17 s


@pytest.mark.fast
def test_a_resumed_run_replays_saved_windows_and_keeps_their_language(tmp_path: Path) -> None:
    audio = _recording()
    uninterrupted = Scripted().transcribe(audio, OPTIONS)
    expected = [s.to_dict() for s in uninterrupted]
    checkpoint = Checkpoint(tmp_path / "c.jsonl", {"model": "scripted"})
    interrupted = transcribe_resumable(Scripted(), audio, OPTIONS, checkpoint)
    taken = [next(interrupted.segments) for _ in range(3)]  # the third window is decoded but not yet saved
    assert len(taken) == 3
    assert checkpoint.path.read_bytes().count(b"\n") == 3  # header + two finished windows
    engine = Scripted()
    resumed = transcribe_resumable(engine, audio, OPTIONS, checkpoint)
    assert [s.to_dict() for s in resumed] == expected
    assert resumed.info == uninterrupted.info
    assert engine.calls[0][1] == "de"  # the language detected before the interruption, not detected anew
    assert engine.calls[0][0] == pytest.approx(expected[2]["start"])  # saved windows were not decoded again
    assert len(engine.calls) == len(expected) - 2


@pytest.mark.fast
def test_a_torn_last_line_loses_only_that_line(tmp_path: Path) -> None:
    checkpoint = Checkpoint(tmp_path / "c.jsonl", {"model": "x", "beam_size": 5})
    checkpoint.start()
    checkpoint.append({"n": 1})
    checkpoint.append({"n": 2})
    with checkpoint.path.open("ab") as handle:
        handle.write(b'{"n": 3, "segm')
    assert checkpoint.records() == [{"n": 1}, {"n": 2}]
    assert checkpoint.path.read_bytes().endswith(b'{"n": 2}\n')  # truncated, so the next append is whole
    checkpoint.append({"n": 3})
    assert [json.loads(line)["n"] for line in checkpoint.path.read_text().splitlines()[1:]] == [1, 2, 3]


@pytest.mark.fast
def test_a_checkpoint_made_with_other_settings_is_not_used(tmp_path: Path) -> None:
    Checkpoint(tmp_path / "c.jsonl", {"model": "x", "beam_size": 5}).start()
    other = Checkpoint(tmp_path / "c.jsonl", {"model": "x", "beam_size": 1})
    saved, _ = other.read()
    assert saved is not None and other.mismatch(saved) == "beam_size"
    assert other.records() is None


@pytest.mark.fast
def test_the_checkpoint_key_holds_every_setting_that_changes_the_words(tmp_path: Path) -> None:
    from hfkit.speech.resume import checkpoint_for

    source = tmp_path / "a.wav"
    source.write_bytes(b"RIFF")
    paths = {checkpoint_for(source, Scripted(), TranscribeOptions(**change)).path
             for change in ({}, {"beam_size": 1}, {"language": "en"}, {"vad": False}, {"window_seconds": 60},
                            {"temperature": 0.2}, {"initial_prompt": "x"})}
    assert len(paths) == 7


class WholeFile(Transcriber):
    """A remote-style engine: whole files only."""

    name = "remote"
    supports_samples = False

    def transcribe_file(self, path: Path, options: TranscribeOptions) -> Iterator[Segment]:  # type: ignore[override]
        from hfkit.backends.base import Transcription
        from hfkit.core.types import TranscriptionInfo

        assert path.suffix == ".wav" and path.stat().st_size > 1000
        segments = [Segment(i, i * 10.0, i * 10.0 + 9, f"part {i}") for i in range(10)]
        return Transcription(TranscriptionInfo(str(path), "en", 1.0, 100.0, self.name), iter(segments))  # type: ignore[return-value]


@pytest.mark.fast
def test_a_whole_file_engine_resumed_returns_the_whole_transcript(tmp_path: Path) -> None:
    audio = _recording()
    checkpoint = Checkpoint(tmp_path / "c.jsonl", {"model": "remote"})
    interrupted = transcribe_resumable(WholeFile(), audio, OPTIONS, checkpoint)
    next(interrupted.segments)  # stopped inside its only window
    resumed = list(transcribe_resumable(WholeFile(), audio, OPTIONS, checkpoint))
    assert [s.text for s in resumed] == [f"part {i}" for i in range(10)]
    again = list(transcribe_resumable(WholeFile(), audio, OPTIONS, checkpoint))  # from the finished checkpoint
    assert [s.text for s in again] == [f"part {i}" for i in range(10)]
