"""Helpers shared by the CLI commands: console, progress bars, option parsing."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from hfkit.core.errors import InputError

console = Console(stderr=True)
stdout = Console(highlight=False, soft_wrap=True)


def emit(text: str, end: str = "\n") -> None:
    """Print to stdout without markup and flush, so pipes see streamed output at once."""
    stdout.print(text, end=end, markup=False)
    stdout.file.flush()


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
