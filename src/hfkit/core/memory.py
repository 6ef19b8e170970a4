"""Giving freed memory back to the operating system between the stages of a long job."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys


def release_freed_memory() -> None:
    """Collect garbage and, with glibc, return freed heap pages (``malloc_trim``), so peak RSS does not add up
    stage after stage on long recordings. Does nothing more on other C libraries."""
    gc.collect()
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # musl and others have no malloc_trim
        return
