"""Task pipelines: ``pipeline(task, model=None, **options)(input) -> PipelineResult``.

Each task maps engines (the kind of model given: embedded spaCy/Piper/Whisper/MiniLM, a lexicon, a chat model
(GGUF or openai:), a transformers directory or hub id, a diffusers pipeline) to a builder. With no model, the task's
embedded default runs; a task without one uses a suitable model from the Hugging Face cache, or says which hub models
to pull.
"""

from __future__ import annotations

import difflib
import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from hfkit.core.errors import InputError, ModelNotFoundError, UnsupportedModelError
from hfkit.core.registry import ResolvedModel, embedded, resolve, resolve_local

Engine = Literal["spacy", "lexicon", "piper", "whisper", "sentence-transformers", "embedding-similarity", "chat",
                 "transformers", "diffusers"]


class PipelineOptions(BaseModel):
    """Options of every pipeline (given to ``pipeline(...)`` or per call); each task reads the ones it needs.

    transformers' call keywords are accepted under their own names: ``max_new_tokens`` (= ``max_tokens``),
    ``do_sample``, ``temperature``, ``return_full_text``, ``top_k``, ``aggregation_strategy``, ``question`` and
    ``context``, ``candidate_labels`` (= ``labels``), ``src_lang``/``tgt_lang`` (= ``src``/``tgt``).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    device: Literal["auto", "cpu", "cuda"] = "auto"
    max_tokens: int = Field(default=128, ge=1, le=8192, validation_alias=AliasChoices("max_tokens", "max_new_tokens"))
    do_sample: bool = False
    temperature: float = Field(default=0.7, ge=0.0, le=2.0)
    return_full_text: bool = True
    top_k: int | None = Field(default=1, ge=1)
    aggregation_strategy: Literal["none", "simple", "first", "average", "max"] = "simple"
    src: str | None = Field(default=None, validation_alias=AliasChoices("src", "src_lang"))
    tgt: str | None = Field(default=None, validation_alias=AliasChoices("tgt", "tgt_lang"))
    question: str | None = None
    context: str | None = None
    labels: list[str] = Field(default_factory=list, validation_alias=AliasChoices("labels", "candidate_labels"))
    steps: int = Field(default=20, ge=1, le=500, validation_alias=AliasChoices("steps", "num_inference_steps"))
    size: int | None = Field(default=None, ge=8, le=2048)
    seed: int = 0

    @field_validator("labels", mode="before")
    @classmethod
    def _split_labels(cls, value: Any) -> Any:
        return [part.strip() for part in value.split(",")] if isinstance(value, str) else value

    @field_validator("device")
    @classmethod
    def _present_device(cls, value: str) -> str:
        from hfkit.core.validation import check_device

        return check_device(value)

    def sampling_temperature(self) -> float:
        """The temperature generation runs at: 0 (greedy) unless ``do_sample``."""
        return self.temperature if self.do_sample else 0.0


def canonical_names(options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` with transformers' spellings (max_new_tokens, candidate_labels...) under hfkit's field names."""
    names: dict[str, str] = {}
    for field_name, info in PipelineOptions.model_fields.items():
        alias = info.validation_alias
        for choice in getattr(alias, "choices", ()):
            names[str(choice)] = field_name
    return {names.get(key, key): value for key, value in options.items()}


def parse_options(options: Mapping[str, Any]) -> PipelineOptions:
    """Validated options; a wrong name or value is one sentence naming it (not pydantic's report)."""
    from pydantic import ValidationError

    try:
        return PipelineOptions.model_validate(dict(options))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "options"
        known = ", ".join(sorted(PipelineOptions.model_fields))
        if error["type"] == "extra_forbidden":
            raise InputError(f"Pipelines have no option '{where}'.", f"Use one of: {known}.") from exc
        raise InputError(f"Pipeline option '{where}' is invalid: {error['msg']}.", "Pass a valid value.") from exc


class PipelineResult:
    """What hfkit adds to a result of transformers' shape: ``task``, ``model``, ``engine`` and ``data`` (hfkit's
    own details: segments, methods, per-label scores...). Results are a :class:`ListResult` or :class:`DictResult`,
    so ``result[0]["label"]`` and ``result["text"]`` work as in transformers."""

    task: str
    model: str
    engine: str
    data: Any

    def _describe(self, task: str, model: str, engine: str, data: Any) -> None:
        self.task, self.model, self.engine, self.data = task, model, engine, data

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the standard ``output`` and hfkit's ``data`` (audio and images summarised)."""
        return {"task": self.task, "model": self.model, "engine": self.engine, "output": jsonable(self),
                "data": jsonable(self.data)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, default=str)


