"""Sampled, Faker and derived fields on the built-in templates: valid, reproducible, consistent, unique."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from hfkit.generation.structured import validation_errors
from hfkit.synth.api import SynthOptions, preview, synth
from hfkit.synth.fields import TEST_CARDS
from hfkit.synth.templates import list_templates, load_template

SAMPLED = SynthOptions(seed=7, llm=None)


@pytest.mark.fast
def test_fourteen_templates_are_valid_json_schema() -> None:
    names = list_templates()
    assert len(names) >= 14
    for expected in ("customers", "products", "product_reviews", "job_postings", "candidate_resumes",
                     "interview_scenarios", "bank_transactions", "budget_scenarios", "support_tickets",
                     "marketing_campaigns", "social_media_posts", "emails", "employees", "orders"):
        assert expected in names


@pytest.mark.fast
@pytest.mark.parametrize("name", list_templates())
def test_every_template_gives_valid_records(name: str) -> None:
    result = synth(name, 40, options=SAMPLED)
    schema = load_template(name)
    assert len(result.records) == 40
    assert all(not validation_errors(schema, r) for r in result.records)
    assert result.report["delivered"] == 40 and result.report["requested"] == 40


@pytest.mark.fast
def test_same_seed_same_records_other_seed_other_records() -> None:
    one = synth("customers", 30, options=SAMPLED).records
    again = synth("customers", 30, options=SAMPLED).records
    other = synth("customers", 30, options=SynthOptions(seed=8, llm=None)).records
    assert one == again
    assert one != other


@pytest.mark.fast
def test_email_comes_from_the_name() -> None:
    for record in synth("customers", 200, options=SAMPLED).records:
        words = [re.sub(r"[^a-z]", "", w.lower()) for w in record["full_name"].split()]
        local = record["email"].split("@")[0]
        assert any(len(w) > 2 and w in local for w in words), record


@pytest.mark.fast
def test_order_total_is_the_sum_of_its_lines() -> None:
    for order in synth("orders", 200, options=SAMPLED).records:
        for line in order["lines"]:
            assert line["line_total"] == pytest.approx(line["quantity"] * line["unit_price"], abs=0.006)
        assert order["total"] == pytest.approx(sum(line["line_total"] for line in order["lines"]), abs=0.006)


def test_unique_fields_and_ids_are_unique() -> None:
    records = synth("employees", 3000, options=SAMPLED).records
    for key in ("employee_id", "full_name", "email"):
        assert len({r[key] for r in records}) == 3000


@pytest.mark.fast
def test_card_numbers_come_from_test_ranges_only() -> None:
    cards = {r["card_number"] for r in synth("bank_transactions", 300, options=SAMPLED).records}
    assert cards <= set(TEST_CARDS)


@pytest.mark.fast
def test_locale_changes_names_and_ibans() -> None:
    german = synth("bank_transactions", 20, options=SynthOptions(seed=1, llm=None, locale="de_DE")).records
    assert all(r["account_iban"].startswith("DE") for r in german)


def test_weights_and_ranges_shape_the_distribution() -> None:
    records = synth("product_reviews", 1000, options=SAMPLED).records
    ratings = Counter(r["rating"] for r in records)
    assert ratings[5] > ratings[4] > ratings[3] > ratings[1]  # weights 0.4 / 0.3 / 0.15 / 0.08
    assert all(1 <= r["rating"] <= 5 and 0 <= r["helpful_votes"] <= 500 for r in records)
    report = synth("customers", 500, options=SAMPLED).report
    ltv = report["fields"]["lifetime_value"]
    assert ltv["min"] >= 0 and ltv["max"] <= 25000 and 200 < ltv["median"] < 900  # lognormal median 450


@pytest.mark.fast
def test_report_has_counts_text_metrics_distributions_and_manifest() -> None:
    report = synth("support_tickets", 50, options=SAMPLED).report
    assert report["attempts"] >= 50 and report["invalid"] == 0
    assert set(report["text"]["fields"]) == {"subject", "message"}
    assert 0 < report["text"]["all"]["distinct_1"] <= 1 and report["text"]["all"]["compression_ratio"] > 1
    assert set(report["fields"]["priority"]["counts"]) <= {"low", "medium", "high", "urgent"}
    manifest = report["manifest"]
    assert manifest["seed"] == 7 and len(manifest["spec_hash"]) == 16 and manifest["versions"]["faker"]


@pytest.mark.fast
def test_exact_duplicates_are_replaced_and_an_impossible_count_fails_clearly() -> None:
    from hfkit.core.errors import GenerationError

    schema = {"type": "object", "properties": {"size": {"enum": ["S", "M", "L"]}}, "required": ["size"]}
    result = synth(schema, 3, options=SAMPLED)
    assert sorted(r["size"] for r in result.records) == ["L", "M", "S"]
    assert result.report["duplicates_removed"]["exact"] >= 0
    with pytest.raises(GenerationError, match="Only 3 of 4 records"):
        synth(schema, 4, options=SAMPLED)


@pytest.mark.fast
def test_near_duplicate_text_is_rejected() -> None:
    from hfkit.synth.quality import Uniqueness

    seen = Uniqueness([], [("text",)], threshold=0.9)
    first = {"text": "The battery lasts two full days and the screen is bright even in the sun at noon"}
    seen.add(first, 0)
    assert seen.problem(dict(first)) == "exact"
    assert seen.problem({"text": first["text"] + "."}) == "near"  # same words, different string
    assert seen.problem({"text": "The battery lasts two full days and the screen is bright even in the sun at noon!"})
    assert seen.problem({"text": "Shipping was slow and the box arrived crushed, so I sent it back for a refund"}) is None


@pytest.mark.fast
def test_preview_is_fast_and_sampled() -> None:
    records = preview("product_reviews", n=5)
    assert len(records) == 5 and all(r["review_text"] for r in records)


@pytest.mark.fast
def test_pydantic_class_and_nullable_fields() -> None:
    from pydantic import BaseModel, Field

    class Pet(BaseModel):
        name: str = Field(max_length=30)
        age: int = Field(ge=0, le=25)
        nickname: str | None = None
        vaccinated: bool

    records = synth(Pet, 50, options=SAMPLED).records
    assert all(Pet.model_validate(r) for r in records)
    assert any(r.get("nickname") is None for r in records) and any(r.get("nickname") for r in records)
    assert any("nickname" not in r for r in records)  # optional: sometimes absent


@pytest.mark.fast
def test_seed_wrapper_returns_text_in_the_asked_format() -> None:
    import csv
    import io
    import json

    from hfkit import generate_synthetic_data

    rows = list(csv.DictReader(io.StringIO(generate_synthetic_data("customers", 4, "csv"))))
    assert len(rows) == 4 and rows[0]["customer_id"] == "CUST-0000001"
    assert len(json.loads(generate_synthetic_data("employees", 3, "json"))) == 3


@pytest.mark.fast
def test_review_text_must_agree_with_the_rating() -> None:
    from hfkit.synth.checks import compile_checks

    check = compile_checks(load_template("product_reviews"))[0]  # [1] is the topic check
    angry = "Terrible helmet, it cracked after one ride and support never answered. I want my money back."
    happy = "I love this helmet, it is light, comfortable and feels very safe. Highly recommend it."
    assert check({"rating": 5, "review_text": angry}) == "inconsistent: review_text sounds negative for rating 5"
    assert check({"rating": 1, "review_text": happy}) == "inconsistent: review_text sounds positive for rating 1"
    assert check({"rating": 5, "review_text": happy}) is None and check({"rating": 1, "review_text": angry}) is None
    assert check({"rating": 3, "review_text": angry}) is None


@pytest.mark.parametrize(("hint", "first"), [("T-", "T-0000001"), ("T_", "T_0000001"), ("T", "T-0000001"),
                                             ("", "0000001")])
@pytest.mark.fast
def test_an_id_prefix_separator_is_not_doubled(hint: str, first: str) -> None:
    schema = {"type": "object", "properties": {"ticket": {"type": "string", "x-id": hint}}, "required": ["ticket"]}
    records = synth(schema, 2, options=SAMPLED).records
    assert [r["ticket"] for r in records] == [first, first[:-1] + "2"]
