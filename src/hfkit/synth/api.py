"""Public API of synthetic data: ``synth``, ``preview`` and the seed's ``generate_synthetic_data``."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from hfkit.backends.base import ChatModel, load_chat_model
from hfkit.core.atomic import write_text
from hfkit.core.errors import GenerationError, InputError
from hfkit.core.paths import created_dir
from hfkit.core.plots import available as plots_available
from hfkit.core.pool import pooled
from hfkit.synth import formats
from hfkit.synth.checkpoint import Checkpoint, checkpoint_path
from hfkit.synth.engine import Engine, EngineSettings, Produce, State
from hfkit.synth.fields import compile_plan
from hfkit.synth.formats import format_of
from hfkit.synth.report import build_report, report_html, versions
from hfkit.synth.schema import spec_hash
from hfkit.synth.sources import Spec, resolve_spec

if TYPE_CHECKING:
    from hfkit.scale.executor import ScaleOptions

DEFAULT_LLM = "smollm2-135m-instruct"
ProgressCallback = Callable[[int, int], None]


class SynthOptions(BaseModel):
    """How records are made. ``llm=None`` samples every field (text from Faker): fast, no model."""

    model_config = ConfigDict(extra="forbid")

    seed: int = 0
    llm: str | None = DEFAULT_LLM
    base_url: str | None = None
    locale: str | None = None
    whole_records: bool = False
    concurrency: int = Field(default=1, ge=1, le=64)
    batch_size: int = Field(default=0, ge=0)
    temperature: float = Field(default=0.9, ge=0.0, le=2.0)
    max_tokens: int = Field(default=384, ge=16, le=8192)
    near_duplicate_threshold: float = Field(default=0.9, gt=0.0, le=1.0)
    attempts_per_record: int = Field(default=5, ge=1, le=100)
    max_records: int = Field(default=1_000_000, ge=1)
    csv_nested: str = Field(default="flatten", pattern="^(flatten|json)$")
    optional_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    rare_min: int = Field(default=0, ge=0, description="Sample tables: never emit a category seen fewer times.")
    csv_escape: bool = True  # CSV: prefix "'" to cells a spreadsheet would run as formulas (=, +, -, @ ...)


@dataclass
class SynthResult:
    """The records of a run, its report, and the files written (if any)."""

    name: str
    schema: dict[str, Any]
    records: list[dict[str, Any]]
    report: dict[str, Any]
    paths: list[Path] = field(default_factory=list)
    nested: str = "flatten"
    csv_escape: bool = True

    def dumps(self, fmt: str = "json") -> str:
        """The records as text in ``fmt`` (json, jsonl, csv, text; any case)."""
        return formats.dumps(self.records, self.schema, fmt, self.nested, self.csv_escape)

    def write(self, path: Path, fmt: str | None = None) -> list[Path]:
        """Write the records (format from ``fmt`` or the suffix), ``<name>.report.json`` and, with matplotlib,
        ``<name>.report.html`` (tables and per-field charts); return their paths."""
        path = Path(path)
        fmt = fmt or format_of(path)
        formats.write(path, self.records, self.schema, fmt, self.nested, self.csv_escape)
        report = report_path(path)
        write_text(report, json.dumps(self.report, indent=2, ensure_ascii=False, default=str) + "\n")
        self.paths = [path, report]
        if plots_available():  # the same report as tables and one chart per field
            page = report.with_suffix(".html")
            write_text(page, report_html(self.report, self.records))
            self.paths.append(page)
        return self.paths


def report_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}.report.json")


def synth(spec: str | dict[str, Any] | type | Spec, n: int, *, options: SynthOptions | None = None,
          on_progress: ProgressCallback | None = None, output: Path | None = None, fmt: str | None = None,
          overwrite: bool = False, resume: bool = False, scale: ScaleOptions | None = None) -> SynthResult:
    """Make exactly ``n`` valid, unique records for ``spec``.

    ``spec`` is a template name, a JSON Schema file path or dict, ``module:Class`` or a pydantic class, or a
    description. With ``output`` the records and report are written there, with a checkpoint after each batch
    that ``resume=True`` continues from. ``scale=ScaleOptions(ray=True)`` makes the records in shards on Ray
    workers: the same records as in one process.
    """
    options = options or SynthOptions()
    check_count(n, options.max_records)
    if output is None:
        return _synth(spec, n, options, on_progress, None, fmt, scale, resume)
    output = Path(output)
    fmt = formats.check_format(fmt or format_of(output))
    with created_dir(output.parent if str(output.parent) else Path("."), "--output"):  # a failed run leaves no empty folder
        check_output(output, overwrite, resume)
        return _synth(spec, n, options, on_progress, output, fmt, scale, resume)


def _synth(spec: str | dict[str, Any] | type | Spec, n: int, options: SynthOptions,
           on_progress: ProgressCallback | None, output: Path | None, fmt: str | None, scale: ScaleOptions | None,
           resume: bool) -> SynthResult:
    resolved = resolve_spec(spec)
    if resolved.source == "sample" and resolved.path is not None:
        return _from_sample(resolved.path, n, options, on_progress, output, fmt)
    engine = build_engine(resolved, options, load_model=not (scale and scale.ray))
    manifest = _manifest(resolved, options, engine.settings.model is not None)
    checkpoint = _checkpoint(output, manifest, n)
    state = checkpoint.resume() if checkpoint and resume and checkpoint.path.exists() else State()
    if checkpoint and state.next_draw == 0:
        checkpoint.start()
    try:
        with _producer(resolved, options, scale, engine) as produce:
            _run(engine, n, state, checkpoint, on_progress, produce)
    except GenerationError:
        if output is not None and checkpoint is not None:
            failed = build_report(resolved, n, state, manifest, engine.plan.text_paths, status="failed",
                                  generators=engine.plan.generators)
            write_text(report_path(output), json.dumps(failed, indent=2, ensure_ascii=False) + "\n")
            checkpoint.remove()
        raise
    report = build_report(resolved, n, state, manifest, engine.plan.text_paths, generators=engine.plan.generators)
    result = SynthResult(resolved.name, resolved.schema, state.records, report, nested=options.csv_nested,
                         csv_escape=options.csv_escape)
    if output is not None:
        result.write(output, fmt)
        if checkpoint:
            checkpoint.remove()
    return result


def _from_sample(path: Path, n: int, options: SynthOptions, on_progress: ProgressCallback | None,
                 output: Path | None, fmt: str | None) -> SynthResult:
    from hfkit.synth.tabular.run import synth_from_sample

    result = synth_from_sample(path, n, options, on_progress)
    if output is not None:
        result.write(output, fmt)
    return result


class OnWorkers:
    """Stands in for the chat model on the driver of a scaled-out run: the workers load and call the real one."""

    name = "on the workers"


def build_engine(spec: Spec, options: SynthOptions, load_model: bool = True) -> Engine:
    """The engine for ``spec``; ``load_model=False`` plans for the model without loading it (a driver whose
    workers write the text)."""
    wants_model = options.whole_records or bool(compile_plan(spec.schema, llm=True).llm_paths)
    if options.whole_records and not (options.llm and wants_model):
        raise InputError("--whole-records needs a language model.", "Pass --llm (e.g. smollm2-135m-instruct).")
    model: Any = None
    if options.llm and wants_model:
        model = chat_model(options) if load_model else OnWorkers()
    return Engine(spec, EngineSettings(
        options.seed, options.locale, model, options.whole_records, options.near_duplicate_threshold,
        options.temperature, options.max_tokens, options.concurrency, options.batch_size, options.attempts_per_record,
        options.optional_rate,
    ))


@contextlib.contextmanager
def _producer(spec: Spec, options: SynthOptions, scale: ScaleOptions | None, engine: Engine) -> Iterator[Produce | None]:
    """None (the engine makes its records itself), or shards on the executor that ``scale`` asks for."""
    if scale is None or not scale.ray:
        yield None
        return
    from hfkit.scale.executor import make_executor
    from hfkit.scale.synth import ShardedProducer

    executor = make_executor(scale)
    producer = ShardedProducer(executor, spec, options, scale.shard_size or engine.batch_size())
    try:
        yield producer
    finally:
        producer.close()
        executor.close()


def _run(engine: Engine, n: int, state: State, checkpoint: Checkpoint | None,
         on_progress: ProgressCallback | None, produce: Produce | None = None) -> None:
    if on_progress:
        on_progress(len(state.records), n)
    for _ in engine.run(n, state, produce):
        if checkpoint:
            checkpoint.save(state)
        if on_progress:
            on_progress(len(state.records), n)


def preview(spec: str | dict[str, Any] | type | Spec, n: int = 10, options: SynthOptions | None = None) -> list[
        dict[str, Any]]:
    """A quick look at ``n`` records with every field sampled (no language model)."""
    base = options or SynthOptions()
    return synth(spec, n, options=base.model_copy(update={"llm": None, "whole_records": False})).records


def generate_synthetic_data(data_type: str, quantity: int, format_spec: str = "json") -> str:
    """The seed's entry point: ``quantity`` records of ``data_type`` (template, description, schema file or sample
    table) as text in ``format_spec`` (JSON, JSONL, CSV or Text, any case). Options are checked before any work."""
    fmt = formats.check_format(format_spec)
    if fmt == "parquet":
        raise InputError("Parquet is binary and cannot be returned as text.",
                         "Use synth(..., output=Path('data.parquet')) or 'hfkit synth ... -o data.parquet'.")
    options = SynthOptions()
    check_count(quantity, options.max_records)
    return synth(data_type, quantity, options=options).dumps(fmt)


def check_count(n: int, cap: int) -> None:
    """Reject N <= 0 or beyond the cap."""
    if n <= 0:
        raise InputError(f"The number of records must be at least 1 (got {n}).", "Pass -n with a positive number.")
    if n > cap:
        raise InputError(f"{n:,} records is beyond the cap of {cap:,}.",
                         f"Raise the cap with --max-records {n} (or SynthOptions(max_records=...)).")


def check_output(output: Path, overwrite: bool, resume: bool) -> None:
    """Fail before any work when ``output`` cannot be written or would be silently replaced."""
    if output.is_dir():
        raise InputError(f"Output '{output}' is a directory.", "Pass a file path such as data.jsonl.")
    if output.exists() and not overwrite and not (resume and checkpoint_path(output).exists()):
        hint = "Pass --overwrite to replace it." if resume else "Pass --overwrite to replace it or --resume to continue."
        raise InputError(f"Output '{output}' already exists.", hint)
    parent = output.parent if str(output.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Output folder '{parent}' cannot be created ({exc.strerror}).", "Choose another --output.") from exc
    try:
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as exc:
        raise InputError(f"Output folder '{parent}' is not writable ({exc.strerror}).", "Choose another --output.") from exc


def _checkpoint(output: Path | None, manifest: dict[str, Any], n: int) -> Checkpoint | None:
    if output is None:
        return None
    header = {"spec_hash": manifest["spec_hash"], "seed": manifest["seed"], "n": n, "settings": manifest["settings"]}
    return Checkpoint(checkpoint_path(output), header)


def _manifest(spec: Spec, options: SynthOptions, uses_model: bool) -> dict[str, Any]:
    settings = options.model_dump(include={"llm", "base_url", "whole_records", "temperature", "max_tokens",
                                           "near_duplicate_threshold", "attempts_per_record"})
    settings["locale"] = options.locale or spec.locale
    return {
        "spec_hash": spec_hash({"schema": spec.schema, "context": spec.context}),
        "model": options.llm if uses_model else None,
        "seed": options.seed, "settings": settings, "options": options.model_dump(), "source": spec.source,
        "versions": versions(),
    }


def chat_model(options: SynthOptions) -> ChatModel:
    """The chat model named by ``options.llm`` (loaded once per process, in the model pool).

    A local GGUF gets one llama.cpp slot per concurrent record, so the records are decoded in one batch.
    """
    return pooled("synth-chat", str(options.llm), options.base_url, options.concurrency,
                  loader=lambda: load_chat_model(str(options.llm), base_url=options.base_url, context_size=4096,
                                                 parallel=options.concurrency))
