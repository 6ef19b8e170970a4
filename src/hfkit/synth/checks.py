"""Record-level agreement rules (``x-checks`` at the schema root), applied before a record is kept.

    "x-checks": [{"rule": "sentiment", "text": "review_text", "score": "rating", "low": 2, "high": 4}]

    "x-checks": [{"rule": "topic", "text": "review_text", "subject": "product_name", "min": 0.1}]

``sentiment``: a text must not sound positive when its score is <= low, nor negative when it is >= high, judged by
the shipped sentiment scorer (VADER, strong polarity only) and by MiniLM similarity to positive and negative anchor
sentences; either one disagreeing rejects the record ("I am extremely disappointed" at rating 5 is caught by VADER).

``topic``: a text must be about its subject: MiniLM cosine similarity of the text to ``subject``'s value at least
``min`` (an off-topic review of a bike helmet about Adam and Eve scores about 0). A rejected record is redrawn.
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
VADER_STRONG = 0.5  # |compound| from which VADER's polarity is trusted on its own
TOPIC_MIN = 0.1  # dev-calibrated: on-topic but generic reviews score 0.15-0.2, 'Adam and Eve' for a helmet -0.01


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


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def polarity(text: str) -> float:
    """VADER's compound polarity of ``text``: -1 (negative) to 1 (positive)."""
    return float(_vader().polarity_scores(text)["compound"])


def topic_similarity(text: str, subject: str) -> float:
    """MiniLM cosine similarity of ``text`` to ``subject`` (normalised embeddings)."""
    from hfkit.backends.sentence_transformers import load_embedder

    vectors = load_embedder().encode([text, subject])
    return float(vectors[0] @ vectors[1])


def _topic(spec: dict[str, Any]) -> Check:
    text_key, subject_key = spec["text"], spec["subject"]
    floor = float(spec.get("min", TOPIC_MIN))

    def check(record: dict[str, Any]) -> str | None:
        text, subject = str(record.get(text_key) or ""), str(record.get(subject_key) or "")
        if not text or not subject or topic_similarity(text, subject) >= floor:
            return None
        return f"off-topic: {text_key} is not about {subject_key}"

    return check


def _sentiment(spec: dict[str, Any]) -> Check:
    text_key, score_key = spec["text"], spec["score"]
    low, high = float(spec.get("low", 2)), float(spec.get("high", 4))

    def check(record: dict[str, Any]) -> str | None:
        score, text = record.get(score_key), str(record.get(text_key) or "")
        if score is None or not text or low < float(score) < high:
            return None
        value, vader = tone(text), polarity(text)
        if float(score) <= low and (value > MARGIN or vader >= VADER_STRONG):
            return f"inconsistent: {text_key} sounds positive for {score_key} {score}"
        if float(score) >= high and (value < -MARGIN or vader <= -VADER_STRONG):
            return f"inconsistent: {text_key} sounds negative for {score_key} {score}"
        return None

    return check


_RULES: dict[str, Callable[[dict[str, Any]], Check]] = {"sentiment": _sentiment, "topic": _topic}
