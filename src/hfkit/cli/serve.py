"""``hfkit serve``: the OpenAI-compatible server."""

from __future__ import annotations

from typing import Annotated

import typer

from hfkit.cli.common import console
from hfkit.server.app import ServeOptions, serve


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1 keeps it private).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535)] = 8000,
    model: Annotated[list[str] | None, typer.Option("--model", "-m", help="Chat model(s) to serve.")] = None,
    asr_model: Annotated[list[str] | None, typer.Option(help="Speech-to-text model(s) to serve.")] = None,
    context_size: Annotated[int | None, typer.Option(help="Context size for GGUF models.")] = None,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
) -> None:
    """Serve /v1/models, /v1/chat/completions and /v1/audio/transcriptions."""
    options = ServeOptions(host=host, port=port, context_size=context_size, device=device)
    if model:
        options.chat_models = model
    if asr_model:
        options.asr_models = asr_model
    console.print(f"hfkit serve on http://{host}:{port}/v1  (chat: {', '.join(options.chat_models)}; "
                  f"speech: {', '.join(options.asr_models)}). Ctrl-C stops.")
    serve(options)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
