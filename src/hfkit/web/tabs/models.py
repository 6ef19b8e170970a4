"""Models: the embedded models (installed or not, with sizes) and the models in the Hugging Face cache."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import gradio as gr

from hfkit.core import hub
from hfkit.core.errors import InputError
from hfkit.core.registry import EMBEDDED, EmbeddedModel
from hfkit.web.common import WebContext, guard, human_size

EMBEDDED_HEADERS = ["name", "tasks", "format", "installed", "size", "description", "install"]
CACHED_HEADERS = ["repo", "size", "path"]
MEMORY_HEADERS = ["dtype", "parameters", "estimate", "measured", "note"]


def _package_size(module: str) -> int | None:
    """Bytes on disk of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(module.replace("-", "_"))
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file())


def model_size(model: EmbeddedModel) -> int | None:
    """Size of an embedded model's packages, or None when it is not installed."""
    sizes = [_package_size(m) for m in model.package.split("+")]
    return None if any(s is None for s in sizes) else sum(s for s in sizes if s is not None)


def embedded_rows() -> list[list[str]]:
    """One row per embedded model."""
    rows = []
    for model in EMBEDDED.values():
        installed = model.installed()
        rows.append([model.name, ", ".join(model.tasks), model.format, "yes" if installed else "no",
                     human_size(model_size(model)) if installed else "", model.description, model.install_command])
    return rows


def cached_rows() -> list[list[str]]:
    """One row per model in the Hugging Face cache."""
    return [[repo, human_size(size), str(path)] for repo, size, path in sorted(hub.cached_models())]


@guard
def refresh() -> tuple[list[list[str]], list[list[str]]]:
    return embedded_rows(), cached_rows()


def make_memory_rows(context: WebContext) -> Any:
    @guard
    def memory_rows(reference: str | None, measure: bool) -> list[list[str]]:
        """The memory table of a transformers model the app offers: estimated from its config, measured when it
        loads here."""
        from hfkit.toolkit.memory import estimate

        if not (reference or "").strip():
            raise InputError("No model was given.", "Type one of the models this app offers.")
        name = context.models.check(reference)
        return [[row.dtype, f"{row.parameters:,}", human_size(row.estimate_bytes), human_size(row.measured_bytes),
                 row.note] for row in estimate(name, measure=measure)]

    return memory_rows


def build(context: WebContext) -> None:
    """The Models tab."""
    gr.Markdown("Models that ship inside Python packages, and models you downloaded from the Hugging Face hub.")
    embedded = gr.Dataframe(embedded_rows(), headers=EMBEDDED_HEADERS, label="Embedded models", interactive=False,
                            wrap=True, elem_id="models-embedded")
    cached = gr.Dataframe(cached_rows(), headers=CACHED_HEADERS, label="Hugging Face cache", interactive=False,
                          elem_id="models-cached")
    gr.Button("Refresh").click(refresh, None, [embedded, cached], api_name="models")
    with gr.Accordion("Memory table (transformers models)", open=True):
        with gr.Row():
            reference = gr.Textbox(label="Model (one this app offers: see --allow-model)", scale=3,
                                   elem_id="models-memory-model")
            measure = gr.Checkbox(True, label="Measure by loading (when it fits)", scale=1)
            start = gr.Button("Estimate", variant="primary", scale=1, elem_id="models-memory-run")
        memory = gr.Dataframe(headers=MEMORY_HEADERS, label="Weights in memory per dtype", interactive=False,
                              elem_id="models-memory")
    start.click(make_memory_rows(context), [reference, measure], memory, api_name="memory")
