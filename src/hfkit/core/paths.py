"""Input files read with an explicit encoding and output paths checked before any work starts: each problem is one
sentence naming the path and the fix, never an OSError from deep inside a job."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hfkit.core.errors import InputError

MAX_TEXT_BYTES = 64 * 1024 * 1024  # text inputs (schemas, messages, transcripts, specs) larger than this are refused


def read_text(path: Path, what: str = "File", limit: int = MAX_TEXT_BYTES) -> str:
    """The UTF-8 text of ``path``; missing, a directory, unreadable, too large or not UTF-8 is one clear sentence."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{what} '{path}' does not exist.", "Check the path.")
    if path.is_dir():
        raise InputError(f"{what} '{path}' is a directory, not a file.", "Pass a file.")
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"{what} '{path}' is {size / 1e6:.0f} MB, more than the {limit / 1e6:.0f} MB hfkit reads.",
                             "Pass a smaller file.")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{what} '{path}' cannot be read ({exc.strerror}).", "Check its permissions.") from exc
    return decode_utf8(data, f"{what} '{path}'")


def decode_utf8(data: bytes, where: str) -> str:
    """``data`` as UTF-8 (a BOM is dropped); anything else is one sentence saying where the bad byte is."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where} is not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x}).",
                         "Save it as UTF-8 (e.g. iconv -t UTF-8).") from exc


def read_stdin(limit: int = MAX_TEXT_BYTES) -> str:
    """Standard input as UTF-8 text, whatever the locale says."""
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"Standard input is more than the {limit / 1e6:.0f} MB hfkit reads.", "Pass less text.")
    return decode_utf8(data, "Standard input")


def check_output_file(path: Path, overwrite: bool = True, option: str = "--output") -> Path:
    """Refuse an output file that is a directory, exists without ``overwrite``, or whose folder cannot be written."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"Output '{path}' is a directory.", f"Pass a file name with {option}.")
    if path.exists() and not overwrite:
        raise InputError(f"Output '{path}' already exists.", "Pass --overwrite to replace it, or choose another name.")
    _check_writable_folder(path.parent, option)
    return path


def check_output_dir(path: Path, option: str = "--output-dir") -> Path:
    """Refuse an output folder that is a file or cannot be created or written (nothing is created here)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(f"Output directory '{path}' is a file.", f"Pass a directory with {option}.")
    _check_writable_folder(path, option)
    return path


def check_new_outputs(paths: list[Path], overwrite: bool) -> None:
    """Refuse to replace existing outputs unless ``overwrite``; a directory in the way is refused either way."""
    for path in paths:
        if path.is_dir():
            raise InputError(f"Output '{path}' is a directory.", "Move it away or choose another output folder.")
        if path.exists() and not overwrite:
            raise InputError(f"Output '{path}' already exists.", "Pass --overwrite to replace it, or choose another "
                             "output folder.")


def _check_writable_folder(folder: Path, option: str) -> None:
    """The nearest existing ancestor of ``folder`` must be a writable directory."""
    existing = folder if str(folder) else Path(".")
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(f"Output folder '{folder}' cannot be created: '{existing}' is a file.", f"Choose another {option}.")
    try:  # a real probe: permission bits say nothing for root or on a read-only file system
        with tempfile.TemporaryFile(dir=existing, prefix=".hfkit-probe-"):
            pass
    except OSError as exc:
        raise InputError(f"Output folder '{existing}' is not writable ({exc.strerror}).",
                         f"Choose another {option} or fix its permissions.") from exc


@contextmanager
def created_dir(path: Path, option: str = "--output-dir") -> Iterator[Path]:
    """Create ``path`` (and missing parents) for the block; remove the folders it created if the block fails and
    left them empty, so a failed job leaves no empty output folder behind."""
    path = Path(path)
    made: list[Path] = []
    probe = path
    while not probe.exists():
        made.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise InputError(f"Output folder '{path}' cannot be created: '{probe}' is a file.", f"Choose another {option}.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Output folder '{path}' cannot be created ({exc.strerror}).", f"Choose another {option}.") from exc
    try:
        yield path
    except BaseException:
        for folder in made:  # deepest first
            if folder.is_dir() and not any(folder.iterdir()):
                shutil.rmtree(folder, ignore_errors=True)
        raise
