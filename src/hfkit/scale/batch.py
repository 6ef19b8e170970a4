"""Many recordings through ``transcribe`` or ``minutes``: a folder per recording, a manifest, resumable.

``OUT/<stem>/`` holds each recording's files and ``OUT/manifest.jsonl`` one line per input (status, outputs,
seconds, error sentence). Workers (in this process, or Ray actors) make the files and send them back; the driver
alone writes ``OUT``: each file atomically, then the input's manifest line, so a line marks a finished recording.
A recording that fails is recorded and the others go on. A rerun skips inputs whose line says ok with the same
settings and whose files are all there.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hfkit.core.atomic import atomic_open
from hfkit.core.audio import AUDIO_SUFFIXES
from hfkit.core.errors import HfkitError, InputError
from hfkit.scale.executor import Executor, Failure, Job, Report

MANIFEST = "manifest.jsonl"
OnItem = Callable[[dict[str, Any]], None]
OnProgress = Callable[[float, int], None]  # (recordings done, with shares of those in flight; recordings to do)


class TranscribeSettings(BaseModel):
    """What ``hfkit transcribe`` does to each recording."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    device: str = "auto"
    base_url: str | None = None
    language: str | None = None
    vad: bool = True
    beam_size: int = Field(default=5, ge=1, le=20)
    batch_size: int = Field(default=0, ge=0)
    formats: list[str] = Field(default_factory=lambda: ["json", "srt", "vtt", "txt"])

    @property
    def on_gpu(self) -> bool:
        return self.device != "cpu"


class MinutesSettings(BaseModel):
    """What ``hfkit minutes`` does to each recording (``options`` is a MinutesOptions dump)."""

    model_config = ConfigDict(extra="forbid")

    options: dict[str, Any] = Field(default_factory=dict)
    formats: list[str] = Field(default_factory=lambda: ["md", "json"])

    @property
    def on_gpu(self) -> bool:
        return bool(self.options.get("device", "auto") != "cpu")


@dataclass
class Outcome:
    """What a worker sends back for one recording: its files (name -> bytes) or the sentence saying why not."""

    files: dict[str, bytes] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    no_speech: bool = False


class RecordingWorker:
    """One worker of a batch: ``process`` runs ``work`` in a temporary folder and sends back what it wrote."""

    def work(self, path: Path, folder: Path, report: Report) -> bool:
        """Write the recording's files into ``folder``; True when no speech was found."""
        raise NotImplementedError

    def process(self, path: Path, report: Report) -> Outcome:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="hfkit-batch-") as folder:
            try:
                no_speech = self.work(path, Path(folder), report)
            except HfkitError as exc:
                return Outcome(seconds=time.perf_counter() - started, error=str(exc))
            except Exception as exc:  # one broken recording must not stop the others
                return Outcome(seconds=time.perf_counter() - started, error=f"unexpected {type(exc).__name__}: {exc}")
            files = {p.name: p.read_bytes() for p in sorted(Path(folder).iterdir()) if p.is_file()}
        report(1.0)
        return Outcome(files, time.perf_counter() - started, no_speech=no_speech)


class TranscribeWorker(RecordingWorker):
    """Loads the speech model once; writes ``<stem>.<format>`` files per recording."""

    def __init__(self, settings: TranscribeSettings) -> None:
        self.settings = settings

    def work(self, path: Path, folder: Path, report: Report) -> bool:
        from hfkit.backends.base import TranscribeOptions
        from hfkit.core.audio import check_file
        from hfkit.speech import get_transcriber, write_outputs

        s = self.settings
        transcriber = get_transcriber(s.model, s.device, s.base_url, s.language)
        options = TranscribeOptions(language=s.language, vad=s.vad, beam_size=s.beam_size, batch_size=s.batch_size)
        result = transcriber.transcribe(check_file(path), options)
        segments = []
        for segment in result.segments:
            segments.append(segment)
            report(min(0.99, segment.end / max(result.info.duration, 0.01)))
        write_outputs(result.info, segments, s.formats, folder, path.stem)
        return not segments


class MinutesWorker(RecordingWorker):
    """Minutes per recording; the speech, embedding and NLP models load once per worker (process-wide caches)."""

    def __init__(self, settings: MinutesSettings) -> None:
        from hfkit.minutes.model import MinutesOptions

        self.settings = settings
        self.options = MinutesOptions(**settings.options)

    def work(self, path: Path, folder: Path, report: Report) -> bool:
        from hfkit.minutes.api import minutes

        def stage(name: str, done: float, total: float) -> None:
            share = done / total if total else 0.0
            report({"decode": 0.05, "speech": 0.05 + 0.75 * share, "speakers": 0.85, "minutes": 0.9}.get(name, 0.0))

        result = minutes(path, options=self.options, on_progress=stage)
        result.write(folder, self.settings.formats)
        return bool(result.minutes.no_speech)


WORKERS: dict[str, Callable[[Any], RecordingWorker]] = {"transcribe": TranscribeWorker, "minutes": MinutesWorker}


