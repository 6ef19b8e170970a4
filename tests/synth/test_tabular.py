"""Learning from a sample table: the five real seaborn tables, no copied rows, fidelity, privacy and file types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hfkit.core.errors import GenerationError, InputError
from hfkit.synth.api import SynthOptions, synth
from hfkit.synth.tabular import learn, read_sample, sample_rows
from hfkit.synth.tabular.fidelity import quality
from tests.synth.conftest import cli

TABLES = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "tables"
needs_tables = pytest.mark.skipif(not TABLES.is_dir(), reason="../shared/testdata/tables is not here")


def _rows(name: str) -> list[dict[str, Any]]:
    sample = read_sample(TABLES / f"{name}.csv")
    return [{c.name: c.values[i] for c in sample.columns} for i in range(sample.rows)]


def _copies(records: list[dict[str, Any]], name: str, columns: list[str]) -> int:
    """Synthetic rows equal to a sample row on ``columns`` (datetimes compared as text)."""

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(str(row[c]).replace("T", " ") if row[c] is not None else None for c in columns)

    seen = {key(r) for r in _rows(name)}
    return sum(key(r) in seen for r in records)


@needs_tables
@pytest.mark.parametrize(
    "name",
    [
        pytest.param("tips", marks=pytest.mark.fast),
        pytest.param("titanic", marks=pytest.mark.fast),
        pytest.param("mpg", marks=pytest.mark.fast),
        "taxis",
        "diamonds",
    ],
)
def test_real_tables_reach_85_percent_quality_with_no_copied_row(name: str) -> None:
    sample = read_sample(TABLES / f"{name}.csv")
    result = synth(str(TABLES / f"{name}.csv"), sample.rows, options=SynthOptions(seed=3, llm=None))
    assert len(result.records) == sample.rows
    assert [list(r) for r in result.records[:3]] == [[c.name for c in sample.columns]] * 3  # same columns, same order
    assert result.report["fidelity"]["quality"] >= 0.85, result.report["fidelity"]
    checked = result.report["privacy"]["checked_columns"]
    assert _copies(result.records, name, checked) == 0
    dcr = result.report["privacy"]["distance_to_closest_record"]
    assert dcr["synthetic_to_sample"]["exact_matches"] == 0 and dcr["synthetic_to_sample"]["min"] > 0


@needs_tables
@pytest.mark.fast
def test_types_kinds_and_structure_follow_the_sample() -> None:
    records = synth(str(TABLES / "titanic.csv"), 400, options=SynthOptions(seed=1, llm=None)).records
    assert all(isinstance(r["survived"], int) and r["survived"] in (0, 1) for r in records)
    assert all(isinstance(r["adult_male"], bool) for r in records)
    assert all(r["age"] is None or isinstance(r["age"], float) for r in records)
    missing_age = sum(r["age"] is None for r in records) / len(records)
    assert 0.12 < missing_age < 0.28  # the sample misses 19.9 % of ages
    pairs = {(r["pclass"], r["class"]) for r in records}  # class is a lookup of pclass, as in the sample
    assert pairs == {(1, "First"), (2, "Second"), (3, "Third")}
    assert {(r["survived"], r["alive"]) for r in records} == {(0, "no"), (1, "yes")}


@needs_tables
def test_taxis_dropoff_is_never_before_pickup_and_keeps_the_sample_format() -> None:
    records = synth(str(TABLES / "taxis.csv"), 2000, options=SynthOptions(seed=2, llm=None)).records
    assert all(r["dropoff"] >= r["pickup"] for r in records)
    assert all(len(r["pickup"]) == 19 and r["pickup"][10] == " " for r in records)  # "2019-03-23 20:21:09"
    zones = {}
    for row in _rows("taxis"):
        zones.setdefault(row["pickup_zone"], row["pickup_borough"])
    agree = sum(zones.get(r["pickup_zone"]) == r["pickup_borough"] for r in records) / len(records)
    assert agree > 0.99


@needs_tables
@pytest.mark.fast
def test_fidelity_catches_lost_dependencies_against_independent_columns() -> None:
    """The sceptic's baseline (each column drawn on its own) keeps the shapes but loses the pair trends."""
    sample = read_sample(TABLES / "tips.csv")
    model = learn(sample)
    real = {c.name: c.values for c in sample.columns}
    sdtypes = {n: c.sdtype for n, c in model.columns.items()}
    rng = np.random.default_rng(0)
    independent = {n: [v[i] for i in rng.integers(0, len(v), len(v))] for n, v in real.items()}
    copula_rows, _ = sample_rows(model, sample.rows, rng)
    copula = {n: [r[n] for r in copula_rows] for n in real}
    assert quality(real, real, sdtypes)["quality"] == pytest.approx(1.0)
    base, ours = quality(real, independent, sdtypes), quality(real, copula, sdtypes)
    assert ours["column_pair_trends"] > base["column_pair_trends"] + 0.03
    assert ours["columns"]["total_bill"] > 0.85


@pytest.mark.fast
def test_a_sample_with_no_room_for_new_rows_fails_with_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    path.write_text("a,b\n" + "".join(f"{a},{b}\n" for a in "xy" for b in "pq" for _ in range(5)))
    with pytest.raises(GenerationError, match="differ from every row"):
        synth(str(path), 20, options=SynthOptions(llm=None))


@needs_tables
@pytest.mark.fast
def test_rare_categories_are_suppressed_on_request() -> None:
    result = synth(str(TABLES / "titanic.csv"), 891, options=SynthOptions(seed=0, llm=None, rare_min=20))
    decks = {r["deck"] for r in result.records}
    assert "G" not in decks and "T" not in decks  # 4 and 1 rows in the sample
    assert result.report["privacy"]["rare_categories_suppressed"]["deck"] >= 2
    plain = synth(str(TABLES / "titanic.csv"), 891, options=SynthOptions(seed=0, llm=None)).records
    assert "G" in {r["deck"] for r in plain}


