"""What every tab shares: the app's temporary folder, errors shown as messages, the context tabs are built with."""

from __future__ import annotations

import atexit
import functools
import os
import queue
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, ParamSpec, TypeVar

import gradio as gr

from hfkit.core.config import debug_enabled
from hfkit.core.errors import Cancelled, HfkitError, InputError
from hfkit.web.options import WebOptions
from hfkit.web.policy import ModelPolicy

P = ParamSpec("P")
T = TypeVar("T")


@functools.cache
def gradio_cache() -> Path:
    """Gradio's upload and file cache: one temporary folder per process, removed at exit.

    Gradio reads ``GRADIO_TEMP_DIR`` each time it checks a file, so every app in a process shares it; a folder the
    user set there is respected.
    """
    if os.environ.get("GRADIO_TEMP_DIR"):
        return Path(os.environ["GRADIO_TEMP_DIR"]).resolve()
    path = Path(tempfile.mkdtemp(prefix="hfkit-web-gradio-")).resolve()
    os.environ["GRADIO_TEMP_DIR"] = str(path)
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@dataclass(frozen=True)
class Workspace:
    """The app's own temporary folder, where every file a job writes lives (uploads go to :func:`gradio_cache`)."""

    root: Path

    @classmethod
    def create(cls, base: Path | None = None) -> Workspace:
        if base is not None:
            base.mkdir(parents=True, exist_ok=True)
        workspace = cls(Path(tempfile.mkdtemp(prefix="hfkit-web-", dir=base)).resolve())
        (workspace.root / "jobs").mkdir()
        return workspace

    @property
    def gradio_cache(self) -> Path:
        return gradio_cache()

    @property
    def jobs(self) -> Path:
        return self.root / "jobs"

    def job_dir(self, kind: str) -> Path:
        """A fresh folder for one job's output files."""
        path = self.jobs / f"{kind}-{uuid.uuid4().hex[:12]}"
        path.mkdir(parents=True)
        return path

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass(frozen=True)
class WebContext:
    """Handed to each tab's ``build``: the options, the workspace and the models visitors may pick."""

    options: WebOptions
    workspace: Workspace

    @property
    def models(self) -> ModelPolicy:
        return ModelPolicy(tuple(dict.fromkeys([*self.options.chat_models, *self.options.asr_models,
                                                *self.options.allowed_models])))

    def text(self, value: str | None, what: str) -> str:
        """A form field's text, refused when longer than the app allows (it is data: never opened as a path)."""
        text = value or ""
        if len(text) > self.options.max_text_chars:
            raise InputError(f"The {what} is longer than this app accepts ({self.options.max_text_chars:,} "
                             "characters).", "Shorten it, or use the command line for very long inputs.")
        return text


def user_error(exc: BaseException) -> gr.Error:
    """The message a user sees for ``exc``: the hfkit message and hint, never a traceback."""
    if isinstance(exc, gr.Error):
        return exc
    if isinstance(exc, HfkitError):
        return gr.Error(str(exc), title=type(exc).__name__.removesuffix("Error") + " error", print_exception=False)
    if isinstance(exc, FileNotFoundError | IsADirectoryError | PermissionError | UnicodeDecodeError):
        return gr.Error(f"The file cannot be read ({exc}). Upload it again.", print_exception=False)
    return gr.Error(f"Unexpected {type(exc).__name__}: {exc}. Report it with HFKIT_DEBUG=1 output from the server.",
                    print_exception=debug_enabled())


def guard(fn: Callable[P, T]) -> Callable[P, T]:
    """Run an event handler, turning any failure into a message for the user."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise user_error(exc) from None

    return wrapper


def guard_stream(fn: Callable[P, Iterator[T]]) -> Callable[P, Iterator[T]]:
    """Like :func:`guard` for streaming (generator) handlers; Gradio still sees a generator."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        try:
            yield from fn(*args, **kwargs)
        except Exception as exc:
            raise user_error(exc) from None

    return wrapper


def uploaded(path: str | None, what: str, suffixes: frozenset[str] | None = None) -> Path:
    """The path of an uploaded file, checked to be one of this app's uploads and to have an accepted type."""
    if not path:
        raise InputError(f"No {what} was given.", "Upload or record one first.")
    file = Path(path).resolve()
    if not file.is_relative_to(gradio_cache()):
        raise InputError(f"The {what} is not a file uploaded to this app.", "Upload the file.")
    if suffixes is not None and file.suffix.lower() not in suffixes:
        raise InputError(
            f"'{file.name}' is not an accepted {what} type.", f"Upload a file ending in {', '.join(sorted(suffixes))}."
        )
    return file


def human_size(size: int | None) -> str:
    """Bytes as a short human string (1.2 GB)."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"  # pragma: no cover - loop always returns


def download(path: Path) -> dict[str, Any]:
    """Make a download button/file component point at ``path``."""
    return gr.update(value=str(path), visible=True)


class Background(Generic[T]):
    """Run a blocking job (which takes a progress callback) in a thread, so its handler can stream progress.

    Iterate :meth:`progress` for the callback's arguments as they come, and an empty tuple every ``beat`` seconds
    when nothing happened (so the handler yields often and Gradio can stop it at once); afterwards
    :attr:`result` holds the job's return value. Leaving the loop early (the user pressed Stop) cancels the job
    at its next progress report.
    """

    def __init__(self, job: Callable[[Callable[..., None]], T], beat: float = 0.5) -> None:
        self._events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._cancelled = threading.Event()
        self._job = job
        self._beat = beat
        self.result: T | None = None
        threading.Thread(target=self._run, daemon=True).start()

    def _report(self, *args: Any) -> None:
        if self._cancelled.is_set():
            raise Cancelled("The job was stopped.", "Start it again when you are ready.")
        self._events.put(("progress", args))

    def _run(self) -> None:
        try:
            self._events.put(("done", self._job(self._report)))
        except BaseException as exc:
            self._events.put(("error", exc))

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def progress(self) -> Iterator[tuple[Any, ...]]:
        try:
            while True:
                try:
                    kind, value = self._events.get(timeout=self._beat)
                except queue.Empty:
                    yield ()
                    continue
                if kind == "progress":
                    yield value
                elif kind == "error":
                    raise value
                else:
                    self.result = value
                    return
        finally:
            self._cancelled.set()
