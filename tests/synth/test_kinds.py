"""The field-kind registry: names, parents, siblings and titles decide what a field means."""

from __future__ import annotations

import pytest

from hfkit.synth.kinds import kind_for, words

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(
    ("name", "parent", "siblings", "kind"),
    [
        ("firstName", "", (), "first_name"),
        ("last-name", "", (), "last_name"),
        ("name", "pet", (), "pet_name"),
        ("name", "person", (), "person_name"),
        ("name", "", ("email", "phone"), "person_name"),
        ("name", "company", (), "company"),
        ("photoUrls", "pet", (), "image_url"),
        ("latitude", "", (), "latitude"),
        ("humidity", "", (), "percent"),
        ("nightly_price", "", (), "price"),
        ("check_in", "", (), "date"),
        ("flight_number", "", (), "flight_number"),
        ("phone_number", "", (), "phone"),
        ("review_text", "", (), "free_text"),
        ("bedrooms", "", (), "count"),
        ("created_at", "", (), "datetime"),
        ("zipCode", "", (), "postcode"),
    ],
)
def test_kind_from_name_parent_and_siblings(name: str, parent: str, siblings: tuple[str, ...], kind: str) -> None:
    found = kind_for(name, {}, parent, siblings)
    assert found is not None and found.name == kind


def test_words_split_every_case_style_and_plurals() -> None:
    assert words("photoURLs") == ["photo", "url"]
    assert words("check-out_date") == ["check", "out", "date"]
    assert words("HTTPStatusCode") == ["http", "status", "code"]


def test_x_kind_overrides_and_types_must_fit() -> None:
    assert kind_for("whatever", {"x-kind": "latitude"}).name == "latitude"  # type: ignore[union-attr]
    assert kind_for("latitude", {"type": "boolean"}) is None
    assert kind_for("qwzx", {}) is None
