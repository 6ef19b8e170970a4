"""A table model learned from a sample: column kinds, a Gaussian copula over them, and derived columns.

Every column that takes part becomes uniform scores (its empirical distribution, missing values as their own
share), then normal scores; their correlation matrix is the copula. New rows are correlated normal draws turned
back through each column's distribution. Two kinds of structure a copula blurs are kept exactly:

* a category that is a function of another category (``class`` of ``pclass``, a borough of its zone) is looked
  up from its parent instead of drawn;
* a datetime that never comes before another (``dropoff`` after ``pickup``) is drawn as the gap after it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from hfkit.core.errors import GenerationError
from hfkit.synth.tabular.columns import Categorical, Column, Datetime, LearnOptions, Numeric, learn_column
from hfkit.synth.tabular.read import RawColumn, Sample

FUNCTIONAL_AGREEMENT = 0.99  # share of rows a category lookup must reproduce
MIN_ROWS_PER_PARENT_VALUE = 5  # a lookup needs this many rows per parent category on average
REORDER_ROUNDS = 2
MAX_COPY_ROUNDS = 100


@dataclass
class Lookup:
    """``child`` is read off ``parent``'s value (the majority child value seen with it)."""

    child: str
    parent: str
    table: dict[Any, Any]
    agreement: float


@dataclass
class After:
    """``child`` (a datetime) is ``parent`` plus a gap drawn from the copula column ``gap``."""

    child: str
    parent: str
    gap: Numeric


@dataclass
class TableModel:
    """What was learned from a sample, and how to draw new rows from it."""

    name: str
    rows: int
    order: list[str]
    columns: dict[str, Column]
    copula: list[str]
    correlation: np.ndarray
    lookups: dict[str, Lookup] = field(default_factory=dict)
    afters: dict[str, After] = field(default_factory=dict)
    nested: bool = False
    sample_keys: set[tuple[Any, ...]] = field(default_factory=set)
    key_columns: list[str] = field(default_factory=list)

    def copula_column(self, name: str) -> Column:
        return self.afters[name].gap if name in self.afters else self.columns[name]


def learn(sample: Sample, options: LearnOptions | None = None) -> TableModel:
    """Learn column kinds, marginals, missing shares, lookups, datetime order and the copula from ``sample``."""
    options = options or LearnOptions()
    rng = np.random.default_rng([options.seed & 0xFFFFFFFF, 7])
    columns = {raw.name: learn_column(raw, sample.rows, options) for raw in sample.columns}
    raws = {raw.name: raw for raw in sample.columns}
    lookups = _find_lookups(columns, sample.rows)
    afters = _find_afters(columns, raws)
    copula = [n for n, c in columns.items() if c.in_copula and n not in lookups]
    model = TableModel(sample.name, sample.rows, list(columns), columns, copula, np.eye(len(copula)), lookups, afters, sample.nested)
    model.correlation = _fit(model, rng)
    model.key_columns = list(columns)  # a whole row; ids, names, emails and texts are made afresh
    model.sample_keys = _row_keys(model, {n: raws[n].values for n in model.key_columns})
    return model


def sample_rows(model: TableModel, n: int, rng: np.random.Generator) -> tuple[list[dict[str, Any]], int]:
    """``n`` new rows, none equal to a sample row on the learned columns; also how many copies were replaced."""
    columns = _draw(model, n, rng, keep_range=True)
    replaced = 0
    for _ in range(MAX_COPY_ROUNDS):
        keys = _keys_of(model, columns)
        copies = [i for i, key in enumerate(keys) if key in model.sample_keys]
        if not copies:
            return _records(model, columns, n), replaced
        replaced += len(copies)
        fresh = _draw(model, len(copies), rng)
        for name, values in columns.items():
            for slot, value in zip(copies, fresh[name], strict=True):
                values[slot] = value
    raise GenerationError(
        f"Could not make rows that differ from every row of the sample '{model.name}' (it has too few distinct "
        "combinations to leave room for new ones).",
        "Give a sample with more columns or more varied values.",
    )


def _draw(model: TableModel, n: int, rng: np.random.Generator, keep_range: bool = False) -> dict[str, list[Any]]:
    k = len(model.copula)
    normal = rng.standard_normal((n, k)) @ np.linalg.cholesky(model.correlation).T if k else np.zeros((n, 0))
    uniform = ndtr(normal)
    if keep_range and n >= 2 * k:
        _reach_ends(model, uniform)
    out: dict[str, list[Any]] = {}
    for j, name in enumerate(model.copula):
        out[name] = model.copula_column(name).decode(uniform[:, j], rng)
    for name, after in model.afters.items():
        parent = model.columns[after.parent]
        assert isinstance(parent, Datetime)
        out[name] = [
            None if p is None or g is None else parent.from_number(parent.to_number(p) + g)
            for p, g in zip(out[after.parent], out[name], strict=True)
        ]
    for name, lookup in model.lookups.items():
        out[name] = [lookup.table.get(v) for v in out[lookup.parent]]
    for name, column in model.columns.items():
        if not column.in_copula:
            out[name] = column.generate(n, rng)
    return out


def _reach_ends(model: TableModel, uniform: np.ndarray) -> None:
    """Give each number column the sample's smallest and largest value once (the row with its lowest/highest score):
    a sample's range is part of its shape, and random draws reach its extremes only now and then."""
    used: set[int] = set()
    for j, name in enumerate(model.copula):
        column = model.copula_column(name)
        if not isinstance(column, Numeric) or len(column.sorted) < 2:
            continue
        ranked = np.argsort(uniform[:, j])
        low = next(int(i) for i in ranked if int(i) not in used)
        high = next(int(i) for i in ranked[::-1] if int(i) not in used and int(i) != low)
        used |= {low, high}
        uniform[low, j] = column.missing + 1e-12 if column.missing < 1 else uniform[low, j]
        uniform[high, j] = 1.0


