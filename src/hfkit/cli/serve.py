"""``hfkit serve``: the OpenAI-compatible server."""

from __future__ import annotations

from typing import Annotated

import typer

from hfkit.cli.common import console
from hfkit.core.sizes import parse_size
from hfkit.server.app import ServeOptions, check_models, serve


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1 keeps it private).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535)] = 8000,
    model: Annotated[list[str] | None, typer.Option("--model", "-m", help="Chat model(s) to serve.")] = None,
    asr_model: Annotated[list[str] | None, typer.Option(help="Speech-to-text model(s) to serve.")] = None,
    context_size: Annotated[int | None, typer.Option(help="Context size for GGUF models.")] = None,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    max_tokens: Annotated[int | None, typer.Option(
        min=1, help="Most tokens one reply may ask for (default and ceiling: the model's context).")] = None,
    max_body: Annotated[str, typer.Option(help="Chat request body cap; larger bodies get 413.")] = "2MB",
    max_upload: Annotated[str, typer.Option(help="Audio upload cap; larger uploads get 413.")] = "1GB",
    request_timeout: Annotated[float, typer.Option(
        min=1.0, help="Seconds one reply may run; then it ends as if max_tokens were reached.")] = 300.0,
) -> None:
    """Serve /v1/models, /v1/chat/completions and /v1/audio/transcriptions."""
    options = ServeOptions(host=host, port=port, context_size=context_size, device=device, max_tokens=max_tokens,
                           max_body_bytes=parse_size(max_body), max_upload_bytes=parse_size(max_upload),
                           request_seconds=request_timeout)
    if model:
        options.chat_models = model
    if asr_model:
        options.asr_models = asr_model
    check_models(options)  # before announcing anything: an unknown model is one error line
    console.print(f"hfkit serve on http://{host}:{port}/v1  (chat: {', '.join(options.chat_models)}; "
                  f"speech: {', '.join(options.asr_models)}). Ctrl-C stops.")
    serve(options)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
