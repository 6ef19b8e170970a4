"""Synthetic records in shards: workers run ``Engine.produce`` over ranges of draw numbers, the driver accepts them.

Draw ``k`` depends only on ``(seed, k)``, so a shard (a range of draws) gives the same candidates wherever it runs.
The driver takes the shards back in order and keeps exactly the records a single process would keep (validation
happens on the workers, exact and near duplicates are rejected against everything kept so far), so the output is
the same, record for record, as ``hfkit synth`` without ``--ray``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from itertools import count
from typing import Any

from hfkit.core.errors import GenerationError
from hfkit.scale.executor import Executor, Failure, Job, Report
from hfkit.synth.engine import Candidate
from hfkit.synth.sources import Spec


class EngineWorker:
    """A synth engine built once per worker (the chat model loads once); ``process`` makes one shard."""

    def __init__(self, spec: Spec, options: Any) -> None:
        from hfkit.synth.api import build_engine

        self.engine = build_engine(spec, options)

    def process(self, draws: range, report: Report) -> list[Candidate]:
        candidates = list(self.engine.produce(draws))
        report(1.0)
        return candidates


class ShardedProducer:
    """Serves the engine's consecutive draw ranges from shards of ``shard_size`` draws made by ``executor``."""

    def __init__(self, executor: Executor, spec: Spec, options: Any, shard_size: int) -> None:
        self.executor = executor
        self.job = Job(functools.partial(EngineWorker, spec, options))
        self.shard_size = shard_size
        self.stream: Iterator[tuple[int, Any]] | None = None
        self.buffer: list[Candidate] = []
        self.first = 0  # draw number of buffer[0]

    def __call__(self, draws: range) -> list[Candidate]:
        if self.stream is None:
            self.first = draws.start
            self.stream = self.executor.imap(self.job, self._shards(draws.start), ordered=True)
        if draws.start != self.first:
            raise RuntimeError(f"draws must be asked in order: expected {self.first}, got {draws.start}")
        while len(self.buffer) < len(draws):
            _, shard = next(self.stream)
            if isinstance(shard, Failure):
                raise GenerationError(f"A shard of records failed: {shard.message}.", "Run again; finished batches are kept.")
            self.buffer.extend(shard)
        taken, self.buffer = self.buffer[: len(draws)], self.buffer[len(draws):]
        self.first = draws.stop
        return taken

    def _shards(self, start: int) -> Iterator[range]:
        for number in count():
            first = start + number * self.shard_size
            yield range(first, first + self.shard_size)

    def close(self) -> None:
        if self.stream is not None:
            getattr(self.stream, "close", lambda: None)()  # a generator: closing it stops this run's workers
            self.stream = None
