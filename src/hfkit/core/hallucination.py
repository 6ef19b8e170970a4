"""Whisper writes words on noise ("You", "Thank you.", "."): these rules drop such segments and keep real speech.

A segment is dropped when any of these holds:
- it has no letters or digits (".", "...", "♪");
- it has less than ``MIN_SPEECH_PER_WORD`` seconds of speech per word: its own span when Silero VAD already chose
  what was decoded, else its overlap with the speech the VAD finds (``speech`` spans);
- whisper itself judged the window to be no speech (no-speech probability above ``NO_SPEECH``) and the words
  are unlikely too: average log-probability below ``LOGPROB``, or a repetition loop (compression ratio above
  ``COMPRESSION``), or a mean word probability below ``WORD_PROBABILITY``.
Thresholds were set on real speech (the shared recordings: the highest no-speech probability there is 0.42) and on
generated noise; see tests/speech/test_noise.py.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator, Sequence

from hfkit.core.types import Segment

MIN_SPEECH_PER_WORD = 0.08  # seconds; real speech runs at 0.15-0.5 s per word, noise words get ~0 s
NO_SPEECH = 0.6  # whisper's own no-speech threshold
LOGPROB = -0.7
COMPRESSION = 2.4  # whisper's own repetition threshold
WORD_PROBABILITY = 0.5
_LETTER = re.compile(r"\w")


def compression_ratio(text: str) -> float:
    """How much zlib shrinks ``text`` (whisper's repetition measure: loops compress well)."""
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


def speech_seconds(segment: Segment, speech: Sequence[tuple[float, float]] | None) -> float:
    """Seconds of speech under ``segment``: its span, or its overlap with the ``speech`` spans when given."""
    if speech is None:
        return max(0.0, segment.end - segment.start)
    return sum(max(0.0, min(segment.end, b) - max(segment.start, a)) for a, b in speech)


def is_hallucination(segment: Segment, speech: Sequence[tuple[float, float]] | None = None) -> bool:
    """True when ``segment`` looks like words made up on noise or silence (see the module docstring)."""
    if not _LETTER.search(segment.text):
        return True
    words = max(1, len(segment.words) or len(segment.text.split()))
    if speech_seconds(segment, speech) < MIN_SPEECH_PER_WORD * words:
        return True
    if segment.no_speech_prob <= NO_SPEECH:
        return False
    probability = sum(w.probability for w in segment.words) / len(segment.words) if segment.words else 1.0
    return (segment.avg_logprob < LOGPROB or compression_ratio(segment.text) > COMPRESSION
            or probability < WORD_PROBABILITY)


def keep_speech(segments: Iterable[Segment], speech: Sequence[tuple[float, float]] | None = None) -> Iterator[Segment]:
    """``segments`` without the hallucinated ones."""
    return (segment for segment in segments if not is_hallucination(segment, speech))
