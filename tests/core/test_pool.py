"""The model pool: one load per key across threads, eviction closes, limits from the environment."""

from __future__ import annotations

import threading
import time

import pytest

from hfkit.core.errors import InputError
from hfkit.core.pool import ModelPool, model_pool


class Loaded:
    """A stand-in model that records how often it was loaded and closed."""

    loads = 0

    def __init__(self, name: str) -> None:
        Loaded.loads += 1
        self.name = name
        self.closed = False

    def close(self) -> None:
        self.closed = True


@pytest.mark.fast
def test_one_load_per_key_even_when_threads_race() -> None:
    pool = ModelPool()
    Loaded.loads = 0

    def slow_loader() -> Loaded:
        time.sleep(0.05)
        return Loaded("a")

    results: list[Loaded] = []
    threads = [threading.Thread(target=lambda: results.append(pool.get(("m", "a"), slow_loader))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Loaded.loads == 1
    assert len({id(r) for r in results}) == 1
    assert pool.get(("m", "b"), lambda: Loaded("b")).name == "b"
    assert Loaded.loads == 2 and len(pool) == 2


@pytest.mark.fast
def test_least_recently_used_is_closed_past_the_count_limit() -> None:
    pool = ModelPool(max_models=2)
    a = pool.get(("a",), lambda: Loaded("a"))
    b = pool.get(("b",), lambda: Loaded("b"))
    pool.get(("a",), lambda: Loaded("again"))  # a is now the most recent
    c = pool.get(("c",), lambda: Loaded("c"))
    assert b.closed and not a.closed and not c.closed
    assert pool.loaded() == [("a",), ("c",)]


@pytest.mark.fast
def test_memory_budget_evicts_what_a_load_added() -> None:
    pool = ModelPool(memory_budget=30 << 20)
    first = pool.get(("big", 1), lambda: bytes(range(256)) * (160 << 10))
    assert ("big", 1) in pool  # the newest model is always kept, even alone over budget
    pool.get(("big", 2), lambda: bytes(range(256)) * (160 << 10))
    assert ("big", 1) not in pool and ("big", 2) in pool
    assert len(first) == 40 << 20


@pytest.mark.fast
def test_close_all_and_evict_close_models() -> None:
    pool = ModelPool()
    a = pool.get(("a",), lambda: Loaded("a"))
    b = pool.get(("b",), lambda: Loaded("b"))
    assert pool.evict(("a",)) and a.closed and not pool.evict(("a",))
    pool.close_all()
    assert b.closed and len(pool) == 0


@pytest.mark.fast
def test_a_failed_load_is_not_kept_and_can_be_retried() -> None:
    pool = ModelPool()

    def broken() -> Loaded:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        pool.get(("x",), broken)
    assert ("x",) not in pool
    assert pool.get(("x",), lambda: Loaded("x")).name == "x"


@pytest.mark.fast
def test_bad_limit_in_the_environment_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    import hfkit.core.pool as pool_module

    monkeypatch.setattr(pool_module, "_POOL", None)
    monkeypatch.setenv("HFKIT_POOL_MAX_MODELS", "lots")
    with pytest.raises(InputError, match="HFKIT_POOL_MAX_MODELS='lots' is not a whole number"):
        model_pool()


def test_real_models_share_the_pool_and_device_is_part_of_the_key() -> None:
    from hfkit.backends.spacy_nlp import load_spacy
    from hfkit.generation.api import get_chat_model

    nlp = load_spacy()
    assert load_spacy() is nlp
    cpu = get_chat_model(device="cpu")
    assert get_chat_model(device="cpu") is cpu
    keys = [key for key in model_pool().loaded() if key[0] == "chat"]
    assert any("cpu" in key for key in keys)
    assert ("spacy", "en-core-web-sm") in model_pool()
    assert "".join(cpu.complete(_request("Say hi."))).strip()


def _request(text: str):  # type: ignore[no-untyped-def]
    from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions

    return ChatRequest(messages=[ChatMessage(role="user", content=text)], options=GenerationOptions(max_tokens=8, seed=1))