class ListResult(list[Any], PipelineResult):
    """A list result (sentiment, ner, text-generation, translation...) with hfkit's extras as attributes."""


class DictResult(dict[str, Any], PipelineResult):
    """A dict result (question-answering, speech, zero-shot...) with hfkit's extras as attributes."""


def jsonable(value: Any) -> Any:
    """``value`` with arrays as lists and images/audio arrays replaced by a short description."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    shape = getattr(value, "shape", None)
    if shape is not None and hasattr(value, "tolist"):
        return value.tolist() if len(shape) <= 1 and shape[0] <= 4096 else f"<array {tuple(shape)}>"
    if hasattr(value, "size") and hasattr(value, "save"):
        return f"<image {value.size[0]}x{value.size[1]}>"
    return value


Runner = Callable[[Any, PipelineOptions], dict[str, Any]]
Shaper = Callable[[dict[str, Any], Any, PipelineOptions], Any]
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
    shape: Shaper | None = None  # hfkit's data -> transformers' output for this task
    fallback: tuple[str, str] | None = None  # (engine, model) when no hub model for the task is in the cache
    flat_batch: bool = False  # a list of inputs gives one item each (transformers flattens single-item lists)


TASKS: dict[str, TaskSpec] = {}


def register_task(spec: TaskSpec) -> None:
    """Add or replace a task in the registry."""
    TASKS[spec.name] = spec


def task_names() -> list[str]:
    return sorted(TASKS)


TRANSLATION_PAIR = re.compile(r"^translation[_-]([a-z]{2,3})[_-]to[_-]([a-z]{2,3})$")


def find_task(name: str) -> TaskSpec:
    """The task called ``name`` (or one of its aliases, or transformers' ``translation_en_to_fr``); a misspelling
    names the closest task."""
    key = name.strip().lower().replace("_", "-")
    if TRANSLATION_PAIR.match(key):
        key = "translation"
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
    """A task bound to a loaded model. Call it like a transformers pipeline: on one input or a list of inputs
    (text; an audio path for speech recognition; ``question=..., context=...`` for question answering; chat
    messages for text generation), with per-call options such as ``max_new_tokens``."""

    def __init__(self, spec: TaskSpec, engine: str, model: ResolvedModel | None, options: PipelineOptions,
                 label: str) -> None:
        builder = spec.engines.get(engine)
        if builder is None:
            raise UnsupportedModelError(
                f"'{label}' is a {engine} model, which cannot do '{spec.name}'.",
                f"Use a model made for {spec.name}, e.g. {', '.join(spec.hub_models[:2]) or 'the default'}.",
            )
        self.spec, self.task, self.engine, self.model_name, self.options = spec, spec.name, engine, label, options
        self._run = builder(model, options, spec.name)
        self._lock = threading.Lock()

    def __call__(self, inputs: Any = None, **options: Any) -> ListResult | DictResult:
        call = self._call_options(options)
        if inputs is None and call.question is not None:
            inputs = call.question
        if _is_batch(inputs):
            return self._batch(list(inputs), call)
        return self._one(inputs, call)

    def _call_options(self, options: dict[str, Any]) -> PipelineOptions:
        if not options:
            return self.options
        return parse_options({**self.options.model_dump(), **canonical_names(options)})

    def _one(self, value: Any, call: PipelineOptions) -> ListResult | DictResult:
        if isinstance(value, Mapping) and "question" in value:  # transformers' {"question", "context"}
            call = call.model_copy(update={"context": value.get("context", call.context)})
            value = value["question"]
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InputError(f"The input for '{self.task}' is empty.", "Pass some text (or a file for speech).")
        with self._lock:
            data = self._run(value, call)
        output = self.spec.shape(data, value, call) if self.spec.shape else data
        return _wrap(output, self.task, self.model_name, self.engine, data)

    def _batch(self, values: list[Any], call: PipelineOptions) -> ListResult:
        results = [self._one(value, call) for value in values]
        flat = self.spec.flat_batch and all(isinstance(r, list) and len(r) == 1 for r in results)
        items = [r[0] if flat and isinstance(r, list) else r for r in results]
        batch = ListResult(items)
        batch._describe(self.task, self.model_name, self.engine, [r.data for r in results])
        return batch


def _is_batch(inputs: Any) -> bool:
    """A list of inputs (strings, question dicts or chats), not one chat (a list of role/content messages)."""
    if not isinstance(inputs, list | tuple) or not inputs:
        return False
    return not all(isinstance(item, Mapping) and "role" in item for item in inputs)


def _wrap(output: Any, task: str, model: str, engine: str, data: Any) -> ListResult | DictResult:
    result: ListResult | DictResult = ListResult(output) if isinstance(output, list) else DictResult(output)
    result._describe(task, model, engine, data)
    return result


def pipeline(task: str, model: str | None = None, **options: Any) -> Pipeline:
    """Build a pipeline for ``task`` running ``model``, like ``transformers.pipeline``.

    With no model, the task's embedded default runs (spaCy NER, the VADER lexicon, Piper, Whisper, MiniLM,
    SmolLM2), else a suitable hub model already in the cache, else the task's fallback chat model. ``options`` are
    the fields of :class:`PipelineOptions`; they can also be given per call. Results have transformers' shapes.
    """
    import hfkit.toolkit.tasks  # noqa: F401  (fills TASKS)

    spec = find_task(task)
    pair = TRANSLATION_PAIR.match(task.strip().lower().replace("-", "_"))
    if pair:
        options = {"src": pair.group(1), "tgt": pair.group(2), **options}
    opts = parse_options(canonical_names(options))
    if model:
        engine, resolved = locate_model(model)
        return Pipeline(spec, engine, resolved, opts, model)
    if spec.default is not None:
        return _default_pipeline(spec, spec.default, opts)
    cached = _cached_hub_model(spec, opts)
    if cached is not None:
        engine, resolved = locate_model(cached)
        return Pipeline(spec, engine, resolved, opts, cached)
    if spec.fallback is not None:
        return _default_pipeline(spec, spec.fallback, opts)
    raise _no_local_model(spec, opts)


def _default_pipeline(spec: TaskSpec, default: tuple[str, str], opts: PipelineOptions) -> Pipeline:
    engine, name = default
    return Pipeline(spec, engine, resolve(name) if embedded(name) else None, opts, name)


def default_model(spec: TaskSpec) -> str:
    """What ``pipeline(task)`` runs with no model, in words (for help texts)."""
    if spec.default is not None:
        return spec.default[1]
    if spec.fallback is not None:
        return f"a cached {spec.hub_models[0]}, else {spec.fallback[1]}" if spec.hub_models else spec.fallback[1]
    return f"a cached hub model ({', '.join(spec.hub_models[:2])})"


OUTPUT_SUFFIXES: dict[str, tuple[str, ...]] = {"text-to-speech": (".wav",), "text-to-image": (".png", ".jpg", ".jpeg", ".webp")}


def check_output(task: str, output: Path) -> Path:
    """Refuse, before any work, an output file whose type the task cannot write."""
    suffixes = OUTPUT_SUFFIXES.get(find_task(task).name)
    if suffixes is None:
        raise InputError(f"'{task}' writes no file, so --output does not apply.", "Drop --output (or use --json).")
    if output.suffix.lower() not in suffixes:
        kind = "WAV" if suffixes == (".wav",) else "an image"
        raise InputError(f"{find_task(task).name} writes {kind}, but the output '{output}' is not a "
                         f"{'/'.join(suffixes)} file.", f"Pass --output NAME{suffixes[0]}.")
    return output


def save_output(result: Any, output: Path) -> Path:
    """Write a text-to-speech result as 16-bit mono WAV, or a text-to-image result as an image, atomically."""
    from hfkit.core.atomic import atomic_path

    if "audio" in result:
        import wave

        import numpy as np

        samples = np.clip(np.asarray(result["audio"], dtype=np.float32).reshape(-1), -1.0, 1.0)
        with atomic_path(output) as tmp, wave.open(str(tmp), "wb") as handle:
            handle.setnchannels(1)
            handle.setsampwidth(2)
            handle.setframerate(int(result["sampling_rate"]))
            handle.writeframes((samples * 32767).astype("<i2").tobytes())
        return output
    with atomic_path(output) as tmp:
        result["image"].save(tmp, format=output.suffix.lstrip(".").upper().replace("JPG", "JPEG"))
    return output
