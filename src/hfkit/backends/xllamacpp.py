"""GGUF models through llama.cpp's server core (xllamacpp), in process.

Ctrl-C safety. Replies stream from a worker thread that sits in llama.cpp's native code and calls back into Python
once per token; if the interpreter shut down while that thread was still in there, its next callback would be torn
down by pthread_exit inside C++ code and abort the process ("FATAL: exception not rethrown") instead of exiting
with 130. So a closed stream (Ctrl-C, or a consumer that stops iterating) waits for its worker, which stops at its
next token, and a stream left open at exit stops at its next token too (the worker is not a daemon thread and sees
the main thread has ended). Loading holds Ctrl-C until the server's loop runs (see ``_start_server``).
"""

from __future__ import annotations

import contextlib
import queue
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

from hfkit.backends.base import ChatModel
from hfkit.core.config import cpu_threads
from hfkit.core.errors import ContextTooSmallError, GenerationError, InputError, SchemaError, missing_extra
from hfkit.core.gguf import read_metadata
from hfkit.core.registry import ResolvedModel
from hfkit.core.types import ChatRequest, GenerationOptions, Usage

_DONE = object()


class LlamaCppChatModel(ChatModel):
    """A GGUF model loaded once. ``parallel`` > 1 gives llama.cpp that many slots: requests made from several
    threads at once are decoded together in one batch (each slot keeps ``context_size`` tokens)."""

    supports_raw = True

    def __init__(self, model: ResolvedModel, context_size: int | None = None, device: str = "auto",
                 parallel: int = 1, **_: Any) -> None:
        try:
            import xllamacpp
        except ImportError as exc:  # pragma: no cover - core dependency
            raise missing_extra("xllamacpp", "all") from exc
        self.name = model.name
        self.path = model.path
        self.context_size = _checked_context(model, context_size)
        self.has_chat_template = model.can("chat")
        params = xllamacpp.CommonParams()
        params.model.path = str(model.path)
        self.parallel = max(1, int(parallel))
        params.n_ctx = self.context_size * self.parallel
        params.n_parallel = self.parallel
        params.cpuparams.n_threads = cpu_threads()
        params.cpuparams_batch.n_threads = cpu_threads()
        params.warmup = False
        params.verbosity = -1
        params.n_gpu_layers = 0 if device == "cpu" else -1
        self._server = _start_server(xllamacpp, params)
        self._lock = threading.Semaphore(self.parallel)  # one request per slot at a time

    def complete(self, request: ChatRequest, usage: Usage | None = None) -> Iterator[str]:
        body = _body(request.options)
        body["messages"] = [m.model_dump() for m in request.messages]
        return self._stream(self._server.handle_chat_completions, body, usage, "delta")

    def complete_raw(self, prompt: str, options: GenerationOptions, usage: Usage | None = None) -> Iterator[str]:
        """Plain text continuation, for base models without a chat template."""
        body = _body(options)
        body["prompt"] = prompt
        return self._stream(self._server.handle_completions, body, usage, "text")

    def _stream(self, handler: Callable[..., Any], body: dict[str, Any], usage: Usage | None, kind: str) -> Iterator[str]:
        pieces: queue.Queue[Any] = queue.Queue()
        stop = threading.Event()

        def on_chunk(chunk: dict[str, Any]) -> bool:
            pieces.put(chunk)
            return stop.is_set() or not threading.main_thread().is_alive()  # True stops llama.cpp

        def run() -> None:
            try:
                with self._lock:
                    result = None if stop.is_set() else handler(body, on_chunk)
                if isinstance(result, dict) and "error" in result:
                    pieces.put(result)
            except ValueError as exc:
                pieces.put(SchemaError(f"The JSON schema cannot be turned into a grammar: {exc}.", "Fix the schema."))
            except Exception as exc:  # pragma: no cover - engine failure
                pieces.put(GenerationError(f"llama.cpp failed: {exc}."))
            finally:
                pieces.put(_DONE)

        # not a daemon: the interpreter waits for it at exit, and it stops at its next token once the main thread ends
        worker = threading.Thread(target=run, name="llama.cpp stream")
        worker.start()
        try:
            yield from _drain(pieces, usage, kind, self.context_size)
        finally:
            stop.set()
            if worker is not threading.current_thread():  # a stream garbage-collected in its own worker
                join_through_ctrl_c(worker)

    def count_tokens(self, text: str) -> int:
        result = self._server.handle_completions({"prompt": text, "max_tokens": 0, "n_predict": 0})
        return int(result.get("usage", {}).get("prompt_tokens", super().count_tokens(text)))

    def close(self) -> None:
        self._server = None


