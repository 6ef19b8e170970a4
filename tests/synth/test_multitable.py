"""Multi-table specs: one file per table, children per parent, every foreign key resolves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hfkit.synth.api import SynthOptions
from tests.synth.conftest import cli

SPEC = """
tables:
  customers: {source: customers, n: 20}
  orders:
    source: orders
    parent: customers
    key: customer_id
    per_parent: {min: 0, max: 4}
  notes:
    source:
      type: object
      properties:
        note_id: {type: string, x-id: NOTE}
        kind: {enum: [call, visit, email]}
      required: [note_id, kind]
    parent: orders
    key: order_id
    per_parent: 2
"""


def test_tables_with_foreign_keys(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "shop.yaml").write_text(SPEC)
    assert cli(["synth", "shop.yaml", "--llm", "none", "--seed", "1", "-o", "out"]) == 0
    tables = {name: [json.loads(line) for line in (in_tmp / "out" / f"{name}.jsonl").read_text().splitlines()]
              for name in ("customers", "orders", "notes")}
    assert len(tables["customers"]) == 20
    customer_ids = {c["customer_id"] for c in tables["customers"]}
    assert all(o["customer_id"] in customer_ids for o in tables["orders"])
    per_customer = [sum(o["customer_id"] == c for o in tables["orders"]) for c in customer_ids]
    assert max(per_customer) <= 4 and len(set(per_customer)) > 1
    order_ids = [o["order_id"] for o in tables["orders"]]
    assert len(set(order_ids)) == len(order_ids)
    assert sorted(n["order_id"] for n in tables["notes"]) == sorted(order_ids * 2)
    assert (in_tmp / "out" / "orders.report.json").exists()


def test_bad_tables_spec(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "bad.yaml").write_text("tables:\n  orders: {source: orders, parent: nowhere}\n")
    assert cli(["synth", "bad.yaml", "--llm", "none"]) != 0
    assert "Table 'nowhere' is missing" in capsys.readouterr().err
    (in_tmp / "typo.yaml").write_text("tables:\n  customers: {source: customers, rows: 3}\n")  # count is an alias of n
    assert cli(["synth", "typo.yaml", "--llm", "none"]) != 0
    assert "not a valid tables spec" in capsys.readouterr().err


def _rows(folder: Path, name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (folder / f"{name}.jsonl").read_text().splitlines()]


def test_children_copy_their_parent_and_parent_counts_match(in_tmp: Path) -> None:
    spec = "tables:\n  customers: {source: customers, n: 15}\n" \
           "  orders: {source: orders, parent: customers, key: customer_id, per_parent: {min: 0, max: 3}}\n"
    (in_tmp / "shop.yaml").write_text(spec)
    assert cli(["synth", "shop.yaml", "--llm", "none", "--seed", "3", "-o", "out"]) == 0
    customers = {c["customer_id"]: c for c in _rows(in_tmp / "out", "customers")}
    orders = _rows(in_tmp / "out", "orders")
    for order in orders:
        customer = customers[order["customer_id"]]
        assert (order["customer_email"], order["customer_name"]) == (customer["email"], customer["full_name"])
    counts = [c["orders_count"] for c in customers.values()]
    assert counts == [sum(o["customer_id"] == cid for o in orders) for cid in customers]
    assert max(counts) <= 3 and len(set(counts)) > 1
    report = json.loads((in_tmp / "out" / "customers.report.json").read_text())
    assert report["fields"]["orders_count"]["max"] == max(counts)


COUNTED = """
tables:
  teams:
    source:
      type: object
      properties:
        team_id: {type: string, x-id: TEAM}
        city: {type: string, x-faker: city}
        headcount: {type: integer, minimum: 1, maximum: 2}
      required: [team_id, city, headcount]
    n: 30
  people:
    source:
      type: object
      properties:
        person_id: {type: string, x-id: P}
        base: {type: string, x-faker: city}
      required: [person_id, base]
    parent: teams
    key: team_id
    per_parent: {poisson: 4}
    copy_fields: {base: city}
    count_field: headcount
"""


def test_count_field_bounds_and_explicit_copies(in_tmp: Path) -> None:
    (in_tmp / "teams.yaml").write_text(COUNTED)
    assert cli(["synth", "teams.yaml", "--llm", "none", "--seed", "1", "-o", "out"]) == 0
    teams = {t["team_id"]: t for t in _rows(in_tmp / "out", "teams")}
    people = _rows(in_tmp / "out", "people")
    assert all(p["base"] == teams[p["team_id"]]["city"] for p in people)
    assert [t["headcount"] for t in teams.values()] == [sum(p["team_id"] == tid for p in people) for tid in teams]
    assert {t["headcount"] for t in teams.values()} <= {1, 2}


def test_per_parent_outside_the_count_field_is_a_clear_error(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "teams.yaml").write_text(COUNTED.replace("per_parent: {poisson: 4}", "per_parent: 5"))
    assert cli(["synth", "teams.yaml", "--llm", "none", "-o", "out"]) != 0
    assert "outside the bounds of the parent's count field" in capsys.readouterr().err


README_SPEC = Path(__file__).resolve().parents[2] / "examples" / "shop.yaml"


@pytest.mark.fast
def test_the_readme_multi_table_example_runs_with_count(in_tmp: Path) -> None:
    """examples/shop.yaml is the README's complete example; it uses 'count' (an alias of 'n')."""
    from hfkit.synth.multitable import load_tables, synth_tables

    spec = load_tables(README_SPEC)
    assert spec.tables["customers"].n == 30
    results = synth_tables(spec, options=SynthOptions(seed=2, llm=None), output_dir=in_tmp / "shop", fmt="CSV")
    customers = {r["customer_id"] for r in results["customers"].records}
    assert len(customers) == 30 and all(o["customer_id"] in customers for o in results["orders"].records)
    assert (in_tmp / "shop" / "orders.csv").read_text().startswith("customer_id,order_id,")
    deliveries = results["deliveries"].records
    assert sorted(d["order_id"] for d in deliveries) == sorted(o["order_id"] for o in results["orders"].records)
