"""Build the Gradio app (``build_app``) and serve it (``launch``); the tabs live in :mod:`hfkit.web.tabs`."""

from __future__ import annotations

import atexit
import importlib
import time
from typing import Any, Protocol

import gradio as gr

from hfkit.core.errors import ServerError
from hfkit.web.common import WebContext, Workspace, gradio_cache
from hfkit.web.options import WebOptions

# Tab title -> module with ``build(context)``. A module that does not exist (its job has not landed) is skipped.
TABS: dict[str, str] = {
    "Meeting minutes": "hfkit.web.tabs.minutes",
    "Synthetic data": "hfkit.web.tabs.synth",
    "Pipelines": "hfkit.web.tabs.pipelines",
    "Tokenizers": "hfkit.web.tabs.tokenizers",
    "Transcribe": "hfkit.web.tabs.transcribe",
    "Chat": "hfkit.web.tabs.chat",
    "Models": "hfkit.web.tabs.models",
}

CSS = """
.hfkit-tokens span.tok { border-radius: 3px; padding: 1px 2px; margin: 1px; display: inline-block; white-space: pre; }
.hfkit-tokens sub { font-size: 0.65em; opacity: 0.7; }
"""


class TabModule(Protocol):
    def build(self, context: WebContext) -> None: ...


def available_tabs() -> dict[str, TabModule]:
    """The tabs whose modules exist, in display order."""
    tabs: dict[str, TabModule] = {}
    for title, module_name in TABS.items():
        try:
            tabs[title] = importlib.import_module(module_name)  # type: ignore[assignment]
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
    return tabs


def build_app(config: WebOptions) -> gr.Blocks:
    """Build the app with every available tab, queued with ``config.concurrency_limit``; does not start it.

    Job outputs go to a fresh temporary folder and uploads to the process's Gradio cache folder (both removed
    at exit); the app serves files from these two folders only.
    """
    workspace = Workspace.create(config.temp_dir)
    atexit.register(workspace.cleanup)
    gradio_cache()  # before any component exists: they note the cache folder when created
    context = WebContext(config, workspace)
    demo = gr.Blocks(title="hfkit", delete_cache=(1800, 6 * 3600), analytics_enabled=False)
    with demo:
        gr.Markdown("# hfkit\nMeeting minutes, synthetic data and open models, on this machine.")
        for title, module in available_tabs().items():
            with gr.Tab(title, id=title.lower().replace(" ", "-")):
                module.build(context)
    demo.queue(default_concurrency_limit=config.concurrency_limit, max_size=config.max_queue)
    demo.hfkit_workspace = workspace  # type: ignore[attr-defined]
    return demo


def launch_kwargs(config: WebOptions) -> dict[str, Any]:
    """The ``Blocks.launch`` arguments for ``config`` (share only when asked, upload cap, auth)."""
    return {
        "server_name": config.host,
        "server_port": config.port or None,
        "auth": config.auth,
        "share": config.share,
        "max_file_size": config.max_file_size,
        "show_error": True,
        "quiet": True,
        "css": CSS,
        "ssr_mode": False,
        "footer_links": ["api"],
    }


def launch(config: WebOptions, *, block: bool = True) -> gr.Blocks:
    """Build and serve the app; with ``block=False`` return at once (the server runs in a thread).

    Blocking, it serves until Ctrl-C, which closes the server and is raised again (the CLI exits 130).
    """
    demo = build_app(config)
    jobs = [str(demo.hfkit_workspace.jobs)]  # type: ignore[attr-defined]
    try:
        demo.launch(prevent_thread_lock=True, allowed_paths=jobs, **launch_kwargs(config))
    except OSError as exc:
        raise ServerError(
            f"Cannot serve on {config.host}:{config.port} ({exc}).", "Pick another --port or stop the other server."
        ) from exc
    if block:
        try:
            while demo.is_running:
                time.sleep(0.2)
        finally:
            demo.close()
    return demo
