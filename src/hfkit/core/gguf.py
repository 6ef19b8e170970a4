"""Read GGUF metadata with the ``gguf`` package (llama.cpp's own reader)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from hfkit.core.errors import InputError


@lru_cache(maxsize=32)
def _reader(path: str, mtime: float) -> Any:
    import gguf

    try:
        return gguf.GGUFReader(path, "r")
    except Exception as exc:
        raise InputError(f"'{path}' is not a readable GGUF file ({exc}).", "Check that the download finished.") from exc


def read_metadata(path: Path, keys_only: bool = False) -> dict[str, Any]:
    """Return the GGUF key/value metadata (values decoded to Python types unless ``keys_only``)."""
    reader = _reader(str(path), path.stat().st_mtime)
    if keys_only:
        return {key: None for key in reader.fields}
    return {key: _field_value(f) for key, f in reader.fields.items() if not key.startswith("tokenizer.ggml.")}


def _field_value(f: Any) -> Any:
    try:
        return f.contents()
    except Exception:
        return None


def reader(path: Path) -> Any:
    """The (cached) ``gguf.GGUFReader`` of ``path``: fields and tensors, parsed once per process."""
    return _reader(str(path), path.stat().st_mtime)
