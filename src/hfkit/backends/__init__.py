"""Engines, one file each. ``load_transcriber`` and ``load_chat_model`` pick one by model format."""

from hfkit.backends.base import ChatModel, Transcriber, load_chat_model, load_transcriber

__all__ = ["ChatModel", "Transcriber", "load_chat_model", "load_transcriber"]
