"""Synthetic data in the web app: through gradio_client (fast) and in a real browser (slow)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import RunningApp, open_tab, wait_for_text

NO_MODEL = "none (sample every field)"


def synth_args(template: str = "customers", schema: str = "", quantity: int = 20, fmt: str = "csv",
               description: str = "") -> tuple[Any, ...]:
    return (description, template, schema, quantity, fmt, 7, NO_MODEL)


def test_template_fills_the_schema_editor(client: Any) -> None:
    schema = json.loads(client.predict("", "customers", api_name="/synth_schema"))
    assert schema["type"] == "object" and "customer_id" in schema["properties"]


def test_preview_shows_ten_records(client: Any) -> None:
    preview = client.predict("", "orders", "", 0, NO_MODEL, api_name="/synth_preview")
    assert len(preview["data"]) == 10
    assert "order_id" in preview["headers"]


def test_twenty_records_as_csv_with_report(client: Any, web_app: RunningApp) -> None:
    status, records, report, files = client.predict(*synth_args(), api_name="/synth")
    assert status.startswith("20 records of 'customers'")
    assert len(records["data"]) == 20
    assert report["delivered"] == 20
    csv_file = next(Path(f) for f in files if f.endswith(".csv"))
    with csv_file.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 20 and len({r["customer_id"] for r in rows}) == 20
    assert list((web_app.workspace / "jobs").rglob("customers.csv"))


def test_edited_schema_is_what_gets_generated(client: Any) -> None:
    schema = {"title": "Pets", "type": "object", "required": ["name", "legs"],
              "properties": {"name": {"type": "string", "x-faker": "first_name"},
                             "legs": {"type": "integer", "minimum": 2, "maximum": 4}}}
    _, records, _, files = client.predict(*synth_args(schema=json.dumps(schema), quantity=5, fmt="jsonl"),
                                          api_name="/synth")
    assert records["headers"] == ["name", "legs"]
    lines = Path(next(f for f in files if f.endswith(".jsonl"))).read_text().splitlines()
    assert len(lines) == 5 and all(2 <= json.loads(line)["legs"] <= 4 for line in lines)


@pytest.mark.parametrize(("args", "needle"), [
    (synth_args(template="(from the description)"), "The description is empty."),
    (synth_args(schema="{bad"), "The schema is not valid JSON"),
    (synth_args(schema='{"type": "object", "properties": {"a": {"type": 5}}}'), "a"),
    (synth_args(quantity=0), "less than minimum value 1"),
])
def test_bad_input_is_a_message(client: Any, args: tuple[Any, ...], needle: str) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as info:
        client.predict(*args, api_name="/synth")
    assert needle in str(info.value) and "Traceback" not in str(info.value)


@pytest.mark.slow
def test_browser_twenty_records_and_csv_download(page: Any) -> None:
    open_tab(page, "Synthetic data")
    page.locator("#synth-template input").click()
    page.get_by_role("option", name="customers", exact=True).click()
    wait_for_text(page, "#synth-schema", "customer_id")
    page.locator("#synth-model input").click()
    page.get_by_role("option", name=NO_MODEL).click()
    page.locator("#synth-preview").click()
    wait_for_text(page, "#synth-table", "CUST-")
    page.locator("#synth-run").click()
    wait_for_text(page, "#synth-status", "20 records of", timeout=120_000)
    with page.expect_download() as download:
        page.locator("#synth-files a[download$='.csv']").click()
    with Path(download.value.path()).open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 20 and rows[0]["customer_id"].startswith("CUST-")


@pytest.mark.slow
def test_text_fields_written_by_the_embedded_model(client: Any) -> None:
    status, records, report, _ = client.predict("", "product_reviews", "", 2, "jsonl", 3, "smollm2-135m-instruct",
                                                api_name="/synth")
    assert status.startswith("2 records of")
    assert report["model"] == "smollm2-135m-instruct" and report["delivered"] == 2
    texts = [row[records["headers"].index("review_text")] for row in records["data"]]
    assert all(isinstance(t, str) and len(t.split()) >= 3 for t in texts)
