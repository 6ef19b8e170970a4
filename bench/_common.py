"""Shared helpers for the benchmarks: real speech joined into long recordings, machine description."""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
AUDIO = ROOT.parent / "shared" / "testdata" / "audio"
ENGLISH = ["jfk.wav", "two_speakers.wav", "four_speakers_overlap.wav", "stereo_diarization.wav", "hotwords.mp3"]


def real_speech(seconds: float) -> np.ndarray:
    """At least ``seconds`` of real English speech: the shared recordings joined, repeated as needed."""
    from hfkit.core.audio import decode

    pieces = [decode(AUDIO / name) for name in ENGLISH if (AUDIO / name).exists()]
    if not pieces:
        raise SystemExit("../shared/testdata/audio is needed for this benchmark")
    joined = np.concatenate(pieces)
    reps = int(np.ceil(seconds * 16000 / joined.size))
    return np.tile(joined, reps)[: int(seconds * 16000)]


def write_wav(path: Path, samples: np.ndarray) -> Path:
    import soundfile as sf

    sf.write(str(path), samples, 16000, subtype="PCM_16")
    return path


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def today() -> str:
    return datetime.date.today().isoformat()
