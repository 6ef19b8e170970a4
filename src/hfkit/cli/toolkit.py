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

from hfkit.cli.common import console, emit, progress, stdout
from hfkit.core.errors import InputError

Device = Annotated[str, typer.Option(help="auto, cpu or cuda.")]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
TokenizerArg = Annotated[str, typer.Argument(help="Hub id, tokenizer directory, .gguf file or embedded model name.")]
PIECE_STYLES = ("black on bright_cyan", "black on bright_yellow", "black on bright_green", "black on bright_magenta")


def _dump(data: Any) -> None:
    emit(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _check_device(device: str) -> str:
    if device not in ("auto", "cpu", "cuda"):
        raise InputError(f"Unknown device '{device}'.", "Use --device auto, cpu or cuda.")
    return device


# ---------------------------------------------------------------- pipeline


def _entities(data: dict[str, Any]) -> str:
    return "\n".join(f"{e['text']}\t{e['label']}" for e in data["entities"]) or "(no entities)"


def _ranked(data: dict[str, Any]) -> str:
    return "\n".join(f"{label}\t{score:.4f}" for label, score in zip(data["labels"], data["scores"], strict=True))


def _vector(data: dict[str, Any]) -> str:
    head = ", ".join(f"{x:.4f}" for x in data["vector"][:8])
    return f"{data['dimension']} dimensions: [{head}, ...]"


def _text(data: dict[str, Any]) -> str:
    return str(data.get("text", data))


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "ner": _entities,
    "sentiment-analysis": lambda d: f"{d['label']}" + (f"\t{d['score']:.4f}" if "score" in d else ""),
    "question-answering": lambda d: str(d["answer"]),
    "zero-shot-classification": lambda d: _ranked(d) if "scores" in d else str(d["label"]),
    "feature-extraction": _vector,
    "text-to-speech": lambda d: f"Wrote {d['path']} ({d['seconds']:.1f} s of speech)",
    "text-to-image": lambda d: f"Wrote {d['path']} ({d['width']}x{d['height']})",
}


