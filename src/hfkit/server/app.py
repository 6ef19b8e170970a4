"""OpenAI-compatible endpoints: /v1/models, /v1/chat/completions, /v1/audio/transcriptions."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from hfkit.backends.base import ChatModel, TranscribeOptions
from hfkit.core.config import debug_enabled
from hfkit.core.errors import HfkitError, InputError, ServerError, UnsupportedModelError
from hfkit.core.registry import resolve
from hfkit.core.types import MAX_TOKENS, ChatRequest, Usage
from hfkit.generation.api import get_chat_model
from hfkit.server.limits import BodyLimit, error_body, pieces_while_wanted
from hfkit.server.requests import parse_chat_body
from hfkit.speech.transcribe import get_transcriber
from hfkit.speech.writers import WRITERS

DEFAULT_MAX_BODY = 2 * 1024**2
DEFAULT_MAX_UPLOAD = 1024**3
DEFAULT_TOKEN_LIMIT = 4096


class ServeOptions(BaseModel):
    """Settings of ``hfkit serve``; the caps bound what any one request can cost."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    chat_models: list[str] = Field(default_factory=lambda: ["smollm2-135m-instruct"])
    asr_models: list[str] = Field(default_factory=lambda: ["whisper-tiny.en"])
    context_size: int | None = Field(default=None, ge=16, le=1_048_576)
    max_waiting: int = Field(default=32, ge=1, description="requests queued beyond this get HTTP 429")
    device: str = "auto"
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY, ge=1024, description="chat request body cap (413)")
    max_upload_bytes: int = Field(default=DEFAULT_MAX_UPLOAD, ge=1024, description="audio upload cap (413)")
    max_tokens: int | None = Field(default=None, ge=1, description="per-request max_tokens cap (default: context)")
    request_seconds: float = Field(default=300.0, gt=0, description="wall-time budget of one request")

    def body_limit(self, path: str) -> int:
        return self.max_upload_bytes if path.startswith("/v1/audio/") else self.max_body_bytes


