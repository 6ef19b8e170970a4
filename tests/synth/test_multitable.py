"""Multi-table specs: one file per table, children per parent, every foreign key resolves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
    (in_tmp / "typo.yaml").write_text("tables:\n  customers: {source: customers, count: 3}\n")
    assert cli(["synth", "typo.yaml", "--llm", "none"]) != 0
    assert "not a valid tables spec" in capsys.readouterr().err
