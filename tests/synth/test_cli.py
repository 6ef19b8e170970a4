"""``hfkit synth`` from the command line: outputs, --show-schema round trip, and every bad input of issue 4 §8."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.synth.conftest import cli


def test_writes_records_report_and_no_checkpoint(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["synth", "orders", "-n", "25", "--llm", "none", "--seed", "3", "-o", "orders.jsonl"]) == 0
    lines = (in_tmp / "orders.jsonl").read_text().splitlines()
    assert len(lines) == 25 and json.loads(lines[0])["order_id"] == "ORD-0000001"
    report = json.loads((in_tmp / "orders.report.json").read_text())
    assert report["delivered"] == 25 and report["manifest"]["seed"] == 3
    assert sorted(p.name for p in in_tmp.iterdir()) == ["orders.jsonl", "orders.report.html", "orders.report.json"]
    assert "25/25 records" in capsys.readouterr().err


def test_show_schema_can_be_edited_and_passed_back(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["synth", "employees", "--show-schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    schema["properties"]["department"]["enum"] = ["research"]
    schema["properties"]["department"].pop("x-weights")
    (in_tmp / "staff.json").write_text(json.dumps(schema))
    assert cli(["synth", "staff.json", "-n", "10", "--llm", "none", "--format", "csv", "-o", "staff.csv"]) == 0
    assert (in_tmp / "staff.csv").read_text().count("research") == 10


def test_list_templates(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["synth", "--list-templates"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) >= 14


def _fails(args: list[str], capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    rc = cli(args)
    err = capsys.readouterr().err
    assert rc != 0, err
    assert "Traceback" not in err and err.strip().count("\n") == 0, err
    for needle in needles:
        assert needle in err, err
    return err


def test_invalid_json_schema_says_where(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "bad.json").write_text(json.dumps({"type": "object", "properties": {"age": {"type": "integr"}}}))
    _fails(["synth", "bad.json", "-o", "out.jsonl"], capsys, "properties/age/type")
    (in_tmp / "broken.json").write_text('{"type": "object",')
    _fails(["synth", "broken.json", "-o", "out.jsonl"], capsys, "not valid JSON", "line 1")
    assert not (in_tmp / "out.jsonl").exists()


def test_an_unsatisfiable_schema_names_the_keyword_and_path(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = {"type": "object", "properties": {"pet": {"allOf": [{"type": "string"}, {"type": "integer"}]}}}
    (in_tmp / "s.json").write_text(json.dumps(schema))
    _fails(["synth", "s.json"], capsys, "'type'", "'pet'")
    (in_tmp / "p.json").write_text(json.dumps({"type": "object", "properties": {"age": {
        "type": "integer", "minimum": 9, "maximum": 3}}, "required": ["age"]}))
    _fails(["synth", "p.json"], capsys, "'minimum'", "properties/age")


def test_count_must_be_positive_and_below_the_cap(capsys: pytest.CaptureFixture[str]) -> None:
    _fails(["synth", "customers", "-n", "0"], capsys, "at least 1")
    _fails(["synth", "customers", "-n", "2000000"], capsys, "cap of 1,000,000", "--max-records")


def test_unknown_template_lists_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    _fails(["synth", "custmers"], capsys, "Unknown template 'custmers'", "customers")


def test_empty_description(capsys: pytest.CaptureFixture[str]) -> None:
    _fails(["synth", "  "], capsys, "description is empty")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc (not writable even by root)")
def test_unwritable_output(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fails(["synth", "customers", "--llm", "none", "-o", "/proc/self/c.jsonl"], capsys, "not writable")


def test_output_under_a_file_is_refused(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "afile").write_text("x")
    _fails(["synth", "customers", "--llm", "none", "-o", "afile/c.jsonl"], capsys, "cannot be created")


def test_existing_output_needs_overwrite_or_resume(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "c.jsonl").write_text("keep me\n")
    _fails(["synth", "customers", "--llm", "none", "-o", "c.jsonl"], capsys, "already exists", "--overwrite")
    assert (in_tmp / "c.jsonl").read_text() == "keep me\n"
    assert cli(["synth", "customers", "--llm", "none", "-n", "3", "-o", "c.jsonl", "--overwrite"]) == 0
    assert len((in_tmp / "c.jsonl").read_text().splitlines()) == 3


def test_resume_with_other_seed_or_spec_says_which(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hfkit.synth.checkpoint import Checkpoint, checkpoint_path
    from hfkit.synth.engine import State

    # A checkpoint as a killed run leaves it: made with seed 1.
    out = in_tmp / "c.jsonl"
    assert cli(["synth", "customers", "--llm", "none", "-n", "5", "--seed", "1", "-o", "c.jsonl"]) == 0
    capsys.readouterr()
    header = json.loads(json.dumps(json.loads((in_tmp / "c.report.json").read_text())["manifest"]))
    checkpoint = Checkpoint(checkpoint_path(out), {"spec_hash": header["spec_hash"], "seed": 1, "n": 5,
                                                   "settings": header["settings"]})
    checkpoint.start()
    checkpoint.save(State())
    _fails(["synth", "customers", "--llm", "none", "-n", "5", "--seed", "2", "-o", "c.jsonl", "--resume"], capsys,
           "--seed")
    _fails(["synth", "employees", "--llm", "none", "-n", "5", "--seed", "1", "-o", "c.jsonl", "--resume"], capsys,
           "the spec")
    _fails(["synth", "customers", "--llm", "none", "-n", "6", "--seed", "1", "-o", "c.jsonl", "--resume"], capsys,
           "-n")
    assert cli(["synth", "customers", "--llm", "none", "-n", "5", "--seed", "1", "-o", "c.jsonl", "--resume"]) == 0


def test_bad_format_and_locale(capsys: pytest.CaptureFixture[str]) -> None:
    _fails(["synth", "customers", "--format", "xml"], capsys, "Unknown format 'xml'")
    _fails(["synth", "customers", "--llm", "none", "--locale", "de_XX", "-o", "/tmp/x.jsonl", "--overwrite"], capsys,
           "Unknown locale")


def test_pydantic_module_class(in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (in_tmp / "mymodels.py").write_text(
        "from pydantic import BaseModel, Field\n"
        "class Book(BaseModel):\n    title: str = Field(max_length=60)\n    pages: int = Field(ge=10, le=900)\n")
    monkeypatch.syspath_prepend(str(in_tmp))
    assert cli(["synth", "mymodels:Book", "-n", "5", "--llm", "none", "-o", "books.json"]) == 0
    books = json.loads((in_tmp / "books.json").read_text())
    assert len(books) == 5 and all(10 <= b["pages"] <= 900 for b in books)
    capsys.readouterr()
    _fails(["synth", "mymodels:Nope"], capsys, "no class 'Nope'")
    _fails(["synth", "nomodule_xyz:Book"], capsys, "Cannot import module 'nomodule_xyz'")


def test_bad_option_values(capsys: pytest.CaptureFixture[str]) -> None:
    _fails(["synth", "customers", "--concurrency", "0"], capsys, "--concurrency")
    _fails(["synth", "customers", "--csv-nested", "deep"], capsys, "--csv-nested")


@pytest.mark.fast
def test_a_failed_run_leaves_no_new_output_folder(tmp_path: Path) -> None:
    from hfkit.core.errors import HfkitError
    from hfkit.synth.api import synth

    target = tmp_path / "new" / "deeper" / "out.jsonl"
    with pytest.raises(HfkitError):
        synth({"type": "string", "minLength": 3, "maxLength": 2}, 5, output=target)
    assert not (tmp_path / "new").exists()
    synth("customers", 3, output=target)
    assert target.exists() and len(target.read_text().splitlines()) == 3
