"""The capability interfaces and the registry of engines behind them."""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from hfkit.core.errors import UnsupportedModelError
from hfkit.core.registry import ResolvedModel, resolve
from hfkit.core.types import ChatRequest, Segment, TranscriptionInfo, Usage


class TranscribeOptions(BaseModel):
    """Options for speech to text."""

    model_config = ConfigDict(extra="forbid")

    language: str | None = None
    task: str = "transcribe"
    vad: bool = True
    word_timestamps: bool = True
    beam_size: int = 5
    batch_size: int = 0
    initial_prompt: str | None = None
    hotwords: str | None = None
    temperature: float = 0.0


class Transcription:
    """Lazy result of a transcription: ``info`` now, ``segments`` as they are decoded."""

    def __init__(self, info: TranscriptionInfo, segments: Iterator[Segment]) -> None:
        self.info = info
        self.segments = segments

    def __iter__(self) -> Iterator[Segment]:
        return self.segments


class Transcriber(ABC):
    """Speech to text."""

    name: str = ""

    @abstractmethod
    def transcribe(self, audio: Path, options: TranscribeOptions) -> Transcription:
        """Start transcribing ``audio``; segments are produced lazily."""


class ChatModel(ABC):
    """Text generation from a conversation."""

    name: str = ""
    context_size: int = 0

    @abstractmethod
    def complete(self, request: ChatRequest, usage: Usage | None = None) -> Iterator[str]:
        """Stream the assistant's reply as text pieces; fill ``usage`` when given."""

    def count_tokens(self, text: str) -> int:
        """Approximate token count (backends override with their tokenizer)."""
        return max(1, len(text) // 4)

    def close(self) -> None:  # noqa: B027 - optional hook, most backends hold nothing to release
        """Release the model."""


_TRANSCRIBERS: dict[str, str] = {
    "ct2": "hfkit.backends.faster_whisper:FasterWhisperTranscriber",
    "openai": "hfkit.backends.openai_compat:OpenAITranscriber",
}
_CHAT_MODELS: dict[str, str] = {
    "gguf": "hfkit.backends.xllamacpp:LlamaCppChatModel",
    "openai": "hfkit.backends.openai_compat:OpenAIChatModel",
    "transformers": "hfkit.backends.transformers:TransformersChatModel",
}


def register_transcriber(fmt: str, target: str) -> None:
    _TRANSCRIBERS[fmt] = target


def register_chat_model(fmt: str, target: str) -> None:
    _CHAT_MODELS[fmt] = target


def _load_class(target: str) -> Any:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def load_transcriber(reference: str | ResolvedModel, **kwargs: Any) -> Transcriber:
    """Build a transcriber for a model reference (name, path, hub id or openai:)."""
    model = reference if isinstance(reference, ResolvedModel) else resolve(reference, base_url=kwargs.get("base_url"))
    target = _TRANSCRIBERS.get(model.format)
    if target is None or not model.can("asr"):
        raise UnsupportedModelError(
            f"'{model.name}' is not a speech-to-text model.", "Use whisper-tiny.en, whisper-base or a Whisper model."
        )
    return _load_class(target)(model, **kwargs)  # type: ignore[no-any-return]


def load_chat_model(reference: str | ResolvedModel, *, chat: bool = True, **kwargs: Any) -> ChatModel:
    """Build a chat model; ``chat=False`` allows completion-only (base) models."""
    model = reference if isinstance(reference, ResolvedModel) else resolve(reference, base_url=kwargs.get("base_url"))
    target = _CHAT_MODELS.get(model.format)
    if target is None:
        raise UnsupportedModelError(f"'{model.name}' is not a text-generation model.", "Use a GGUF, HF or openai: model.")
    if chat and not model.can("chat"):
        raise UnsupportedModelError(
            f"'{model.name}' is a base model without a chat template, so it cannot chat.",
            "Use it with 'hfkit generate --raw' for plain completion, or pick an instruct model such as "
            "smollm2-135m-instruct.",
        )
    return _load_class(target)(model, **kwargs)  # type: ignore[no-any-return]
