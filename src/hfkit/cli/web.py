"""``hfkit web``: every hfkit job in the browser (Gradio)."""

from __future__ import annotations

from typing import Annotated

import typer

from hfkit.cli.common import console
from hfkit.core.errors import missing_extra
from hfkit.web.options import WebOptions, parse_auth, parse_port, parse_size


def options_from_cli(host: str, port: int, auth: str | None, share: bool, max_file_size: str,
                     concurrency: int, allow_model: list[str] | None = None) -> WebOptions:
    """Check the command-line values and build the app's options."""
    allowed = tuple(dict.fromkeys(m.strip() for m in allow_model or [] if m.strip()))
    return WebOptions(host=host, port=parse_port(port), auth=parse_auth(auth), share=share,
                      max_file_size=parse_size(max_file_size), concurrency_limit=concurrency, allowed_models=allowed)


def web_command(
    host: Annotated[str, typer.Option(help="Interface to listen on (0.0.0.0: whole network).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7860,
    auth: Annotated[str | None, typer.Option(help="Require a login, given as user:password.")] = None,
    share: Annotated[bool, typer.Option("--share", help="Also open a public gradio.live link.")] = False,
    max_file_size: Annotated[str, typer.Option(help="Upload size cap, e.g. 500MB or 2GB.")] = "2GB",
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Jobs run at once per event; others queue.")] = 2,
    allow_model: Annotated[list[str] | None, typer.Option(
        "--allow-model", help="Also offer this model (hub id, local path or openai:NAME; repeatable). Visitors can "
        "pick only the embedded models and these.")] = None,
) -> None:
    """Serve the web app: minutes, synthetic data, pipelines, tokenizers, chat and models."""
    options = options_from_cli(host, port, auth, share, max_file_size, concurrency, allow_model)
    try:
        from hfkit.web.app import launch
    except ImportError as exc:
        if exc.name and exc.name.split(".")[0] == "gradio":
            raise missing_extra("gradio", "web") from exc
        raise
    console.print(f"Serving hfkit on http://{host}:{port} (Ctrl-C to stop)")
    launch(options)


def register(app: typer.Typer) -> None:
    app.command("web")(web_command)
