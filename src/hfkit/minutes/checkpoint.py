"""Resumable transcription: segments are appended to a checkpoint as they are decoded, so an interrupted
``hfkit minutes`` run continues where it stopped when started again on the same file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from hfkit.core.config import cache_dir
from hfkit.core.types import Segment, Word


def _segment(data: dict[str, Any]) -> Segment:
    words = tuple(Word(**w) for w in data.pop("words", ()))
    return Segment(**data, words=words)


class Checkpoint:
    """A JSON-lines file in the cache, keyed by the recording (path, size, mtime) and the speech settings."""

    def __init__(self, source: Path, settings: dict[str, Any]) -> None:
        stat = source.stat()
        key = json.dumps({"path": str(source.resolve()), "size": stat.st_size, "mtime": stat.st_mtime, **settings},
                         sort_keys=True)
        folder = cache_dir() / "minutes-checkpoints"
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.jsonl"

    def load(self) -> tuple[list[Segment], bool]:
        """Segments saved so far and whether the transcription had finished; nothing when unreadable."""
        if not self.path.exists():
            return [], False
        segments, done = [], False
        try:
            for line in self.path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                if record.get("done"):
                    done = True
                else:
                    segments.append(_segment(record))
        except (json.JSONDecodeError, TypeError):
            return [], False  # a line cut off by the interruption: start again
        return segments, done

    def append(self, segment: Segment) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(segment.to_dict()) + "\n")

    def finish(self) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write('{"done": true}\n')

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