def _start_server(xllamacpp: Any, params: Any) -> Any:
    """Build the llama.cpp server with Ctrl-C held until its loop thread serves requests.

    The constructor returns once the model is loaded, just before its loop starts; a KeyboardInterrupt at that
    moment would drop the server, whose destructor stops a loop that has not started yet and then waits for it
    forever. The loop answers a metrics query, so after one the server can be dropped safely.
    """
    params.endpoint_metrics = True
    with ctrl_c_held():
        server = xllamacpp.Server(params)
        server.handle_metrics()
    return server


@contextlib.contextmanager
def ctrl_c_held() -> Iterator[None]:
    """Hold SIGINT until the block ends, then deliver it to the handler that was there before.

    Only the main thread can change handlers, and only it gets KeyboardInterrupt, so elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
    if received:
        signal.raise_signal(signal.SIGINT)


def join_through_ctrl_c(thread: threading.Thread) -> None:
    """Wait until ``thread`` has ended, even through Ctrl-C, which is raised afterwards."""
    interrupted = False
    while thread.is_alive():
        try:
            thread.join()
        except KeyboardInterrupt:
            interrupted = True
    if interrupted:
        raise KeyboardInterrupt


def _drain(pieces: queue.Queue[Any], usage: Usage | None, kind: str, n_ctx: int) -> Iterator[str]:
    while (chunk := pieces.get()) is not _DONE:
        if isinstance(chunk, Exception):
            raise chunk
        if "error" in chunk:
            raise _error(chunk["error"], n_ctx)
        text = _chunk_text(chunk, kind)
        if usage is not None:
            _update_usage(usage, chunk)
        if text:
            yield text


def _chunk_text(chunk: dict[str, Any], kind: str) -> str:
    choices = chunk.get("choices") or [{}]
    if kind == "delta":
        return str(choices[0].get("delta", {}).get("content") or "")
    return str(choices[0].get("text") or "")


def _update_usage(usage: Usage, chunk: dict[str, Any]) -> None:
    choices = chunk.get("choices") or [{}]
    if choices[0].get("finish_reason"):
        usage.finish_reason = choices[0]["finish_reason"]
    timings = chunk.get("timings")
    if timings:
        usage.prompt_tokens = int(timings.get("prompt_n", 0)) + int(timings.get("cache_n", 0))
        usage.completion_tokens = int(timings.get("predicted_n", 0))
        usage.decode_tokens_per_second = timings.get("predicted_per_second")


def _error(error: dict[str, Any], n_ctx: int) -> Exception:
    if error.get("type") == "exceed_context_size_error":
        return ContextTooSmallError(
            f"The input needs {error.get('n_prompt_tokens')} tokens but the model's context holds {n_ctx}.",
            "Raise --context-size (if the model allows it) or shorten the input.",
        )
    return GenerationError(f"llama.cpp refused the request: {error.get('message', error)}.")


def _body(options: GenerationOptions) -> dict[str, Any]:
    body: dict[str, Any] = {
        "max_tokens": options.max_tokens,
        "temperature": options.temperature,
        "top_p": options.top_p,
        "stream": True,
    }
    if options.seed is not None:
        body["seed"] = options.seed
        body["cache_prompt"] = False  # a reused KV prefix changes the logits slightly: seeded runs must repeat
    if options.stop:
        body["stop"] = options.stop
    if options.json_schema is not None:
        body["response_format"] = {"type": "json_schema", "json_schema": {"name": "output", "schema": options.json_schema}}
    return body


def _default_context(model: ResolvedModel) -> int:
    return min(_trained_context(model), 8192)


def _trained_context(model: ResolvedModel) -> int:
    if model.path is None:
        return 4096
    meta = read_metadata(model.path)
    return next((int(v) for k, v in meta.items() if k.endswith(".context_length") and v), 4096)


def _checked_context(model: ResolvedModel, asked: int | None) -> int:
    """``asked`` (or the default) once it fits the context the model was trained with."""
    if not asked:
        return _default_context(model)
    trained = _trained_context(model)
    if asked > trained:
        raise InputError(f"A context of {asked:,} tokens is beyond the {trained:,} that '{model.name}' was trained with.",
                         f"Pass --context-size {trained} or less.")
    return asked
