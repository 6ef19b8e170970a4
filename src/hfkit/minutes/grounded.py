"""The grounded engine: every line of the minutes is chosen or extracted from the transcript, no LLM needed."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from hfkit.core.types import Segment
from hfkit.minutes import extract, narrative, summarize
from hfkit.minutes.model import ActionItem, Decision, KeyPoint, Minutes, MinutesOptions, Question
from hfkit.minutes.nlp import Sentence

_NEXT = re.compile(r"\b(?:next (?:meeting|time|step|steps|week)|we need to|we have to|we should|we(?:'ll| will) need to|"
                   r"follow up|follow-up)\b", re.I)
_TAKEAWAY = re.compile(r"\b(?:important|the key|main (?:point|thing|idea)|the point is|bottom line|in (?:summary|conclusion)|"
                       r"overall|the goal is|our aim|we must)\b", re.I)
_LOCATION_CUE = re.compile(r"\b(?:meeting|welcome|here|gathered|held)\b", re.I)
MAX_ITEMS = 12


def _names(segments: Sequence[Segment]) -> set[str]:
    return {s.speaker for s in segments if s.speaker}


def _next_speaker(sentences: Sequence[Sentence], segments: Sequence[Segment]) -> Any:
    by_id = {seg.id: i for i, seg in enumerate(segments)}

    def lookup(sentence: Sentence) -> tuple[str | None, str]:
        position = by_id.get(sentence.segment.id, -1)
        for seg in segments[position + 1:position + 3]:
            if seg.speaker != sentence.speaker:
                return seg.speaker, seg.text
        return None, ""
    return lookup


def phrases(sentences: Sequence[Sentence], min_words: int = 1) -> list[str]:
    """Noun phrases (content words, lemmatised) from most to least repeated."""
    counts: Counter[str] = Counter()
    for sentence in sentences:
        for chunk in sentence.span.noun_chunks:
            words = [t.lemma_.lower() for t in chunk if t.is_alpha and not t.is_stop and t.pos_ in ("NOUN", "PROPN", "ADJ")]
            if len(words) >= min_words and any(t.pos_ == "NOUN" for t in chunk):
                counts[" ".join(words)] += 1
    return [phrase for phrase, _ in counts.most_common()]


def title_of(sentences: Sequence[Sentence]) -> str:
    """The most repeated multi-word noun phrase, title-cased, or 'Meeting'."""
    found = phrases(sentences, 2)
    return found[0].title() if found else "Meeting"


def location_of(sentences: Sequence[Sentence]) -> str | None:
    """A place named early on in a sentence about the meeting itself."""
    for sentence in sentences[:25]:
        if _LOCATION_CUE.search(sentence.text):
            for ent in sentence.span.ents:
                if ent.label_ in ("FAC", "GPE", "LOC"):
                    return str(ent.text)
    return None


def _dedupe(items: list[Any], key: Any) -> list[Any]:
    seen: set[str] = set()
    out = []
    for item in items:
        k = key(item).lower()
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def build(segments: Sequence[Segment], sentences: Sequence[Sentence], embeddings: Any, options: MinutesOptions,
          meeting_date: dt.date | None, duration: float) -> Minutes:
    """Minutes made only of sentences said in the meeting and items extracted from them."""
    attendees = sorted(_names(segments))
    minutes = Minutes(title=options.title or title_of(sentences), date=meeting_date.isoformat() if meeting_date else None,
                      location=location_of(sentences), attendees=attendees, duration=round(duration, 2))
    if not sentences:
        return minutes
    minutes.summary = narrative.write(sentences, embeddings, attendees, options.summary_sentences)
    content = [s.index for s in sentences if summarize.is_content(s)]
    topics = max(1, min(8, len(sentences) // 40))
    for first, last in summarize.topic_spans(embeddings, topics):
        span = [i for i in range(first, last) if i in set(content)] or list(range(first, last))
        best = span[max(range(len(span)), key=summarize.central(embeddings, span).__getitem__)]
        minutes.key_points.append(KeyPoint(text=extract.tidy(sentences[best].text), start=sentences[first].start,
                                           end=sentences[last - 1].end, citations=[extract.cite(sentences[best])]))
    ctx = extract.Context(meeting_date, set(attendees), _next_speaker(sentences, segments))
    actions: list[ActionItem] = [a for s in sentences if (a := extract.find_action(s, ctx))]
    decisions: list[Decision] = [d for s in sentences if (d := extract.find_decision(s))]
    questions: list[Question] = [q for s in sentences if (q := extract.find_question(s))]
    minutes.action_items = _dedupe(actions, lambda a: f"{a.owner}:{' '.join(a.task.split()[:4])}")[:MAX_ITEMS * 2]
    minutes.decisions = _dedupe(decisions, lambda d: d.text)[:MAX_ITEMS]
    minutes.open_questions = _dedupe(questions, lambda q: q.text)[:5]
    takeaways = [extract.tidy(s.text) for s in sentences if s.words >= 5 and _TAKEAWAY.search(s.text)]
    minutes.takeaways = _dedupe(takeaways, str)[:5]
    steps = [extract.tidy(s.text) for s in sentences if s.words >= 5 and _NEXT.search(s.text) and not s.text.endswith("?")]
    minutes.next_steps = _dedupe(steps, str)[:6]
    return minutes
