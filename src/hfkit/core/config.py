"""Paths and machine settings, resolved at call time (environment first, then platform dirs)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import platformdirs


def cache_dir() -> Path:
    """Where hfkit keeps assembled models and other derived files."""
    env = os.environ.get("HFKIT_CACHE")
    path = Path(env) if env else Path(platformdirs.user_cache_dir("hfkit"))
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path, prefix=".hfkit-probe-"):
            writable = True
    except OSError:
        writable = False
    if not writable:
        from hfkit.core.errors import InputError

        raise InputError(f"hfkit's cache folder '{path}' cannot be written.",
                         "Set HFKIT_CACHE to a writable folder, or fix its permissions.")
    return path


def cpu_threads() -> int:
    """Threads to use for CPU inference: HFKIT_THREADS or the number of usable cores."""
    env = os.environ.get("HFKIT_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def debug_enabled() -> bool:
    """True when HFKIT_DEBUG asks for tracebacks."""
    return os.environ.get("HFKIT_DEBUG", "") not in ("", "0", "false")


def hub_offline() -> bool:
    """True when the user told huggingface_hub not to use the network."""
    return os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0", "false")


def resolve_device(device: str) -> str:
    """Turn 'auto' into 'cuda' when a CUDA device is visible to CTranslate2, else 'cpu'."""
    from hfkit.core.validation import check_device

    if check_device(device) != "auto":
        return device
    return "cuda" if cuda_available() else "cpu"


def cuda_available() -> bool:
    """True when CTranslate2 (or, without it, torch) sees a CUDA device; never imports torch when CTranslate2 answers."""
    try:
        import ctranslate2

        return bool(ctranslate2.get_cuda_device_count() > 0)
    except Exception:
        return False
