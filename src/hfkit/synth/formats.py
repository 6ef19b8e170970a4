"""Dataset files: json, jsonl, csv (RFC 4180, spreadsheet-safe), parquet (typed from the schema) and text.

Every writer has a reader that gives back the same records, given the schema.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hfkit.core.atomic import atomic_open, atomic_path
from hfkit.core.errors import InputError, missing_extra
from hfkit.synth.schema import node_types, non_null

Records = list[dict[str, Any]]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")  # "'" too, so the escape itself round-trips


def write(path: Path, records: Records, schema: dict[str, Any], fmt: str, nested: str = "flatten",
          csv_escape: bool = True) -> None:
    """Write ``records`` atomically to ``path`` in ``fmt`` (any case: JSON, csv, Text...)."""
    fmt = check_format(fmt)
    if fmt == "parquet":
        _write_parquet(path, records, schema)
        return
    with atomic_open(path, "wb") as handle:
        handle.write(_writer(fmt, csv_escape)(records, schema, nested).encode("utf-8"))  # type: ignore[arg-type]


def read(path: Path, schema: dict[str, Any], fmt: str, nested: str = "flatten", csv_escape: bool = True) -> Records:
    """Read records written by :func:`write` (with the same ``csv_escape``)."""
    fmt = check_format(fmt)
    if fmt == "parquet":
        return _read_parquet(path, schema)
    with open(path, encoding="utf-8", newline="") as handle:  # keep \r inside values
        text = handle.read()
    if fmt == "csv":
        return _read_csv(text, schema, nested, csv_escape)
    return _TEXT_READERS[fmt](text, schema, nested)


def dumps(records: Records, schema: dict[str, Any], fmt: str, nested: str = "flatten", csv_escape: bool = True) -> str:
    """The text of ``records`` in a text format (all but parquet)."""
    fmt = check_format(fmt)
    if fmt == "parquet":
        raise InputError("Parquet is binary and cannot be returned as text.", "Write it to a file instead.")
    return _writer(fmt, csv_escape)(records, schema, nested)


def _writer(fmt: str, csv_escape: bool) -> Callable[[Records, dict[str, Any], str], str]:
    if fmt == "csv":
        return lambda records, schema, nested: _csv(records, schema, nested, csv_escape)
    return _TEXT_WRITERS[fmt]


def normalize_format(fmt: str) -> str:
    """The canonical name of a format given in any case or by a common alias (JSON -> json, txt -> text)."""
    key = str(fmt).strip().lower().lstrip(".")
    return FORMAT_ALIASES.get(key, key)


def check_format(fmt: str) -> str:
    """The canonical format name; InputError for an unknown one."""
    name = normalize_format(fmt)
    if name not in FORMATS:
        raise InputError(f"Unknown format '{fmt}'.", f"Use one of: {', '.join(FORMATS)} (any case).")
    return name


def format_of(path: Path) -> str:
    """The format a file's suffix names (.json, .jsonl/.ndjson, .csv, .parquet, .txt); the one suffix rule."""
    name = normalize_format(path.suffix)
    if not path.suffix or name not in FORMATS:
        raise InputError(f"Cannot tell the format of '{path.name}' from its suffix.", "Pass --format.")
    return name


def suffix_of(fmt: str) -> str:
    """The file suffix (without the dot) for a format: the inverse of :func:`format_of`."""
    name = normalize_format(fmt)
    return "txt" if name == "text" else name


# json / jsonl
def _json(records: Records, schema: dict[str, Any], nested: str) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def _jsonl(records: Records, schema: dict[str, Any], nested: str) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _read_jsonl(text: str, schema: dict[str, Any], nested: str) -> Records:
    return [json.loads(line) for line in text.split("\n") if line.strip()]


