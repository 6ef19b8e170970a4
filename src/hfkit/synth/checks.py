"""Record-level agreement rules (``x-checks`` at the schema root), applied before a record is kept.

    "x-checks": [{"rule": "sentiment", "text": "review_text", "score": "rating", "low": 2, "high": 4}]

``sentiment``: a text must not sound positive when its score is <= low, nor negative when it is >= high,
judged by MiniLM similarity to positive and negative anchor sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from hfkit.core.errors import SchemaError

Check = Callable[[dict[str, Any]], str | None]
POSITIVE = ("I love it, excellent quality and works perfectly.", "Great product, very happy, highly recommend.")
NEGATIVE = ("Terrible, it broke and I want a refund.", "Very disappointed, poor quality, do not buy.")
MARGIN = 0.05


def compile_checks(schema: dict[str, Any]) -> list[Check]:
    """The checks named in the schema's ``x-checks``."""
    checks = []
    for spec in schema.get("x-checks") or []:
        rule = spec.get("rule") if isinstance(spec, dict) else None
        if rule not in _RULES:
            raise SchemaError(f"Unknown x-checks rule '{rule}'.", f"Use one of: {', '.join(_RULES)}.")
        checks.append(_RULES[rule](spec))
    return checks


@cache
def _anchors() -> Any:
    from hfkit.backends.sentence_transformers import load_embedder

    vectors = load_embedder().encode([*POSITIVE, *NEGATIVE])
    return vectors[: len(POSITIVE)].mean(axis=0), vectors[len(POSITIVE):].mean(axis=0)


def tone(text: str) -> float:
    """Positive minus negative similarity of ``text``: > 0 sounds positive, < 0 negative."""
    from hfkit.backends.sentence_transformers import load_embedder

    positive, negative = _anchors()
    vector = load_embedder().encode([text])[0]
    return float(vector @ positive - vector @ negative)


def _sentiment(spec: dict[str, Any]) -> Check:
    text_key, score_key = spec["text"], spec["score"]
    low, high = float(spec.get("low", 2)), float(spec.get("high", 4))

    def check(record: dict[str, Any]) -> str | None:
        score, text = record.get(score_key), str(record.get(text_key) or "")
        if score is None or not text or low < float(score) < high:
            return None
        value = tone(text)
        if float(score) <= low and value > MARGIN:
            return f"inconsistent: {text_key} sounds positive for {score_key} {score}"
        if float(score) >= high and value < -MARGIN:
            return f"inconsistent: {text_key} sounds negative for {score_key} {score}"
        return None

    return check


_RULES: dict[str, Callable[[dict[str, Any]], Check]] = {"sentiment": _sentiment}
