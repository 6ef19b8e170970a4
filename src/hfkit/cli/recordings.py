"""Shared by ``hfkit transcribe`` and ``hfkit minutes``: the --ray options and a batch of recordings with a manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.text import Text

from hfkit.cli.common import Timing, console, emit_json, output_dir, progress
from hfkit.core.errors import HfkitError, InputError
from hfkit.scale.executor import ScaleOptions

RayFlag = Annotated[bool, typer.Option("--ray", help="Run on Ray: a local Ray on this machine, or --ray-address.")]
RayAddress = Annotated[str | None, typer.Option("--ray-address", help="Join this Ray cluster (default: RAY_ADDRESS).",
                                                show_default=False)]
RayWorkers = Annotated[int | None, typer.Option("--ray-workers", min=1, help="Ray workers (default: one per CPU or GPU).",
                                                show_default=False)]


class BatchFailed(HfkitError):
    """Some recordings of a batch failed (the others were written)."""


def scale_options(ray: bool, address: str | None, workers: int | None) -> ScaleOptions:
    """``--ray-address`` or ``--ray-workers`` imply ``--ray``."""
    return ScaleOptions(ray=ray or address is not None or workers is not None, address=address, workers=workers)


def is_batch(inputs: list[Path], output: Path | None, scale: ScaleOptions) -> bool:
    """Several recordings (or a folder) with --output-dir, or --ray: one folder per recording and a manifest."""
    several = len(inputs) > 1 or any(p.is_dir() for p in inputs)
    if scale.ray and output is None:
        raise InputError("--ray writes one folder per recording under --output-dir.", "Pass --output-dir OUT.")
    return scale.ray or (several and output is not None)


def run_recordings(kind: str, inputs: list[Path], output: Path, settings: BaseModel, scale: ScaleOptions,
                   as_json: bool = False) -> None:
    """Run a batch, one line per recording and one bar over all; fail (non-zero exit) when any recording failed.
    With ``as_json`` the manifest lines of this run are printed as one JSON document; the timing line ends it."""
    from hfkit.scale.batch import expand, run_batch
    from hfkit.scale.executor import make_executor

    timing = Timing()
    files = expand(inputs)
    output_dir(output)
    timing.start("start workers")
    executor = make_executor(scale)
    try:
        with progress("recordings") as bar:
            task = bar.add_task(f"{kind} ({executor.name})", total=len(files))
            timing.start(f"{len(files)} recordings")
            result = run_batch(kind, files, output, settings, executor, on_item=_print_line,
                               on_progress=lambda done, total: bar.update(task, completed=done, total=max(total, 1)))
    finally:
        executor.close()
    if as_json:
        emit_json({"manifest": str(output / "manifest.jsonl"), "recordings": result.lines,
                   "skipped": result.skipped, "failed": len(result.failed)})
    timing.done()
    _summary(result, output)


def _print_line(line: dict[str, Any]) -> None:
    name = Path(line["input"]).name
    if line["status"] == "ok":
        note = " [yellow](no speech)[/yellow]" if line.get("no_speech") else ""
        console.print(f"[green]ok[/green] {name} -> {line['output_dir']}/ ({line['seconds']} s){note}", soft_wrap=True)
    else:
        console.print(Text.assemble(("failed ", "red"), f"{name}: {line['error']}"), soft_wrap=True)


def _summary(result: Any, output: Path) -> None:
    done = len(result.lines) - len(result.failed)
    skipped = f", {result.skipped} already complete (skipped)" if result.skipped else ""
    console.print(f"{done} of {len(result.lines)} recordings done{skipped}; manifest: {output / 'manifest.jsonl'}")
    if result.failed:
        raise BatchFailed(f"{len(result.failed)} of {len(result.lines)} recordings failed (their errors are in "
                          f"{output / 'manifest.jsonl'}).", "Fix or remove them and run the same command again: "
                          "finished recordings are skipped.")
