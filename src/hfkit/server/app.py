"""OpenAI-compatible endpoints: /v1/models, /v1/chat/completions, /v1/audio/transcriptions."""

from __future__ import annotations

import json
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from hfkit.backends.base import ChatModel, TranscribeOptions, load_chat_model
from hfkit.core.errors import HfkitError, InputError, ServerError
from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions, Usage
from hfkit.speech.transcribe import get_transcriber
from hfkit.speech.writers import WRITERS


class ServeOptions(BaseModel):
    """Settings of ``hfkit serve``."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    chat_models: list[str] = Field(default_factory=lambda: ["smollm2-135m-instruct"])
    asr_models: list[str] = Field(default_factory=lambda: ["whisper-tiny.en"])
    context_size: int | None = None
    max_waiting: int = Field(default=32, ge=1, description="requests queued beyond this get HTTP 429")
    device: str = "auto"


class _Models:
    """Chat models loaded on first use and kept for the server's life."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self._chat: dict[str, ChatModel] = {}
        self._lock = threading.Lock()
        self.waiting = 0

    def chat(self, name: str) -> ChatModel:
        if name not in self.options.chat_models:
            raise InputError(f"Model '{name}' is not served here.", f"Served models: {', '.join(self.options.chat_models)}.")
        with self._lock:
            if name not in self._chat:
                self._chat[name] = load_chat_model(name, context_size=self.options.context_size, device=self.options.device)
            return self._chat[name]


def _error_response(status: int, message: str, kind: str) -> Any:
    return JSONResponse(status_code=status, content={"error": {"message": message, "type": kind, "code": status}})


def create_app(options: ServeOptions | None = None) -> Any:
    """Build the FastAPI application (kept apart from :func:`serve` so tests can run it in process)."""
    options = options or ServeOptions()
    models = _Models(options)
    app = FastAPI(title="hfkit", version="1")

    @app.exception_handler(HfkitError)
    async def _hfkit_error(_: Request, exc: HfkitError) -> Any:
        status = 400 if isinstance(exc, InputError) else 500
        return _error_response(status, str(exc), type(exc).__name__)

    @app.get("/v1/models")
    def list_models() -> dict[str, Any]:
        names = options.chat_models + options.asr_models
        return {"object": "list", "data": [{"id": n, "object": "model", "owned_by": "hfkit", "created": 0} for n in names]}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Any:
        try:
            body = await request.json()
        except ValueError as exc:
            raise InputError("The request body is not JSON.", "Send a JSON chat request.") from exc
        return await run_in_threadpool(_chat, models, body)

    _add_transcriptions(app, options)
    return app


def _chat(models: _Models, body: dict[str, Any]) -> Any:
    request = _parse_chat(body)
    name = body.get("model") or models.options.chat_models[0]
    model = models.chat(name)
    if models.waiting >= models.options.max_waiting:
        return _error_response(429, "Too many requests are waiting; retry shortly.", "rate_limit_exceeded")
    if body.get("stream"):
        return StreamingResponse(_sse(models, model, name, request, body), media_type="text/event-stream")
    return JSONResponse(_completion(models, model, name, request))


