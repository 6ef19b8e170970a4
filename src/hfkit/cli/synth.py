"""``hfkit synth``: exactly N valid, varied records from a template, schema, pydantic class or description."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from hfkit.cli.common import Timing, console, emit_json, progress, stdout
from hfkit.cli.recordings import RayAddress, RayFlag, RayWorkers, scale_options
from hfkit.core.errors import Cancelled, InputError
from hfkit.scale.executor import ScaleOptions

SOURCE_HELP = ("A template name (see --list-templates), a JSON Schema file, module:Class (pydantic), a description "
               "in quotes, a multi-table spec (.yaml/.json with 'tables'), or a sample table (.csv/.parquet/.jsonl) "
               "to make new rows like.")


def register(app: typer.Typer) -> None:
    app.command("synth", help="Make synthetic data: exactly N valid, unique records, with a report.")(synth_command)


def synth_command(
    source: Annotated[str | None, typer.Argument(help=SOURCE_HELP)] = None,
    n: Annotated[int, typer.Option("-n", "--count", help="How many records.")] = 10,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="json, jsonl, csv, parquet or text.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help=(
        "Output file (default: <name>.<format> here); a folder for a multi-table spec."))] = None,
    output_dir: Annotated[Path | None, typer.Option("--output-dir", hidden=True)] = None,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same records.")] = 0,
    locale: Annotated[str | None, typer.Option(help="Faker locale for names, addresses... e.g. de_DE.")] = None,
    llm: Annotated[str, typer.Option(help="Model for free-text fields, or 'none' to sample everything.")] = (
        "smollm2-135m-instruct"),
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible server for --llm openai:<model>.")] = None,
    concurrency: Annotated[int, typer.Option(help="Records written at once: parallel requests to a server, or "
                                                   "llama.cpp slots decoded in one batch for a local model.")] = 1,
    whole_records: Annotated[bool, typer.Option("--whole-records", help="Let the model write whole records under the schema.")] = False,
    batch_size: Annotated[int, typer.Option(help="Records per checkpoint (0: automatic).")] = 0,
    max_records: Annotated[int, typer.Option(help="Cap on -n.")] = 1_000_000,
    csv_nested: Annotated[str, typer.Option(help="CSV nested objects: flatten (dotted columns) or json.")] = "flatten",
    rare_min: Annotated[int, typer.Option(help="Sample tables: never emit a category seen fewer than this many times "
                                               "in the sample (0: keep all).")] = 0,
    no_csv_escape: Annotated[bool, typer.Option("--no-csv-escape", help=(
        "CSV: leave cells a spreadsheet would run as formulas (=, +, -, @, tab) as they are; by default they get a "
        "' prefix. For pipelines that are not spreadsheets."))] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing output.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run from its checkpoint.")] = False,
    show_schema: Annotated[bool, typer.Option("--show-schema", help="Print the schema that would be used, then stop.")] = False,
    propose: Annotated[bool, typer.Option("--propose", help="Let --llm propose the schema for a description.")] = False,
    list_templates: Annotated[bool, typer.Option("--list-templates", help="List the built-in templates, then stop.")] = False,
    ray: RayFlag = False,
    ray_address: RayAddress = None,
    ray_workers: RayWorkers = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the files written and the report as JSON on stdout.")]
    = False,
) -> None:
    from pydantic import ValidationError

    from hfkit.synth.api import SynthOptions

    if list_templates:
        _list_templates(as_json)
        return
    output, csv_escape = output or output_dir, not no_csv_escape
    if source is None:
        raise InputError("No data source given.", "Pass a template name, schema file, module:Class or a description.")
    try:
        options = SynthOptions(
            seed=seed, llm=None if llm.lower() == "none" else llm, base_url=base_url, locale=locale,
            whole_records=whole_records, concurrency=concurrency, batch_size=batch_size, max_records=max_records,
            csv_nested=csv_nested, rare_min=rare_min, csv_escape=csv_escape,
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        option = "--" + str(error["loc"][0]).replace("_", "-")
        raise InputError(f"Option {option} is invalid: {error['msg']}.", "See 'hfkit synth --help'.") from exc
    scale = scale_options(ray, ray_address, ray_workers)
    if _is_tables(source):
        if scale.ray:
            raise InputError("--ray makes one table at a time, not a multi-table spec.", "Drop --ray for this spec.")
        _tables(Path(source), options, output, fmt or "jsonl", overwrite, as_json)
        return
    _single(source, n, options, output, fmt, (overwrite, resume, show_schema, propose, as_json), scale)


def _route_line(route: str, schema: dict[str, Any]) -> str:
    """Which way a description went: a matching template, or fields made from its nouns."""
    if route.startswith("template:"):
        return f"Description matched the built-in template '{route.split(':', 1)[1]}'."
    fields = ", ".join(list(schema.get("properties") or {})[:12])
    return f"Description turned into fields: {fields} (--show-schema prints the schema)."


def _is_tables(source: str) -> bool:
    from hfkit.synth.multitable import is_tables_file

    return is_tables_file(Path(source))


def _single(source: str, n: int, options: Any, output: Path | None, fmt: str | None,
            flags: tuple[bool, bool, bool, bool, bool], scale: ScaleOptions) -> None:
    """One dataset; ``flags`` are --overwrite, --resume, --show-schema, --propose and --json."""
    from hfkit.synth.api import chat_model, check_count, synth
    from hfkit.synth.formats import check_format, format_of, suffix_of
    from hfkit.synth.sources import resolve_spec, schema_json

    overwrite, resume, show_schema, propose, as_json = flags
    timing = Timing()
    timing.start("prepare")
    if fmt:
        fmt = check_format(fmt)
    if not show_schema:
        check_count(n, options.max_records)
    if propose and options.llm is None:
        raise InputError("--propose needs a language model.", "Drop --llm none, or pass --llm <model>.")
    spec = resolve_spec(source, chat_model(options) if propose else None)
    if spec.route:
        console.print(f"[dim]{_route_line(spec.route, spec.schema)}[/dim]", soft_wrap=True)
    if show_schema:
        stdout.print(schema_json(spec), markup=False)
        return
    fmt = fmt or (format_of(output) if output and output.suffix else "jsonl")
    target = output or Path(f"{spec.name}.{suffix_of(fmt)}")
    timing.start("generate")
    with progress("records") as bar:
        task = bar.add_task(f"synth {spec.name}", total=n)
        try:
            result = synth(spec, n, options=options, output=target, fmt=fmt, overwrite=overwrite, resume=resume,
                           on_progress=lambda done, total: bar.update(task, completed=done, total=total),
                           scale=scale if scale.ray else None)
        except KeyboardInterrupt as exc:
            raise Cancelled(f"Interrupted; '{target}' was not written, but the finished batches are checkpointed.",
                            "Run the same command with --resume to continue.") from exc
    (_sample_summary if result.report.get("source") == "sample" else _summary)(result.report)
    console.print(f"Wrote {', '.join(str(p) for p in result.paths)}")
    if as_json:
        emit_json({"dataset": spec.name, "files": [str(p) for p in result.paths], "report": result.report})
    timing.done()


def _tables(path: Path, options: Any, output: Path | None, fmt: str, overwrite: bool, as_json: bool) -> None:
    from hfkit.synth.formats import check_format
    from hfkit.synth.multitable import load_tables, synth_tables

    fmt = check_format(fmt)
    spec = load_tables(path)
    folder = output or Path(path.stem)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"Output '{folder}' is a file, but a multi-table spec writes a folder.", "Pass a folder.")
    timing = Timing()
    timing.start("generate")
    with console.status(f"Making {len(spec.tables)} tables"):
        results = synth_tables(spec, options=options, output_dir=folder, fmt=fmt, overwrite=overwrite)
    for name, result in results.items():
        console.print(f"{name}: {len(result.records)} records -> {result.paths[0]}")
    if as_json:
        emit_json({"output_dir": str(folder), "tables": {name: {"files": [str(p) for p in result.paths],
                                                                 "report": result.report}
                                                          for name, result in results.items()}})
    timing.done()


def _list_templates(as_json: bool) -> None:
    from hfkit.synth.templates import list_templates, load_template

    if as_json:
        emit_json([{"name": name, "description": load_template(name)["description"]} for name in list_templates()])
        return
    for name in list_templates():
        stdout.print(f"{name:22} {load_template(name)['description']}", markup=False)


def _summary(report: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"{report['dataset']}: {report['delivered']}/{report['requested']} records", show_header=False)
    dups = report["duplicates_removed"]
    text = report["text"]["all"]
    rows = {
        "attempts": report["attempts"],
        "invalid / model failures": f"{report['invalid']} / {report['model_failures']}",
        "duplicates removed (exact / near / unique field)": f"{dups['exact']} / {dups['near']} / {dups['unique_field']}",
        "text distinct-1 / distinct-2 / compression": f"{text['distinct_1']} / {text['distinct_2']} / "
                                                      f"{text['compression_ratio']}",
        "model": report["model"] or "none (sampled)",
        "time": f"{report['seconds']} s ({report['records_per_second']} records/s)",
        "tokens (prompt / completion)": f"{report['tokens']['prompt']} / {report['tokens']['completion']}",
    }
    for key, value in rows.items():
        table.add_row(key, str(value))
    console.print(table)
    fields = Table("field", "distribution", title="Values per field")
    for name, summary in report["fields"].items():
        fields.add_row(name, _describe(summary))
    console.print(fields)


def _sample_summary(report: dict[str, Any]) -> None:
    from rich.table import Table

    fidelity, privacy = report["fidelity"], report["privacy"]
    dcr = privacy["distance_to_closest_record"]
    table = Table(title=f"{report['dataset']}: {report['delivered']} rows like the {report['sample_rows']}-row sample",
                  show_header=False)
    rows = {
        "quality (column shapes / pair trends)": f"{fidelity['quality']:.1%} ({fidelity['column_shapes']:.1%} / "
                                                 f"{fidelity['column_pair_trends']:.1%})",
        "sample rows copied": f"0 ({privacy['copies_replaced']} exact matches replaced)",
        "distance to closest record, median (holdout baseline)": f"{dcr.get('synthetic_to_sample', {}).get('median')} "
                                                                 f"({dcr.get('holdout_to_sample', {}).get('median')})",
        "time": f"{report['seconds']} s ({report['records_per_second']} rows/s)",
    }
    for key, value in rows.items():
        table.add_row(key, str(value))
    console.print(table)
    kinds = Table("column", "kind", "shape score", title="Columns learned")
    for name, kind in report["columns"].items():
        score = fidelity["columns"].get(name)
        kinds.add_row(name, kind + (f" ({report['derived'][name]})" if name in report["derived"] else ""),
                      "-" if score is None else f"{score:.1%}")
    console.print(kinds)


def _describe(summary: dict[str, Any]) -> str:
    nulls = f", {summary['nulls']} null" if summary.get("nulls") else ""
    if "mean" in summary:
        return f"min {summary['min']}, median {summary['median']}, mean {summary['mean']}, max {summary['max']}{nulls}"
    if "items_median" in summary:
        return f"{summary['items_min']} to {summary['items_max']} items, median {summary['items_median']}{nulls}"
    if "counts" in summary:
        return ", ".join(f"{k} {v}" for k, v in list(summary["counts"].items())[:6]) + nulls
    if "mean_length" in summary:
        return f"{summary['distinct']} distinct, mean length {summary['mean_length']}{nulls}"
    return f"{summary.get('distinct', 0)} distinct{nulls}"