# csv
def _columns(schema: dict[str, Any], nested: str, prefix: str = "") -> list[tuple[str, tuple[str, ...], dict[str, Any]]]:
    """(header, path, node) per column; objects become dotted columns when ``nested == 'flatten'``."""
    columns = []
    for key, node in (schema.get("properties") or {}).items():
        inner, nullable = non_null(node)
        if nested == "flatten" and node_types(inner) == {"object"} and inner.get("properties") and not nullable:
            columns += [(f"{prefix}{key}.{h}", (key, *p), n) for h, p, n in _columns(inner, nested)]
        else:
            columns.append((f"{prefix}{key}", (key,), node))
    return columns


def _is_plain_string(node: dict[str, Any]) -> bool:
    return node_types(non_null(node)[0]) == {"string"}


def _cell(value: Any, node: dict[str, Any], escape: bool = True) -> str:
    """A CSV cell; with ``escape`` a string that a spreadsheet would run as a formula gets a leading "'"
    (an empty string too, so it stays apart from a missing value)."""
    if value is None:
        return ""
    if isinstance(value, str) and _is_plain_string(node):
        return "'" + value if escape and (value == "" or value.startswith(FORMULA_START)) else value
    return json.dumps(value, ensure_ascii=False)


def _uncell(cell: str, node: dict[str, Any], escape: bool = True) -> Any:
    if cell == "":
        return None
    if _is_plain_string(node):
        return cell[1:] if escape and cell.startswith("'") else cell
    return json.loads(cell)


def _csv(records: Records, schema: dict[str, Any], nested: str, escape: bool = True) -> str:
    columns = _columns(schema, nested)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: CRLF, quotes doubled
    writer.writerow([h for h, _, _ in columns])
    for record in records:
        writer.writerow([_cell(_get(record, p), n, escape) for _, p, n in columns])
    return out.getvalue()


def _read_csv(text: str, schema: dict[str, Any], nested: str, escape: bool = True) -> Records:
    columns = _columns(schema, nested)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    records = []
    for row in rows[1:]:
        record: dict[str, Any] = {}
        for (_, path, node), cell in zip(columns, row, strict=True):
            _set(record, path, _uncell(cell, node, escape))
        records.append(record)
    return records


