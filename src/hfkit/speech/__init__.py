"""Speech to text as a job: files or samples in, lazy segments out, resumable, subtitle and JSON writers."""

from hfkit.backends.base import TranscribeOptions, Transcriber, Transcription, Window
from hfkit.speech.resume import checkpoint_for, transcribe_resumable
from hfkit.speech.transcribe import get_transcriber, transcribe
from hfkit.speech.writers import WRITERS, write_outputs

__all__ = ["WRITERS", "TranscribeOptions", "Transcriber", "Transcription", "Window", "checkpoint_for",
           "get_transcriber", "transcribe", "transcribe_resumable", "write_outputs"]
