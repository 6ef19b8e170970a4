"""Helpers shared by the CLI commands: console, progress bars, option parsing."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from hfkit.core.errors import InputError

console = Console(stderr=True)
stdout = Console(highlight=False, soft_wrap=True)


def emit(text: str, end: str = "\n") -> None:
    """Print to stdout without markup and flush, so pipes see streamed output at once."""
    stdout.print(text, end=end, markup=False)
    stdout.file.flush()


def emit_json(data: Any) -> None:
    """Print ``data`` as the one JSON document of a ``--json`` run on stdout."""
    emit(json.dumps(data, ensure_ascii=False, indent=2, default=str))


class Timing:
    """Wall time per stage of a long job; ``done()`` prints the one-line summary on stderr at the end."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}
        self._stage: str | None = None
        self._since = self.started

    def start(self, stage: str) -> None:
        """End the running stage (if any) and start ``stage``; a stage started again adds to its time."""
        now = time.perf_counter()
        if self._stage is not None:
            self.seconds[self._stage] = self.seconds.get(self._stage, 0.0) + now - self._since
        self._stage, self._since = stage, now

    def line(self) -> str:
        """``Timing: decode 1.2 s · speech 30.4 s · total 31.6 s`` (ends the running stage)."""
        self.start("")
        self._stage = None
        stages = [f"{name} {seconds:.1f} s" for name, seconds in self.seconds.items() if name]
        return "Timing: " + " · ".join([*stages, f"total {time.perf_counter() - self.started:.1f} s"])

    def done(self) -> None:
        """Print the summary line on stderr."""
        console.print(self.line(), markup=False, highlight=False, soft_wrap=True)


def progress(unit: str = "s") -> Progress:
    """A progress bar on stderr, so stdout stays clean for pipes."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} " + unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        redirect_stdout=stdout.is_terminal and console.is_terminal,
        redirect_stderr=False,
    )


def output_dir(path: Path) -> Path:
    """Create ``path`` if needed, or fail with a clear message when it cannot be written."""
    if path.exists() and not path.is_dir():
        raise InputError(f"Output directory '{path}' is a file.", "Pass a directory with --output-dir.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Cannot create output directory '{path}' ({exc.strerror}).", "Choose another --output-dir.") from exc
    return path
