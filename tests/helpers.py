"""Small utilities for tests: text normalisation, WER, audio files made on the fly."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np


def normalize(text: str) -> str:
    text = re.sub(r"[^a-z0-9' ]+", " ", text.lower())
    return " ".join(text.split())


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return float(jiwer.wer(normalize(reference), normalize(hypothesis)))


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    import soundfile as sf

    sf.write(str(path), samples.astype(np.float32), rate, subtype="PCM_16")
    return path


def run_cli(args: list[str]) -> int:
    from hfkit.cli.main import main

    return main(args)
