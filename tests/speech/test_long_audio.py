"""Long recordings are decoded and transcribed in chunks cut at pauses, so memory stays bounded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import hfkit
from hfkit.core import audio
from tests.helpers import wer, write_wav

JFK = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."


@pytest.fixture()
def five_speeches(tmp_path: Path, shared_testdata: Path) -> Path:
    speech = audio.decode(shared_testdata / "audio" / "jfk.wav")
    pause = np.zeros(16000)
    return write_wav(tmp_path / "five.wav", np.concatenate([np.concatenate([speech, pause]) for _ in range(5)]))


def test_stream_chunks_cover_the_recording_and_cut_in_pauses(five_speeches: Path) -> None:
    whole = audio.decode(five_speeches)
    chunks = list(audio.stream(five_speeches, chunk_seconds=20, search_seconds=8))
    assert len(chunks) >= 2
    joined = np.concatenate([c for _, c in chunks])
    assert abs(joined.size - whole.size) <= 160
    assert np.allclose(joined[: whole.size - 160], whole[: whole.size - 160], atol=1e-3)
    for offset, _ in chunks[1:]:
        start = int(offset * 16000)
        assert np.abs(whole[start - 800:start + 800]).max() < 0.05  # the cut sits in a quiet stretch


@pytest.mark.parametrize("as_samples", [False, True])
def test_chunked_transcription_matches_and_times_are_absolute(five_speeches: Path, as_samples: bool) -> None:
    result = hfkit.transcribe(audio.decode(five_speeches) if as_samples else five_speeches, window_seconds=20)
    assert result.info.duration == pytest.approx(60.0, abs=0.2)
    segments = list(result)
    text = " ".join(s.text for s in segments)
    assert wer(" ".join([JFK] * 5), text) <= 0.15  # every repetition is there, none lost at a cut
    assert [s.id for s in segments] == list(range(len(segments)))
    starts = [s.start for s in segments]
    assert starts == sorted(starts) and segments[-1].end > 50
    assert all(s.start <= w.start <= w.end <= s.end + 0.5 for s in segments for w in s.words)


def test_quiet_cut_finds_the_silence() -> None:
    rng = np.random.default_rng(1)
    samples = rng.uniform(-0.5, 0.5, 16000 * 10).astype(np.float32)
    samples[16000 * 6: 16000 * 6 + 4000] = 0
    cut = audio.quiet_cut(samples, 16000 * 4, 16000 * 9)
    assert 16000 * 6 <= cut <= 16000 * 6 + 4000
