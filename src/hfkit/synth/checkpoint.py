"""Synth's use of the core checkpoint: the header says what is being made, each line is one finished batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hfkit.core import checkpoint as core
from hfkit.core.errors import InputError
from hfkit.synth.engine import State, Stats, stats_dict

# Header fields that must match for --resume to continue a checkpoint, with the option that sets each.
MUST_MATCH = {"spec_hash": "the spec", "seed": "--seed", "n": "-n", "settings": "the generation settings"}


def checkpoint_path(output: Path) -> Path:
    """Where the checkpoint of ``output`` lives (beside it, hidden)."""
    return output.with_name(f".{output.name}.checkpoint.jsonl")


class Checkpoint(core.Checkpoint):
    """Writes a run's progress so that ``--resume`` continues where a killed run stopped."""

    def __init__(self, path: Path, header: dict[str, Any]) -> None:
        super().__init__(path, header)
        self.saved = 0

    def resume(self) -> State:
        """The state saved in an existing checkpoint, after checking it belongs to this run."""
        saved, batches = self.read()
        if saved is None:
            raise InputError(f"Checkpoint '{self.path}' is unreadable.", "Delete it and run again with --overwrite.")
        key = self.mismatch(saved)
        if key is not None:
            raise InputError(
                f"The checkpoint was made with a different {MUST_MATCH.get(key, key)} ({key}: {saved.get(key)!r}, "
                f"now {self.header.get(key)!r}).",
                "Run with the same spec and options to resume, or use --overwrite to start again.",
            )
        state = State()
        for batch in batches:
            state.records.extend(batch["records"])
            state.next_draw = batch["next_draw"]
            state.stats = Stats(**batch["stats"])
        self.saved = len(state.records)
        return state

    def save(self, state: State) -> None:
        """Append the records kept since the last save (fsync'd, so a kill -9 loses at most one batch)."""
        self.append({"kind": "batch", "next_draw": state.next_draw, "records": state.records[self.saved:],
                     "stats": stats_dict(state.stats)})
        self.saved = len(state.records)
