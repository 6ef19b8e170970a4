"""The dataset report (``<name>.report.json``) and its manifest."""

from __future__ import annotations

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
