"""The executor seam: a job builds one worker per process (models load once), items go through ``process``.

Two executors share it: :class:`LocalExecutor` (this process, in order) and the Ray executor
(``hfkit.backends.ray_cluster``: a pool of actors on a local or remote cluster). Callers see the same
``imap`` either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

Report = Callable[[float], None]  # the share (0..1) of the current item that is done
Progress = Callable[[int, float], None]  # (item index, share done), on the driver


class Worker(Protocol):
    """What a job builds once per worker process."""

    def process(self, item: Any, report: Report) -> Any: ...


@dataclass(frozen=True)
class Job:
    """How to build a worker: ``factory()`` (picklable: a class or functools.partial) and what one worker needs."""

    factory: Callable[[], Worker]
    num_cpus: float = 1.0
    wants_gpu: bool = False  # take a GPU per worker where the cluster has them


@dataclass(frozen=True)
class Failure:
    """An item whose worker died or raised: the sentence to report."""

    message: str


class Executor(Protocol):
    """Runs a job's workers over items."""

    name: str
    workers: int

    def imap(self, job: Job, items: Iterable[Any], *, ordered: bool = True,
             on_progress: Progress | None = None) -> Iterator[tuple[int, Any]]:
        """(index, result or :class:`Failure`) per item; in item order when ``ordered``, else as they finish.

        ``items`` is read lazily (it may be endless); stop iterating to stop the work.
        """
        ...

    def close(self) -> None: ...


class ScaleOptions(BaseModel):
    """Where work runs. ``ray=False``: in this process; ``ray=True``: on Ray (``address`` or RAY_ADDRESS joins a
    cluster, otherwise a local Ray on this machine's cores)."""

    model_config = ConfigDict(extra="forbid")

    ray: bool = False
    address: str | None = None
    workers: int | None = Field(default=None, ge=1, le=100_000)
    object_store_mb: int | None = Field(default=None, ge=64, le=1_000_000)
    shard_size: int | None = Field(default=None, ge=1, le=10_000_000)


class LocalExecutor:
    """Runs every item in this process, in order, with one worker."""

    name = "local"
    workers = 1

    def imap(self, job: Job, items: Iterable[Any], *, ordered: bool = True,
             on_progress: Progress | None = None) -> Iterator[tuple[int, Any]]:
        worker = job.factory()
        for index, item in enumerate(items):
            report = (lambda share, i=index: on_progress(i, share)) if on_progress else _ignore
            yield index, worker.process(item, report)

    def close(self) -> None:
        """Nothing to release."""


def _ignore(share: float) -> None:
    """No progress wanted."""


def _ray(options: ScaleOptions) -> Executor:
    from hfkit.backends.ray_cluster import RayExecutor

    return RayExecutor(options)


EXECUTORS: dict[bool, Callable[[ScaleOptions], Executor]] = {False: lambda options: LocalExecutor(), True: _ray}


def make_executor(options: ScaleOptions | None = None) -> Executor:
    """The executor ``options`` ask for (Ray is imported only when it is wanted)."""
    options = options or ScaleOptions()
    return EXECUTORS[options.ray](options)