def _parse_chat(body: dict[str, Any]) -> ChatRequest:
    try:
        messages = [ChatMessage(role=m["role"], content=_content(m.get("content"))) for m in body["messages"]]
        options = GenerationOptions(
            max_tokens=body.get("max_tokens") or body.get("max_completion_tokens") or 512,
            temperature=body.get("temperature", 0.7),
            top_p=body.get("top_p", 0.95),
            seed=body.get("seed"),
            stop=_stops(body.get("stop")),
            json_schema=_schema(body.get("response_format")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"The chat request is malformed ({exc}).", "Send OpenAI-style 'messages'.") from exc
    return ChatRequest(messages=messages, options=options)


def _content(content: Any) -> str:
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


def _stops(stop: Any) -> list[str]:
    if stop is None:
        return []
    return [stop] if isinstance(stop, str) else list(stop)


def _schema(response_format: Any) -> dict[str, Any] | None:
    if not response_format or response_format.get("type") != "json_schema":
        if response_format and response_format.get("type") == "json_object":
            return {"type": "object"}
        return None
    return dict(response_format["json_schema"]["schema"])


def _run(models: _Models, model: ChatModel, request: ChatRequest, usage: Usage) -> Iterator[str]:
    models.waiting += 1
    try:
        yield from model.complete(request, usage)
    finally:
        models.waiting -= 1


def _completion(models: _Models, model: ChatModel, name: str, request: ChatRequest) -> dict[str, Any]:
    usage = Usage()
    text = "".join(_run(models, model, request, usage))
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": int(time.time()), "model": name,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                     "finish_reason": usage.finish_reason or "stop"}],
        "usage": _usage(usage),
    }


def _usage(usage: Usage) -> dict[str, int]:
    total = usage.prompt_tokens + usage.completion_tokens
    return {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens, "total_tokens": total}


def _sse(models: _Models, model: ChatModel, name: str, request: ChatRequest, body: dict[str, Any]) -> Iterator[str]:
    usage = Usage()
    base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": name}

    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return f"data: {json.dumps({**base, 'choices': [choice], **extra})}\n\n"

    yield event({"role": "assistant", "content": ""})
    try:
        for piece in _run(models, model, request, usage):
            yield event({"content": piece})
    except HfkitError as exc:
        yield f"data: {json.dumps({'error': {'message': str(exc), 'type': type(exc).__name__}})}\n\n"
        return
    yield event({}, usage.finish_reason or "stop")
    if (body.get("stream_options") or {}).get("include_usage"):
        yield f"data: {json.dumps({**base, 'choices': [], 'usage': _usage(usage)})}\n\n"
    yield "data: [DONE]\n\n"


def _add_transcriptions(app: Any, options: ServeOptions) -> None:
    @app.post("/v1/audio/transcriptions")  # type: ignore[untyped-decorator]
    def transcriptions(
        file: UploadFile = File(...),  # noqa: B008
        model: str = Form(""),
        language: str | None = Form(None),
        prompt: str | None = Form(None),
        response_format: str = Form("json"),
        timestamp_granularities: list[str] = Form(default=[], alias="timestamp_granularities[]"),  # noqa: B008
    ) -> Any:
        name = model if model in options.asr_models else options.asr_models[0]
        suffix = Path(file.filename or "audio").suffix
        with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
            tmp.write(file.file.read())
            tmp.flush()
            opts = TranscribeOptions(language=language or None, initial_prompt=prompt, word_timestamps=True)
            result = get_transcriber(name, options.device).transcribe(Path(tmp.name), opts)
            segments = list(result.segments)
        if response_format in ("srt", "vtt", "text"):
            writer = WRITERS["txt" if response_format == "text" else response_format]
            return PlainTextResponse(writer(result.info, segments))
        text = " ".join(s.text for s in segments)
        if response_format != "verbose_json":
            return {"text": text}
        return {
            "task": "transcribe", "language": result.info.language, "duration": result.info.duration, "text": text,
            "segments": [{"id": s.id, "start": s.start, "end": s.end, "text": s.text, "avg_logprob": s.avg_logprob,
                          "no_speech_prob": s.no_speech_prob} for s in segments],
            "words": [{"word": w.word, "start": w.start, "end": w.end} for s in segments for w in s.words],
        }


def check_port_free(host: str, port: int) -> None:
    """Raise ServerError when ``host:port`` cannot be bound."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ServerError(
                f"Port {port} on {host} is already in use or not available ({exc.strerror}).",
                "Pass --port with a free port, or stop the program that holds it.",
            ) from exc


def serve(options: ServeOptions) -> None:
    """Run the server until interrupted."""
    import uvicorn

    check_port_free(options.host, options.port)
    uvicorn.run(create_app(options), host=options.host, port=options.port, log_level="warning")
