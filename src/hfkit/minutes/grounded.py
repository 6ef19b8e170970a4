"""The grounded engine: every line of the minutes is chosen or extracted from the transcript, no LLM needed."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from hfkit.core.types import Segment
from hfkit.minutes import detect, extract, narrative, summarize
from hfkit.minutes.dates import MONTHS, WEEKDAYS
from hfkit.minutes.model import ActionItem, Decision, KeyPoint, Minutes, MinutesOptions, Question
from hfkit.minutes.nlp import Sentence

Items = tuple[list[ActionItem], list[Decision], list[Question]]

_NEXT = re.compile(r"\b(?:next (?:meeting|time|step|steps|week)|we need to|we have to|we should|we(?:'ll| will) need to|"
                   r"follow up|follow-up)\b", re.I)
_TAKEAWAY = re.compile(r"\b(?:important|the key|main (?:point|thing|idea)|the point is|bottom line|in (?:summary|conclusion)|"
                       r"overall|the goal is|our aim|we must)\b", re.I)
_LOCATION_CUE = re.compile(r"\b(?:meeting|welcome|here|gathered|held)\b", re.I)
MAX_ITEMS = 12
# A sentence the cue-word rules find is kept when its learned probability reaches this share of the class's threshold.
RULE_GATE = {"action": 0.05, "decision": 0.0, "problem": 1.0}


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


FILLER_WORDS = frozenset("little bit good point idea thing stuff lot kind sort way time question next last first second "
                         "one minute moment sense fact case problem issue number couple end meeting today yesterday "
                         "tomorrow week day morning afternoon people guy guys".split())


_WHEN = re.compile(r"\b(?:" + "|".join(WEEKDAYS + MONTHS) + r"|\w+(?:teenth|tieth)|first|second|third|fourth|fifth|tenth|"
                   r"one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|percent|euro|dollar|pound|\d+)s?\b", re.I)


def _subject_phrases(sentences: Sequence[Sentence], weights: Any = None) -> list[str]:
    """Noun phrases said at least twice and naming something (not 'little bit', 'good point'), most salient first."""
    said: Counter[str] = Counter()
    score: dict[str, float] = defaultdict(float)
    for sentence in sentences:
        weight = 1.0 + (float(weights[sentence.index]) if weights is not None else 0.0)
        for phrase in narrative.noun_phrases(sentence):
            words = phrase.split()
            if (any(w not in FILLER_WORDS for w in words) and words[-1] not in FILLER_WORDS and len(phrase) > 3
                    and not _WHEN.search(phrase)):
                said[phrase] += 1
                score[phrase] += weight
    forms = narrative.surface_forms(sentences)
    return [forms[p] for p in sorted(score, key=lambda p: -score[p]) if said[p] >= 2]


def title_of(sentences: Sequence[Sentence], weights: Any = None) -> str:
    """The meeting's subject: its most salient multi-word noun phrase, then the next distinct one ('Remote control:
    functional design'); never a filler phrase; 'Meeting' when nothing is said twice."""
    ranked = _subject_phrases(sentences, weights)
    multi = [p for p in ranked if len(p.split()) >= 2]
    head = (multi or ranked or ["Meeting"])[0]
    other = next((p for p in multi if not set(p.lower().split()) & set(head.lower().split())), None)
    title = f"{head}: {other}" if other else head
    return title[:1].upper() + title[1:]


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


def _one_per_task(actions: list[ActionItem]) -> list[ActionItem]:
    """One item per owner and task (the request and its "sure, I will" reply); a due date said in either is kept."""
    kept: dict[str, ActionItem] = {}
    for action in actions:
        key = f"{action.owner}:{' '.join(action.task.lower().split()[:4])}"
        if key not in kept:
            kept[key] = action
        elif kept[key].due is None and action.due is not None:
            kept[key].due, kept[key].due_said = action.due, action.due_said
    return list(kept.values())


def _rule_items(sentences: Sequence[Sentence], probs: dict[str, Any] | None, ctx: extract.Context) -> Items:
    """The cue-word rules alone (the baseline the learned detectors are measured against)."""
    actions = [a for s in sentences if (a := extract.find_action(s, ctx))]
    decisions = [d for s in sentences if (d := extract.find_decision(s))]
    return actions, decisions, []


def _found(name: str, sentences: Sequence[Sentence], probs: dict[str, Any], ruled: set[int]) -> list[int]:
    threshold = detect.load().thresholds[name]
    return [s.index for s in sentences if probs[name][s.index] >= threshold
            or (s.index in ruled and probs[name][s.index] >= RULE_GATE[name] * threshold)]


