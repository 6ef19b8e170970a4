"""Append-only checkpoints: a header line (what is being made) and one line per finished batch."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hfkit.core.errors import InputError
from hfkit.synth.engine import State, Stats, stats_dict

# Header fields that must match for --resume to continue a checkpoint, with the option that sets each.
MUST_MATCH = {"spec_hash": "the spec", "seed": "--seed", "n": "-n", "settings": "the generation settings"}


def checkpoint_path(output: Path) -> Path:
    """Where the checkpoint of ``output`` lives (beside it, hidden)."""
    return output.with_name(f".{output.name}.checkpoint.jsonl")


class Checkpoint:
    """Writes a run's progress so that ``--resume`` continues where a killed run stopped."""

    def __init__(self, path: Path, header: dict[str, Any]) -> None:
        self.path = path
        self.header = header
        self.saved = 0

    def start(self) -> None:
        """Begin a fresh checkpoint."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._append({"kind": "header", **self.header}, mode="w")

    def resume(self) -> State:
        """The state saved in an existing checkpoint, after checking it belongs to this run."""
        lines = self._complete_lines()
        if not lines or lines[0].get("kind") != "header":
            raise InputError(f"Checkpoint '{self.path}' is unreadable.", "Delete it and run again with --overwrite.")
        saved = lines[0]
        for key, option in MUST_MATCH.items():
            if saved.get(key) != self.header.get(key):
                raise InputError(
                    f"The checkpoint was made with a different {option} ({key}: {saved.get(key)!r}, "
                    f"now {self.header.get(key)!r}).",
                    "Run with the same spec and options to resume, or use --overwrite to start again.",
                )
        state = State()
        for line in lines[1:]:
            state.records.extend(line["records"])
            state.next_draw = line["next_draw"]
            state.stats = Stats(**line["stats"])
        self.saved = len(state.records)
        return state

    def save(self, state: State) -> None:
        """Append the records kept since the last save (fsync'd, so a kill -9 loses at most one batch)."""
        line = {"kind": "batch", "next_draw": state.next_draw, "records": state.records[self.saved:],
                "stats": stats_dict(state.stats)}
        self._append(line, mode="a")
        self.saved = len(state.records)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)

    def _append(self, line: dict[str, Any], mode: str) -> None:
        with open(self.path, mode, encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def _complete_lines(self) -> list[dict[str, Any]]:
        """Parsed lines; a line cut short by a kill is dropped and truncated away."""
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            with open(self.path, "r+b") as handle:
                handle.truncate(end)
        return [json.loads(line) for line in data[:end].decode("utf-8").splitlines() if line.strip()]
