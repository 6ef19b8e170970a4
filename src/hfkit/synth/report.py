"""The dataset report (``<name>.report.json``) and its manifest."""

from __future__ import annotations

import json
import platform
from importlib import metadata
from typing import Any

from hfkit.synth.engine import State
from hfkit.synth.llm import get_path
from hfkit.synth.quality import distribution, text_metrics
from hfkit.synth.sources import Spec

VERSIONED = ("hfkit", "numpy", "faker", "jsonschema", "xllamacpp", "datasketch", "pyarrow")


def versions() -> dict[str, str]:
    """Versions of the packages that shape the output."""
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def build_report(spec: Spec, n: int, state: State, manifest: dict[str, Any], text_paths: list[tuple[str, ...]],
                 status: str = "complete", generators: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything about a run: counts, duplicates, text diversity, per-field distributions, time, tokens, manifest."""
    stats, records = state.stats, state.records
    texts = {".".join(p): [str(get_path(r, p) or "") for r in records] for p in text_paths}
    return {
        "dataset": spec.name, "status": status, "source": spec.source,
        "requested": n, "delivered": len(records), "attempts": stats.attempts,
        "invalid": stats.invalid, "model_failures": stats.model_failures,
        "retried": stats.attempts - len(records),
        "duplicates_removed": {"exact": stats.exact_duplicates, "near": stats.near_duplicates,
                               "unique_field": stats.unique_collisions},
        "top_failures": dict(sorted(stats.reasons.items(), key=lambda kv: -kv[1])[:5]),
        "text": {
            "all": text_metrics([t for values in texts.values() for t in values]),
            "fields": {k: text_metrics(v) for k, v in texts.items()},
        },
        "fields": {k: distribution([r.get(k) if isinstance(r, dict) else None for r in records])
                   for k in spec.schema.get("properties") or {}},
        "generators": generators or {}, "route": spec.route or spec.source,
        "model": manifest.get("model"), "seconds": round(stats.seconds, 2),
        "records_per_second": round(len(records) / stats.seconds, 2) if stats.seconds else None,
        "tokens": {"prompt": stats.prompt_tokens, "completion": stats.completion_tokens},
        "manifest": manifest,
    }


# ------------------------------------------------------------------ report.html: the report as tables and charts

SUMMARY_ROWS = (("requested", "records requested"), ("delivered", "records delivered"), ("attempts", "attempts"),
                ("invalid", "invalid records replaced"), ("seconds", "seconds"), ("records_per_second", "records/s"))


def field_chart(name: str, summary: dict[str, Any], values: list[Any]) -> Any | None:
    """One field's chart: bars of category counts, a histogram of numbers or of text lengths; None for lists."""
    from hfkit.core import plots

    if "counts" in summary:
        counts = summary["counts"]
        return plots.bar_chart(list(counts), list(counts.values()), f"{name}: values", "records", "{:.0f}")
    present = [v for v in values if v is not None]
    if "mean" in summary:
        return plots.histogram([float(v) for v in present], f"{name}: distribution", name)
    if present and all(isinstance(v, str) for v in present):
        return plots.histogram([float(len(v)) for v in present], f"{name}: text length", "characters")
    return None


def _cell(value: Any) -> str:
    import html

    return html.escape(json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value))


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{_cell(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


FIELD_KEYS = ("nulls", "distinct", "min", "median", "mean", "max", "mean_length")
STYLE = ("body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}table{border-collapse:collapse;margin:1rem 0}"
         "th,td{border:1px solid #ccc;padding:4px 10px;text-align:left;white-space:nowrap}th{background:#f3f3f3}"
         ".charts{display:flex;flex-wrap:wrap;gap:12px}.charts img{max-width:540px;border:1px solid #eee}")


def report_tables(report: dict[str, Any]) -> tuple[list[list[Any]], list[list[Any]]]:
    """The report's run summary (label, value) and its per-field table (field + FIELD_KEYS), for HTML and the web."""
    duplicates = report.get("duplicates_removed") or {}
    summary = [[label, report.get(key)] for key, label in SUMMARY_ROWS if report.get(key) is not None]
    summary += [[f"duplicates removed ({kind})", count] for kind, count in duplicates.items()]
    fields = [[name, *[stats.get(key, "") for key in FIELD_KEYS]] for name, stats in (report.get("fields") or {}).items()]
    return summary, fields


def report_html(report: dict[str, Any], records: list[dict[str, Any]]) -> str:
    """A standalone page: the run summary and per-field statistics as tables, one distribution chart per field."""
    import html

    from hfkit.core import plots

    summary, fields = report_tables(report)
    charts = []
    for name, stats in (report.get("fields") or {}).items():
        figure = field_chart(name, stats, [r.get(name) for r in records])
        if figure is not None:
            charts.append(f'<img src="{plots.data_uri(figure)}" alt="{html.escape(name)} distribution">')
    title = html.escape(f"Synthetic data report: {report.get('dataset', '')}")
    return (f"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title><style>{STYLE}</style></head>"
            f"<body><h1>{title}</h1><h2>Run</h2>{_table(['', 'value'], summary)}"
            f"<h2>Fields</h2>{_table(['field', *FIELD_KEYS], fields)}"
            f"<h2>Distributions</h2><div class=\"charts\">{''.join(charts)}</div></body></html>\n")
