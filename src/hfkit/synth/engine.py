"""The generation loop: draws -> sampled values -> language-model text -> validation -> uniqueness, in batches.

Draw ``k`` is made from generators seeded with ``(seed, k)`` only, and draws are accepted in order, so the kept
records depend on the seed alone: a resumed run gives the same records as an uninterrupted one.

The seam for scaling out is :meth:`Engine.produce`: a pure function of a range of draw numbers (sampling, model
writing, per-record validation and the uniqueness fingerprint), so any process may run it for any range. Only
:meth:`Engine.run` (acceptance in draw order against the records kept so far) is sequential.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from hfkit.core.errors import GenerationError, HfkitError
from hfkit.core.types import Usage
from hfkit.synth.checks import compile_checks
from hfkit.synth.fields import Draw, compile_plan, make_faker
from hfkit.synth.llm import TextWriter
from hfkit.synth.quality import Fingerprint, Uniqueness
from hfkit.synth.schema import record_errors, validator_for_schema
from hfkit.synth.sources import Spec

PERSONA_KINDS = ("enum", "boolean", "faker", "date")


@dataclass
class Stats:
    """Counters of a run; they survive a resume through the checkpoint."""

    attempts: int = 0
    invalid: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    unique_collisions: int = 0
    model_failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)

    def count(self, problem: str) -> None:
        kind = problem.split(":", 1)[0]
        attribute = {"exact": "exact_duplicates", "near": "near_duplicates", "unique": "unique_collisions",
                     "model": "model_failures"}.get(kind, "invalid")
        setattr(self, attribute, getattr(self, attribute) + 1)
        self.reasons[problem[:160]] = self.reasons.get(problem[:160], 0) + 1


@dataclass
class State:
    """Where a run stands: the kept records, the next draw number and the counters."""

    records: list[dict[str, Any]] = field(default_factory=list)
    next_draw: int = 0
    stats: Stats = field(default_factory=Stats)


@dataclass
class Candidate:
    draw: int
    record: dict[str, Any] | None
    problem: str | None = None
    usage: Usage = field(default_factory=Usage)
    fingerprint: Fingerprint | None = None


Produce = Callable[[range], Iterable[Candidate]]


@dataclass
class EngineSettings:
    """What the engine needs besides the spec (a subset of SynthOptions)."""

    seed: int = 0
    locale: str | None = None
    model: Any = None
    whole_records: bool = False
    near_duplicate_threshold: float = 0.9
    temperature: float = 0.9
    max_tokens: int = 384
    concurrency: int = 1
    batch_size: int = 0
    attempts_per_record: int = 5
    optional_rate: float | None = None


class Engine:
    """Makes exactly ``n`` valid, unique records from a spec, batch by batch."""

    def __init__(self, spec: Spec, settings: EngineSettings) -> None:
        self.spec = spec
        self.settings = settings
        self.plan = compile_plan(spec.schema, llm=settings.model is not None, optional_rate=settings.optional_rate)
        self.validator = validator_for_schema(spec.schema)
        self.fake = make_faker(settings.locale or spec.locale)
        self.writer = None if settings.model is None else TextWriter(
            settings.model, spec.schema, spec.context, settings.temperature, settings.max_tokens)
        self.checks = compile_checks(spec.schema) if self.writer else []  # judge model-written text only

    def batch_size(self) -> int:
        if self.settings.batch_size > 0:
            return self.settings.batch_size
        return 10 * max(1, self.settings.concurrency) if self.writer else 1000

    def uniqueness(self) -> Uniqueness:
        return Uniqueness(self.plan.unique_paths, self.plan.text_paths, self.settings.near_duplicate_threshold)

    def run(self, n: int, state: State, produce: Produce | None = None) -> Iterator[State]:
        """Advance ``state`` until it holds ``n`` records, yielding it after each batch.

        ``produce`` makes the candidates of a range of draws (default :meth:`produce`, in this process); another
        one, such as a pool of Ray workers running :meth:`produce`, gives the same records.
        """
        produce = produce or self.produce
        seen = self.uniqueness()
        for index, record in enumerate(state.records):
            seen.add(record, index)
        limit = n * self.settings.attempts_per_record + 50
        while len(state.records) < n:
            if state.next_draw >= limit:
                raise self._failure(n, state)
            started = time.perf_counter()
            size = min(self.batch_size(), max(n - len(state.records), 1) * (2 if self.writer else 1))
            for cand in produce(range(state.next_draw, state.next_draw + size)):
                self._take(cand, state, seen, n)
            state.next_draw += size
            state.stats.seconds += time.perf_counter() - started
            yield state

    def _take(self, cand: Candidate, state: State, seen: Uniqueness, n: int) -> None:
        if len(state.records) >= n:
            return
        state.stats.attempts += 1
        state.stats.prompt_tokens += cand.usage.prompt_tokens
        state.stats.completion_tokens += cand.usage.completion_tokens
        record = as_object(cand.record)
        problem = cand.problem or seen.problem(record, cand.fingerprint)
        if problem:
            state.stats.count(problem)
            return
        seen.add(record, len(state.records), cand.fingerprint)
        state.records.append(cand.record)  # type: ignore[arg-type]  # any JSON value at the top

    def _invalid(self, record: dict[str, Any] | None) -> str | None:
        errors = record_errors(self.validator, record)
        return f"invalid: {errors[0]}" if errors else None

    def _disagrees(self, record: dict[str, Any]) -> str | None:
        return next((problem for check in self.checks if (problem := check(record))), None)

    def produce(self, draws: range) -> Iterator[Candidate]:
        """The candidates of ``draws`` in order, each judged on its own (model failure, invalid, disagreeing) and
        fingerprinted; it depends on the seed and the draw numbers only."""
        seen = self.uniqueness()
        for cand in self._candidates(draws):
            record = as_object(cand.record)
            cand.problem = cand.problem or self._invalid(cand.record) or self._disagrees(record)
            if cand.problem is None:
                cand.fingerprint = seen.fingerprint(record)
            yield cand

    def _candidates(self, draws: range) -> Iterator[Candidate]:
        sampled = [self.sample(d) for d in draws]
        if self.writer is None:
            yield from sampled
        elif self.settings.concurrency > 1:
            yield from self._written_in_parallel(sampled)
        else:
            yield from map(self._write, sampled)

    def _written_in_parallel(self, sampled: list[Candidate]) -> Iterator[Candidate]:
        """``_write`` on ``concurrency`` threads; on Ctrl-C the records not started are dropped, and the ones being
        written finish (their model calls end) before the interrupt goes on."""
        pool = ThreadPoolExecutor(self.settings.concurrency)
        try:
            yield from pool.map(self._write, sampled)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def sample(self, draw: int) -> Candidate:
        """Draw ``draw``'s sampled values (text fields still empty when a model writes them)."""
        seed = self.settings.seed
        self.fake.seed_instance(seed * 1_000_003 + draw)
        context = Draw(np.random.default_rng([seed & 0xFFFFFFFF, draw]), self.fake, draw)
        return Candidate(draw, self.plan.make(context))

    def _write(self, cand: Candidate) -> Candidate:
        assert self.writer is not None and cand.record is not None
        seed = (self.settings.seed * 1_000_003 + cand.draw) % (2**31)
        try:
            if self.settings.whole_records:
                cand.record = self._whole(cand.record, seed, cand.usage)
            elif self.plan.llm_paths:
                self.writer.fill(cand.record, self.plan.llm_paths, seed, cand.usage)
        except HfkitError as exc:
            if not isinstance(exc, GenerationError):
                raise
            cand.problem = f"model: {exc.message}"
        return cand

    def _whole(self, sampled: dict[str, Any], seed: int, usage: Usage) -> dict[str, Any]:
        assert self.writer is not None
        kinds = self.plan.kinds
        persona = {k: v for k, v in sampled.items() if kinds.get(k) in PERSONA_KINDS}
        record = self.writer.whole(persona, seed, usage)
        if isinstance(record, dict):
            record.update({k: v for k, v in sampled.items() if kinds.get(k) in ("id", "uuid")})
        return record  # type: ignore[no-any-return]

    def _failure(self, n: int, state: State) -> GenerationError:
        top = Counter(state.stats.reasons).most_common(3)
        reasons = "; ".join(f"{count}x {reason}" for reason, count in top) or "no reason recorded"
        return GenerationError(
            f"Only {len(state.records)} of {n} records were valid and unique after {state.next_draw} attempts "
            f"(most common failures: {reasons}).",
            "Loosen the schema (wider ranges, more enum values), use a larger --llm, or ask for fewer records.",
        )


def as_object(record: Any) -> dict[str, Any]:
    """A record as checks and uniqueness see it: objects as they are, any other JSON value as ``{"value": ...}``."""
    return record if isinstance(record, dict) else {"value": record}


def stats_dict(stats: Stats) -> dict[str, Any]:
    return asdict(stats)