def expand(inputs: Sequence[Path], suffixes: frozenset[str] = AUDIO_SUFFIXES) -> list[Path]:
    """Files and the recordings inside folders (sorted); a missing path fails now, a bad file later, on its own."""
    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
            if not found:
                raise InputError(f"Directory '{path}' contains no audio or video files.", "Pass a folder with recordings in it.")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"File '{path}' does not exist.", "Check the path and try again.")
    return files


class Manifest:
    """``OUT/manifest.jsonl``: appended (and fsync'd) as recordings finish, rewritten one line per input at the end."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / MANIFEST
        self.lines: dict[str, dict[str, Any]] = {}
        if self.path.exists():
            for text in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    line = json.loads(text)
                except json.JSONDecodeError:  # a line cut short by a kill
                    continue
                if isinstance(line, dict) and "input" in line:
                    self.lines[line["input"]] = line

    def complete(self, key: str, settings: str) -> bool:
        """True when ``key`` finished with these settings and its files are all there."""
        line = self.lines.get(key)
        return bool(line and line.get("status") == "ok" and line.get("settings") == settings
                    and all((self.path.parent / name).is_file() for name in line.get("outputs", [])))

    def append(self, line: dict[str, Any]) -> None:
        self.lines[line["input"]] = line
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def compact(self, order: Sequence[str]) -> None:
        """One line per input, in input order (inputs of earlier runs not given now are kept after them)."""
        keys = [k for k in order if k in self.lines] + [k for k in self.lines if k not in set(order)]
        with atomic_open(self.path) as handle:
            for key in keys:
                handle.write(json.dumps(self.lines[key], ensure_ascii=False) + "\n")


def folder_names(files: Sequence[Path], manifest: Manifest) -> dict[str, str]:
    """Output folder per input: its stem, ``<stem>-2``... when stems repeat; a folder from an earlier run is kept."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for path in files:
        key = str(path.resolve())
        known = manifest.lines.get(key, {}).get("output_dir")
        name, number = known or path.stem, 1
        while name in taken:
            number += 1
            name = f"{path.stem}-{number}"
        names[key] = name
        taken.add(name)
    return names


@dataclass
class BatchResult:
    """How a batch went: manifest lines of this run's inputs."""

    lines: list[dict[str, Any]]
    skipped: int

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [line for line in self.lines if line["status"] != "ok"]


def settings_key(kind: str, settings: BaseModel) -> str:
    text = json.dumps({"kind": kind, **settings.model_dump()}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_batch(kind: str, files: Sequence[Path], output: Path, settings: BaseModel, executor: Executor, *,
              on_item: OnItem | None = None, on_progress: OnProgress | None = None,
              num_cpus: float = 1.0) -> BatchResult:
    """Run ``kind`` (transcribe, minutes) over ``files`` into ``output`` on ``executor``; see the module docstring."""
    output.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(output)
    key = settings_key(kind, settings)
    names = folder_names(files, manifest)
    keys = [str(p.resolve()) for p in files]
    todo = [p for p, k in zip(files, keys, strict=True) if not manifest.complete(k, key)]
    job = Job(functools.partial(WORKERS[kind], settings), num_cpus=num_cpus, wants_gpu=bool(getattr(settings, "on_gpu", False)))
    tracker = _Tracker(len(todo), on_progress)
    for index, outcome in executor.imap(job, todo, ordered=False, on_progress=tracker.share):
        path = todo[index]
        line = _record(path, output, names[str(path.resolve())], key, outcome)
        manifest.append(line)
        tracker.finish(index)
        if on_item:
            on_item(line)
    manifest.compact(keys)
    return BatchResult([manifest.lines[k] for k in keys], skipped=len(files) - len(todo))


def _record(path: Path, output: Path, name: str, key: str, outcome: Outcome | Failure) -> dict[str, Any]:
    """Write the recording's files (each atomically) and return its manifest line."""
    line: dict[str, Any] = {"input": str(path.resolve()), "output_dir": name, "settings": key}
    if isinstance(outcome, Failure):
        return line | {"status": "failed", "outputs": [], "seconds": None,
                       "error": f"'{path.name}' could not be processed: {outcome.message}."}
    if outcome.error:
        return line | {"status": "failed", "outputs": [], "seconds": round(outcome.seconds, 2), "error": outcome.error}
    folder = output / name
    for file_name, data in outcome.files.items():
        with atomic_open(folder / file_name, "wb") as handle:
            handle.write(data)  # type: ignore[arg-type]
    return line | {"status": "ok", "outputs": [f"{name}/{n}" for n in outcome.files], "seconds": round(outcome.seconds, 2),
                   "error": None, "no_speech": outcome.no_speech}


class _Tracker:
    """One progress figure over all recordings: finished ones count 1, those in flight their share."""

    def __init__(self, total: int, on_progress: OnProgress | None) -> None:
        self.total = total
        self.on_progress = on_progress
        self.shares: dict[int, float] = {}
        self.done: set[int] = set()
        self.finished = 0

    def share(self, index: int, share: float) -> None:
        if index in self.done:  # a late report of a finished recording
            return
        self.shares[index] = share
        self._emit()

    def finish(self, index: int) -> None:
        self.shares.pop(index, None)
        self.done.add(index)
        self.finished += 1
        self._emit()

    def _emit(self) -> None:
        if self.on_progress:
            self.on_progress(self.finished + sum(self.shares.values()), self.total)
