"""The browser app behind ``hfkit web``: one Gradio tab per hfkit job, calling the same Python API as the CLI.

``build_app(WebOptions(...))`` builds the app without starting it (tests and embedding);
``launch(options)`` serves it. Gradio is imported only when one of those two is used.
"""

from __future__ import annotations

from typing import Any

from hfkit.core.privacy import no_telemetry
from hfkit.web.options import WebOptions, parse_auth, parse_size

no_telemetry()  # before gradio is imported by any hfkit.web module: no analytics, no version check

__all__ = ["WebOptions", "build_app", "launch", "parse_auth", "parse_size"]


def __getattr__(name: str) -> Any:
    """``build_app`` and ``launch`` come from :mod:`hfkit.web.app`, imported on first use (it needs gradio)."""
    if name not in ("build_app", "launch"):
        raise AttributeError(f"module 'hfkit.web' has no attribute {name!r}")
    from hfkit.core.errors import missing_extra

    try:
        from hfkit.web import app
    except ImportError as exc:
        if exc.name and exc.name.split(".")[0] == "gradio":
            raise missing_extra("gradio", "web") from exc
        raise
    return getattr(app, name)
