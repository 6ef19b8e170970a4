"""Decode any audio or video file that PyAV reads into 16 kHz mono float32 samples."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
        raise AudioError(f"File '{path}' is empty (0 bytes).", "Pass a recording with audio or a transcript with text.")
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
        raise _undecodable(path, exc) from exc
    if samples.size == 0:
        raise AudioError(f"'{path}' contains no audio samples.", "Check that the recording is not truncated.")
    return np.asarray(samples, dtype=np.float32)


def duration(path: Path) -> float | None:
    """Length in seconds from the container's metadata (no decoding), or None when it is not recorded."""
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if container.duration:
                return float(container.duration / av.time_base)
            stream = container.streams.audio[0]
            return float(stream.duration * stream.time_base) if stream.duration and stream.time_base else None
    except (av.error.FFmpegError, IndexError):
        return None


def announced_duration(path: Path) -> float | None:
    """The length the file's header announces (a WAV header's frame count, else the container's metadata)."""
    if path.suffix.lower() == ".wav":
        import wave

        try:
            with wave.open(str(path), "rb") as header:
                return header.getnframes() / header.getframerate()
        except (wave.Error, EOFError, OSError):
            pass
    return duration(path)


def shortfall(path: Path, seconds_read: float) -> str | None:
    """One sentence when fewer seconds were read from ``path`` than its header announces (a truncated file)."""
    announced = announced_duration(path)
    if announced is None or seconds_read >= announced - max(1.0, 0.01 * announced):
        return None
    return (f"'{path.name}' ends early: read {seconds_read:.1f} s of the {announced:.1f} s its header announces "
            "(the file looks truncated; only what was read is transcribed).")


def _blocks(path: Path, sample_rate: int) -> Iterator[np.ndarray]:
    import av
    import numpy as np

    with av.open(str(path), metadata_errors="ignore") as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=sample_rate)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                yield out.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
        for out in resampler.resample(None):
            yield out.to_ndarray().reshape(-1).astype(np.float32) / 32768.0


def stream(path: Path, chunk_seconds: float = 600.0, search_seconds: float = 30.0,
           sample_rate: int = SAMPLE_RATE) -> Iterator[tuple[float, np.ndarray]]:
    """Decode ``path`` piece by piece: (offset in seconds, samples) chunks of about ``chunk_seconds`` cut at pauses.

    Memory stays bounded however long the recording is.
    """
    import av

    check_file(path)
    empty = True
    try:
        for first, chunk in cut_at_pauses(_blocks(path, sample_rate), chunk_seconds, search_seconds, sample_rate):
            empty = False
            yield first / sample_rate, chunk
    except (av.error.FFmpegError, ValueError, IndexError, StopIteration) as exc:
        raise _undecodable(path, exc) from exc
    if empty:
        raise AudioError(f"'{path}' contains no audio samples.", "Check that the recording is not truncated.")


def cut_at_pauses(blocks: Iterable[np.ndarray], chunk_seconds: float, search_seconds: float = 30.0,
                  sample_rate: int = SAMPLE_RATE) -> Iterator[tuple[int, np.ndarray]]:
    """(first sample, samples) chunks of about ``chunk_seconds`` from consecutive blocks of samples.

    Each cut falls at the quietest moment of the last ``search_seconds`` of a chunk, so words are not split. One
    block holding a whole recording is cut without copying; a stream of small decoded blocks is joined as it comes.
    """
    import numpy as np

    size = int(chunk_seconds * sample_rate)
    search = int(min(search_seconds, chunk_seconds / 2) * sample_rate)
    pending: list[np.ndarray] = []
    buffered = offset = 0
    for block in blocks:
        pending.append(block)
        buffered += block.size
        if buffered < size + search:
            continue
        joined = pending[0] if len(pending) == 1 else np.concatenate(pending)
        while joined.size >= size + search:
            cut = quiet_cut(joined, size - search, size, sample_rate)
            yield offset, joined[:cut]
            offset, joined = offset + cut, joined[cut:]
        pending, buffered = [joined], joined.size
    if buffered:
        yield offset, pending[0] if len(pending) == 1 else np.concatenate(pending)


def quiet_cut(samples: np.ndarray, start: int, stop: int, sample_rate: int = SAMPLE_RATE) -> int:
    """Index of the centre of the quietest 100 ms window between ``start`` and ``stop``."""
    import numpy as np

    window = sample_rate // 10
    region = samples[start:stop]
    count = max(1, region.size // window)
    energy = np.square(region[: count * window]).reshape(count, -1).mean(axis=1)
    return start + int(np.argmin(energy)) * window + window // 2


def write_wav(path: Path, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Path:
    """Write float samples in [-1, 1] as a 16-bit mono WAV file."""
    import wave

    import numpy as np

    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm.tobytes())
    return path


def _undecodable(path: Path, exc: Exception) -> AudioError:
    return AudioError(
        f"'{path}' could not be decoded as audio or video ({type(exc).__name__}).",
        "Check that the file is a complete recording in a common format (wav, mp3, m4a, flac, mp4...).",
    )


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
