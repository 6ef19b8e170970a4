"""Chat-prompted tasks through an OpenAI-compatible server (a real ``hfkit serve`` with the embedded SmolLM2)."""

from __future__ import annotations

import pytest

from hfkit.toolkit.pipelines import pipeline


@pytest.fixture()
def served(openai_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server)
    monkeypatch.setenv("OPENAI_API_KEY", "unused")
    return "openai:smollm2-135m-instruct"


def test_zero_shot_through_a_server_answers_one_of_the_labels(served: str) -> None:
    labels = ["sports", "cooking", "finance"]
    result = pipeline("zero-shot", served, labels=labels, max_tokens=20)("The striker scored twice in the final.")
    assert result.engine == "chat" and result.data["label"] in labels


@pytest.mark.slow
def test_translation_through_a_server_returns_text(served: str) -> None:
    result = pipeline("translation", served, src="en", tgt="fr", max_tokens=24)("Good morning, my friend.")
    assert result.data["text"].strip()
