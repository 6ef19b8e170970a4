"""OpenAI-compatible servers (hfkit serve, vLLM, TGI, llama.cpp server, OpenAI) via the official client."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hfkit.backends.base import ChatModel, TranscribeOptions, Transcriber, Transcription
from hfkit.core import audio
from hfkit.core.errors import ContextTooSmallError, GenerationError, ServerError, missing_extra
from hfkit.core.registry import ResolvedModel
from hfkit.core.types import ChatRequest, GenerationOptions, Segment, TranscriptionInfo, Usage, Word


def _client(base_url: str | None, max_retries: int = 2) -> Any:
    try:
        import openai
    except ImportError as exc:  # pragma: no cover - core dependency
        raise missing_extra("openai", "all") from exc
    key = os.environ.get("OPENAI_API_KEY") or ("not-needed" if base_url else None)
    if key is None:
        raise ServerError(
            "No OPENAI_API_KEY is set for the OpenAI API.",
            "Export OPENAI_API_KEY, or pass --base-url for a local OpenAI-compatible server.",
        )
    return openai.OpenAI(base_url=base_url, api_key=key, max_retries=max_retries)


def _model_id(model: ResolvedModel) -> str:
    return model.name.split(":", 1)[1]


def _base_url(model: ResolvedModel, base_url: str | None) -> str | None:
    return base_url or model.remote_id or None


class OpenAIChatModel(ChatModel):
    """Chat through ``/v1/chat/completions``; 429 and 5xx answers are retried with back-off by the client."""

    def __init__(self, model: ResolvedModel, base_url: str | None = None, max_retries: int = 4, **_: Any) -> None:
        self.name = model.name
        self.model_id = _model_id(model)
        self.client = _client(_base_url(model, base_url), max_retries)
        self.context_size = 0

    def complete(self, request: ChatRequest, usage: Usage | None = None) -> Iterator[str]:
        import openai

        kwargs = _chat_kwargs(request.options)
        messages = [m.model_dump() for m in request.messages]
        try:
            stream = self.client.chat.completions.create(model=self.model_id, messages=messages, stream=True, **kwargs)
            for chunk in stream:
                yield from _chunk_text(chunk, usage)
        except openai.APIConnectionError as exc:
            raise ServerError(f"Cannot reach the server at {self.client.base_url}.", "Check --base-url and that it runs.") from exc
        except openai.BadRequestError as exc:
            raise _bad_request(exc) from exc
        except openai.APIStatusError as exc:
            raise GenerationError(f"The server answered {exc.status_code}: {exc.message}.") from exc


def _chunk_text(chunk: Any, usage: Usage | None) -> Iterator[str]:
    if usage is not None and getattr(chunk, "usage", None):
        usage.prompt_tokens = chunk.usage.prompt_tokens
        usage.completion_tokens = chunk.usage.completion_tokens
    if not chunk.choices:
        return
    choice = chunk.choices[0]
    if usage is not None and choice.finish_reason:
        usage.finish_reason = choice.finish_reason
    if choice.delta and choice.delta.content:
        yield choice.delta.content


def _bad_request(exc: Any) -> Exception:
    text = str(exc.message)
    if "context" in text.lower():
        return ContextTooSmallError(f"The server refused the request: {text}.", "Shorten the input or use a model with a larger context.")
    return GenerationError(f"The server refused the request: {text}.")


def _chat_kwargs(options: GenerationOptions) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "max_tokens": options.max_tokens,
        "temperature": options.temperature,
        "top_p": options.top_p,
        "stream_options": {"include_usage": True},
    }
    if options.seed is not None:
        kwargs["seed"] = options.seed
    if options.stop:
        kwargs["stop"] = options.stop
    if options.json_schema is not None:
        kwargs["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "output", "schema": options.json_schema, "strict": True},
        }
    return kwargs


class OpenAITranscriber(Transcriber):
    """Speech to text through ``/v1/audio/transcriptions`` (verbose_json with word timestamps).

    The server takes whole files (samples are sent as one WAV file), so a recording is one window.
    """

    supports_samples = False

    def __init__(self, model: ResolvedModel, base_url: str | None = None, **_: Any) -> None:
        self.name = model.name
        self.model_id = _model_id(model)
        self.client = _client(_base_url(model, base_url))

    def transcribe_file(self, audio_path: Path, options: TranscribeOptions) -> Transcription:
        import openai

        audio.check_file(audio_path)
        try:
            with open(audio_path, "rb") as handle:
                result = self.client.audio.transcriptions.create(
                    model=self.model_id, file=handle, response_format="verbose_json",
                    timestamp_granularities=["segment", "word"], **_language(options),
                )
        except openai.APIConnectionError as exc:
            raise ServerError(f"Cannot reach the server at {self.client.base_url}.", "Check --base-url.") from exc
        except openai.APIStatusError as exc:
            raise ServerError(f"The server answered {exc.status_code}: {exc.message}.") from exc
        data = result.model_dump()
        info = TranscriptionInfo(
            str(audio_path), data.get("language") or "", 1.0, float(data.get("duration") or 0.0), self.name,
            options.model_dump(),
        )
        return Transcription(info, iter(_segments(data)))


def _language(options: TranscribeOptions) -> dict[str, Any]:
    return {"language": options.language} if options.language else {}


def _segments(data: dict[str, Any]) -> list[Segment]:
    words = [Word(w["start"], w["end"], w["word"]) for w in data.get("words") or []]
    segments = []
    for index, seg in enumerate(data.get("segments") or []):
        inside = tuple(w for w in words if seg["start"] <= w.start < seg["end"])
        segments.append(Segment(index, seg["start"], seg["end"], seg["text"].strip(), inside,
                                avg_logprob=seg.get("avg_logprob", 0.0), no_speech_prob=seg.get("no_speech_prob", 0.0)))
    return segments
