"""Ray as the executor of ``hfkit.scale``: a pool of actors (one model load each), retried when a worker dies.

``ray.init`` joins ``--ray-address`` / RAY_ADDRESS, or starts a local Ray on this machine's cores. Each worker is an
actor built once from the job; items are submitted a few per actor ahead, results come back as Ray finishes them.
Workers report their progress to a small actor that the driver reads while it waits, so one bar covers all items.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from hfkit.core.errors import InputError, missing_extra
from hfkit.scale.executor import Failure, Job, Progress, ScaleOptions

IN_FLIGHT_PER_WORKER = 2  # one running, one waiting: a worker never idles while the driver reads a result
RETRIES = 3  # a killed worker process is restarted and its item retried this many times
LOCAL_OBJECT_STORE_MB = 512  # a local Ray moves results, not recordings: keep its shared memory small
REPORT_EVERY_S = 0.5


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise missing_extra("ray", "ray") from exc
    return ray


def connect(options: ScaleOptions) -> bool:
    """Join the cluster ``options`` name (or the running one) or start a local Ray; True when this call started it."""
    ray = _ray()
    if ray.is_initialized():
        return False
    address = options.address or os.environ.get("RAY_ADDRESS") or None
    settings: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.ERROR,
                                "configure_logging": True}
    if address is None:
        megabytes = options.object_store_mb or LOCAL_OBJECT_STORE_MB
        settings |= {"object_store_memory": megabytes * 1024 * 1024}
    elif options.object_store_mb:
        raise InputError("--object-store-mb only applies to a local Ray.", "Size the object store when starting the cluster.")
    try:
        ray.init(address=address or "local", **settings)  # "local": a new Ray of our own, never a stray one
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at '{address}'" if address else "a local Ray"
        raise InputError(f"Could not start or join {where} ({str(exc).splitlines()[0][:200]}).",
                         "Check --ray-address / RAY_ADDRESS (e.g. 127.0.0.1:6379) or start one with 'ray start --head'.") from exc
    return True


class _Board:
    """Progress of the items in flight, written by workers and read by the driver."""

    def __init__(self) -> None:
        self.shares: dict[int, float] = {}

    def report(self, index: int, share: float) -> None:
        self.shares[index] = share

    def take(self) -> dict[int, float]:
        shares, self.shares = self.shares, {}
        return shares


class _Host:
    """One worker process: builds the job's worker once, then processes items."""

    def __init__(self, job: Job, board: str, cpus: float) -> None:
        if cpus >= 1:
            os.environ.setdefault("HFKIT_THREADS", str(int(cpus)))  # share the node's cores, do not oversubscribe
        self.worker = job.factory()
        self.board = _ray().get_actor(board)

    def pid(self) -> int:
        return os.getpid()

    def process(self, index: int, item: Any) -> Any:
        last = [0.0]

        def report(share: float) -> None:
            now = time.monotonic()
            if now - last[0] >= REPORT_EVERY_S or share >= 1.0:
                last[0] = now
                self.board.report.remote(index, share)

        return self.worker.process(item, report)


class RayExecutor:
    """An actor pool on Ray, sized to the cluster's CPUs (or GPUs) unless ``workers`` says otherwise."""

    name = "ray"

    def __init__(self, options: ScaleOptions) -> None:
        self.options = options
        self.started = connect(options)
        self.workers = options.workers or 0

    def size(self, job: Job) -> tuple[int, float]:
        """How many workers, and the GPUs each takes."""
        resources = _ray().cluster_resources()
        gpus = float(resources.get("GPU", 0)) if job.wants_gpu else 0.0
        if self.workers:
            return self.workers, 1.0 if gpus >= self.workers else 0.0
        if gpus >= 1:
            return int(gpus), 1.0
        return max(1, int(float(resources.get("CPU", 1)) // max(job.num_cpus, 0.01))), 0.0

    def imap(self, job: Job, items: Iterable[Any], *, ordered: bool = True,
             on_progress: Progress | None = None) -> Iterator[tuple[int, Any]]:
        ray = _ray()
        count, gpus = self.size(job)
        name = f"hfkit-progress-{uuid.uuid4().hex}"
        board = ray.remote(num_cpus=0)(_Board).options(name=name).remote()
        host = ray.remote(_Host).options(num_cpus=job.num_cpus, num_gpus=gpus, max_restarts=RETRIES,
                                         max_task_retries=RETRIES)
        actors = [host.remote(job, name, job.num_cpus) for _ in range(count)]
        pool = _Pool(actors, board, on_progress)
        try:
            yield from pool.run(iter(items), ordered)
        finally:
            pool.stop()
            for actor in [*actors, board]:
                ray.kill(actor)

    def close(self) -> None:
        if self.started:
            _ray().shutdown()
            self.started = False


class _Pool:
    """Keeps ``IN_FLIGHT_PER_WORKER`` items per actor in flight and hands results back."""

    def __init__(self, actors: list[Any], board: Any, on_progress: Progress | None) -> None:
        self.actors = actors
        self.board = board
        self.on_progress = on_progress
        self.load = dict.fromkeys(range(len(actors)), 0)
        self.pending: dict[Any, tuple[int, int]] = {}  # object ref -> (item index, actor number)
        self.done: dict[int, Any] = {}

    def run(self, items: Iterator[Any], ordered: bool) -> Iterator[tuple[int, Any]]:
        ray = _ray()
        submitted = next_out = 0
        exhausted = False
        while True:
            while not exhausted and submitted - next_out < IN_FLIGHT_PER_WORKER * len(self.actors):
                item = next(items, _END)
                if item is _END:
                    exhausted = True
                    break
                self._submit(submitted, item)
                submitted += 1
            if not self.pending and not self.done:
                return
            ready, _ = ray.wait(list(self.pending), num_returns=1, timeout=REPORT_EVERY_S)
            self._report()
            for ref in ready:
                index, actor = self.pending.pop(ref)
                self.load[actor] -= 1
                self.done[index] = _result(ref)
            while self.done:
                index = next_out if ordered else next(iter(self.done))
                if index not in self.done:
                    break
                yield index, self.done.pop(index)
                next_out += 1

    def stop(self) -> None:
        """Cancel the items still queued (a run that stops early, or Ctrl-C)."""
        for ref in self.pending:
            ray = _ray()
            with contextlib.suppress(Exception):
                ray.cancel(ref)
        self.pending.clear()

    def _submit(self, index: int, item: Any) -> None:
        actor = min(self.load, key=self.load.__getitem__)
        self.load[actor] += 1
        self.pending[self.actors[actor].process.remote(index, item)] = (index, actor)

    def _report(self) -> None:
        if self.on_progress is None:
            return
        for index, share in _ray().get(self.board.take.remote()).items():
            self.on_progress(index, share)


_END = object()


def _result(ref: Any) -> Any:
    ray = _ray()
    try:
        return ray.get(ref)
    except ray.exceptions.RayActorError as exc:
        return Failure(f"its Ray worker died {RETRIES + 1} times ({type(exc).__name__})")
    except ray.exceptions.RayTaskError as exc:
        cause = exc.cause if getattr(exc, "cause", None) is not None else exc
        return Failure(f"{type(cause).__name__}: {str(cause).splitlines()[0][:300]}" if str(cause) else type(cause).__name__)
