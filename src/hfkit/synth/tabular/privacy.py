"""Distance to closest record (DCR): how near each synthetic row comes to a row of the sample.

Gower distance over the learned columns: numbers and datetimes as the absolute difference over the sample's
range, categories 0 if equal else 1, missing against present 1; averaged over the columns (0 = identical row,
1 = different everywhere). The baseline is the same distance from held-out sample rows to the rest of the sample:
synthetic rows as close as real rows are to each other are as private as a fresh draw from the same population.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hfkit.synth.tabular.columns import Categorical, Numeric
from hfkit.synth.tabular.model import TableModel

MAX_QUERIES = 300
MAX_REFERENCE = 5_000
CHUNK = 16


def dcr_report(model: TableModel, real: dict[str, list[Any]], synthetic: dict[str, list[Any]], rng: np.random.Generator) -> dict[str, Any]:
    """DCR percentiles of synthetic rows to the sample, and of held-out sample rows to the rest (the baseline)."""
    names = [n for n in model.key_columns if isinstance(model.columns[n], Numeric | Categorical)]
    if not names:
        return {"columns": 0}
    real_m, synth_m, kinds = _encode(model, names, real, synthetic)
    n_real = real_m.shape[0]
    order = rng.permutation(n_real)
    held = order[: min(MAX_QUERIES, n_real // 5)]
    rest = order[len(held) :][:MAX_REFERENCE]
    reference = order[:MAX_REFERENCE]
    queries = synth_m[rng.permutation(synth_m.shape[0])[:MAX_QUERIES]]
    synthetic_dcr = _nearest(queries, real_m[reference], kinds)
    report = {
        "columns": len(names),
        "synthetic_to_sample": _summary(synthetic_dcr),
        "rows_compared": len(queries),
        "sample_rows_searched": len(reference),
    }
    if len(held):
        report["holdout_to_sample"] = _summary(_nearest(real_m[held], real_m[rest], kinds))
    return report


def _encode(
    model: TableModel, names: list[str], real: dict[str, list[Any]], synthetic: dict[str, list[Any]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    real_cols, synth_cols, kinds = [], [], []
    for name in names:
        column = model.columns[name]
        r, s = column.comparable(real[name]), column.comparable(synthetic[name])
        if isinstance(column, Numeric):
            a, b = np.array(r, dtype=float), np.array(s, dtype=float)
            span = np.nanmax(a) - np.nanmin(a) if np.isfinite(a).any() else 0.0
            low = np.nanmin(a) if np.isfinite(a).any() else 0.0
            scale = span if span > 0 else 1.0
            real_cols.append((a - low) / scale)
            synth_cols.append((b - low) / scale)
            kinds.append(0)
        else:
            codes: dict[Any, int] = {}
            real_cols.append(np.array([codes.setdefault(column.key(v), len(codes)) for v in r], dtype=float))
            synth_cols.append(np.array([codes.setdefault(column.key(v), len(codes)) for v in s], dtype=float))
            kinds.append(1)
    return np.column_stack(real_cols), np.column_stack(synth_cols), np.array(kinds)


def _nearest(queries: np.ndarray, reference: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    out = []
    numeric, categorical = kinds == 0, kinds == 1
    for start in range(0, len(queries), CHUNK):
        q = queries[start : start + CHUNK, None, :]
        diff = np.zeros((q.shape[0], reference.shape[0], reference.shape[1]))
        a, b = q[..., numeric], reference[None, :, numeric]
        num = np.abs(a - b)
        both_missing = np.isnan(a) & np.isnan(b)
        num = np.where(both_missing, 0.0, np.where(np.isnan(num), 1.0, np.minimum(num, 1.0)))
        diff[..., numeric] = num
        diff[..., categorical] = (q[..., categorical] != reference[None, :, categorical]).astype(float)
        out.append(diff.mean(axis=2).min(axis=1))
    return np.concatenate(out) if out else np.zeros(0)


def _summary(distances: np.ndarray) -> dict[str, float]:
    if not len(distances):
        return {}
    return {
        "min": round(float(distances.min()), 6),
        "p5": round(float(np.percentile(distances, 5)), 4),
        "median": round(float(np.median(distances)), 4),
        "exact_matches": int((distances == 0).sum()),
    }
