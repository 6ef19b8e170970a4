"""``synth(DATA.csv, n)``: learn the sample, draw ``n`` new rows, check none is copied, report fidelity and DCR."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hfkit.core.pool import model_pool
from hfkit.synth.tabular.columns import LearnOptions
from hfkit.synth.tabular.fidelity import quality
from hfkit.synth.tabular.model import TableModel, learn, sample_rows
from hfkit.synth.tabular.privacy import dcr_report
from hfkit.synth.tabular.read import read_sample

if TYPE_CHECKING:
    from hfkit.synth.api import SynthOptions, SynthResult

BATCH = 20_000
SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


LEARNED_KIND = "synth-table"


def learn_file(path: Path, options: SynthOptions) -> tuple[TableModel, dict[str, list[Any]]]:
    """The model of the sample at ``path`` and the sample's columns (name -> values); the last one is kept."""
    path = Path(path)
    stat = path.stat() if path.is_file() else None
    key = (LEARNED_KIND, str(path.resolve()), stat and stat.st_mtime_ns, stat and stat.st_size, options.rare_min)
    pool = model_pool()
    if key not in pool:  # only the last sample's model is kept
        for old in pool.loaded():
            if old[0] == LEARNED_KIND:
                pool.evict(old)
    return pool.get(key, lambda: _learn(path, options.rare_min))


def _learn(path: Path, rare_min: int) -> tuple[TableModel, dict[str, list[Any]]]:
    sample = read_sample(path)
    return learn(sample, LearnOptions(rare_min=rare_min)), {c.name: c.values for c in sample.columns}


def learned_schema(model: TableModel) -> dict[str, Any]:
    """What was learned, as a JSON Schema with ``x-`` hints (kinds, weights, quantiles, lookups, copula)."""
    nodes: dict[str, Any] = {}
    for name in model.order:
        node = model.columns[name].schema()
        if name in model.lookups:
            lookup = model.lookups[name]
            node["x-derived-from"] = lookup.parent
            if len(lookup.table) <= 50:
                node["x-lookup"] = {str(k): v for k, v in lookup.table.items()}
        if name in model.afters:
            node["x-after"] = model.afters[name].parent
        nodes[name] = node
    required = [n for n in model.order if model.columns[n].missing == 0]
    schema: dict[str, Any] = {
        "$schema": SCHEMA_DRAFT,
        "title": model.name,
        "type": "object",
        "description": f"Rows like the {model.rows}-row sample '{model.name}'.",
        "properties": nodes,
        "required": required,
        "additionalProperties": False,
        "x-source": "sample",
        "x-rows": model.rows,
        "x-copula": {"columns": model.copula, "correlation": np.round(model.correlation, 3).tolist()},
    }
    return _nest_schema(schema) if model.nested else schema


def _nest_schema(schema: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for name, node in schema["properties"].items():
        target = props
        *parents, last = name.split(".")
        for part in parents:
            target = target.setdefault(part, {"type": "object", "properties": {}})["properties"]
        target[last] = node
    return {**schema, "properties": props, "required": [r for r in schema["required"] if "." not in r]}


def synth_from_sample(path: Path, n: int, options: SynthOptions, on_progress: Callable[[int, int], None] | None = None) -> SynthResult:
    """``n`` new rows like the sample at ``path`` (same columns, order and types), with the report."""
    from hfkit.synth.api import SynthResult
    from hfkit.synth.report import versions

    started = time.perf_counter()
    model, real = learn_file(path, options)
    for column in model.columns.values():
        column.reset()
    records: list[dict[str, Any]] = []
    replaced = 0
    for batch, start in enumerate(range(0, n, BATCH)):
        rng = np.random.default_rng([options.seed & 0xFFFFFFFF, batch])
        rows, copies = sample_rows(model, min(BATCH, n - start), rng)
        records += rows
        replaced += copies
        if on_progress:
            on_progress(len(records), n)
    seconds = time.perf_counter() - started
    schema = learned_schema(model)
    report = _report(model, real, records, replaced, seconds, options)
    report["manifest"] = {"source": str(path), "seed": options.seed, "options": options.model_dump(), "versions": versions()}
    return SynthResult(model.name, schema, records, report, nested=options.csv_nested, csv_escape=options.csv_escape)


def _report(
    model: TableModel, real: dict[str, list[Any]], records: list[dict[str, Any]], replaced: int, seconds: float, options: SynthOptions
) -> dict[str, Any]:
    flat = [_flatten(r) for r in records] if model.nested else records
    synthetic = {name: [r.get(name) for r in flat] for name in model.order}
    sdtypes = {n: c.sdtype for n, c in model.columns.items()}
    comparable_real = {n: model.columns[n].comparable(v) for n, v in real.items()}
    comparable_synth = {n: model.columns[n].comparable(v) for n, v in synthetic.items()}
    fidelity = quality(comparable_real, comparable_synth, sdtypes, options.seed)
    rng = np.random.default_rng([options.seed & 0xFFFFFFFF, 99])
    suppressed = {n: c.suppressed for n, c in model.columns.items() if c.suppressed}
    return {
        "dataset": model.name,
        "status": "complete",
        "source": "sample",
        "sample_rows": model.rows,
        "requested": len(records),
        "delivered": len(records),
        "columns": {n: model.columns[n].schema()["x-kind"] for n in model.order},
        "derived": {
            **{k: f"lookup from {v.parent} ({v.agreement:.1%} of sample rows agree)" for k, v in model.lookups.items()},
            **{k: f"after {v.parent}" for k, v in model.afters.items()},
        },
        "fidelity": _rounded(fidelity),
        "privacy": {
            "copied_rows_emitted": 0,
            "copies_replaced": replaced,
            "checked_columns": model.key_columns,
            "rare_categories_suppressed": suppressed,
            "rare_min": options.rare_min,
            "distance_to_closest_record": dcr_report(model, real, synthetic, rng),
        },
        "seconds": round(seconds, 2),
        "records_per_second": round(len(records) / seconds, 1) if seconds else None,
    }


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _rounded(fidelity: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in fidelity.items()}
