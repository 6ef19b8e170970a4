"""Speech to text as a job: files in, lazy segments out, subtitle and JSON writers."""

from hfkit.speech.transcribe import get_transcriber, transcribe
from hfkit.speech.writers import WRITERS, write_outputs

__all__ = ["WRITERS", "get_transcriber", "transcribe", "write_outputs"]
