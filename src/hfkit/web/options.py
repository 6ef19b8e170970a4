"""Settings of the web app, checked before Gradio is imported."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from hfkit.core.errors import InputError

DEFAULT_MAX_FILE_SIZE = 2 * 1024**3
_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3,
          "t": 1024**4, "tb": 1024**4}


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


def parse_auth(spec: str | None) -> tuple[str, str] | None:
    """Turn ``user:pass`` into a (user, password) pair."""
    if spec is None:
        return None
    user, sep, password = spec.partition(":")
    if not sep or not user or not password:
        raise InputError(f"--auth '{spec}' is not of the form user:password.", "Write it as --auth alice:secret.")
    return user, password


def parse_size(spec: str) -> int:
    """Turn ``2GB``, ``500mb`` or ``1048576`` into bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", spec)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS or float(match.group(1)) <= 0:
        raise InputError(f"'{spec}' is not a file size.", "Write a positive size such as 500MB or 2GB.")
    return int(float(match.group(1)) * _UNITS[unit])


def parse_port(port: int) -> int:
    """Check a TCP port number (0 picks a free port)."""
    if not 0 <= port <= 65535:
        raise InputError(f"Port {port} is out of range.", "Use a port between 1 and 65535, e.g. --port 7860.")
    return port