def _get(record: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = record
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _set(record: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        record = record.setdefault(key, {})
    record[path[-1]] = value


# text: "key: value" lines, a "---" line between records; values JSON-encoded unless plainly printable
def _text(records: Records, schema: dict[str, Any], nested: str) -> str:
    blocks = ["\n".join(f"{k}: {_text_value(v)}" for k, v in r.items()) for r in records]
    return "\n---\n".join(blocks) + "\n" if blocks else ""


def _text_value(value: Any) -> str:
    plain = isinstance(value, str) and value and value.isprintable() and value == value.strip()
    if plain and not value.startswith(('"', "[", "{")) and not _looks_json(value):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _looks_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _read_text(text: str, schema: dict[str, Any], nested: str) -> Records:
    records = []
    for block in text.rstrip("\n").split("\n---\n") if text.strip() else []:
        record = {}
        for line in block.split("\n"):
            key, _, raw = line.partition(": ")
            record[key] = json.loads(raw) if _looks_json(raw) else raw
        records.append(record)
    return records


# parquet: date fields (at any depth) become dates, date-time fields timestamps (UTC when they carry an offset)
def _when_kind(node: dict[str, Any]) -> str | None:
    if node.get("format") == "date" or node.get("x-kind") == "date":
        return "date"
    if node.get("format") == "date-time" or node.get("x-kind") == "datetime":
        return "date-time"
    return None


def _naive(node: dict[str, Any]) -> bool:
    """Datetimes learned from a sample without an offset stay local (naive) timestamps."""
    return node.get("x-kind") == "datetime" and "format" not in node


def _arrow_type(node: dict[str, Any], top: bool = False) -> Any:
    import pyarrow as pa

    inner, _ = non_null(node)
    kinds = node_types(inner) - {"null"}
    if kinds == {"object"} and inner.get("properties"):
        return pa.struct([pa.field(k, _arrow_type(v)) for k, v in inner["properties"].items()])
    if kinds == {"array"} and isinstance(inner.get("items"), dict):
        return pa.list_(_arrow_type(inner["items"]))
    simple = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "string": pa.string()}
    if len(kinds) == 1 and next(iter(kinds)) in simple:
        when = _when_kind(inner) if kinds == {"string"} else None
        if when == "date":
            return pa.date32()
        if when == "date-time":
            return pa.timestamp("us", tz=None if _naive(inner) else "UTC")
        return simple[next(iter(kinds))]
    return pa.string()  # mixed types: JSON-encoded


def _json_columns(schema: dict[str, Any]) -> list[str]:
    import pyarrow as pa

    return [k for k, v in schema["properties"].items() if _arrow_type(v) == pa.string() and not _is_plain_string(v)]


def _to_arrow(value: Any, node: dict[str, Any]) -> Any:
    """A record value as pyarrow takes it: ISO dates and date-times parsed, nested objects and lists walked."""
    if value is None:
        return None
    inner, _ = non_null(node)
    if isinstance(value, dict) and inner.get("properties"):
        return {k: _to_arrow(value.get(k), inner["properties"].get(k, {})) for k in inner["properties"]}
    if isinstance(value, list) and isinstance(inner.get("items"), dict):
        return [_to_arrow(v, inner["items"]) for v in value]
    when = _when_kind(inner) if isinstance(value, str) else None
    if when == "date":
        return date.fromisoformat(value[:10])
    if when == "date-time":
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if _naive(inner):
            return stamp if stamp.tzinfo is None else stamp.astimezone(UTC).replace(tzinfo=None)
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    return value


def _from_arrow(value: Any, node: dict[str, Any]) -> Any:
    """A pyarrow value back as the record had it: dates and date-times as ISO text."""
    if value is None:
        return None
    inner, _ = non_null(node)
    if isinstance(value, dict) and inner.get("properties"):
        return {k: _from_arrow(v, inner["properties"].get(k, {})) for k, v in value.items()}
    if isinstance(value, list) and isinstance(inner.get("items"), dict):
        return [_from_arrow(v, inner["items"]) for v in value]
    if isinstance(value, datetime):
        if _naive(inner):
            return value.strftime(str(inner.get("x-datetime-format", "%Y-%m-%dT%H:%M:%S")))
        suffix = f".{value.microsecond:06d}" if value.microsecond else ""
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") + suffix + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _write_parquet(path: Path, records: Records, schema: dict[str, Any]) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise missing_extra("pyarrow", "synth") from exc

    props = schema["properties"]
    arrow = pa.schema([pa.field(k, _arrow_type(v, top=True)) for k, v in props.items()])
    encoded = set(_json_columns(schema))
    rows = [{k: json.dumps(r.get(k), ensure_ascii=False) if k in encoded else _to_arrow(r.get(k), props[k])
             for k in props} for r in records]
    table = pa.Table.from_pylist(rows, schema=arrow)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def _read_parquet(path: Path, schema: dict[str, Any]) -> Records:
    import pyarrow.parquet as pq

    props = schema["properties"]
    encoded = set(_json_columns(schema))
    records = pq.read_table(path).to_pylist()
    for record in records:
        for key, value in record.items():
            record[key] = json.loads(value) if key in encoded else _from_arrow(value, props.get(key, {}))
    return records  # type: ignore[no-any-return]


_TEXT_WRITERS: dict[str, Callable[[Records, dict[str, Any], str], str]] = {
    "json": _json, "jsonl": _jsonl, "csv": _csv, "text": _text,
}
_TEXT_READERS: dict[str, Callable[[str, dict[str, Any], str], Records]] = {
    "json": lambda t, s, n: json.loads(t), "jsonl": _read_jsonl, "csv": _read_csv, "text": _read_text,
}
FORMATS = ("json", "jsonl", "csv", "parquet", "text")
FORMAT_ALIASES = {"txt": "text", "ndjson": "jsonl", "jsonlines": "jsonl", "json lines": "jsonl", "pq": "parquet"}
