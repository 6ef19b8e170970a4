"""The one clock parser and the one format-from-suffix rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfkit.core.clock import parse_clock
from hfkit.core.errors import InputError
from hfkit.synth.formats import format_of, suffix_of


@pytest.mark.fast
def test_clock_times() -> None:
    assert parse_clock("01:02:03") == 3723
    assert parse_clock("02:03.5") == 123.5
    assert parse_clock(" 7 ") == 7
    with pytest.raises(ValueError):
        parse_clock("ab:cd")


@pytest.mark.fast
def test_format_from_suffix_and_back() -> None:
    expected = {"a.json": "json", "a.JSONL": "jsonl", "a.ndjson": "jsonl", "a.csv": "csv", "a.parquet": "parquet",
                "a.txt": "text"}
    assert {name: format_of(Path(name)) for name in expected} == expected
    assert [suffix_of(f) for f in ("text", "jsonl", "CSV")] == ["txt", "jsonl", "csv"]
    for bad in ("a.xlsx", "noext"):
        with pytest.raises(InputError, match="Cannot tell the format"):
            format_of(Path(bad))