def _learned_items(sentences: Sequence[Sentence], probs: dict[str, Any] | None, ctx: extract.Context) -> Items:
    """Sentences the learned detectors find (or the rules find and the detectors do not doubt), merged into items."""
    assert probs is not None
    listed = list(sentences)
    ruled_actions = {s.index for s in sentences if extract.find_action(s, ctx)}
    ruled_decisions = {s.index for s in sentences if extract.find_decision(s)}
    tasks = [i for i in _found("action", sentences, probs, ruled_actions) if extract.has_task_form(listed[i].text)]
    actions = [extract.action_from(item, ctx) for item in extract.merge_runs(listed, tasks)]
    decisions = [extract.decision_from(item)
                 for item in extract.merge_runs(listed, _found("decision", sentences, probs, ruled_decisions))]
    problems = [extract.problem_from(item) for item in extract.merge_runs(listed, _found("problem", sentences, probs, set()))]
    return actions, decisions, problems


ITEM_FINDERS = {"learned": _learned_items, "rules": _rule_items}


def probabilities(sentences: Sequence[Sentence], embeddings: Any) -> dict[str, Any]:
    """The learned detectors' probabilities for every sentence."""
    rows = detect.features(embeddings, [s.text for s in sentences], [s.speaker for s in sentences])
    return detect.load().probabilities(rows)


_ADDRESSED = re.compile(r"^(?:\w+\s+)?(?:you|your|yours|thank|thanks)\b|^[A-Z][a-z]+\s*,|\b(?:you|I)\s*[.!]?$", re.I)


def is_headline(sentence: Sentence) -> bool:
    """A statement a reader understands alone: a full clause of 5 to 35 words, not a question, not cut off, not
    addressed to someone in the room."""
    if not 5 <= sentence.words <= 35 or sentence.text.rstrip().endswith("?") or _ADDRESSED.search(sentence.text):
        return False
    root = sentence.span.root
    has_subject = any(t.dep_ in ("nsubj", "nsubjpass", "expl") and t.lower_ != "you" for t in root.children)
    last = [t for t in sentence.span if t.is_alpha]
    dangling = last[-1].pos_ in ("ADP", "DET", "CCONJ", "SCONJ", "PRON", "AUX", "PART") if last else True
    return root.pos_ in ("VERB", "AUX") and has_subject and not dangling and not sentence.text.rstrip().endswith(("-", ","))


def headline(sentence: Sentence) -> str:
    from hfkit.minutes.condense import condense

    text = extract.tidy(condense(sentence.text)).rstrip(" ,;:")
    return text if text.endswith((".", "!")) else f"{text}."


def key_points(sentences: Sequence[Sentence], embeddings: Any, salience: Any) -> list[KeyPoint]:
    """One headline per topic: the most salient full statement of each topic span (topics without one are left out)."""
    points = []
    topics = max(1, min(8, len(sentences) // 40))
    for first, last in summarize.topic_spans(embeddings, topics):
        span = [i for i in range(first, last) if is_headline(sentences[i])]
        if not span:
            continue
        centrality = summarize.central(embeddings, span)
        best = max(range(len(span)), key=lambda k: float(salience[span[k]]) + 0.1 * centrality[k] if salience is not None
                   else centrality[k])
        chosen = sentences[span[best]]
        points.append(KeyPoint(text=headline(chosen), start=sentences[first].start, end=sentences[last - 1].end,
                               citations=[extract.cite(chosen)]))
    return points


def build(segments: Sequence[Segment], sentences: Sequence[Sentence], embeddings: Any, options: MinutesOptions,
          meeting_date: dt.date | None, duration: float) -> Minutes:
    """Minutes made only of sentences said in the meeting and items extracted from them."""
    attendees = sorted(_names(segments))
    probs = probabilities(sentences, embeddings) if sentences and options.detector == "learned" else None
    salience = probs["abstract"] if probs is not None else None
    minutes = Minutes(title=options.title or title_of(sentences, salience),
                      date=meeting_date.isoformat() if meeting_date else None,
                      location=location_of(sentences), attendees=attendees, duration=round(duration, 2))
    if not sentences:
        return minutes
    minutes.summary = narrative.write(sentences, embeddings, attendees, options.summary_sentences, salience)
    minutes.key_points = key_points(sentences, embeddings, salience)
    ctx = extract.Context(meeting_date, set(attendees), _next_speaker(sentences, segments))
    actions, decisions, problems = ITEM_FINDERS[options.detector](sentences, probs, ctx)
    questions: list[Question] = [q for s in sentences if (q := extract.find_question(s))]
    minutes.action_items = _one_per_task(actions)[:MAX_ITEMS * 2]
    minutes.decisions = _dedupe(decisions, lambda d: d.text)[:MAX_ITEMS * 2]
    minutes.problems = _dedupe(problems, lambda q: q.text)[:MAX_ITEMS // 2]
    minutes.open_questions = _dedupe(questions, lambda q: q.text)[:5]
    takeaways = [extract.tidy(s.text) for s in sentences if s.words >= 5 and _TAKEAWAY.search(s.text)]
    minutes.takeaways = _dedupe(takeaways, str)[:5]
    steps = [extract.tidy(s.text) for s in sentences if s.words >= 5 and _NEXT.search(s.text) and not s.text.endswith("?")]
    minutes.next_steps = _dedupe(steps, str)[:6]
    return minutes