def pipeline_command(
    task: Annotated[str, typer.Argument(help="Task, e.g. ner, sentiment-analysis, text-to-speech, translation.")],
    text: Annotated[str, typer.Argument(help="Input text (an audio file for speech recognition; '-' reads stdin).")],
    model: Annotated[str | None, typer.Option("--model", "-m", help="Model: embedded name, path or hub id.")] = None,
    as_json: AsJson = False,
    device: Device = "auto",
    max_tokens: Annotated[int, typer.Option(min=1, help="Most tokens to generate.")] = 128,
    src: Annotated[str | None, typer.Option(help="Source language code (translation).")] = None,
    tgt: Annotated[str | None, typer.Option(help="Target language code (translation).")] = None,
    context: Annotated[str | None, typer.Option(help="Context text or file (question answering).")] = None,
    labels: Annotated[str | None, typer.Option(help="Comma-separated candidate labels (zero-shot).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file (speech WAV, image PNG).")] = None,
    steps: Annotated[int, typer.Option(min=1, help="Diffusion steps (text-to-image).")] = 20,
    size: Annotated[int | None, typer.Option(help="Image side in pixels (text-to-image).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Run a task pipeline on one input with an embedded default or any local/hub model."""
    from hfkit.toolkit.pipelines import pipeline

    if text == "-":
        text = typer.get_text_stream("stdin").read()
    options: dict[str, Any] = {"device": _check_device(device), "max_tokens": max_tokens, "src": src, "tgt": tgt,
                               "context": _text_or_file(context), "output": output, "steps": steps, "size": size, "seed": seed,
                               "labels": [x for x in (labels or "").split(",") if x.strip()]}
    with console.status(f"Loading {task}..."):
        pipe = pipeline(task, model, **options)
    result = pipe(text)
    if as_json:
        _dump(result.to_dict())
        return
    render = RENDERERS.get(result.task, _text)
    console.print(f"[dim]{result.task} · {result.model} ({result.engine})[/dim]")
    emit(render(result.data))


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


@tokens_app.command("encode")
def tokens_encode(tokenizer: TokenizerArg, text: str, special: Annotated[bool, typer.Option(
        help="Add the model's BOS/EOS tokens.")] = False, as_json: AsJson = False) -> None:
    """Token ids of TEXT."""
    from hfkit.toolkit import tokens

    ids = tokens.encode(tokenizer, text, special)
    if as_json:
        _dump(ids)
    else:
        emit(" ".join(map(str, ids)))


@tokens_app.command("decode")
def tokens_decode(tokenizer: TokenizerArg, ids: Annotated[list[str], typer.Argument(help="Token ids.")]) -> None:
    """Text of token IDS (space- or comma-separated)."""
    from hfkit.toolkit import tokens

    values = [x for part in ids for x in part.replace(",", " ").split()]
    bad = [x for x in values if not x.lstrip("-").isdigit()]
    if bad:
        raise InputError(f"'{bad[0]}' is not a token id.", "Pass whole numbers, e.g. 'hfkit tokens decode TOK 9906'.")
    emit(tokens.decode(tokenizer, [int(x) for x in values]))


@tokens_app.command("pieces")
def tokens_pieces(tokenizer: TokenizerArg, text: str, as_json: AsJson = False) -> None:
    """Each token of TEXT, with coloured boundaries in a terminal."""
    from hfkit.toolkit import tokens

    found = tokens.pieces(tokenizer, text)
    if as_json:
        _dump([{"id": i, "text": t} for i, t in found])
        return
    stdout.print(_coloured(found))
    console.print(f"[dim]{len(found)} tokens[/dim]")


@tokens_app.command("count")
def tokens_count(tokenizer: TokenizerArg, text: str) -> None:
    """Number of tokens in TEXT ('-' reads stdin)."""
    from hfkit.toolkit import tokens

    emit(str(tokens.count(tokenizer, typer.get_text_stream("stdin").read() if text == "-" else text)))


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
    generation_prompt: Annotated[bool, typer.Option(help="Append the assistant turn opener.")] = True,
    chat_template: Annotated[Path | None, typer.Option(help="A Jinja chat template to use instead.")] = None,
) -> None:
    """Render the chat template for MESSAGES."""
    from hfkit.toolkit import tokens

    emit(tokens.render_template(tokenizer, tokens.load_messages(messages), generation_prompt, chat_template), end="")


@tokens_app.command("compare")
def tokens_compare(
    tokenizers: Annotated[str, typer.Argument(help="Comma-separated tokenizers.")],
    text: Annotated[str | None, typer.Argument(help="Text to tokenize.")] = None,
    messages: Annotated[str | None, typer.Option(help="Messages JSON to render with each chat template.")] = None,
    as_json: AsJson = False,
) -> None:
    """The same text or messages through several tokenizers: counts, pieces, rendered templates."""
    from hfkit.toolkit import tokens

    rows = tokens.compare([t.strip() for t in tokenizers.split(",") if t.strip()], text,
                          tokens.load_messages(messages) if messages else None)
    if as_json:
        _dump([asdict(r) for r in rows])
        return
    table = Table("tokenizer", "vocab", "tokens", "pieces")
    for row in rows:
        table.add_row(row.tokenizer, f"{row.vocab_size:,}", str(row.count) if not row.error else "-",
                      _coloured(row.pieces) if not row.error else Text(row.error, style="red"))
    stdout.print(table)


# ---------------------------------------------------------------- inspect / memory / quantize


def inspect_command(
    model: Annotated[str, typer.Argument(help="GGUF file, embedded name, transformers directory or hub id.")],
    depth: Annotated[int, typer.Option(min=0, help="Module tree depth.")] = 3,
    metadata: Annotated[bool, typer.Option(help="Print every GGUF metadata key.")] = False,
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
    measure: Annotated[bool, typer.Option(help="Also load the model where it fits and measure it.")] = True,
    device: Device = "cpu",
    as_json: AsJson = False,
) -> None:
    """Memory for the weights at each dtype, estimated from the config (and measured where loadable)."""
    from hfkit.backends.transformers import torch_device
    from hfkit.toolkit.memory import estimate

    wanted = tuple(d.strip().lower() for d in dtypes.split(",") if d.strip())
    rows = estimate(model, wanted, measure, torch_device(_check_device(device)))
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
    output: Annotated[Path, typer.Option("--output", "-o", help="Output .gguf file or directory.")],
    device: Device = "auto",
) -> None:
    """Re-quantize a GGUF file, or save a bitsandbytes-quantized transformers model."""
    from hfkit.core.registry import embedded, resolve
    from hfkit.toolkit.quantize import requantize_gguf, save_bitsandbytes

    _check_device(device)
    source = resolve(model).path if embedded(model) else Path(model)
    if source is not None and source.suffix == ".gguf":
        with progress("tensors") as bar:
            job = bar.add_task("Quantizing", total=0)
            report = requantize_gguf(source, output, qtype, lambda done, total: bar.update(job, completed=done,
                                                                                            total=total))
        console.print(f"Wrote {report.output}: {report.qtype}, {report.output_bytes / 1e6:.1f} MB "
                      f"(was {report.source_bytes / 1e6:.1f} MB), {report.kept} small tensors kept in F32")
        return
    if qtype.lower() not in ("int8", "nf4"):
        raise InputError(f"'{qtype}' is a GGUF type but '{model}' is not a GGUF file.",
                         "Use --type int8 or nf4 for transformers models.")
    save_bitsandbytes(model, output, qtype.lower(), device)
    console.print(f"Wrote {output} ({qtype.lower()} bitsandbytes weights)")


def register(app: typer.Typer) -> None:
    """Add the toolkit commands to the ``hfkit`` app."""
    app.command("pipeline")(pipeline_command)
    app.add_typer(tokens_app, name="tokens")
    app.command("inspect")(inspect_command)
    app.command("memory")(memory_command)
    app.command("quantize")(quantize_command)
