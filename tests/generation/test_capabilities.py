"""Engine capabilities are class attributes checked in one place, with one sentence naming what is missing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hfkit.backends.base import CHAT_CAPABILITIES, ChatModel
from hfkit.core.errors import UnsupportedModelError
from hfkit.core.types import ChatRequest, Usage


class Echo(ChatModel):
    """A scripted engine: replies with the last message, no raw mode, no schema support."""

    name = "echo"
    supports_json_schema = False

    def complete(self, request: ChatRequest, usage: Usage | None = None) -> Iterator[str]:
        yield request.messages[-1].content


@pytest.mark.fast
@pytest.mark.parametrize("capability", sorted(CHAT_CAPABILITIES))
def test_every_capability_has_a_sentence_and_a_fix(capability: str) -> None:
    problem, fix = CHAT_CAPABILITIES[capability]
    assert problem and fix.endswith(".")
    model = Echo()
    if model.can(capability):
        model.require(capability)
    else:
        with pytest.raises(UnsupportedModelError, match=f"'echo' {problem}") as info:
            model.require(capability)
        assert info.value.hint == fix


@pytest.mark.fast
def test_raw_completion_on_an_engine_without_it_is_refused() -> None:
    with pytest.raises(UnsupportedModelError, match="has no raw completion mode"):
        list(Echo().complete_raw("Once upon a time", None))  # type: ignore[arg-type]


@pytest.mark.fast
def test_openai_engines_say_they_have_no_raw_mode_before_any_request() -> None:
    from hfkit.backends.openai_compat import OpenAIChatModel

    assert OpenAIChatModel.supports_raw is False
    assert OpenAIChatModel.supports_json_schema is True


def test_embedded_models_report_what_they_can_do() -> None:
    from hfkit.generation.api import get_chat_model

    base = get_chat_model("gemma3-270m", chat=False)
    assert base.supports_raw and not base.can("chat_template")
    instruct = get_chat_model("smollm2-135m-instruct")
    assert instruct.can("chat_template") and instruct.can("json_schema")
    assert "".join(base.complete_raw("The capital of France is", _options())).strip()


def _options():  # type: ignore[no-untyped-def]
    from hfkit.core.types import GenerationOptions

    return GenerationOptions(max_tokens=6, seed=1)


def test_a_context_beyond_what_the_model_was_trained_with_is_refused_before_loading() -> None:
    from hfkit.backends.base import load_chat_model
    from hfkit.core.errors import InputError

    with pytest.raises(InputError, match="beyond the 8,192 that 'smollm2-135m-instruct' was trained with") as info:
        load_chat_model("smollm2-135m-instruct", context_size=100_000)
    assert info.value.hint == "Pass --context-size 8192 or less."
