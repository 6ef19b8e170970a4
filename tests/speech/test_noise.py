"""Whisper writes words on noise ("You", "Thank you.", "."): those segments are dropped, real speech keeps its words."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import hfkit
from hfkit.core.hallucination import is_hallucination
from hfkit.core.types import Segment, Word
from tests.helpers import wer, write_wav

RATE = 16000


def noise_bursts(seconds: int, seed: int) -> np.ndarray:
    """Room tone with filtered-noise bursts of 0.2-1.5 s (knocks, rustle, breath): the VAD lets some through."""
    rng = np.random.default_rng(seed)
    out = rng.normal(0, 0.003, seconds * RATE)
    pos = 0
    while pos < out.size - 2 * RATE:
        pos += int(rng.uniform(0.5, 6) * RATE)
        length = int(rng.uniform(0.2, 1.5) * RATE)
        burst = np.convolve(rng.normal(0, 1, length), np.hanning(int(rng.uniform(3, 40))), mode="same")
        burst *= np.abs(np.sin(np.linspace(0, np.pi * rng.uniform(1, 6), length)))
        out[pos:pos + length] += burst / (np.abs(burst).max() + 1e-9) * rng.uniform(0.05, 0.6)
        pos += length
    return np.clip(out, -1, 1).astype(np.float32)


def brown_noise(path: Path, seconds: int) -> Path:
    """Seeded brown noise (sox's is random per run, and on some draws whisper writes nothing unfiltered)."""
    walk = np.cumsum(np.random.default_rng(0).normal(0, 1, seconds * RATE))
    walk -= np.convolve(walk, np.ones(801) / 801, mode="same")
    return write_wav(path, 0.05 * walk / np.abs(walk).max())


@pytest.mark.fast
def test_the_rules_on_segments_seen_from_noise_and_from_speech() -> None:
    words = (Word(4.0, 4.0, " Thank", 0.02), Word(4.0, 4.04, " you.", 0.97))
    assert is_hallucination(Segment(0, 4.0, 4.04, "Thank you.", words, avg_logprob=-1.0, no_speech_prob=0.9))
    assert is_hallucination(Segment(0, 13.9, 15.3, ".", (Word(13.9, 15.3, ".", 0.1),), no_speech_prob=0.94))
    okay = Segment(0, 8.6, 9.1, "Okay.", (Word(8.6, 9.1, " Okay.", 0.31),), avg_logprob=-0.7, no_speech_prob=0.42)
    assert not is_hallucination(okay)  # a real, quiet, overlapped "Okay." from the AMI excerpt
    assert is_hallucination(okay, speech=[(20.0, 25.0)])  # the same words where the VAD heard no speech
    loop = Segment(0, 0, 5, "you " * 30, avg_logprob=-0.5, no_speech_prob=0.7)
    assert is_hallucination(loop) and not is_hallucination(Segment(0, 0, 5, "you " * 30, avg_logprob=-0.5))


@pytest.mark.slow  # about 30 s of decoding on 2 cores
def test_noise_gives_no_words_with_or_without_vad(tmp_path: Path) -> None:
    for seed in (1, 3):  # these two seeds made whisper write "Thank you." and "." before the filter
        assert list(hfkit.transcribe(write_wav(tmp_path / f"bursts{seed}.wav", noise_bursts(240, seed)))) == []
    brown = brown_noise(tmp_path / "brown.wav", 120)
    assert list(hfkit.transcribe(brown, vad=False)) == []
    unfiltered = list(hfkit.transcribe(brown, vad=False, drop_hallucinations=False))
    assert unfiltered, "whisper no longer writes words on this noise: the test would pass without the filter"


@pytest.mark.slow  # about 40 s: each shared English recording decoded twice
def test_real_speech_keeps_every_segment(shared_testdata: Path) -> None:
    audio = shared_testdata / "audio"
    # four_speakers_overlap.wav is left out: whisper falls back to sampling there, so two decodes of it differ
    # whatever the filter does (seen in this session's full run), and the comparison would not isolate the filter
    for name in ("jfk.wav", "two_speakers.wav", "stereo_diarization.wav", "hotwords.mp3"):
        kept = [s.text for s in hfkit.transcribe(audio / name)]
        everything = [s.text for s in hfkit.transcribe(audio / name, drop_hallucinations=False)]
        assert kept == everything, name
    references = json.loads((audio / "references.json").read_text())
    reference = next(r["reference_text"] for r in references if r["file"] == "jfk.wav")
    assert wer(reference, " ".join(s.text for s in hfkit.transcribe(audio / "jfk.wav"))) <= 0.1


@pytest.mark.fast
def test_a_truncated_file_says_how_much_was_read(tmp_path: Path, shared_testdata: Path) -> None:
    from hfkit.core.audio import shortfall

    whole = (shared_testdata / "audio" / "jfk.wav").read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole[: len(whole) // 3])
    note = shortfall(cut, (len(whole) // 3 - 44) / 2 / RATE)
    assert note is not None and "read 3.7 s of the 11.0 s" in note
    assert shortfall(shared_testdata / "audio" / "jfk.wav", 11.0) is None
