"""LLM text that fits its record: whole sentences within the length, tone and topic checks, llama.cpp slots."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from hfkit.core.errors import GenerationError
from hfkit.synth.checks import compile_checks
from hfkit.synth.llm import _whole_sentences
from hfkit.synth.templates import load_template

REVIEW = {"product_name": "bike helmet", "rating": 5, "review_text": ""}


@pytest.mark.fast
@pytest.mark.parametrize(("text", "kept"), [
    ("Great helmet. Fits well and is light, I wear it on every ride to work and back", "Great helmet."),
    ("Great helmet!  Fits well.", "Great helmet! Fits well."),
    ('He said "wow." Then he left.', 'He said "wow." Then he left.'),
])
def test_texts_end_at_a_sentence_boundary_within_the_length(text: str, kept: str) -> None:
    assert _whole_sentences(text, "review_text", {"maxLength": 60, "minLength": 3}) == kept


@pytest.mark.fast
def test_a_text_without_a_whole_sentence_in_the_length_is_redrawn() -> None:
    with pytest.raises(GenerationError, match="no whole sentence within 40"):
        _whole_sentences("this goes on and on without any stop at all, well past forty", "t", {"maxLength": 40})


def _problems(text: str, rating: int, product: str = "bike helmet") -> list[str]:
    checks = compile_checks(load_template("product_reviews"))
    record = {**REVIEW, "review_text": text, "rating": rating, "product_name": product}
    return [p for check in checks if (p := check(record))]


def test_the_review_checks_catch_wrong_tone_and_wrong_topic() -> None:
    """Real VADER and MiniLM on the template's x-checks."""
    assert any("sounds negative" in p for p in _problems("I am extremely disappointed.", 5))
    assert any("sounds positive" in p for p in _problems("Absolutely love this helmet, best purchase ever!", 1))
    assert any("off-topic" in p for p in _problems("I love the story of Adam and Eve!", 5))
    assert _problems("Great helmet, fits well and feels safe on long rides.", 5) == []
    assert _problems("The strap broke after a week and the helmet cracked. Do not buy.", 1) == []
    assert _problems("Good grip on wet trails and comfortable for long runs.", 4, "trail running shoes") == []


@pytest.mark.slow
def test_llama_cpp_slots_decode_several_records_at_once() -> None:
    """Four requests from four threads on a 4-slot server finish sooner than the same four on one slot."""
    from hfkit.backends.base import load_chat_model
    from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions

    def timed(parallel: int) -> tuple[float, list[str]]:
        model = load_chat_model("smollm2-135m-instruct", context_size=1024, parallel=parallel)

        def one(i: int) -> str:
            request = ChatRequest(messages=[ChatMessage(role="user", content=f"Name {i + 2} colours.")],
                                  options=GenerationOptions(max_tokens=24, temperature=0.0, seed=i))
            return "".join(model.complete(request))

        one(0)
        started = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            texts = list(pool.map(one, range(4)))
        return time.perf_counter() - started, texts

    single, _ = timed(1)
    batched, texts_batched = timed(4)
    assert all(texts_batched) and len(texts_batched) == 4
    assert batched < single  # contended machine: only the direction is asserted; figures live in the bench
