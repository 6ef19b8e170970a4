"""Sentences with their time spans and spaCy parses (the shipped en-core-web-sm), loaded once per process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hfkit.backends.spacy_nlp import load_spacy
from hfkit.core.types import Segment

__all__ = ["Sentence", "load_spacy", "split_sentences"]


@dataclass(frozen=True)
class Sentence:
    """One sentence of one segment, with the time it was said and its spaCy span."""

    index: int
    segment: Segment
    text: str
    start: float
    end: float
    span: Any

    @property
    def speaker(self) -> str | None:
        return self.segment.speaker

    @property
    def words(self) -> int:
        return sum(1 for token in self.span if token.is_alpha)


def _span_time(segment: Segment, first: int, last: int, length: int) -> tuple[float, float]:
    """Time of characters [first, last) of the segment: from word stamps when present, else proportional."""
    if segment.words:
        spoken = [w for w in segment.words if w.word.strip()]
        total = sum(len(w.word) for w in spoken) or 1
        scale = total / max(1, length)
        clock, start, end = 0.0, spoken[0].start, spoken[-1].end
        for word in spoken:
            if clock <= first * scale:
                start = word.start
            if clock < last * scale:
                end = word.end
            clock += len(word.word)
        return start, max(start, end)
    span = segment.end - segment.start
    return segment.start + span * first / max(1, length), segment.start + span * last / max(1, length)


def split_sentences(segments: list[Segment], nlp: Any | None = None) -> list[Sentence]:
    """Parse every segment and return its sentences in order."""
    nlp = nlp or load_spacy()
    sentences: list[Sentence] = []
    for segment, doc in zip(segments, nlp.pipe((s.text for s in segments), batch_size=64), strict=True):
        for span in doc.sents:
            text = span.text.strip()
            if not any(t.is_alpha for t in span):
                continue
            start, end = _span_time(segment, span.start_char, span.end_char, len(doc.text))
            sentences.append(Sentence(len(sentences), segment, text, round(start, 2), round(end, 2), span))
    return sentences
