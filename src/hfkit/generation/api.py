"""Python API for text generation: ``hfkit.generate`` and ``hfkit.chat``."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

from hfkit.backends.base import ChatModel, load_chat_model
from hfkit.core.errors import UnsupportedModelError
from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions, Usage

DEFAULT_CHAT_MODEL = "smollm2-135m-instruct"
_CACHE: dict[tuple[str, bool, int | None, str | None], ChatModel] = {}
_LOCK = threading.Lock()


def get_chat_model(model: str | None = None, *, chat: bool = True, context_size: int | None = None,
                   base_url: str | None = None, device: str = "auto") -> ChatModel:
    """A chat model for ``model`` (default: the embedded SmolLM2), loaded once per process."""
    key = (model or DEFAULT_CHAT_MODEL, chat, context_size, base_url)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = load_chat_model(key[0], chat=chat, context_size=context_size, base_url=base_url, device=device)
        return _CACHE[key]


def chat(messages: Sequence[ChatMessage | dict[str, str]], *, model: str | None = None, base_url: str | None = None,
         usage: Usage | None = None, **options: Any) -> Iterator[str]:
    """Stream the reply to a conversation. ``options`` are :class:`GenerationOptions` fields."""
    chat_model = get_chat_model(model, base_url=base_url)
    msgs = [m if isinstance(m, ChatMessage) else ChatMessage.model_validate(m) for m in messages]
    return chat_model.complete(ChatRequest(messages=msgs, options=GenerationOptions(**options)), usage)


def generate(prompt: str, *, model: str | None = None, system: str | None = None, raw: bool = False,
             base_url: str | None = None, usage: Usage | None = None, **options: Any) -> Iterator[str]:
    """Stream a reply to ``prompt``; ``raw=True`` continues the text without a chat template (base models)."""
    opts = GenerationOptions(**options)
    if raw:
        chat_model = get_chat_model(model, chat=False, base_url=base_url)
        complete_raw = getattr(chat_model, "complete_raw", None)
        if complete_raw is None:
            raise UnsupportedModelError(f"'{chat_model.name}' has no raw completion mode.", "Drop --raw.")
        return complete_raw(prompt, opts, usage)  # type: ignore[no-any-return]
    messages = ([ChatMessage(role="system", content=system)] if system else []) + [ChatMessage(role="user", content=prompt)]
    return get_chat_model(model, base_url=base_url).complete(ChatRequest(messages=messages, options=opts), usage)