class _Models:
    """The served chat models (loaded on first use through the process's model pool) and the replies running."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self._lock = threading.Lock()
        self._waiting = 0

    @property
    def waiting(self) -> int:
        """Replies being generated or waiting now."""
        with self._lock:
            return self._waiting

    def started(self, delta: int) -> None:
        """Count a reply in (``+1``) or out (``-1``); safe from any thread."""
        with self._lock:
            self._waiting += delta

    def chat(self, name: str) -> ChatModel:
        if name not in self.options.chat_models:
            raise InputError(f"Model '{name}' is not served here.", f"Served models: {', '.join(self.options.chat_models)}.")
        return get_chat_model(name, context_size=self.options.context_size, device=self.options.device)

    def token_limit(self, model: ChatModel) -> int:
        """The most tokens one reply may ask for: the operator's cap, and never more than the model's context."""
        limits = [n for n in (self.options.max_tokens, model.context_size) if n]
        return min(limits) if limits else DEFAULT_TOKEN_LIMIT


def _error_response(status: int, message: str, kind: str) -> Any:
    return JSONResponse(status_code=status, content=error_body(status, message, kind))


def create_app(options: ServeOptions | None = None) -> Any:
    """Build the FastAPI application (kept apart from :func:`serve` so tests can run it in process)."""
    options = options or ServeOptions()
    models = _Models(options)
    app = FastAPI(title="hfkit", version="1")
    app.add_middleware(BodyLimit, limit_for=options.body_limit)  # type: ignore[arg-type]

    @app.exception_handler(HfkitError)
    async def _hfkit_error(_: Request, exc: HfkitError) -> Any:
        if isinstance(exc, InputError):
            return _error_response(400, str(exc), "invalid_request_error")
        return _error_response(500, str(exc), "server_error")

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> Any:
        problem = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body") or "the request"
        return _error_response(400, f"The request's '{where}' is invalid: {problem.get('msg', 'bad value')}.",
                               "invalid_request_error")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> Any:
        if debug_enabled():
            traceback.print_exception(exc)
        return _error_response(500, f"The server failed on this request ({type(exc).__name__}).", "server_error")

    @app.get("/health")
    def health() -> dict[str, Any]:
        """Liveness, and how many replies are being generated or waiting now."""
        return {"status": "ok", "replies_running": models.waiting}

    @app.get("/v1/models")
    def list_models() -> dict[str, Any]:
        names = options.chat_models + options.asr_models
        return {"object": "list", "data": [{"id": n, "object": "model", "owned_by": "hfkit", "created": 0} for n in names]}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Any:
        body = parse_chat_body(await request.body())
        name = body.model or options.chat_models[0]
        body.to_request(options.max_tokens or MAX_TOKENS)  # a bad request is refused before any model loads
        model = await run_in_threadpool(models.chat, name)
        chat_request = body.to_request(models.token_limit(model))
        if models.waiting >= options.max_waiting:
            return _error_response(429, "Too many requests are waiting; retry shortly.", "rate_limit_exceeded")
        reply = _Reply(models, model, chat_request, request)
        if body.stream:
            return StreamingResponse(_sse(reply, name, body.include_usage), media_type="text/event-stream")
        text = "".join([piece async for piece in reply.pieces()])
        return JSONResponse(_completion(name, text, reply.usage))

    _add_transcriptions(app, options)
    return app


class _Reply:
    """One reply being generated: counted as waiting while it runs, stopped when the client leaves or time is up."""

    def __init__(self, models: _Models, model: ChatModel, request: ChatRequest, http: Request) -> None:
        self.models, self.model, self.request, self.http = models, model, request, http
        self.usage = Usage()

    def _timed_out(self) -> None:
        self.usage.finish_reason = "length"

    async def pieces(self) -> AsyncIterator[str]:
        self.models.started(+1)
        try:
            async for piece in pieces_while_wanted(self.model.complete(self.request, self.usage),
                                                   self.http.is_disconnected, self.models.options.request_seconds,
                                                   self._timed_out):
                yield piece
        finally:
            self.models.started(-1)


def _completion(name: str, text: str, usage: Usage) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": int(time.time()), "model": name,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                     "finish_reason": usage.finish_reason or "stop"}],
        "usage": _usage(usage),
    }


def _usage(usage: Usage) -> dict[str, int]:
    total = usage.prompt_tokens + usage.completion_tokens
    return {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens, "total_tokens": total}


async def _sse(reply: _Reply, name: str, include_usage: bool) -> AsyncIterator[str]:
    base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": name}

    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return f"data: {json.dumps({**base, 'choices': [choice], **extra})}\n\n"

    yield event({"role": "assistant", "content": ""})
    try:
        async for piece in reply.pieces():
            yield event({"content": piece})
    except HfkitError as exc:
        status, kind = (400, "invalid_request_error") if isinstance(exc, InputError) else (500, "server_error")
        yield f"data: {json.dumps(error_body(status, str(exc), kind))}\n\n"
        return
    yield event({}, reply.usage.finish_reason or "stop")
    if include_usage:
        yield f"data: {json.dumps({**base, 'choices': [], 'usage': _usage(reply.usage)})}\n\n"
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
        with tempfile.TemporaryDirectory(prefix="hfkit-serve-") as folder:
            audio = Path(folder) / (Path(file.filename or "").name or "audio")
            with audio.open("wb") as handle:
                shutil.copyfileobj(file.file, handle, 1024**2)
            opts = TranscribeOptions(language=language or None, initial_prompt=prompt, word_timestamps=True)
            try:
                result = get_transcriber(name, options.device).transcribe(audio, opts)
                segments = list(result.segments)
            except HfkitError as exc:
                raise _without_folder(exc, folder) from None
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


def _without_folder(exc: HfkitError, folder: str) -> HfkitError:
    """The error with the server's temporary folder taken out of its message (the client sees its file name)."""
    exc.message = exc.message.replace(folder + os.sep, "").replace(folder, "")
    exc.hint = exc.hint.replace(folder + os.sep, "").replace(folder, "")
    exc.args = (exc.message,)
    return exc


def check_models(options: ServeOptions) -> None:
    """Refuse to start when a model to serve cannot be found or cannot do its job (nothing is loaded here)."""
    for name in options.chat_models:
        model = resolve(name)
        if not model.can("chat"):
            raise UnsupportedModelError(f"'{name}' cannot chat, so 'hfkit serve' cannot serve it.",
                                        "Pass an instruct model with -m, such as smollm2-135m-instruct.")
    for name in options.asr_models:
        if not resolve(name).can("asr"):
            raise UnsupportedModelError(f"'{name}' is not a speech-to-text model.",
                                        "Pass a Whisper model with --asr-model, such as whisper-tiny.en.")


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
    """Check the models, then run the server until interrupted (Ctrl-C raises KeyboardInterrupt: exit 130)."""
    import uvicorn

    check_models(options)
    check_port_free(options.host, options.port)
    server = uvicorn.Server(uvicorn.Config(create_app(options), host=options.host, port=options.port,
                                           log_level="warning", timeout_graceful_shutdown=5))
    server.run()
    if server.should_exit:  # only a signal (Ctrl-C, SIGTERM) ends a running server
        raise KeyboardInterrupt
