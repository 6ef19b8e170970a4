"""Writing then reading gives back the same records in every format (property-based), and CSV is spreadsheet-safe."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hfkit.synth import formats

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": ["string", "null"]},
        "count": {"type": "integer"},
        "price": {"type": ["number", "null"]},
        "active": {"type": "boolean"},
        "day": {"type": "string", "format": "date"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "address": {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": ["string", "null"]}}},
        "matrix": {"type": "array", "items": {"type": "array", "items": {"type": ["integer", "null"]}}},
    },
}
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
tricky = st.one_of(text, st.sampled_from(["", "=SUM(A1)", "+1", "-2", "@x", "'", "''=", "a,b", 'say "hi"', "l1\nl2",
                                          "\r\n", "null", "true", "12", "[1]", "---", "ünïcødé ✓", " pad "]))
record = st.fixed_dictionaries({
    "name": st.one_of(st.none(), tricky),
    "count": st.integers(-(2**53), 2**53),
    "price": st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
    "active": st.booleans(),
    "day": st.dates().map(lambda d: d.isoformat()),
    "tags": st.lists(tricky, max_size=4),
    "address": st.fixed_dictionaries({"city": tricky, "zip": st.one_of(st.none(), tricky)}),
    "matrix": st.lists(st.lists(st.one_of(st.none(), st.integers(-5, 5)), max_size=3), max_size=3),
})


@pytest.mark.fast
@pytest.mark.parametrize("fmt", formats.FORMATS)
@pytest.mark.parametrize("nested", ["flatten", "json"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, max_size=6))
def test_write_then_read_gives_the_same_records(tmp_path: Path, fmt: str, nested: str,
                                                records: list[dict[str, Any]]) -> None:
    path = tmp_path / f"data.{fmt}"
    formats.write(path, records, SCHEMA, fmt, nested)
    assert formats.read(path, SCHEMA, fmt, nested) == records


@pytest.mark.fast
def test_csv_is_rfc4180_and_neutralises_formulas(tmp_path: Path) -> None:
    rows = [{"name": "=HYPERLINK(\"x\")", "count": 1, "price": None, "active": True, "day": "2024-01-02",
             "tags": ["a,b"], "address": {"city": "@evil", "zip": None}, "matrix": []}]
    path = tmp_path / "data.csv"
    formats.write(path, rows, SCHEMA, "csv")
    raw = path.read_bytes()
    assert b"\r\n" in raw
    with open(path, encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["name", "count", "price", "active", "day", "tags", "address.city", "address.zip", "matrix"]
    cells = dict(zip(table[0], table[1], strict=True))
    assert cells["name"].startswith("'=") and cells["address.city"] == "'@evil"
    assert not any(c.startswith(("=", "+", "@")) for c in table[1])


@pytest.mark.fast
def test_parquet_column_types_come_from_the_schema(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"name": "a", "count": 2, "price": 1.5, "active": False, "day": "2024-03-04", "tags": ["x"],
             "address": {"city": "Berlin", "zip": "10115"}, "matrix": [[1, None]]}]
    path = tmp_path / "data.parquet"
    formats.write(path, rows, SCHEMA, "parquet")
    schema = pq.read_schema(path)
    assert schema.field("count").type == pa.int64() and schema.field("price").type == pa.float64()
    assert schema.field("active").type == pa.bool_() and schema.field("day").type == pa.date32()
    assert schema.field("tags").type == pa.list_(pa.string())
    assert pa.types.is_struct(schema.field("address").type)


WHEN: dict[str, Any] = {
    "type": "object",
    "properties": {
        "created": {"type": "string", "format": "date-time"},
        "trip": {"type": "object", "properties": {"day": {"type": "string", "format": "date"},
                                                  "at": {"type": ["string", "null"], "format": "date-time"}}},
        "days": {"type": "array", "items": {"type": "string", "format": "date"}},
    },
}


@pytest.mark.fast
def test_parquet_date_times_are_timestamps_and_nested_dates_are_dates(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"created": "2024-05-06T07:08:09Z", "trip": {"day": "2024-05-07", "at": None}, "days": ["2024-01-01"]},
            {"created": "2023-01-02T03:04:05.250000Z", "trip": {"day": "2023-01-03", "at": "2023-01-03T10:00:00Z"},
             "days": []}]
    path = tmp_path / "when.parquet"
    formats.write(path, rows, WHEN, "parquet")
    schema = pq.read_schema(path)
    assert schema.field("created").type == pa.timestamp("us", tz="UTC")
    trip = schema.field("trip").type
    assert trip.field("day").type == pa.date32() and trip.field("at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("days").type == pa.list_(pa.date32())
    assert formats.read(path, WHEN, "parquet") == rows


@pytest.mark.fast
def test_csv_escaping_can_be_turned_off_for_pipelines(tmp_path: Path) -> None:
    rows = [{"name": "-5 degrees", "count": 1, "price": None, "active": True, "day": "2024-01-02", "tags": [],
             "address": {"city": "=x", "zip": None}, "matrix": []}]
    text = formats.dumps(rows, SCHEMA, "csv", csv_escape=False)
    assert "\r\n-5 degrees," in text and ",=x," in text
    path = tmp_path / "raw.csv"
    formats.write(path, rows, SCHEMA, "CSV", csv_escape=False)
    assert formats.read(path, SCHEMA, "csv", csv_escape=False) == rows
    assert "'-5 degrees" in formats.dumps(rows, SCHEMA, "csv")  # on by default


@pytest.mark.fast
@pytest.mark.parametrize(("given", "name"), [("JSON", "json"), ("Csv", "csv"), ("TEXT", "text"), ("txt", "text"),
                                             (" JSONL ", "jsonl"), ("Parquet", "parquet")])
def test_format_names_in_any_case(given: str, name: str) -> None:
    assert formats.check_format(given) == name


@pytest.mark.fast
def test_unknown_format_is_one_sentence() -> None:
    from hfkit.core.errors import InputError

    with pytest.raises(InputError, match="Unknown format 'xml'"):
        formats.check_format("xml")
