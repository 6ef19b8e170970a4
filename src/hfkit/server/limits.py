"""Bounds that hold whatever a client sends: a request body cap (413) and replies stopped when the client leaves
or the time budget runs out."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from typing import Any

import anyio
from starlette.concurrency import run_in_threadpool

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_END = object()


def error_body(status: int, message: str, kind: str) -> dict[str, Any]:
    """An OpenAI-style error body."""
    return {"error": {"message": message, "type": kind, "param": None, "code": status}}


class BodyTooLarge(Exception):
    """Raised inside the app when a body streams past its cap (the middleware answers 413)."""


class BodyLimit:
    """ASGI middleware: a body over ``limit_for(path)`` bytes gets 413 with a JSON error, read no further.

    A declared Content-Length is checked before anything is read; a body without one is counted as it streams.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope.get("path", "")))
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _send_413(send, limit)
            return
        state = {"read": 0, "over": False, "started": False}

        async def counted_receive() -> Message:
            message = await receive()
            if message.get("type") == "http.request":
                state["read"] += len(message.get("body", b""))
                if state["read"] > limit:
                    state["over"] = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if state["over"]:
                if message.get("type") == "http.response.start" and not state["started"]:
                    state["started"] = True
                    await _send_413(send, limit)
                return
            state["started"] = state["started"] or message.get("type") == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLarge:
            if not state["started"]:
                await _send_413(send, limit)


async def _send_413(send: Send, limit: int) -> None:
    body = json.dumps(
        error_body(413, f"The request body is larger than this server accepts ({limit:,} bytes).", "request_too_large")
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def pieces_while_wanted(
    pieces: Iterator[str], is_disconnected: Callable[[], Awaitable[bool]], seconds: float, on_timeout: Callable[[], None]
) -> AsyncIterator[str]:
    """Yield the engine's pieces, each fetched in a worker thread, until it ends, the client leaves or ``seconds``
    pass (then ``on_timeout`` runs). The engine's generator is always closed, so its model is free for the next
    request at once, and it is closed here, never from another thread's garbage collection."""
    deadline = time.monotonic() + seconds
    try:
        while not await is_disconnected():
            if time.monotonic() > deadline:
                on_timeout()
                return
            piece = await run_in_threadpool(next, pieces, _END)
            if not isinstance(piece, str):
                return
            yield piece
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(close)
