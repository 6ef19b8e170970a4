"""Cutting long audio into chunks at pauses: the same cuts from one array as from a stream of decoded blocks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hfkit.core import audio
from tests.helpers import write_wav

RATE = audio.SAMPLE_RATE


def _speech_with_pauses(seconds: int, pause_every: float) -> tuple[np.ndarray, list[float]]:
    """Noise (standing in for speech) with 0.4 s silences every ``pause_every`` seconds; returns the pause centres."""
    rng = np.random.default_rng(0)
    samples = (0.3 * rng.standard_normal(seconds * RATE)).astype(np.float32)
    centres = list(np.arange(pause_every, seconds, pause_every))
    for centre in centres:
        samples[int((centre - 0.2) * RATE):int((centre + 0.2) * RATE)] = 0.0
    return samples, centres


@pytest.mark.fast
def test_one_array_and_small_blocks_give_the_same_cuts_at_pauses() -> None:
    samples, centres = _speech_with_pauses(200, 7.0)
    whole = list(audio.cut_at_pauses([samples], 30.0, 10.0))
    blocks = list(audio.cut_at_pauses(np.array_split(samples, 997), 30.0, 10.0))
    assert [first for first, _ in whole] == [first for first, _ in blocks]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(whole, blocks, strict=True))
    assert sum(chunk.size for _, chunk in whole) == samples.size
    for first, chunk in whole[1:]:
        assert min(abs(first / RATE - c) for c in centres) < 0.2  # every cut inside a pause
        assert chunk.size <= (30.0 + 10.0) * RATE
    assert all(20.0 * RATE <= chunk.size <= 30.0 * RATE for _, chunk in whole[:-1])


@pytest.mark.fast
def test_stream_reads_a_file_in_chunks_that_rejoin_to_the_decoded_audio(tmp_path: Path) -> None:
    samples, _ = _speech_with_pauses(95, 5.0)
    path = tmp_path / "long.wav"
    write_wav(path, samples, RATE)
    chunks = list(audio.stream(path, chunk_seconds=20.0, search_seconds=5.0))
    assert len(chunks) >= 4 and chunks[0][0] == 0.0
    joined = np.concatenate([c for _, c in chunks])
    assert np.allclose(joined, audio.decode(path), atol=1e-4)
