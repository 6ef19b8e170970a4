"""spaCy pipelines (embedded default: en_core_web_sm), loaded once per process in the model pool."""

from __future__ import annotations

from typing import Any

from hfkit.core.errors import missing_extra
from hfkit.core.pool import pooled
from hfkit.core.registry import ResolvedModel, resolve

DEFAULT_SPACY = "en-core-web-sm"


__all__ = ["DEFAULT_SPACY", "load_spacy"]


def load_spacy(reference: str | ResolvedModel = DEFAULT_SPACY) -> Any:
    """The spaCy pipeline for an embedded name, a local pipeline directory or an already resolved model."""
    if isinstance(reference, ResolvedModel):
        path = str(reference.path)
        return pooled("spacy", path, loader=lambda: _load(path))
    return pooled("spacy", reference, loader=lambda: _load(str(resolve(reference).path)))


def _load(path: str) -> Any:
    try:
        import spacy
    except ImportError as exc:
        raise missing_extra("spacy", "minutes") from exc
    return spacy.load(path)
