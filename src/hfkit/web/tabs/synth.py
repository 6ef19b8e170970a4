"""Synthetic data: the seed's form (data type, quantity, format) plus template picker, schema editor, seed and
model; a quick preview, the full run with progress, a table, the report and the download."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import gradio as gr

from hfkit.core.errors import InputError
from hfkit.synth.api import DEFAULT_LLM, SynthOptions, preview, synth
from hfkit.synth.formats import FORMATS
from hfkit.synth.sources import Spec, resolve_spec
from hfkit.synth.templates import list_templates
from hfkit.web.common import Background, WebContext, guard, guard_stream

FROM_DESCRIPTION = "(from the description)"
NO_MODEL = "none (sample every field)"
SUFFIXES = {"text": "txt"}
MAX_RECORDS = 100_000


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One table row per record: nested objects become dotted columns, lists become JSON text."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            row |= flatten(value, f"{prefix}{key}.")
        else:
            row[f"{prefix}{key}"] = json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value
    return row


def table(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Records as a Dataframe value (headers from every record, in first-seen order)."""
    rows = [flatten(r) for r in records]
    headers = list(dict.fromkeys(k for row in rows for k in row)) or ["(no records)"]
    return {"headers": headers, "data": [[row.get(h, "") for h in headers] for row in rows]}


def spec_from_form(description: str | None, template: str | None, schema_text: str | None) -> Spec:
    """The schema in the editor if there is one, else the template, else the description."""
    if (schema_text or "").strip():
        try:
            schema = json.loads(schema_text or "")
        except RecursionError:
            raise InputError("The schema nests too deeply.", "Flatten the schema.") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"The schema is not valid JSON ({exc.msg} at line {exc.lineno}).",
                             "Fix it, or clear the editor to use the template or description.") from exc
        return resolve_spec(schema if isinstance(schema, dict) else {"type": schema}, trusted=False)
    if template and template != FROM_DESCRIPTION:
        return resolve_spec(template, trusted=False)
    return resolve_spec(description or "", trusted=False)  # a template name or a description: never a file


def options_from_form(context: WebContext, seed: float | None, model: str | None) -> SynthOptions:
    llm = None if not model or model == NO_MODEL else context.models.check(model)
    return SynthOptions(seed=int(seed or 0), llm=llm, max_records=MAX_RECORDS)


@guard
def fill_schema(description: str | None, template: str | None) -> str:
    """The schema editor filled from the picked template, or from the template closest to the description."""
    return json.dumps(spec_from_form(description, template, None).schema, indent=2, ensure_ascii=False)


def make_preview(context: WebContext) -> Any:
    @guard
    def run_preview(description: str | None, template: str | None, schema_text: str | None, seed: float | None,
                    model: str | None) -> dict[str, Any]:
        """Ten records with every field sampled: a look at the shape in seconds."""
        spec = spec_from_form(context.text(description, "description"), template, context.text(schema_text, "schema"))
        return table(preview(spec, 10, options_from_form(context, seed, model)))

    return run_preview


def make_generate(context: WebContext) -> Any:
    @guard_stream
    def generate(description: str | None, template: str | None, schema_text: str | None, quantity: float | None,
                 fmt: str, seed: float | None, model: str | None,
                 progress: gr.Progress = gr.Progress()) -> Iterator[Any]:  # noqa: B008
        """The full run: progress while records are made, then the table, the report and the file."""
        spec = spec_from_form(context.text(description, "description"), template, context.text(schema_text, "schema"))
        options = options_from_form(context, seed, model)
        count = int(quantity or 0)
        target = context.workspace.job_dir("synth") / f"{spec.name}.{SUFFIXES.get(fmt, fmt)}"
        job = Background(lambda report: synth(spec, count, options=options, on_progress=report, output=target,
                                              fmt=fmt))
        skip = gr.skip()
        count_text = "Starting"
        for event in job.progress():
            if event:
                done, total = event
                progress((done, total), desc="Records", unit="records")
                count_text = f"{done} of {total} records"
            yield count_text, skip, skip, skip
        result = job.result
        assert result is not None
        status = f"{len(result.records)} records of '{result.name}' in {result.report.get('seconds', 0):.1f} s"
        yield status, table(result.records), result.report, [str(p) for p in result.paths]

    return generate


def build(context: WebContext) -> None:
    """The Synthetic data tab."""
    with gr.Row():
        with gr.Column(scale=2):
            description = gr.Textbox(label="Data type (a template name or a description)", lines=2,
                                     placeholder="customer profiles for a bike shop in Berlin",
                                     elem_id="synth-description")
            template = gr.Dropdown([FROM_DESCRIPTION, *list_templates()], value=FROM_DESCRIPTION, label="Template",
                                   elem_id="synth-template")
            with gr.Row():
                quantity = gr.Number(value=20, precision=0, minimum=1, maximum=MAX_RECORDS, label="Quantity",
                                     elem_id="synth-quantity")
                fmt = gr.Dropdown(list(FORMATS), value="csv", label="Format", elem_id="synth-format")
            with gr.Row():
                seed = gr.Number(value=0, precision=0, label="Seed")
                model = gr.Dropdown([NO_MODEL, *context.models.choices("chat", [DEFAULT_LLM])],
                                    value=DEFAULT_LLM, label="Model (writes the text fields)", allow_custom_value=True,
                                    elem_id="synth-model")
            fill = gr.Button("Fill the schema from the template or description")
            schema = gr.Code(language="json", label="Schema (JSON Schema; edit freely)", lines=12, max_lines=24,
                             elem_id="synth-schema")
            with gr.Row():
                look = gr.Button("Preview 10", elem_id="synth-preview")
                start = gr.Button("Generate", variant="primary", elem_id="synth-run")
                stop = gr.Button("Stop", variant="stop")
        with gr.Column(scale=3):
            status = gr.Markdown(elem_id="synth-status")
            records = gr.Dataframe(label="Records", interactive=False, wrap=True, elem_id="synth-table")
            files = gr.File(label="Download (records and report)", file_count="multiple", interactive=False,
                            elem_id="synth-files")
            with gr.Accordion("Report", open=False):
                report = gr.JSON(label="Report", elem_id="synth-report")
    template.change(fill_schema, [description, template], schema, api_name="synth_schema")
    fill.click(fill_schema, [description, template], schema, api_visibility="private")
    look.click(make_preview(context), [description, template, schema, seed, model], records, api_name="synth_preview")
    event = start.click(make_generate(context), [description, template, schema, quantity, fmt, seed, model],
                        [status, records, report, files], api_name="synth")
    stop.click(None, cancels=[event], queue=False)
