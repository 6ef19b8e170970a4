"""Decode any audio or video file that PyAV reads into 16 kHz mono float32 samples."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hfkit.core.errors import AudioError, InputError

if TYPE_CHECKING:
    import numpy as np

SAMPLE_RATE = 16000
AUDIO_SUFFIXES = frozenset(
    ".wav .flac .mp3 .m4a .aac .ogg .oga .opus .wma .webm .mp4 .mkv .mov .avi .aiff .aif .amr .3gp .mka".split()
)


def check_file(path: Path) -> Path:
    """Fail with a clear message when ``path`` is missing, a directory or empty."""
    if not path.exists():
        raise InputError(f"File '{path}' does not exist.", "Check the path and try again.")
    if path.is_dir():
        raise InputError(f"'{path}' is a directory, not a file.", "Pass the audio files inside it.")
    if path.stat().st_size == 0:
        raise AudioError(f"File '{path}' is empty.", "Pass a recording that contains audio.")
    return path


def decode(path: Path, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Decode ``path`` to mono float32 at ``sample_rate``; raise AudioError for anything unreadable."""
    import av
    import numpy as np
    from faster_whisper.audio import decode_audio

    check_file(path)
    try:
        samples = decode_audio(str(path), sampling_rate=sample_rate)
    except (av.error.FFmpegError, ValueError, IndexError, StopIteration) as exc:
        raise AudioError(
            f"'{path}' could not be decoded as audio or video ({type(exc).__name__}).",
            "Check that the file is a complete recording in a common format (wav, mp3, m4a, flac, mp4...).",
        ) from exc
    if samples.size == 0:
        raise AudioError(f"'{path}' contains no audio samples.", "Check that the recording is not truncated.")
    return np.asarray(samples, dtype=np.float32)


def expand_inputs(paths: list[Path]) -> list[Path]:
    """Expand directories to the audio and video files inside them (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)
            if not found:
                raise InputError(
                    f"Directory '{path}' contains no audio or video files.",
                    f"Put files ending in {', '.join(sorted(AUDIO_SUFFIXES)[:6])}... there, or pass files directly.",
                )
            files.extend(found)
        else:
            files.append(check_file(path))
    return files
