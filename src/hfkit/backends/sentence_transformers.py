"""Sentence embeddings with sentence-transformers (embedded default: MiniLM L6 v2), on the CPU by default."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hfkit.core.config import cpu_threads
from hfkit.core.errors import UnsupportedModelError, missing_extra
from hfkit.core.pool import pooled
from hfkit.core.registry import resolve

DEFAULT_EMBEDDER = "all-minilm-l6-v2"


class Embedder:
    """Encodes texts to L2-normalised vectors (numpy float32, one row per text)."""

    def __init__(self, reference: str = DEFAULT_EMBEDDER, device: str = "cpu") -> None:
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise missing_extra("sentence-transformers", "minutes") from exc
        model = resolve(reference)
        if model.format not in ("sentence-transformers", "transformers") or model.path is None:
            raise UnsupportedModelError(f"'{reference}' is not a sentence-embedding model.", f"Use {DEFAULT_EMBEDDER}.")
        torch.set_num_threads(cpu_threads())
        self.name = model.name
        self._model = SentenceTransformer(str(model.path), device="cpu" if device == "auto" else device)

    @property
    def dimension(self) -> int:
        return int(self._model.get_sentence_embedding_dimension() or 0)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> Any:
        return self._model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)


def load_embedder(reference: str = DEFAULT_EMBEDDER, device: str = "cpu") -> Embedder:
    """An embedder loaded once per process (in the model pool)."""
    return pooled("embedder", reference, device, loader=lambda: Embedder(reference, device))
