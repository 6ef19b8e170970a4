"""Settings of the web app, checked before Gradio is imported."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from hfkit.core.errors import InputError
from hfkit.core.sizes import parse_size

DEFAULT_MAX_FILE_SIZE = 2 * 1024**3
__all__ = ["WebOptions", "parse_auth", "parse_port", "parse_size"]


class WebOptions(BaseModel):
    """How ``hfkit web`` serves the app."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=0, le=65535)
    auth: tuple[str, str] | None = None
    share: bool = False
    max_file_size: int = Field(default=DEFAULT_MAX_FILE_SIZE, ge=1)
    concurrency_limit: int = Field(default=2, ge=1)
    max_queue: int = Field(default=64, ge=1)
    temp_dir: Path | None = None
    chat_models: tuple[str, ...] = ("smollm2-135m-instruct",)
    asr_models: tuple[str, ...] = ("whisper-tiny.en", "whisper-base")
    allowed_models: tuple[str, ...] = Field(default=(), description="models beyond the embedded ones (--allow-model)")
    max_chat_tokens: int = Field(default=2048, ge=1, le=131072, description="most tokens one chat reply may ask for")
    max_text_chars: int = Field(default=200_000, ge=1, description="longest text a form field may hold")


def parse_auth(spec: str | None) -> tuple[str, str] | None:
    """Turn ``user:pass`` into a (user, password) pair."""
    if spec is None:
        return None
    user, sep, password = spec.partition(":")
    if not sep or not user or not password:
        raise InputError(f"--auth '{spec}' is not of the form user:password.", "Write it as --auth alice:secret.")
    return user, password


def parse_port(port: int) -> int:
    """Check a TCP port number (0 picks a free port)."""
    if not 0 <= port <= 65535:
        raise InputError(f"Port {port} is out of range.", "Use a port between 1 and 65535, e.g. --port 7860.")
    return port
