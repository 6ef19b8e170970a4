"""spaCy pipelines (embedded default: en_core_web_sm), loaded once per process in the model pool."""

from __future__ import annotations

from typing import Any

from hfkit.core.errors import missing_extra
from hfkit.core.pool import pooled
from hfkit.core.registry import resolve

DEFAULT_SPACY = "en-core-web-sm"


def load_spacy(reference: str = DEFAULT_SPACY) -> Any:
    """The spaCy pipeline for an embedded name or a local pipeline directory."""
    return pooled("spacy", reference, loader=lambda: _load(reference))


def _load(reference: str) -> Any:
    try:
        import spacy
    except ImportError as exc:
        raise missing_extra("spacy", "minutes") from exc
    return spacy.load(str(resolve(reference).path))
