"""``hfkit pipeline``, ``hfkit tokens``, ``hfkit inspect``, ``hfkit memory`` and ``hfkit quantize``."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from hfkit.cli.common import Timing, console, emit, progress, stdout
from hfkit.core.errors import InputError
from hfkit.core.paths import read_stdin

Device = Annotated[str, typer.Option(help="auto, cpu or cuda.")]
Overwrite = Annotated[bool, typer.Option("--overwrite", help="Replace existing output files.")]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
TokenizerArg = Annotated[str, typer.Argument(help="Hub id, tokenizer directory, .gguf file or embedded model name.")]
PIECE_STYLES = ("black on bright_cyan", "black on bright_yellow", "black on bright_green", "black on bright_magenta")


def _dump(data: Any) -> None:
    emit(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _check_device(device: str) -> str:
    from hfkit.core.validation import check_device

    return check_device(device)


# ---------------------------------------------------------------- pipeline


def _entities(output: Any) -> str:
    return "\n".join(f"{e['word']}\t{e['entity_group']}\t{e['score']:.4f}" for e in output) or "(no entities)"


def _ranked(output: Any) -> str:
    return "\n".join(f"{label}\t{score:.4f}" if score is not None else label
                     for label, score in zip(output["labels"], output["scores"], strict=True))


def _vector(output: Any) -> str:
    vector = output[0][0]
    return f"{len(vector)} dimensions: [{', '.join(f'{x:.4f}' for x in vector[:8])}, ...]"


def _labelled(output: Any) -> str:
    return "\n".join(f"{item['label']}" + (f"\t{item['score']:.4f}" if item["score"] is not None else "")
                     for item in output)


def _first(key: str) -> Callable[[Any], str]:
    return lambda output: str(output[0][key])


RENDERERS: dict[str, Callable[[Any], str]] = {
    "ner": _entities,
    "sentiment-analysis": _labelled,
    "question-answering": lambda out: str(out["answer"]),
    "zero-shot-classification": _ranked,
    "feature-extraction": _vector,
    "text-generation": _first("generated_text"),
    "translation": _first("translation_text"),
    "summarization": _first("summary_text"),
    "automatic-speech-recognition": lambda out: str(out["text"]),
}
FILE_TASKS = {"text-to-speech": Path("speech.wav"), "text-to-image": Path("image.png")}


def _output_file(task: str, output: Path | None, overwrite: bool = False) -> Path | None:
    """Where a speech/image task writes (checked before any work); an existing default file is never replaced."""
    from hfkit.core.paths import check_output_file
    from hfkit.toolkit.pipelines import check_output, find_task

    name = find_task(task).name
    if name not in FILE_TASKS:
        return check_output(name, check_output_file(output, overwrite)) if output is not None else None
    if output is None:
        output = FILE_TASKS[name]
        if output.exists() and not overwrite:
            raise InputError(f"'{output}' already exists and would be replaced.",
                             "Pass --output NEW_FILE, or --overwrite to replace it.")
    return check_output(name, check_output_file(output, overwrite))


def _summary_of(result: Any, written: Path | None) -> dict[str, Any]:
    data: dict[str, Any] = result.to_dict()
    if written is not None:
        data["output"] = {"path": str(written), **{k: v for k, v in data["data"].items() if k in ("seconds", "width",
                                                                                                  "height")}}
    return data


def pipeline_help() -> str:
    """The pipeline command's help: the tasks with what runs when no --model is given."""
    import hfkit.toolkit.tasks  # noqa: F401
    from hfkit.toolkit.pipelines import TASKS, default_model

    lines = [f"  {name}: {TASKS[name].description}. Default: {default_model(TASKS[name])}." for name in sorted(TASKS)]
    return ("Run a task pipeline on one input with an embedded default or any local/hub model "
            "(results as transformers' pipelines give them).\n\nTasks:\n\n" + "\n\n".join(lines))