@needs_tables
@pytest.mark.fast
@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_parquet_and_jsonl_samples(tmp_path: Path, suffix: str) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    table = pacsv.read_csv(TABLES / "tips.csv")
    path = tmp_path / f"tips{suffix}"
    if suffix == ".parquet":
        pq.write_table(table, path)
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in table.to_pylist()))
    result = synth(str(path), 100, options=SynthOptions(seed=1, llm=None))
    assert list(result.records[0]) == table.column_names
    assert all(isinstance(r["size"], int) and isinstance(r["tip"], float) for r in result.records)
    assert result.report["fidelity"]["quality"] > 0.8


@needs_tables
@pytest.mark.fast
def test_cli_writes_rows_like_the_sample_and_shows_the_learned_schema(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["synth", str(TABLES / "tips.csv"), "-n", "50", "-o", "tips_new.csv", "--seed", "4"]) == 0
    lines = (in_tmp / "tips_new.csv").read_text().splitlines()
    assert lines[0] == "total_bill,tip,sex,smoker,day,time,size" and len(lines) == 51
    report = json.loads((in_tmp / "tips_new.report.json").read_text())
    assert report["source"] == "sample" and report["privacy"]["copied_rows_emitted"] == 0
    capsys.readouterr()
    assert cli(["synth", str(TABLES / "tips.csv"), "--show-schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["day"]["x-kind"] == "category" and set(schema["properties"]["day"]["enum"]) == {"Thur", "Fri", "Sat", "Sun"}
    assert schema["properties"]["size"]["type"] == "integer" and schema["properties"]["tip"]["type"] == "number"


@pytest.mark.fast
def test_bad_sample_files_say_what_is_wrong(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "empty.csv").write_text("a,b\n")
    assert cli(["synth", "empty.csv", "-n", "5"]) == 2
    assert "has no rows" in capsys.readouterr().err
    with pytest.raises(InputError, match="does not exist"):
        synth("missing.csv", 5, options=SynthOptions(llm=None))


@pytest.mark.fast
def test_ids_emails_and_names_are_made_not_copied(tmp_path: Path) -> None:
    from faker import Faker

    fake = Faker()
    Faker.seed(5)
    rows = [
        {
            "customer_id": f"C-{1000 + i}",
            "email": fake.email(),
            "full_name": fake.name(),
            "age": int(20 + i % 50),
            "plan": ["free", "pro", "team"][i % 3],
        }
        for i in range(300)
    ]
    path = tmp_path / "customers.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = synth(str(path), 200, options=SynthOptions(seed=1, llm=None))
    assert result.report["columns"] == {
        "customer_id": "id",
        "email": "email",
        "full_name": "person-name",
        "age": "integer",
        "plan": "category",
    }
    ids = [r["customer_id"] for r in result.records]
    assert len(set(ids)) == 200 and not set(ids) & {r["customer_id"] for r in rows}
    assert all(i.startswith("C-") and len(i) == 6 for i in ids)
    assert len({r["email"] for r in result.records} & {r["email"] for r in rows}) <= 2  # Faker repeats only by chance
    assert all("@" in r["email"] for r in result.records)


@needs_tables
@pytest.mark.fast
def test_the_seed_call_takes_format_names_in_any_case_and_checks_them_first() -> None:
    from hfkit.synth.api import generate_synthetic_data

    text = generate_synthetic_data(str(TABLES / "tips.csv"), 5, "CSV")
    assert text.splitlines()[0] == "total_bill,tip,sex,smoker,day,time,size" and len(text.splitlines()) == 6
    assert json.loads(generate_synthetic_data(str(TABLES / "tips.csv"), 3, "JSON"))[0]["size"] >= 1
    with pytest.raises(InputError, match="Unknown format 'XML'"):
        generate_synthetic_data("customers", 10, "XML")  # before any model loads or record is made
    with pytest.raises(InputError, match="Parquet is binary"):
        generate_synthetic_data("customers", 10, "Parquet")


@pytest.mark.fast
def test_known_text_columns_are_made_by_the_field_kind_registry_not_copied(tmp_path: Path) -> None:
    from faker import Faker

    fake = Faker()
    fake.seed_instance(5)
    rows = [{"customer_name": fake.name(), "city": fake.city(), "company": fake.company(), "phone": fake.phone_number(),
             "age": 18 + i % 60} for i in range(300)]
    path = tmp_path / "people.csv"
    path.write_text("customer_name,city,company,phone,age\n" + "\n".join(
        ",".join(f'"{r[k]}"' for k in r) for r in rows) + "\n", encoding="utf-8")
    result = synth(str(path), 300, options=SynthOptions(seed=1, llm=None))
    kinds = {k: v.get("x-kind") for k, v in result.schema["properties"].items()}
    assert kinds["city"] == "city" and kinds["company"] == "company" and kinds["phone"] == "phone"
    for column in ("city", "company", "phone"):
        made = {r[column] for r in result.records}
        assert not made & {r[column] for r in rows}, column
        assert len(made) > 100, column
    if TABLES.is_dir():  # a car's 'name' ('chevrolet chevelle malibu') does not look like a person's: stays a label
        from hfkit.synth.tabular.columns import LearnOptions, learn_column

        sample = read_sample(TABLES / "mpg.csv")
        name = next(c for c in sample.columns if c.name == "name")
        assert learn_column(name, sample.rows, LearnOptions()).kind == "label"
