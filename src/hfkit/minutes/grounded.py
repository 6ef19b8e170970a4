"""The grounded engine: every line of the minutes is chosen or extracted from the transcript, no LLM needed."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from hfkit.core.types import Segment
from hfkit.minutes import extract, summarize
from hfkit.minutes.model import ActionItem, Decision, KeyPoint, Minutes, MinutesOptions, Question
from hfkit.minutes.nlp import Sentence

_NEXT = re.compile(r"\b(?:next (?:meeting|time|step|steps|week)|we need to|we have to|we should|we(?:'ll| will) need to|"
                   r"follow up|follow-up)\b", re.I)
_TAKEAWAY = re.compile(r"\b(?:important|the key|main (?:point|thing|idea)|the point is|bottom line|in (?:summary|conclusion)|"
                       r"overall|the goal is|our aim|we must)\b", re.I)
_LOCATION_CUE = re.compile(r"\b(?:meeting|welcome|here|gathered|held)\b", re.I)
MAX_ITEMS = 12
_FIRST_PERSON = re.compile(r"\b(?:I'm|I've|I'll|I'd|we're|we've|we'll|we'd|I|we|our|us|ours|my|me|myself|ourselves)\b"
                           r"|(?<=\bI )am\b", re.I)
THIRD_PERSON = {"we": "the group", "our": "their", "us": "them", "ours": "theirs", "i": "they", "my": "their", "me": "them",
                "i'm": "they're", "i've": "they've", "i'll": "they'll", "i'd": "they'd", "we're": "they're",
                "we've": "they've", "we'll": "they'll", "we'd": "they'd", "myself": "themselves",
                "ourselves": "themselves", "am": "are"}
ROLE_WORDS = frozenset({"marketing", "chair", "chairman", "chairwoman", "clerk", "moderator", "host", "secretary"})


def who(label: str) -> str:
    """'the Project Manager' for roles, 'Dana' for names."""
    return f"the {label}" if " " in label.strip() or label.lower() in ROLE_WORDS else label


def reported(sentence: Sentence) -> str:
    """The sentence in reported speech: 'The Project Manager said that they will ...' (same words, third person)."""
    text = extract.tidy(sentence.text)
    if not sentence.speaker:
        return text
    shifted = _FIRST_PERSON.sub(lambda m: THIRD_PERSON[m.group(0).lower()], text)
    speaker = who(sentence.speaker)
    return f"{speaker[:1].upper()}{speaker[1:]} said that {shifted[:1].lower()}{shifted[1:]}"


def opener(attendees: Sequence[str], topics: Sequence[str]) -> str:
    """'The meeting of A, B and C discussed x, y and z.' from the speakers and the most repeated noun phrases."""
    people = [who(a) for a in attendees][:6]
    of = f" of {', '.join(people[:-1])} and {people[-1]}" if len(people) > 1 else (f" of {people[0]}" if people else "")
    about = f"{', '.join(topics[:-1])} and {topics[-1]}" if len(topics) > 1 else "".join(topics)
    return f"The meeting{of} discussed {about}." if about else ""


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


def _budget(sentences: Sequence[Sentence]) -> int:
    """Summary length in words: 2 % of the talk, within 60-100 (tuned on QMSum/MeetingBank, bench/minutes_eval.py)."""
    total = sum(s.words for s in sentences)
    return int(min(100, max(60, total * 0.02)))


def build(segments: Sequence[Segment], sentences: Sequence[Sentence], embeddings: Any, options: MinutesOptions,
          meeting_date: dt.date | None, duration: float) -> Minutes:
    """Minutes made only of sentences said in the meeting and items extracted from them."""
    attendees = sorted(_names(segments))
    minutes = Minutes(title=options.title or title_of(sentences), date=meeting_date.isoformat() if meeting_date else None,
                      location=location_of(sentences), attendees=attendees, duration=round(duration, 2))
    if not sentences:
        return minutes
    content = [s.index for s in sentences if summarize.is_content(s)]
    chosen = summarize.select(embeddings, sentences, content, _budget(sentences), options.summary_sentences, diversity=0.2)
    lead = opener(attendees, phrases(sentences)[:3])
    minutes.summary = " ".join([lead] * bool(lead) + [reported(sentences[i]) for i in chosen])
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
