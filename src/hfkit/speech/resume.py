"""Resumable transcription: each finished window is appended to a checkpoint, and a rerun on the same recording
with the same settings replays the saved windows and decodes only the rest, on the same window grid, in the same
language, so the transcript is exactly that of an uninterrupted run."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hfkit.backends.base import TranscribeOptions, Transcriber, Transcription, Window
from hfkit.core import checkpoint as core
from hfkit.core.types import Segment, Word

if TYPE_CHECKING:
    from hfkit.backends.base import Audio

FORMAT = 2  # bump when the saved lines change meaning


def checkpoint_for(source: Path, transcriber: Transcriber, options: TranscribeOptions) -> core.Checkpoint:
    """The checkpoint of ``source`` (path, size, modification time) transcribed with these exact settings."""
    stat = source.stat()
    header = {"format": FORMAT, "path": str(source.resolve()), "size": stat.st_size, "mtime": stat.st_mtime,
              "supports_samples": transcriber.supports_samples, **transcriber.settings(options)}
    return core.Checkpoint(core.cached_path("transcribe", header), header)


def transcribe_resumable(transcriber: Transcriber, audio: Audio, options: TranscribeOptions,
                         checkpoint: core.Checkpoint | None) -> Transcription:
    """``transcriber.transcribe(audio, options)``, continuing ``checkpoint`` and saving each window to it."""
    if checkpoint is None:
        return transcriber.transcribe(audio, options)
    saved = [_window(record) for record in checkpoint.records() or ()]
    if not saved:
        checkpoint.start()
    resumed = options.model_copy(update={"language": saved[0].language}) if saved and not options.language else options
    fresh = transcriber.windows(audio, resumed, saved[-1].end if saved else 0.0)
    windows = itertools.chain(saved, (_saving(window, checkpoint) for window in fresh))
    return transcriber.from_windows(audio, options, windows)  # info as an uninterrupted run reports it


def _saving(window: Window, checkpoint: core.Checkpoint) -> Window:
    def segments() -> Iterator[Segment]:
        done: list[Segment] = []
        for segment in window.segments:
            done.append(segment)
            yield segment
        checkpoint.append(_record(window, done))

    return Window(window.start, window.end, window.language, window.language_probability, segments())


def _record(window: Window, segments: list[Segment]) -> dict[str, Any]:
    return {"kind": "window", "start": window.start, "end": window.end, "language": window.language,
            "language_probability": window.language_probability, "segments": [s.to_dict() for s in segments]}


def _window(record: dict[str, Any]) -> Window:
    segments = [_segment(data) for data in record["segments"]]
    return Window(record["start"], record["end"], record["language"], record["language_probability"], iter(segments))


def _segment(data: dict[str, Any]) -> Segment:
    words = tuple(Word(**w) for w in data.get("words", ()))
    return Segment(**{**data, "words": words})


__all__ = ["checkpoint_for", "transcribe_resumable"]
