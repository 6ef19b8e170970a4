"""Fidelity of synthetic rows to the sample: SDMetrics' single-table quality score, written on numpy/scipy.

SDMetrics (MIT) cannot be installed here: it depends on ``copulas``, which is under the Business Source License.
These are the same two properties its ``QualityReport`` averages, computed the same way (sdmetrics 0.32):

* column shapes: KSComplement (1 - Kolmogorov-Smirnov D) for numerical and datetime columns, TVComplement
  (1 - total variation distance of the category frequencies) for categorical and boolean ones; missing dropped;
* column pair trends: CorrelationSimilarity (1 - |Pearson real - Pearson synthetic| / 2) for two continuous
  columns, ContingencySimilarity (1 - total variation of the joint frequencies, missing kept as a value) for two
  discrete ones, and for a mixed pair the continuous one cut into 10 equal-width bins (each table its own edges).

Quality = mean(column shapes, column pair trends). Ids, names, emails and free text are not scored (as SDMetrics
skips ids and PII).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from typing import Any

import numpy as np
from scipy.stats import ks_2samp

CONTINUOUS = ("numerical", "datetime")
SUBSAMPLE = 50_000  # ContingencySimilarity rows, as SDMetrics' report


def ks_complement(real: list[Any], synthetic: list[Any]) -> float:
    a, b = np.array(real, dtype=float), np.array(synthetic, dtype=float)
    a, b = np.round(a[~np.isnan(a)], 14), np.round(b[~np.isnan(b)], 14)
    if not len(a) or not len(b):
        return math.nan
    return float(1 - ks_2samp(a, b).statistic)


def tv_complement(real: list[Any], synthetic: list[Any]) -> float:
    r = Counter(v for v in real if v is not None)
    s = Counter(v for v in synthetic if v is not None)
    if not r or not s:
        return math.nan
    total_r, total_s = sum(r.values()), sum(s.values())
    return float(1 - 0.5 * sum(abs(s[k] / total_s - r[k] / total_r) for k in r))


def correlation_similarity(real: tuple[list[Any], list[Any]], synthetic: tuple[list[Any], list[Any]]) -> float:
    def pearson(pair: tuple[list[Any], list[Any]]) -> float:
        both = np.column_stack([np.array(pair[0], dtype=float), np.array(pair[1], dtype=float)])
        kept = both[~np.isnan(both).any(axis=1)]
        if len(kept) < 2 or kept[:, 0].std() == 0 or kept[:, 1].std() == 0:
            return math.nan
        return float(np.corrcoef(kept[:, 0], kept[:, 1])[0, 1])

    if _constant(real) or _constant(synthetic):
        return math.nan
    r, s = pearson(real), pearson(synthetic)
    return math.nan if math.isnan(r) or math.isnan(s) else 1 - abs(r - s) / 2


def contingency_similarity(real: tuple[list[Any], list[Any]], synthetic: tuple[list[Any], list[Any]]) -> float:
    r = Counter(zip(*real, strict=True))
    s = Counter(zip(*synthetic, strict=True))
    total_r, total_s = sum(r.values()), sum(s.values())
    return float(1 - 0.5 * sum(abs(r[k] / total_r - s[k] / total_s) for k in set(r) | set(s)))


def quality(real: dict[str, list[Any]], synthetic: dict[str, list[Any]], sdtypes: dict[str, str | None], seed: int = 0) -> dict[str, Any]:
    """The quality score (0-1) of ``synthetic`` against ``real`` (column name -> values), with its details."""
    scored = [n for n in real if sdtypes.get(n)]
    shapes = {n: _shape(real[n], synthetic[n], str(sdtypes[n])) for n in scored}
    binned_real = {n: _bins(real[n]) for n in scored if sdtypes[n] in CONTINUOUS}
    binned_synth = {n: _bins(synthetic[n]) for n in scored if sdtypes[n] in CONTINUOUS}
    rng = np.random.default_rng(seed)
    real_rows, synth_rows = _subsample(len(next(iter(real.values()), [])), rng), None
    synth_rows = _subsample(len(next(iter(synthetic.values()), [])), rng)
    pairs: dict[str, float] = {}
    for a, b in itertools.combinations(scored, 2):
        pairs[f"{a} / {b}"] = _pair(a, b, sdtypes, real, synthetic, binned_real, binned_synth, real_rows, synth_rows)
    shape_score, pair_score = _mean(shapes.values()), _mean(pairs.values())
    return {
        "quality": _mean([shape_score, pair_score]),
        "column_shapes": shape_score,
        "column_pair_trends": pair_score,
        "columns": {k: _round(v) for k, v in shapes.items()},
        "worst_pairs": dict(list(_worst(pairs).items())[:5]),
    }


def _worst(pairs: dict[str, float]) -> dict[str, float | None]:
    return {k: _round(v) for k, v in sorted(pairs.items(), key=lambda kv: kv[1]) if not math.isnan(v)}


def _shape(real: list[Any], synthetic: list[Any], sdtype: str) -> float:
    return ks_complement(real, synthetic) if sdtype in CONTINUOUS else tv_complement(real, synthetic)


def _pair(
    a: str,
    b: str,
    sdtypes: dict[str, str | None],
    real: dict[str, list[Any]],
    synthetic: dict[str, list[Any]],
    binned_real: dict[str, list[Any]],
    binned_synth: dict[str, list[Any]],
    real_rows: np.ndarray | None,
    synth_rows: np.ndarray | None,
) -> float:
    continuous_a, continuous_b = sdtypes[a] in CONTINUOUS, sdtypes[b] in CONTINUOUS
    if continuous_a and continuous_b:
        return correlation_similarity((real[a], real[b]), (synthetic[a], synthetic[b]))
    ra, sa = (binned_real[a], binned_synth[a]) if continuous_a else (real[a], synthetic[a])
    rb, sb = (binned_real[b], binned_synth[b]) if continuous_b else (real[b], synthetic[b])
    return contingency_similarity((_take(ra, real_rows), _take(rb, real_rows)), (_take(sa, synth_rows), _take(sb, synth_rows)))


def _bins(values: list[Any]) -> list[Any]:
    """np.digitize over 10 equal-width bins of the present values (missing: the last bin + 1, as numpy does)."""
    array = np.array(values, dtype=float)
    present = array[~np.isnan(array)]
    if not len(present):
        return [None] * len(values)
    edges = np.histogram_bin_edges(present)
    return [int(i) for i in np.digitize(array, bins=edges)]


def _subsample(rows: int, rng: np.random.Generator) -> np.ndarray | None:
    return None if rows <= SUBSAMPLE else rng.choice(rows, SUBSAMPLE, replace=False)


def _take(values: list[Any], rows: np.ndarray | None) -> list[Any]:
    return values if rows is None else [values[i] for i in rows]


def _constant(pair: tuple[list[Any], list[Any]]) -> bool:
    return any(len({v for v in column if v is not None}) == 1 for column in pair)


def _mean(values: Any) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return float(np.mean(kept)) if kept else math.nan


def _round(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)
