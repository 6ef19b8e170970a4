"""One pool for every loaded model in the process, with a lifecycle.

Jobs ask the pool for a model by a key that holds every setting that changes what gets loaded (reference, device,
context size, server URL...). The pool loads it once, hands the same object to every caller, evicts the least
recently used model when a count or memory budget is exceeded, and closes what it evicts and, at exit, whatever it
still holds. Loading is serialised per key, so two threads asking for the same model load it once while a different
model may load beside it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from hfkit.core.errors import InputError

T = TypeVar("T")
PoolKey = tuple[Hashable, ...]


@dataclass
class PoolEntry:
    """One loaded model and the resident memory its load added (bytes; 0 where it cannot be read)."""

    model: Any
    size_bytes: int = 0


@dataclass
class ModelPool:
    """Loaded models by key; thread-safe; least recently used evicted past ``max_models`` or ``memory_budget``."""

    max_models: int | None = None
    memory_budget: int | None = None
    _entries: OrderedDict[PoolKey, PoolEntry] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _loading: dict[PoolKey, threading.Lock] = field(default_factory=dict)

    def get(self, key: PoolKey, loader: Callable[[], T]) -> T:
        """The model for ``key``, loading it with ``loader()`` the first time."""
        found = self._lookup(key)
        if found is not None:
            return cast(T, found.model)
        with self._load_lock(key):
            found = self._lookup(key)
            if found is not None:
                return cast(T, found.model)
            before = resident_bytes()
            model = loader()
            self._store(key, PoolEntry(model, max(0, resident_bytes() - before)))
            return model

    def loaded(self) -> list[PoolKey]:
        """Keys of the loaded models, least recently used first."""
        with self._lock:
            return list(self._entries)

    def evict(self, key: PoolKey) -> bool:
        """Close and forget the model for ``key``; False when none was loaded."""
        with self._lock:
            entry = self._entries.pop(key, None)
        if entry is None:
            return False
        close_model(entry.model)
        return True

    def close_all(self) -> None:
        """Close every model the pool holds (at exit, or to free memory between jobs)."""
        with self._lock:
            entries = list(self._entries.values())
            self._entries.clear()
        for entry in entries:
            close_model(entry.model)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._entries

    def _lookup(self, key: PoolKey) -> PoolEntry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def _load_lock(self, key: PoolKey) -> threading.Lock:
        with self._lock:
            return self._loading.setdefault(key, threading.Lock())

    def _store(self, key: PoolKey, entry: PoolEntry) -> None:
        with self._lock:
            self._entries[key] = entry
            evicted = self._over_budget(keep=key)
        for old in evicted:
            close_model(old.model)

    def _over_budget(self, keep: PoolKey) -> list[PoolEntry]:
        """Pop least recently used entries (never ``keep``) until count and memory fit; caller holds the lock."""
        evicted: list[PoolEntry] = []
        while len(self._entries) > 1 and self._exceeded():
            oldest = next(k for k in self._entries if k != keep)
            evicted.append(self._entries.pop(oldest))
        return evicted

    def _exceeded(self) -> bool:
        if self.max_models is not None and len(self._entries) > self.max_models:
            return True
        used = sum(entry.size_bytes for entry in self._entries.values())
        return self.memory_budget is not None and used > self.memory_budget


def close_model(model: Any) -> None:
    """Call the model's ``close()`` if it has one; a failing close never stops the others."""
    close = getattr(model, "close", None)
    if callable(close):
        with contextlib.suppress(Exception):
            close()


def resident_bytes() -> int:
    """This process's resident memory now (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _env_int(name: str, scale: int = 1) -> int | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{name}={raw!r} is not a whole number.", f"Set {name} to a positive integer or unset it.") from None
    if value <= 0:
        raise InputError(f"{name}={raw!r} must be positive.", f"Set {name} to a positive integer or unset it.")
    return value * scale


_POOL: ModelPool | None = None
_POOL_LOCK = threading.Lock()


def model_pool() -> ModelPool:
    """The process's pool; ``HFKIT_POOL_MAX_MODELS`` and ``HFKIT_POOL_MEMORY_MB`` set its limits (default: none)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ModelPool(_env_int("HFKIT_POOL_MAX_MODELS"), _env_int("HFKIT_POOL_MEMORY_MB", 1 << 20))
            atexit.register(_POOL.close_all)
        return _POOL


def pooled(kind: str, *key: Hashable, loader: Callable[[], T]) -> T:
    """Shorthand: ``model_pool().get((kind, *key), loader)``."""
    return model_pool().get((kind, *key), loader)