def pipeline_command(
    task: Annotated[str, typer.Argument(help="Task, e.g. ner, sentiment-analysis, text-to-speech, translation_en_to_fr.")],
    text: Annotated[str, typer.Argument(help="Input text (an audio file for speech recognition; '-' reads stdin).")],
    model: Annotated[str | None, typer.Option("--model", "-m", help="Model: embedded name, path or hub id.")] = None,
    as_json: AsJson = False,
    device: Device = "auto",
    max_tokens: Annotated[int, typer.Option("--max-new-tokens", "--max-tokens", min=1,
                                            help="Most tokens to generate.")] = 128,
    sample: Annotated[bool, typer.Option("--do-sample", help="Sample instead of greedy decoding.")] = False,
    temperature: Annotated[float, typer.Option(min=0.0, max=2.0, help="Sampling temperature (with --do-sample).")] = 0.7,
    src: Annotated[str | None, typer.Option(help="Source language code (translation).")] = None,
    tgt: Annotated[str | None, typer.Option(help="Target language code (translation).")] = None,
    context: Annotated[str | None, typer.Option(help="Context text or file (question answering).")] = None,
    labels: Annotated[str | None, typer.Option(help="Comma-separated candidate labels (zero-shot).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                                help="Output file: speech WAV (default speech.wav), image PNG.")] = None,
    overwrite: Overwrite = False,
    steps: Annotated[int, typer.Option(min=1, help="Diffusion steps (text-to-image).")] = 20,
    size: Annotated[int | None, typer.Option(help="Image side in pixels (text-to-image).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    from hfkit.toolkit.pipelines import pipeline, save_output

    if text == "-":
        text = read_stdin()
    written = _output_file(task, output, overwrite)
    options: dict[str, Any] = {"device": _check_device(device), "max_tokens": max_tokens, "src": src, "tgt": tgt,
                               "do_sample": sample, "temperature": temperature, "context": _text_or_file(context),
                               "steps": steps, "size": size, "seed": seed,
                               "labels": [x for x in (labels or "").split(",") if x.strip()]}
    with console.status(f"Loading {task}..."):
        pipe = pipeline(task, model, **options)
    result = pipe(text)
    if written is not None:
        save_output(result, written)
    if as_json:
        _dump(_summary_of(result, written))
        return
    console.print(f"[dim]{result.task} · {result.model} ({result.engine})[/dim]")
    if written is not None:
        emit(f"Wrote {written}")
        return
    emit(RENDERERS.get(result.task, str)(result))


def _text_or_file(value: str | None) -> str | None:
    """The text of ``--context FILE`` when it names a file, else the value itself (the library reads no files)."""
    if value is None or len(value) > 4096 or not Path(value).is_file():
        return value
    try:
        return Path(value).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read the context file '{value}' as UTF-8 text ({exc}).",
                         "Pass a UTF-8 text file or the context itself.") from exc


# ---------------------------------------------------------------- tokens

tokens_app = typer.Typer(help="Tokenizers: encode, decode, pieces, count, special tokens, chat templates, compare.",
                         no_args_is_help=True)


def _coloured(pieces: list[tuple[int, str]]) -> Text:
    text = Text()
    for index, (_, piece) in enumerate(pieces):
        text.append(piece.replace("\n", "\\n"), style=PIECE_STYLES[index % len(PIECE_STYLES)])
    return text


NoSpecial = Annotated[bool, typer.Option("--no-special", help=(
    "Leave out the BOS/EOS tokens that tokenizer.encode adds by default."))]
Templates = Annotated[Path | None, typer.Option(
    help="Folder of .jinja chat templates for tokenizers that carry none (matched by family name).")]


def _ids(values: list[str]) -> list[int]:
    found = [x for part in values for x in part.replace(",", " ").replace("[", " ").replace("]", " ").split()]
    bad = [x for x in found if not x.lstrip("-").isdigit()]
    if bad:
        raise InputError(f"'{bad[0]}' is not a token id.", "Pass whole numbers, e.g. 'hfkit tokens decode TOK 9906'.")
    return [int(x) for x in found]


def _stdin_or(text: str) -> str:
    return read_stdin() if text == "-" else text


@tokens_app.command("encode")
def tokens_encode(tokenizer: TokenizerArg, text: str, no_special: NoSpecial = False, as_json: AsJson = False) -> None:
    """Token ids of TEXT, with the model's special tokens as tokenizer.encode adds them."""
    from hfkit.toolkit import tokens

    ids = tokens.encode(tokenizer, _stdin_or(text), not no_special)
    if as_json:
        _dump(ids)
    else:
        emit(" ".join(map(str, ids)))


@tokens_app.command("decode")
def tokens_decode(
    tokenizer: TokenizerArg,
    ids: Annotated[list[str], typer.Argument(help="Token ids (space- or comma-separated).")],
    skip_special: Annotated[bool, typer.Option("--skip-special", help="Leave special tokens out.")] = False,
    each: Annotated[bool, typer.Option("--pieces", help="Each id's text alone (batch_decode of the ids).")] = False,
    as_json: AsJson = False,
) -> None:
    """Text of token IDS."""
    from hfkit.toolkit import tokens

    values = _ids(ids)
    decoded: str | list[str] = (tokens.batch_decode(tokenizer, values, skip_special) if each
                                else tokens.decode(tokenizer, values, skip_special))
    if as_json:
        _dump({"ids": values, "text": decoded})
    else:
        emit("\n".join(decoded) if isinstance(decoded, list) else decoded)


@tokens_app.command("pieces")
def tokens_pieces(tokenizer: TokenizerArg, text: str, as_json: AsJson = False) -> None:
    """Each token of TEXT, with coloured boundaries in a terminal."""
    from hfkit.toolkit import tokens

    found = tokens.pieces(tokenizer, _stdin_or(text))
    if as_json:
        _dump([{"id": i, "text": t} for i, t in found])
        return
    stdout.print(_coloured(found))
    console.print(f"[dim]{len(found)} tokens[/dim]")


@tokens_app.command("count")
def tokens_count(tokenizer: TokenizerArg, text: str, special: Annotated[bool, typer.Option(
        "--special", help="Count the BOS/EOS tokens too.")] = False, as_json: AsJson = False) -> None:
    """Number of tokens in TEXT ('-' reads stdin)."""
    from hfkit.toolkit import tokens

    counted = tokens.count(tokenizer, _stdin_or(text), special)
    emit(json.dumps({"tokenizer": tokenizer, "tokens": counted}) if as_json else str(counted))


@tokens_app.command("special")
def tokens_special(tokenizer: TokenizerArg, as_json: AsJson = False) -> None:
    """The tokenizer's special tokens and their ids."""
    from hfkit.toolkit import tokens

    found = tokens.special_tokens(tokenizer)
    if as_json:
        _dump({role: {"token": t, "id": i} for role, (t, i) in found.items()})
        return
    for role, (token, token_id) in found.items():
        emit(f"{role}\t{token_id}\t{token}")


@tokens_app.command("template")
def tokens_template(
    tokenizer: TokenizerArg,
    messages: Annotated[str, typer.Argument(help="Messages JSON file (or JSON text): [{role, content}, ...].")],
    no_generation_prompt: Annotated[bool, typer.Option(
        "--no-generation-prompt", help="Do not append the assistant turn opener (add_generation_prompt=False).")]
    = False,
    chat_template: Annotated[Path | None, typer.Option(help="A Jinja chat template to use instead.")] = None,
    templates: Templates = None,
    as_json: AsJson = False,
) -> None:
    """Render the chat template for MESSAGES (a packaged template for Llama 3 and Gemma files that carry none)."""
    from hfkit.toolkit import tokens

    turns = tokens.load_messages(messages)
    rendered = tokens.render_template(tokenizer, turns, not no_generation_prompt, chat_template, templates)
    if as_json:
        _dump({"tokenizer": tokenizer, "template": tokens.template_source(tokenizer, chat_template, templates),
               "rendered": rendered, "ids": tokens.encode(tokenizer, rendered, special=False),
               "notes": tokens.role_notes(turns, rendered)})
        return
    emit(rendered, end="")


@tokens_app.command("compare")
def tokens_compare(
    tokenizers: Annotated[str, typer.Argument(help="Comma-separated tokenizers.")],
    text: Annotated[str | None, typer.Argument(help="Text to tokenize.")] = None,
    messages: Annotated[str | None, typer.Option(help="Messages JSON to render with each chat template.")] = None,
    templates: Templates = None,
    chart: Annotated[Path | None, typer.Option(help="Also draw the token counts as a bar chart (PNG).")] = None,
    overwrite: Overwrite = False,
    as_json: AsJson = False,
) -> None:
    """The same text or messages through several tokenizers: counts, pieces, rendered templates side by side."""
    from hfkit.toolkit import tokens

    _check_chart(chart, overwrite)
    rows = tokens.compare([t.strip() for t in tokenizers.split(",") if t.strip()], text,
                          tokens.load_messages(messages) if messages else None, templates=templates)
    if chart is not None:
        _token_chart(rows, chart)
    if as_json:
        _dump([asdict(r) for r in rows])
        return
    table = Table("tokenizer", "vocab", "tokens", "template", "pieces")
    for row in rows:
        shown = _coloured(row.pieces) if not row.error else Text(row.error, style="red")
        if row.notes:
            shown = Text.assemble(shown, "\n", Text("; ".join(row.notes), style="yellow"))
        table.add_row(row.tokenizer, f"{row.vocab_size:,}", str(row.count) if not row.error else "-",
                      row.template or "-", shown)
    stdout.print(table)


def _token_chart(rows: list[Any], path: Path) -> None:
    from hfkit.core.plots import save_png, token_counts_chart

    counted = [(Path(r.tokenizer).stem if r.tokenizer.endswith(".gguf") else r.tokenizer, r.count)
               for r in rows if not r.error]
    save_png(token_counts_chart(counted), path)
    console.print(f"Wrote {path}")


# ---------------------------------------------------------------- inspect / memory / quantize


def inspect_command(
    model: Annotated[str, typer.Argument(help="GGUF file, embedded name, transformers directory or hub id.")],
    depth: Annotated[int, typer.Option(min=0, help="Module tree depth.")] = 3,
    metadata: Annotated[bool, typer.Option("--metadata", help="Print every GGUF metadata key.")] = False,
    as_json: AsJson = False,
) -> None:
    """Architecture, parameter count, layers, heads, context, vocabulary and storage types of a model."""
    from hfkit.toolkit.inspection import inspect_model

    report = inspect_model(model, depth)
    if as_json:
        _dump(asdict(report))
        return
    stdout.print(f"[bold]{report.name}[/bold]  {report.format} · {report.architecture} · "
                 f"{report.parameters:,} parameters")
    for key, value in report.facts.items():
        if value is not None:
            emit(f"  {key}: {value}")
    emit("  parameters by " + ("tensor type:" if report.format == "gguf" else "group:"))
    for kind, count in report.tensor_types.items():
        emit(f"    {kind}: {count:,} ({count / max(1, report.parameters):.1%})")
    if metadata:
        for key, value in report.metadata.items():
            emit(f"  {key} = {value}")
    if report.tree:
        emit(report.tree)


def memory_command(
    model: Annotated[str, typer.Argument(help="Transformers directory (config.json is enough) or hub id.")],
    dtypes: Annotated[str, typer.Option(help="Comma-separated: fp32, fp16, bf16, int8, nf4.")] = "fp32,bf16,int8,nf4",
    no_measure: Annotated[bool, typer.Option("--no-measure", help=(
        "Only estimate (by default the model is also loaded where it fits and measured)."))] = False,
    device: Device = "cpu",
    chart: Annotated[Path | None, typer.Option(help="Also draw estimate and measured memory per dtype (PNG).")] = None,
    overwrite: Overwrite = False,
    as_json: AsJson = False,
) -> None:
    """Memory for the weights at each dtype, estimated from the config (and measured where loadable)."""
    from hfkit.backends.transformers import torch_device
    from hfkit.toolkit.memory import estimate

    _check_chart(chart, overwrite)
    wanted = tuple(d.strip().lower() for d in dtypes.split(",") if d.strip())
    rows = estimate(model, wanted, not no_measure, torch_device(_check_device(device)))
    if chart is not None:
        from hfkit.core.plots import memory_chart, save_png

        save_png(memory_chart(rows, f"Weights of {Path(model).name or model} per dtype"), chart)
        console.print(f"Wrote {chart}")
    if as_json:
        _dump([asdict(r) for r in rows])
        return
    table = Table("dtype", "parameters", "estimate", "measured", "note", title=f"Weights of {model}")
    for row in rows:
        measured = f"{row.measured_bytes / 1e9:.3f} GB" if row.measured_bytes is not None else "-"
        table.add_row(row.dtype, f"{row.parameters / 1e9:.3f} B", f"{row.estimate_bytes / 1e9:.3f} GB", measured,
                      row.note)
    stdout.print(table)


def quantize_command(
    model: Annotated[str, typer.Argument(help="A .gguf file (or embedded GGUF) or a transformers model.")],
    qtype: Annotated[str, typer.Option("--type", "-t", help="GGUF: Q8_0, Q5_0, Q4_0, ...; transformers: int8, nf4.")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE",
                                         help="Output .gguf file (a folder for bitsandbytes int8/nf4).")],
    device: Device = "auto",
    chart: Annotated[Path | None, typer.Option(help="Also draw the file size before and after (PNG, GGUF only).")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing output (and --chart).")] = False,
    as_json: AsJson = False,
) -> None:
    """Re-quantize a GGUF file, or save a bitsandbytes-quantized transformers model."""
    from hfkit.core.registry import embedded, resolve
    from hfkit.toolkit.quantize import requantize_gguf, save_bitsandbytes

    _check_device(device)
    _check_chart(chart, overwrite)
    timing = Timing()
    source = resolve(model).path if embedded(model) else Path(model)
    if source is not None and source.suffix == ".gguf":
        timing.start("quantize")
        with progress("tensors") as bar:
            job = bar.add_task("Quantizing", total=0)
            report = requantize_gguf(source, output, qtype, lambda done, total: bar.update(job, completed=done,
                                                                                            total=total), overwrite)
        console.print(f"Wrote {report.output}: {report.qtype}, {report.output_bytes / 1e6:.1f} MB "
                      f"(was {report.source_bytes / 1e6:.1f} MB), {report.kept} small tensors kept in F32")
        if chart is not None:
            from hfkit.core.plots import quantize_chart, save_png

            timing.start("chart")
            save_png(quantize_chart(report.source_bytes, report.output_bytes, report.qtype,
                                    f"{source.name} before and after quantization"), chart)
            console.print(f"Wrote {chart}")
        if as_json:
            _dump(asdict(report) | {"chart": str(chart) if chart else None})
        timing.done()
        return
    if qtype.lower() not in ("int8", "nf4"):
        raise InputError(f"'{qtype}' is a GGUF type but '{model}' is not a GGUF file.",
                         "Use --type int8 or nf4 for transformers models.")
    timing.start("quantize")
    save_bitsandbytes(model, output, qtype.lower(), device, overwrite)
    console.print(f"Wrote {output} ({qtype.lower()} bitsandbytes weights)")
    if as_json:
        _dump({"source": model, "output": str(output), "qtype": qtype.lower()})
    timing.done()


def _check_chart(chart: Path | None, overwrite: bool) -> None:
    """A --chart file is refused before any work when it exists and --overwrite is not given."""
    if chart is not None:
        from hfkit.core.paths import check_output_file

        check_output_file(chart, overwrite, "--chart")


def register(app: typer.Typer) -> None:
    """Add the toolkit commands to the ``hfkit`` app."""
    app.command("pipeline", help=pipeline_help())(pipeline_command)
    app.add_typer(tokens_app, name="tokens")
    app.command("inspect")(inspect_command)
    app.command("memory")(memory_command)
    app.command("quantize")(quantize_command)
