"""``hfkit serve``: an OpenAI-compatible HTTP server over hfkit's backends."""

from hfkit.server.app import ServeOptions, create_app, serve

__all__ = ["ServeOptions", "create_app", "serve"]
