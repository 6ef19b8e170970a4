"""The transcribe job behind ``hfkit transcribe`` and ``hfkit.transcribe``."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from hfkit.backends.base import TranscribeOptions, Transcriber, Transcription, load_transcriber

DEFAULT_MODEL = "whisper-tiny.en"
MULTILINGUAL_MODEL = "whisper-base"

_CACHE: dict[tuple[str, str, str | None], Transcriber] = {}
_CACHE_LOCK = threading.Lock()


def default_model(language: str | None) -> str:
    """tiny.en for English or unknown-but-assumed English; base for any other language."""
    return DEFAULT_MODEL if language in (None, "en") else MULTILINGUAL_MODEL


def get_transcriber(model: str | None = None, device: str = "auto", base_url: str | None = None,
                    language: str | None = None) -> Transcriber:
    """A transcriber for ``model``, loaded once per process and reused."""
    reference = model or default_model(language)
    key = (reference, device, base_url)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = load_transcriber(reference, device=device, base_url=base_url)
        return _CACHE[key]


def transcribe(path: str | Path, *, model: str | None = None, device: str = "auto", base_url: str | None = None,
               **options: Any) -> Transcription:
    """Transcribe one audio or video file.

    Returns a :class:`Transcription` whose ``info`` is known at once and whose segments are decoded lazily
    as you iterate. ``options`` are the fields of :class:`TranscribeOptions` (language, vad, beam_size...).
    """
    opts = TranscribeOptions(**options)
    transcriber = get_transcriber(model, device, base_url, opts.language)
    return transcriber.transcribe(Path(path), opts)
