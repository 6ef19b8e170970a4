"""The transcribe job behind ``hfkit transcribe`` and ``hfkit.transcribe``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from hfkit.backends.base import TranscribeOptions, Transcriber, Transcription, Window, load_transcriber
from hfkit.core.pool import pooled
from hfkit.speech.resume import checkpoint_for, transcribe_resumable

if TYPE_CHECKING:
    import numpy as np

__all__ = ["TranscribeOptions", "Transcriber", "Transcription", "Window", "checkpoint_for", "default_model",
           "get_transcriber", "transcribe", "transcribe_resumable"]

DEFAULT_MODEL = "whisper-tiny.en"
MULTILINGUAL_MODEL = "whisper-base"


def default_model(language: str | None) -> str:
    """tiny.en for English or unknown-but-assumed English; base for any other language."""
    return DEFAULT_MODEL if language in (None, "en") else MULTILINGUAL_MODEL


def get_transcriber(model: str | None = None, device: str = "auto", base_url: str | None = None,
                    language: str | None = None) -> Transcriber:
    """A transcriber for ``model``, loaded once per process (in the model pool) and reused."""
    reference = model or default_model(language)
    return pooled("transcriber", reference, device, base_url,
                  loader=lambda: load_transcriber(reference, device=device, base_url=base_url))


def transcribe(audio: str | Path | np.ndarray, *, model: str | None = None, device: str = "auto",
               base_url: str | None = None, offset: float = 0.0, **options: Any) -> Transcription:
    """Transcribe one audio or video file, or 16 kHz mono float32 samples.

    Returns a :class:`Transcription` whose ``info`` is known at once and whose segments are decoded lazily
    as you iterate. ``options`` are the fields of :class:`TranscribeOptions` (language, vad, beam_size...).
    """
    opts = TranscribeOptions(**options)
    transcriber = get_transcriber(model, device, base_url, opts.language)
    return transcriber.transcribe(Path(audio) if isinstance(audio, str) else audio, opts, offset)
