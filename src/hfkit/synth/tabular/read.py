"""Reading a sample table (CSV, Parquet, JSON Lines) into plain columns with pyarrow."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hfkit.core.errors import InputError, missing_extra

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq", ".jsonl", ".ndjson")
MAX_ROWS = 2_000_000
ISO_T = re.compile(r"^\d{4}-\d{2}-\d{2}T")


@dataclass
class RawColumn:
    """One column of the sample: its name, pyarrow type name and values as Python objects (None when missing)."""

    name: str
    arrow_type: str
    values: list[Any]
    text_form: str = ""  # how datetimes were written in a text file ("T" or " " between date and time)


@dataclass
class Sample:
    """The sample table, its columns in file order."""

    name: str
    path: Path
    columns: list[RawColumn]
    nested: bool = False  # dotted column names came from nested objects

    @property
    def rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0


def is_table_file(source: str | Path) -> bool:
    """True when ``source`` names a data file hfkit can learn from (by suffix)."""
    return Path(str(source)).suffix.lower() in TABLE_SUFFIXES


def read_sample(path: Path) -> Sample:
    """Read ``path`` into a :class:`Sample`; one sentence and a hint when it cannot be used."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Sample table '{path}' does not exist.", "Check the path of the CSV/Parquet/JSONL file.")
    table = _read_arrow(path)
    if table.num_rows == 0 or table.num_columns == 0:
        raise InputError(f"Sample table '{path.name}' has no rows.", "Give a file with a header and at least 2 rows.")
    if table.num_rows > MAX_ROWS:
        raise InputError(
            f"Sample table '{path.name}' has {table.num_rows:,} rows, beyond {MAX_ROWS:,}.", "Pass a random subset of the rows."
        )
    nested = any(_is_struct(f.type) for f in table.schema)
    while any(_is_struct(f.type) for f in table.schema):
        table = table.flatten()  # nested objects become dotted columns, put back on output
    columns = [RawColumn(name, str(table.schema.field(name).type), table.column(name).to_pylist()) for name in table.column_names]
    if len(columns) != len(set(table.column_names)):
        raise InputError(f"Sample table '{path.name}' has repeated column names.", "Give every column its own name.")
    _note_text_forms(path, columns)
    return Sample(path.stem, path, columns, nested)


def _read_arrow(path: Path) -> Any:
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
        import pyarrow.json as pajson
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise missing_extra("pyarrow", "synth") from exc
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return pq.read_table(path)
        if suffix in (".jsonl", ".ndjson"):
            return pajson.read_json(path)
        delimiter = "\t" if suffix == ".tsv" else ","
        return pacsv.read_csv(
            path, parse_options=pacsv.ParseOptions(delimiter=delimiter), convert_options=pacsv.ConvertOptions(strings_can_be_null=True)
        )
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"Sample table '{path.name}' cannot be read ({first}).",
            "Check that it is a well-formed CSV (header row), Parquet or JSON Lines file.",
        ) from exc


def _is_struct(arrow_type: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_struct(arrow_type))


def _note_text_forms(path: Path, columns: list[RawColumn]) -> None:
    """For CSV timestamps, remember whether the file wrote 'T' or ' ' between date and time."""
    stamps = [c for c in columns if c.arrow_type.startswith("timestamp")]
    if not stamps or path.suffix.lower() not in (".csv", ".tsv"):
        return
    import pyarrow as pa
    import pyarrow.csv as pacsv

    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    types = {c.name: pa.string() for c in stamps}
    raw = pacsv.read_csv(
        path,
        parse_options=pacsv.ParseOptions(delimiter=delimiter),
        convert_options=pacsv.ConvertOptions(column_types=types, include_columns=list(types)),
    )
    for column in stamps:
        first = next((v for v in raw.column(column.name).to_pylist() if v), "")
        column.text_form = "T" if ISO_T.match(first) else " "
