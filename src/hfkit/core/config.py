"""Paths and machine settings, resolved at call time (environment first, then platform dirs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def cache_dir() -> Path:
    """Where hfkit keeps assembled models and other derived files."""
    env = os.environ.get("HFKIT_CACHE")
    path = Path(env) if env else Path(platformdirs.user_cache_dir("hfkit"))
    path.mkdir(parents=True, exist_ok=True)
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
    if device not in ("auto", "cpu", "cuda"):
        from hfkit.core.errors import InputError

        raise InputError(f"Unknown device '{device}'.", "Use --device auto, cpu or cuda.")
    if device != "auto":
        return device
    try:
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except Exception:
        return "cpu"
