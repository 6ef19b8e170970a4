"""hfkit: meeting minutes, synthetic data and an open-model toolkit, locally and privately."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "transcribe": "hfkit.speech.transcribe:transcribe",
    "load_chat_model": "hfkit.backends.base:load_chat_model",
    "load_transcriber": "hfkit.backends.base:load_transcriber",
    "generate": "hfkit.generation.api:generate",
    "chat": "hfkit.generation.api:chat",
    "minutes": "hfkit.minutes.api:minutes",
    "synth": "hfkit.synth.api:synth",
    "generate_synthetic_data": "hfkit.synth.api:generate_synthetic_data",
    "pipeline": "hfkit.toolkit.pipelines:pipeline",
    "load_tokenizer": "hfkit.toolkit.tokens:load_tokenizer",
    "AutoTokenizer": "hfkit.toolkit.tokens:AutoTokenizer",
}

__all__ = [*_LAZY, "__version__"]


def __dir__() -> list[str]:
    """The public API (what ``from hfkit import *`` gives), so ``dir(hfkit)`` shows it before first use."""
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    """Import the public API lazily so ``import hfkit`` stays fast."""
    if name not in _LAZY:
        raise AttributeError(f"module 'hfkit' has no attribute {name!r}")
    import importlib

    module, _, attr = _LAZY[name].partition(":")
    return getattr(importlib.import_module(module), attr)
