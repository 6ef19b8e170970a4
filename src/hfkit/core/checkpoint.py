"""Append-only JSON-lines checkpoints, the one format behind every resumable job (minutes, synth).

Line 1 is a header naming what is being made with every setting that changes the result; each later line is one
finished unit of work, written with fsync so a ``kill -9`` loses at most the unit in progress. A line cut short by
the kill (no newline, or not JSON) is truncated away on reading: only that line is lost.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from hfkit.core.config import cache_dir


def key_hash(settings: dict[str, Any]) -> str:
    """A short stable hash of ``settings`` (JSON with sorted keys)."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:24]


def cached_path(kind: str, settings: dict[str, Any]) -> Path:
    """A checkpoint file in the cache (``<cache>/<kind>-checkpoints/<hash>.jsonl``) for ``settings``."""
    folder = cache_dir() / f"{kind}-checkpoints"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key_hash(settings)}.jsonl"


class Checkpoint:
    """A header and records in a JSON-lines file; see the module docstring."""

    def __init__(self, path: Path, header: dict[str, Any]) -> None:
        self.path = path
        self.header = header

    def exists(self) -> bool:
        return self.path.exists()

    def start(self) -> None:
        """Begin a fresh checkpoint holding only the header."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._write({"kind": "header", **self.header}, mode="w")

    def append(self, record: dict[str, Any]) -> None:
        """Add one finished unit of work (durable once this returns)."""
        self._write(record, mode="a")

    def read(self) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The saved header (None when missing or unreadable) and the records after it."""
        if not self.path.exists():
            return None, []
        lines = self._complete_lines()
        if not lines or lines[0].get("kind") != "header":
            return None, []
        header = {k: v for k, v in lines[0].items() if k != "kind"}
        return header, lines[1:]

    def mismatch(self, saved: dict[str, Any]) -> str | None:
        """The first header field whose saved value differs from this run's, or None when all match."""
        keys = [*self.header, *(key for key in saved if key not in self.header)]
        return next((key for key in keys if saved.get(key) != self.header.get(key)), None)

    def records(self) -> list[dict[str, Any]] | None:
        """The saved records when the checkpoint belongs to this run (same header); None otherwise."""
        saved, records = self.read()
        return records if saved is not None and self.mismatch(saved) is None else None

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)

    def _write(self, record: dict[str, Any], mode: str) -> None:
        with open(self.path, mode, encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def _complete_lines(self) -> list[dict[str, Any]]:
        """Parsed lines up to the first that is cut short or unreadable; the file is truncated there."""
        data = self.path.read_bytes()
        lines: list[dict[str, Any]] = []
        good = 0
        for raw in data.splitlines(keepends=True):
            parsed = _parse(raw)
            if parsed is None:
                break
            lines.append(parsed)
            good += len(raw)
        if good < len(data):
            with open(self.path, "r+b") as handle:
                handle.truncate(good)
        return lines


def _parse(raw: bytes) -> dict[str, Any] | None:
    if not raw.endswith(b"\n"):
        return None
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None
