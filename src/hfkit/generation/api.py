"""Python API for text generation: ``hfkit.generate`` and ``hfkit.chat``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from hfkit.backends.base import ChatModel, load_chat_model
from hfkit.core.errors import InputError
from hfkit.core.pool import pooled
from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions, Usage
from hfkit.generation.schema_check import check_satisfiable

DEFAULT_CHAT_MODEL = "smollm2-135m-instruct"


def get_chat_model(model: str | None = None, *, chat: bool = True, context_size: int | None = None,
                   base_url: str | None = None, device: str = "auto") -> ChatModel:
    """A chat model for ``model`` (default: the embedded SmolLM2), loaded once per process (in the model pool)."""
    reference = model or DEFAULT_CHAT_MODEL
    return pooled("chat", reference, chat, context_size, base_url, device,
                  loader=lambda: load_chat_model(reference, chat=chat, context_size=context_size, base_url=base_url,
                                                 device=device))


def chat(messages: Sequence[ChatMessage | dict[str, str]], *, model: str | None = None, base_url: str | None = None,
         usage: Usage | None = None, **options: Any) -> Iterator[str]:
    """Stream the reply to a conversation. ``options`` are :class:`GenerationOptions` fields."""
    opts = _checked(GenerationOptions(**options))
    msgs = [m if isinstance(m, ChatMessage) else ChatMessage.model_validate(m) for m in messages]
    return get_chat_model(model, base_url=base_url).complete(ChatRequest(messages=msgs, options=opts), usage)


def generate(prompt: str, *, model: str | None = None, system: str | None = None, raw: bool = False,
             base_url: str | None = None, usage: Usage | None = None, **options: Any) -> Iterator[str]:
    """Stream a reply to ``prompt``; ``raw=True`` continues the text without a chat template (base models)."""
    check_prompt(prompt)
    opts = _checked(GenerationOptions(**options))
    if raw:
        chat_model = get_chat_model(model, chat=False, base_url=base_url)
        chat_model.require("raw")
        return chat_model.complete_raw(prompt, opts, usage)
    messages = ([ChatMessage(role="system", content=system)] if system else []) + [ChatMessage(role="user", content=prompt)]
    return get_chat_model(model, base_url=base_url).complete(ChatRequest(messages=messages, options=opts), usage)


def _checked(options: GenerationOptions) -> GenerationOptions:
    """``options`` once its JSON schema (if any) is known to be satisfiable and bounded, before a model loads."""
    if options.json_schema is not None:
        check_satisfiable(options.json_schema)
    return options


def check_prompt(prompt: str) -> None:
    """Refuse an empty or blank prompt (a model would only make something up)."""
    if not prompt.strip():
        raise InputError("The prompt is empty.", "Pass some text to continue or answer.")