def _records(model: TableModel, columns: dict[str, list[Any]], n: int) -> list[dict[str, Any]]:
    rows = [{name: columns[name][i] for name in model.order} for i in range(n)]
    return [_nest(r) for r in rows] if model.nested else rows


def _nest(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in row.items():
        target = out
        *parents, last = name.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    return out


def _keys_of(model: TableModel, columns: dict[str, list[Any]]) -> list[tuple[Any, ...]]:
    parts = [model.columns[n].keys(columns[n]) for n in model.key_columns]
    return list(zip(*parts, strict=True))


def _row_keys(model: TableModel, values: dict[str, list[Any]]) -> set[tuple[Any, ...]]:
    return set(_keys_of(model, values))


# -- fitting ---------------------------------------------------------------------------------------------------------
def _fit(model: TableModel, rng: np.random.Generator) -> np.ndarray:
    """The correlation of the normal scores; categories are reordered to follow what predicts them."""
    columns = [model.copula_column(n) for n in model.copula]
    if not columns:
        return np.eye(0)
    scores = np.column_stack([_normal(c.encode(rng)) for c in columns])
    correlation = _correlation(scores)
    for _ in range(REORDER_ROUNDS):
        for j, column in enumerate(columns):
            if isinstance(column, Categorical) and len(column.order) > 2 and len(columns) > 1:
                column.reorder(_predicted(scores, correlation, j))
                scores[:, j] = _normal(column.encode(rng))
        correlation = _correlation(scores)
    return correlation


def _normal(u: np.ndarray) -> np.ndarray:
    return np.asarray(ndtri(np.clip(u, 1e-6, 1 - 1e-6)))


def _correlation(scores: np.ndarray) -> np.ndarray:
    """A positive-definite correlation matrix of the columns of ``scores`` (constant columns uncorrelated)."""
    k = scores.shape[1]
    spread = scores.std(axis=0)
    live = spread > 1e-9
    matrix = np.eye(k)
    if live.sum() > 1:
        matrix[np.ix_(live, live)] = np.corrcoef(scores[:, live], rowvar=False)
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    fixed = vectors @ np.diag(np.clip(values, 1e-6, None)) @ vectors.T
    scale = np.sqrt(np.diag(fixed))
    return np.asarray(fixed / np.outer(scale, scale))


def _predicted(scores: np.ndarray, correlation: np.ndarray, j: int) -> np.ndarray:
    """The best linear prediction of column ``j``'s normal score from the others."""
    others = [i for i in range(scores.shape[1]) if i != j]
    weights = np.linalg.solve(correlation[np.ix_(others, others)], correlation[others, j])
    return np.asarray(scores[:, others] @ weights)


def _find_lookups(columns: dict[str, Column], rows: int) -> dict[str, Lookup]:
    """Categories that (almost) always follow from another category; later columns follow earlier ones."""
    cats = {n: c for n, c in columns.items() if isinstance(c, Categorical) and not c.json_values}
    lookups: dict[str, Lookup] = {}
    parents: set[str] = set()
    for child in reversed(list(cats)):
        if len(cats[child].categories) < 2 or child in parents:
            continue
        for parent, column in cats.items():
            if parent == child or parent in lookups or len(column.categories) < len(cats[child].categories):
                continue
            if len(column.categories) * MIN_ROWS_PER_PARENT_VALUE > rows:
                continue
            found = _lookup(child, parent, cats[child].row_keys, column.row_keys, rows)
            if found is not None:
                lookups[child] = found
                parents.add(parent)
                break
    return lookups


def _lookup(child: str, parent: str, child_keys: list[Any], parent_keys: list[Any], rows: int) -> Lookup | None:
    pairs = Counter(zip(parent_keys, child_keys, strict=True))
    best: dict[Any, tuple[Any, int]] = {}
    for (p, c), count in pairs.items():
        if count > best.get(p, (None, -1))[1]:
            best[p] = (c, count)
    agreement = sum(count for _, count in best.values()) / rows
    if agreement < FUNCTIONAL_AGREEMENT:
        return None
    return Lookup(child, parent, {p: c for p, (c, _) in best.items()}, agreement)


def _find_afters(columns: dict[str, Column], raws: dict[str, RawColumn]) -> dict[str, After]:
    """Datetime columns that are never before an earlier datetime column, with the same rows missing."""
    stamps = [n for n, c in columns.items() if isinstance(c, Datetime) and not c.is_date]
    afters: dict[str, After] = {}
    for i, child in enumerate(stamps):
        for parent in stamps[:i]:
            if parent in afters:
                continue
            gap = _gap(columns[parent], columns[child], raws[parent], raws[child])
            if gap is not None:
                afters[child] = After(child, parent, gap)
                break
    return afters


def _gap(parent: Column, child: Column, praw: RawColumn, craw: RawColumn) -> Numeric | None:
    assert isinstance(parent, Datetime) and isinstance(child, Datetime)
    if any((a is None) != (b is None) for a, b in zip(praw.values, craw.values, strict=True)):
        return None
    gaps = [
        None if a is None or b is None else child.to_number(b) - parent.to_number(a) for a, b in zip(praw.values, craw.values, strict=True)
    ]
    present = [g for g in gaps if g is not None]
    if not present or min(present) < 0:
        return None
    whole = child.seconds_only and parent.seconds_only
    return Numeric(RawColumn(f"{child.name} - {parent.name}", "double", gaps), integer=whole)
