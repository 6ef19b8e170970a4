"""``hfkit minutes``: a meeting recording or transcript to minutes (markdown, JSON, docx, html) and transcripts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TaskID

from hfkit.cli.common import Timing, console, emit_json, output_dir, progress, stdout
from hfkit.cli.recordings import RayAddress, RayFlag, RayWorkers, is_batch, run_recordings, scale_options
from hfkit.core.audio import check_file
from hfkit.core.errors import InputError
from hfkit.core.paths import check_new_outputs, check_output_dir
from hfkit.minutes.api import STAGES, minutes, minutes_outputs
from hfkit.minutes.engines import ENGINES
from hfkit.minutes.model import MinutesOptions
from hfkit.minutes.render import parse_formats
from hfkit.minutes.speakers import parse_speaker_names, unmet_speaker_count
from hfkit.scale.batch import MinutesSettings


class StageProgress:
    """A rich progress bar per stage, started on the first report so early errors print one clean line."""

    def __init__(self, timing: Timing | None = None) -> None:
        self.bar: Progress | None = None
        self.tasks: dict[str, TaskID] = {}
        self.timing = timing

    def __call__(self, stage: str, done: float, total: float) -> None:
        if self.bar is None:
            self.bar = progress("")
            self.bar.start()
        if stage not in self.tasks:
            if self.timing is not None:
                self.timing.start(stage)
            self.tasks[stage] = self.bar.add_task(f"{STAGES.index(stage) + 1}/{len(STAGES)} {stage}")
        self.bar.update(self.tasks[stage], completed=done, total=max(total, 0.01))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def build_options(engine: str, llm: str | None, **fields: object) -> MinutesOptions:
    """Options from CLI values, naming the valid engines when one is unknown."""
    if engine not in ENGINES:
        raise InputError(f"Unknown engine '{engine}'.", f"Choose one of: {', '.join(ENGINES)}.")
    return MinutesOptions(engine=engine, llm=llm, **fields)  # type: ignore[arg-type]


def minutes_command(
    inputs: Annotated[list[Path], typer.Argument(help="Recordings (audio/video), transcript .json or 'Speaker: text' .txt.",
                                                 show_default=False)],
    output: Annotated[Path | None, typer.Option(
        "--output-dir", "-o", metavar="DIR", help="Folder for the files (default: <name>-minutes); with several recordings or --ray, one "
        "folder per recording plus manifest.jsonl.")] = None,
    old_output: Annotated[Path | None, typer.Option("--output", hidden=True)] = None,
    formats: Annotated[str, typer.Option("--format", "-f", help="Minutes files: md,json,docx,html.")] = "md,json",
    engine: Annotated[str, typer.Option(help=f"Engine: {', '.join(ENGINES)}.")] = "grounded",
    llm: Annotated[str | None, typer.Option(
        help="Chat model for --engine llm (name, path, hub id, openai:<model>; default: the embedded SmolLM2).")] = None,
    llm_chunk_seconds: Annotated[float, typer.Option(
        min=1, max=3600, help="Wall-time bound per transcript chunk for --engine llm; past it the part stays grounded.")]
    = 120.0,
    base_url: Annotated[str | None, typer.Option(help="Base URL for openai: models.")] = None,
    context_size: Annotated[int | None, typer.Option(help="Context size for the --llm model.")] = None,
    title: Annotated[str | None, typer.Option(help="Meeting title (default: from the talk).")] = None,
    date: Annotated[str | None, typer.Option(help="Meeting date YYYY-MM-DD; due dates resolve against it.")] = None,
    language: Annotated[str | None, typer.Option(help="Spoken language code (default: English model).")] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Speech model: whisper-tiny.en (default), "
                                                 "whisper-base, a path, hub id or openai:<model>.")] = None,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    beam_size: Annotated[int, typer.Option(min=1, max=20, help="Speech beam width; 1 (greedy) is about 1.5x faster.")] = 5,
    window: Annotated[float, typer.Option("--window", min=20, max=3600,
                                          help="Speech window in seconds (memory vs. context).")] = 300.0,
    speakers: Annotated[int | None, typer.Option(
        "--speakers", min=1, max=32, help="Number of speakers, if known (used for recordings under 20 min).")] = None,
    min_speakers: Annotated[int | None, typer.Option(min=1, max=32)] = None,
    max_speakers: Annotated[int | None, typer.Option(min=1, max=32)] = None,
    speaker_names: Annotated[str | None, typer.Option(help="Rename labels: 'SPEAKER_00=Alice,SPEAKER_01=Bob'.")] = None,
    no_speakers: Annotated[bool, typer.Option("--no-speakers", help="Skip diarization.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print the minutes.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the files written and the minutes as JSON on stdout "
                                                        "(instead of the markdown).")] = False,
    ray: RayFlag = False,
    ray_address: RayAddress = None,
    ray_workers: RayWorkers = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace minutes and transcripts already in the output folder.")]
    = False,
) -> None:
    """Make meeting minutes: summary, key points, decisions and action items, each citing the words said."""
    output = output or old_output
    wanted = parse_formats(formats)
    options = build_options(
        engine, llm, base_url=base_url, context_size=context_size, llm_chunk_seconds=llm_chunk_seconds, title=title,
        date=date, language=language, asr_model=model, device=device, beam_size=beam_size, window_seconds=window,
        diarize=not no_speakers, num_speakers=speakers,
        min_speakers=min_speakers, max_speakers=max_speakers, speaker_names=parse_speaker_names(speaker_names or ""),
    )
    if options.date:
        from hfkit.minutes.dates import parse_date

        parse_date(options.date)
    scale = scale_options(ray, ray_address, ray_workers)
    if is_batch(inputs, output, scale):
        assert output is not None
        settings = MinutesSettings(options=options.model_dump(), formats=list(wanted))
        run_recordings("minutes", inputs, output, settings, scale, as_json)
        return
    files = [check_file(path) for path in inputs]
    targets = [_target(path, output, len(files)) for path in files]
    for target in targets:
        check_output_dir(target)
        check_new_outputs(minutes_outputs(target, wanted), overwrite)
    timing, reports = Timing(), list[dict[str, object]]()
    for path, target in zip(files, targets, strict=True):
        report = StageProgress(timing)
        try:
            result = minutes(path, options=options, on_progress=report)
        finally:
            report.close()
        timing.start("write")
        written_files = result.write(output_dir(target), wanted)
        for written in written_files:
            console.print(f"wrote {written}")
        for warning in [*result.extras.get("warnings", []), *result.minutes.warnings]:
            console.print(f"[yellow]{warning}[/yellow]")
        shortfall = unmet_speaker_count(result.segments, options.num_speakers, options.min_speakers,
                                        options.max_speakers) if options.diarize and path.suffix.lower() not in (
            ".txt", ".json") else None
        if shortfall:
            console.print(f"[yellow]{shortfall}[/yellow]")
        if result.minutes.no_speech:
            console.print(f"[yellow]No speech found in {path}.[/yellow]")
        if as_json:
            reports.append({"input": str(path), "output_dir": str(target), "files": [str(f) for f in written_files],
                            "minutes": result.minutes.model_dump(mode="json")})
        elif not quiet:
            stdout.print(result.to_markdown(), markup=False)
    if as_json:
        emit_json(reports[0] if len(reports) == 1 else reports)
    timing.done()


def _target(path: Path, output: Path | None, count: int) -> Path:
    if output is None:
        return Path(f"{path.stem}-minutes")
    return output / path.stem if count > 1 else output


def register(app: typer.Typer) -> None:
    app.command("minutes")(minutes_command)
