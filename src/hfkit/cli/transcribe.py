"""``hfkit transcribe``: audio or video files to timestamped text, subtitles and JSON."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from hfkit.backends.base import TranscribeOptions
from hfkit.cli.common import Timing, console, emit, emit_json, progress
from hfkit.cli.recordings import RayAddress, RayFlag, RayWorkers, is_batch, run_recordings, scale_options
from hfkit.core.audio import expand_inputs
from hfkit.core.paths import check_new_outputs, check_output_dir, created_dir
from hfkit.core.types import Segment
from hfkit.core.validation import check_device
from hfkit.scale.batch import TranscribeSettings
from hfkit.speech import get_transcriber
from hfkit.speech.writers import parse_formats, timestamp, write_outputs

DEFAULT_FORMATS = ["txt", "srt"]  # like whisper, which writes its formats without being asked


def transcribe_command(
    inputs: Annotated[list[Path], typer.Argument(help="Audio/video files or directories.", show_default=False)],
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="Model: whisper-tiny.en, whisper-base, a path, hub id or openai:<model>.")] = None,
    language: Annotated[str | None, typer.Option(help="Spoken language code (default: detect).")] = None,
    formats: Annotated[str, typer.Option("--format", "-f", show_default=False, help=(
        "Files to write: txt,srt,vtt,json, or all (default: txt,srt; all four for several recordings)."))] = "",
    output: Annotated[Path | None, typer.Option(
        "--output-dir", "-o", metavar="DIR", help="Folder for the --format files (default: here); with several recordings or --ray, one "
        "folder per recording plus manifest.jsonl.", show_default=False)] = None,
    whisper_format: Annotated[str | None, typer.Option("--output_format", hidden=True)] = None,
    whisper_dir: Annotated[Path | None, typer.Option("--output_dir", "--output", hidden=True)] = None,
    threads: Annotated[int | None, typer.Option("--threads", "-t", min=1, help="CPU threads (default: all cores).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the transcript as JSON on stdout (no segment lines).")] = False,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    no_vad: Annotated[bool, typer.Option("--no-vad", help="Transcribe silence too (default: Silero VAD skips it).")]
    = False,
    beam_size: Annotated[int, typer.Option(min=1, max=20)] = 5,
    batch_size: Annotated[int, typer.Option(min=0, help="Batched inference (faster on long files); 0 = sequential.")] = 0,
    base_url: Annotated[str | None, typer.Option(help="Base URL for openai: models.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print segments.")] = False,
    ray: RayFlag = False,
    ray_address: RayAddress = None,
    ray_workers: RayWorkers = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace existing --format files.")] = False,
) -> None:
    """Transcribe speech with timestamps; segments stream as they are decoded. Writes txt and srt by default."""
    if threads is not None:
        os.environ["HFKIT_THREADS"] = str(threads)
    formats, output = (whisper_format or formats).strip(), whisper_dir or output  # whisper's spellings too
    chosen = parse_formats("txt,srt,vtt,json" if formats.lower() == "all" else formats) if formats else []
    vad = not no_vad
    scale = scale_options(ray, ray_address, ray_workers)
    if is_batch(inputs, output, scale):
        assert output is not None
        settings = TranscribeSettings(model=model, device=device, base_url=base_url, language=language, vad=vad,
                                      beam_size=beam_size, batch_size=batch_size, **({"formats": chosen} if chosen else {}))
        run_recordings("transcribe", inputs, output, settings, scale, as_json)
        return
    output = output or Path(".")
    wanted = chosen or DEFAULT_FORMATS
    files = expand_inputs(inputs)
    options = TranscribeOptions(language=language, vad=vad, beam_size=beam_size, batch_size=batch_size)
    check_device(device)
    check_output_dir(output)
    check_new_outputs([output / f"{path.stem}.{fmt}" for path in files for fmt in wanted], overwrite)
    reports: list[dict[str, object]] = []
    timing = Timing()
    with created_dir(output):
        timing.start("load")
        transcriber = get_transcriber(model, device, base_url, language)
        for path in files:
            reports.append(_transcribe_one(transcriber, path, options, wanted, output, quiet or as_json, len(files) > 1,
                                           timing))
    if as_json:
        emit_json(reports[0] if len(reports) == 1 else reports)
    timing.done()


def _transcribe_one(transcriber: Any, path: Path, options: TranscribeOptions, wanted: list[str], output: Path,
                    quiet: bool, several: bool, timing: Timing) -> dict[str, object]:
    timing.start("transcribe")
    result = transcriber.transcribe(path, options)
    if several:
        console.print(f"[bold]{path}[/bold] ({result.info.language}, {result.info.duration:.1f} s)")
    segments = _collect(result.segments, result.info.duration, quiet)
    for warning in result.warnings:
        console.print(f"[yellow]{warning}[/yellow]")
    if not segments:
        console.print(f"[yellow]No speech found in {path}.[/yellow]")
    timing.start("write")
    written = write_outputs(result.info, segments, wanted, output, path.stem)
    for target in written:
        console.print(f"wrote {target}")
    return {"input": str(path), "language": result.info.language, "duration": result.info.duration,
            "text": " ".join(s.text.strip() for s in segments).strip(), "files": [str(t) for t in written],
            "segments": [{"start": s.start, "end": s.end, "text": s.text.strip(), "speaker": s.speaker}
                         for s in segments]}


def _collect(segments: object, duration: float, quiet: bool) -> list[Segment]:
    collected: list[Segment] = []
    with progress("s audio") as bar:
        task = bar.add_task("transcribing", total=max(duration, 0.01))
        for segment in segments:  # type: ignore[attr-defined]
            collected.append(segment)
            bar.update(task, completed=segment.end)
            if not quiet:
                span = f"[{timestamp(segment.start, '.', False)} -> {timestamp(segment.end, '.', False)}]"
                emit(f"{span} {segment.text}")
    return collected


def register(app: typer.Typer) -> None:
    app.command("transcribe")(transcribe_command)
