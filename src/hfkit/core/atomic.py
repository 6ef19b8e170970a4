"""Write files so that a crash or Ctrl-C never leaves a half-written output behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` only on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_open(target: Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[str]]:
    """Open a temporary file for writing that replaces ``target`` when the block succeeds."""
    with atomic_path(target) as tmp:
        enc = None if "b" in mode else encoding
        with open(tmp, mode, encoding=enc) as handle:
            yield handle


def write_text(target: Path, text: str) -> None:
    """Atomically write ``text`` to ``target``."""
    with atomic_open(target) as handle:
        handle.write(text)


def write_bytes(target: Path, data: bytes) -> None:
    """Atomically write ``data`` to ``target``."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def build_once(target: Path, build: Callable[[Path], Path]) -> Path:
    """Create ``target`` once, under a file lock: ``build(staging_dir)`` returns what to rename onto ``target``.

    Concurrent callers wait for the first; a failed or interrupted build leaves nothing behind.
    """
    if target.exists():
        return target
    from filelock import FileLock

    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if target.exists():
            return target
        staging = _staging_dir(target)
        try:
            os.replace(build(staging), target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _staging_dir(target: Path) -> Path:
    """An empty folder beside ``target`` with the usual permissions (mkdtemp makes it 0700), since a build may
    rename the folder itself onto ``target``."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    os.chmod(staging, 0o777 & ~_umask())
    return staging
