"""Task pipelines: ``pipeline(task, model=None, **options)(input) -> PipelineResult``.

Each task maps engines (the kind of model given: embedded spaCy/Piper/Whisper/MiniLM, a lexicon, a chat model
(GGUF or openai:), a transformers directory or hub id, a diffusers pipeline) to a builder. With no model, the task's
embedded default runs; a task without one uses a suitable model from the Hugging Face cache, or says which hub models
to pull.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hfkit.core.errors import InputError, ModelNotFoundError, UnsupportedModelError
from hfkit.core.registry import ResolvedModel, embedded, resolve, resolve_local

Engine = Literal["spacy", "lexicon", "piper", "whisper", "sentence-transformers", "embedding-similarity", "chat",
                 "transformers", "diffusers"]


class PipelineOptions(BaseModel):
    """Options of every pipeline; each task reads the ones it needs."""

    model_config = ConfigDict(extra="forbid")

    device: Literal["auto", "cpu", "cuda"] = "auto"
    max_tokens: int = Field(default=128, ge=1, le=8192)
    src: str | None = None
    tgt: str | None = None
    context: str | None = None
    labels: list[str] = Field(default_factory=list)
    output: Path | None = None
    steps: int = Field(default=20, ge=1, le=500)
    size: int | None = Field(default=None, ge=8, le=2048)
    seed: int = 0


@dataclass
class PipelineResult:
    """What a pipeline produced: ``data`` is JSON-ready and task-specific."""

    task: str
    model: str
    engine: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, default=str)


Runner = Callable[[str], dict[str, Any]]
Builder = Callable[[ResolvedModel | None, PipelineOptions, str], Runner]


@dataclass(frozen=True)
class TaskSpec:
    """A task: its engines, its embedded default and the hub models to suggest."""

    name: str
    description: str
    engines: Mapping[str, Builder]
    default: tuple[str, str] | None = None
    hub_models: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


TASKS: dict[str, TaskSpec] = {}


def register_task(spec: TaskSpec) -> None:
    """Add or replace a task in the registry."""
    TASKS[spec.name] = spec


def task_names() -> list[str]:
    return sorted(TASKS)


def find_task(name: str) -> TaskSpec:
    """The task called ``name`` (or one of its aliases); a misspelling names the closest task."""
    key = name.strip().lower().replace("_", "-")
    for spec in TASKS.values():
        if key == spec.name or key in spec.aliases:
            return spec
    words = {alias: spec.name for spec in TASKS.values() for alias in (spec.name, *spec.aliases)}
    close = difflib.get_close_matches(key, list(words), n=1, cutoff=0.5)
    hint = f"Did you mean '{words[close[0]]}'? " if close else ""
    raise InputError(f"Unknown task '{name}'.", f"{hint}Tasks: {', '.join(task_names())}.")


FORMAT_ENGINES: dict[str, Engine] = {
    "gguf": "chat", "openai": "chat", "transformers": "transformers", "spacy": "spacy", "piper": "piper",
    "ct2": "whisper", "sentence-transformers": "sentence-transformers",
}


def locate_model(reference: str) -> tuple[Engine, ResolvedModel]:
    """Resolve ``reference`` and decide which engine runs it (diffusers directories included)."""
    path = Path(reference).expanduser()
    if not path.exists() and embedded(reference) is None and not reference.startswith("openai:") \
            and "/" in reference and not reference.startswith((".", "/", "~")):
        from hfkit.core import hub

        path = hub.fetch(reference)
    if path.is_dir() and (path / "model_index.json").exists():
        return "diffusers", ResolvedModel(reference, "transformers", path, ())
    if path.exists() and path.suffix == ".onnx":
        return "piper", ResolvedModel(reference, "piper", path, ("tts",))
    model = resolve_local(path, name=reference) if path.exists() else resolve(reference)
    return FORMAT_ENGINES.get(model.format, "transformers"), model


def _suggested(spec: TaskSpec, options: PipelineOptions) -> list[str]:
    """The task's hub models, the one for the language pair first (each named once)."""
    wanted = list(spec.hub_models)
    if spec.name == "translation" and options.src and options.tgt:
        wanted.insert(0, f"Helsinki-NLP/opus-mt-{options.src}-{options.tgt}")
    return list(dict.fromkeys(wanted))


def _cached_hub_model(spec: TaskSpec, options: PipelineOptions) -> str | None:
    from hfkit.core.hub import cached_models

    cached = {repo for repo, _, _ in cached_models()}
    return next((m for m in _suggested(spec, options) if m in cached), None)


def _no_local_model(spec: TaskSpec, options: PipelineOptions) -> ModelNotFoundError:
    wanted = _suggested(spec, options)
    examples = ", ".join(wanted[:3]) or "a model for this task"
    first = wanted[0] if wanted else "ORG/NAME"
    return ModelNotFoundError(
        f"No local model can do '{spec.name}'; suitable hub models are {examples}.",
        f"Download one with 'hfkit models pull {first}' and pass --model {first}.",
    )


class Pipeline:
    """A task bound to a loaded model; call it on an input (text, or an audio path for speech recognition)."""

    def __init__(self, spec: TaskSpec, engine: str, model: ResolvedModel | None, options: PipelineOptions,
                 label: str) -> None:
        builder = spec.engines.get(engine)
        if builder is None:
            raise UnsupportedModelError(
                f"'{label}' is a {engine} model, which cannot do '{spec.name}'.",
                f"Use a model made for {spec.name}, e.g. {', '.join(spec.hub_models[:2]) or 'the default'}.",
            )
        self.task, self.engine, self.model_name, self.options = spec.name, engine, label, options
        self._run = builder(model, options, spec.name)

    def __call__(self, value: str) -> PipelineResult:
        if not str(value).strip():
            raise InputError(f"The input for '{self.task}' is empty.", "Pass some text (or a file for speech).")
        return PipelineResult(self.task, self.model_name, self.engine, self._run(value))


def pipeline(task: str, model: str | None = None, **options: Any) -> Pipeline:
    """Build a pipeline for ``task`` running ``model`` (default: the task's embedded or cached model).

    ``options`` are the fields of :class:`PipelineOptions` (device, max_tokens, src, tgt, context, labels,
    output, steps, size, seed). Call the result on an input to get a :class:`PipelineResult`.
    """
    import hfkit.toolkit.tasks  # noqa: F401  (fills TASKS)

    spec = find_task(task)
    opts = PipelineOptions(**options)
    if model:
        engine, resolved = locate_model(model)
        return Pipeline(spec, engine, resolved, opts, model)
    if spec.default is not None:
        default_engine, name = spec.default
        return Pipeline(spec, default_engine, resolve(name) if embedded(name) else None, opts, name)
    cached = _cached_hub_model(spec, opts)
    if cached is None:
        raise _no_local_model(spec, opts)
    engine, resolved = locate_model(cached)
    return Pipeline(spec, engine, resolved, opts, cached)
