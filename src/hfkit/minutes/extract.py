"""Decisions, action items, owners, due dates and open questions found by language patterns over spaCy parses."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from hfkit.minutes.dates import resolve_due
from hfkit.minutes.model import ActionItem, Citation, Decision, Question
from hfkit.minutes.nlp import Sentence

_SOFT = "so|and|but|well|um|uh|also|then|anyway|oh|now"  # dropped at the start of a sentence
_HARD = "okay|ok|yeah|yes|right|alright|all right|good|great|fine|sure"  # dropped only when followed by , or .
_LEAD = re.compile(rf"^(?:(?:(?:{_SOFT})\b[,.]?|(?:{_HARD})[,.])\s*)+", re.I)
_MODAL_I = r"(?:'ll|\s+will|\s+am going to|'m going to|\s+shall|'m gonna)"
_MODAL_YOU = r"(?:'ll|\s+will|\s+need to|\s+have to|\s+should|\s+must|'re going to|\s+are going to)"
_MODAL_NAME = r"(?:'ll|\s+will|\s+is going to|\s+needs to|\s+has to|\s+should|\s+must|\s+is to)"
_ADVERB = r"(?:(?:also|then|just|definitely|quickly|first|now|try to|go and|go ahead and)\s+)*"

# Action patterns: (regex with a 'task' group, who owns it: 'speaker', 'addressee' or 'name').
ACTION_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\bI{_MODAL_I}\s+{_ADVERB}(?P<task>[a-z][\w'-]*\b.*)", re.I), "speaker"),
    (re.compile(rf"\b(?:can|could|would|will) you\s+(?:please\s+)?{_ADVERB}(?P<task>[a-z][\w'-]*\b.*)", re.I), "addressee"),
    (re.compile(rf"\byou{_MODAL_YOU}\s+{_ADVERB}(?P<task>[a-z][\w'-]*\b.*)", re.I), "addressee"),
    (re.compile(rf"(?:^|[,.]\s*)please\s+{_ADVERB}(?P<task>[a-z][\w'-]*\b.*)", re.I), "addressee"),
    (re.compile(rf"\b(?P<name>[A-Z][a-z]+){_MODAL_NAME}\s+{_ADVERB}(?P<task>[a-z][\w'-]*\b.*)"), "name"),
    (re.compile(r"\baction item(?: for (?P<name>[A-Z][a-z]+))?\s*(?::|is|,)\s*(?P<task>\w.*)", re.I), "name"),
]
DECISION_PATTERNS: list[re.Pattern[str]] = [re.compile(p, re.I) for p in (
    r"\bwe(?:'ve| have)?\s+(?:all\s+)?(?:decided|agreed|settled on|chose|chosen|voted)\b",
    r"\b(?:let's|let us|we'll|we will|we're going to|we are going to)\s+(?:go with|stick with|adopt|keep|choose|pick|use)\b",
    r"\b(?:the|our|final)\s+decision is\b",
    r"\b(?:it's|it is|that's|that is)\s+(?:decided|settled|agreed)\b",
    r"\bwe(?:'re| are)\s+(?:all\s+)?agreed\b",
    r"\b(?:motion|resolution|ordinance|order|item|bill|amendment|report)\b.*\b(?:passes|passed|carries|carried|is adopted|"
    r"was adopted|is approved|was approved|ought to pass)\b",
    r"\b(?:all in favou?r|the ayes have it|passes unanimously|unanimously approved|approved unanimously)\b",
    r"\bvote\b.*\b(?:\d+ to \d+|unanimous|passes|carries)\b",
)]
QUESTION_PATTERN = re.compile(
    r"\b(?:should we|do we|shall we|what about|how (?:do|should|will|can|are) we|who (?:will|is going to|should)|"
    r"when (?:will|do|should|can) we|are we going to|do you think we|what (?:do|should) we)\b", re.I)
NON_TASK_VERBS = frozenset((
    "be see think say guess mean know like love want need imagine suppose have feel hope believe wonder "
    "assume remember agree repeat do get go come put leave let try look start stop tell keep give take "
    "find use "
).split())
_DUE_LEAD = re.compile(r"\s*\b(?:by|before|until|on|no later than|due|for)\s*$", re.I)
_ACK = re.compile(r"^(?:ok|okay|sure|yes|yeah|yep|will do|alright|all right|no problem|of course|i will|i'll|i can|fine)\b",
                  re.I)


def tidy(text: str) -> str:
    """Drop leading discourse markers ('So, okay,') and capitalise."""
    text = _LEAD.sub("", text).strip()
    return text[:1].upper() + text[1:]


def cite(sentence: Sentence) -> Citation:
    """The citation of a sentence: segment id, time span, speaker and the exact words."""
    return Citation(segment_id=sentence.segment.id, start=sentence.start, end=sentence.end,
                    speaker=sentence.speaker, quote=sentence.text)


@dataclass
class Context:
    """What pattern matching needs beyond the sentence: the meeting date, names, and who spoke next."""

    meeting_date: dt.date | None
    names: set[str]
    next_speaker: Callable[[Sentence], tuple[str | None, str]]


def _vocative(sentence: Sentence, names: set[str]) -> str | None:
    text = sentence.text
    for name in names:
        first = name.split()[0]
        if re.match(rf"^(?:\w+,\s*)?{re.escape(first)}\b\s*,", text) or re.search(rf",\s*{re.escape(first)}\s*[?.!]?$", text):
            return name
    for ent in sentence.span.ents:
        if ent.label_ == "PERSON" and (ent.start_char - sentence.span.start_char < 2 or ent.end_char >= sentence.span.end_char - 2):
            return str(ent.text)
    return None


def _addressee(sentence: Sentence, ctx: Context) -> str | None:
    if named := _vocative(sentence, ctx.names):
        return named
    speaker, reply = ctx.next_speaker(sentence)
    return speaker if speaker and speaker != sentence.speaker and _ACK.match(reply) else None


def _owner(kind: str, match: re.Match[str], sentence: Sentence, ctx: Context) -> str | None:
    if kind == "speaker":
        return sentence.speaker
    if kind == "addressee":
        return _addressee(sentence, ctx)
    name = match.groupdict().get("name")
    if not name:
        return None
    known = next((n for n in ctx.names if n.split()[0] == name), None)
    is_person = any(e.label_ == "PERSON" and name in e.text for e in sentence.span.ents)
    return known or (name if is_person else None)


def _task_verb_ok(sentence: Sentence, offset: int) -> bool:
    raw = sentence.span.text
    absolute = sentence.span.start_char + len(raw) - len(raw.lstrip())
    for token in sentence.span:
        if token.idx - absolute >= offset:
            return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() not in NON_TASK_VERBS
    return False


def _due(sentence: Sentence, task: str, ctx: Context) -> tuple[str, str | None, str | None]:
    """Split the due date off ``task``: (task without it, resolved ISO or words, words said)."""
    for ent in sentence.span.ents:
        if ent.label_ == "DATE" and ent.text in task:
            said = ent.text
            head, _, tail = task.partition(said)
            task = (_DUE_LEAD.sub("", head) + tail).strip(" ,")
            resolved = resolve_due(said, ctx.meeting_date)
            return task, resolved.isoformat() if resolved else said, said
    return task, None, None


def find_action(sentence: Sentence, ctx: Context) -> ActionItem | None:
    """An action item when the sentence commits, requests or assigns a task to someone known."""
    if sentence.text.rstrip().endswith("?") and "you" not in sentence.text.lower():
        return None
    for pattern, kind in ACTION_PATTERNS:
        match = pattern.search(sentence.text)
        if not match or not _task_verb_ok(sentence, match.start("task")):
            continue
        task = match["task"].strip().rstrip("?.!,")
        if len(task.split()) < 3:
            continue
        owner = _owner(kind, match, sentence, ctx)
        if owner is None:
            continue
        task, due, said = _due(sentence, task, ctx)
        return ActionItem(owner=owner, task=task[:1].upper() + task[1:], due=due, due_said=said, citation=cite(sentence))
    return None


def find_decision(sentence: Sentence) -> Decision | None:
    """A decision when the sentence reports an agreement, a choice, a motion carried or a vote."""
    if sentence.text.rstrip().endswith("?") or sentence.words < 4:
        return None
    if any(p.search(sentence.text) for p in DECISION_PATTERNS):
        return Decision(text=tidy(sentence.text), citation=cite(sentence))
    return None


def find_question(sentence: Sentence) -> Question | None:
    """An open question when the sentence asks what the group should do."""
    if sentence.text.rstrip().endswith("?") and sentence.words >= 5 and QUESTION_PATTERN.search(sentence.text):
        return Question(text=tidy(sentence.text), citation=cite(sentence))
    return None
