"""The browser app behind ``hfkit web``: one Gradio tab per hfkit job, calling the same Python API as the CLI.

``build_app(WebOptions(...))`` builds the app without starting it (tests and embedding);
``launch(options)`` serves it. Gradio is imported only by :mod:`hfkit.web.app`.
"""

from hfkit.web.options import WebOptions, parse_auth, parse_size

__all__ = ["WebOptions", "parse_auth", "parse_size"]
