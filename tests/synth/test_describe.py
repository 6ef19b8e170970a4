"""Descriptions become the schema they describe (no language model): listed nouns become typed fields."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from hfkit.synth.api import SynthOptions, synth
from hfkit.synth.describe import compose

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata" / "synth" / "descriptions.json"
CASES = json.loads(SHARED.read_text()) if SHARED.is_file() else []


def field_names(node: dict[str, Any], prefix: str = "") -> list[str]:
    names = []
    for key, sub in (node.get("properties") or {}).items():
        names.append(f"{prefix}{key}".lower())
        if isinstance(sub, dict):
            names += field_names(sub, f"{prefix}{key}.")
            if isinstance(sub.get("items"), dict):
                names += field_names(sub["items"], f"{prefix}{key}.")
    return names


@pytest.mark.skipif(not CASES, reason="../shared/testdata/synth/descriptions.json is absent")
@pytest.mark.parametrize("case", CASES, ids=[c["description"][:40] for c in CASES])
def test_every_shared_description_gives_its_fields_and_valid_records(case: dict[str, Any]) -> None:
    result = synth(case["description"], 20, options=SynthOptions(seed=2, llm=None))
    names = field_names(result.schema)
    missing = [e for e in case["expect"] if not any(re.search(e, n) for n in names)]
    assert not missing, (missing, names)
    assert len(result.records) == 20 and result.report["route"]


@pytest.mark.fast
def test_hotel_bookings_become_typed_fields_with_check_out_after_check_in() -> None:
    made = compose("hotel bookings with guest, dates, room type and price")
    props = made.schema["properties"]
    assert made.route == "fields"
    assert {"guest_name", "check_in", "check_out", "room_type", "price"} <= set(props)
    assert props["room_type"]["enum"] and props["price"]["type"] == "number"
    records = synth(made.schema, 50, options=SynthOptions(seed=1, llm=None)).records
    assert all(r["check_out"] > r["check_in"] and r["price"] > 0 for r in records)


@pytest.mark.fast
@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("parking tickets with license plate, issue date, fine amount and officer", {"license_plate", "officer_name"}),
        ("podcast episodes with title, host, duration and publish date", {"title", "duration"}),
        ("bike rentals with rider, start time, end time and distance", {"rider", "distance"}),
    ],
)
def test_descriptions_not_in_the_shared_set(description: str, expected: set[str]) -> None:
    made = compose(description)
    names = set(made.schema["properties"])
    assert made.route == "fields" and all(any(e in n for n in names) for e in expected), names


@pytest.mark.fast
def test_a_template_only_when_its_name_is_the_subject() -> None:
    assert compose("customer profiles").route == "template:customers"
    assert compose("chess games with white player, black player, opening and result").route == "fields"
