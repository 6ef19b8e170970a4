"""Decisions, action items, owners, due dates and open questions found by language patterns over spaCy parses."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from hfkit.minutes.dates import resolve_due
from hfkit.minutes.model import ActionItem, Citation, Decision, Question
from hfkit.minutes.nlp import Sentence
from hfkit.minutes.speakers import AUTO_LABEL

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


# ---- learned items: the detected sentences merged into items, rewritten and given an owner ----

GAP = 2  # detected sentences of one speaker at most this far apart are one item
_HEDGES = re.compile(r"^(?:(?:I think|I guess|I suppose|I mean|maybe|probably|perhaps|basically|actually|just|so|and|but|"
                     r"okay|ok|well|right|yeah|alright|um|uh|like)\b[,.]?\s*)+", re.I)
_COMMIT = re.compile(
    r"^(?:.*?\b)?(?P<who>I|we|you|he|she|they|[A-Z][a-z]+|the (?:[a-z]+ ){0,2}[a-z]+)\s*"
    r"(?:'ll|'d|will|would|'m going to|'re going to|is going to|are going to|am going to|'m gonna|'re gonna|is gonna|"
    r"have to|has to|need to|needs to|should|must|can|could|gotta|got to|'ve got to|want to|wanna)\b"
    r"(?:\s+(?:have to|need to|be able to|like to|want to|try (?:and|to)|also|just|probably|then|definitely|first|"
    r"all|both|go and|be|please|now|maybe|actually|really))*\s+(?P<rest>.+)$", re.I)
_REQUEST = re.compile(r"^(?:.*?\b)?(?:can|could|would|will) you\s+(?:please\s+|also\s+|just\s+)*(?P<rest>.+)$"
                      r"|^(?:.*?\b)?(?:I'd like you to|I want you to|"
                      r"(?:I(?:'ll| will|'d like to| want to|'m going to| am going to)\s+)?ask "
                      r"(?:the [\w ]+?|you|[A-Z]\w+) to|please|let's|let us)\s+"
                      r"(?P<rest2>.+)$", re.I)
_TRAILING = re.compile(r"(?:[\s,;:-]+|\b(?:and|or|but|so|the|a|an|to|of|uh|um|like|that|with|for|in|on|is|it|if|as|"
                       r"then|because|just|some|this|these|you know)\b)+$", re.I)
_GROUP = re.compile(r"\b(?:we|we'll|we're|we've|let's|let us|us|everyone|everybody|all of us|the team|the group|"
                    r"you guys|you all)\b", re.I)
_SELF = re.compile(r"\bI(?:'ll| will|'m going to|'m gonna| am going to| have to| need to| can| could|'d better)\b")
_YOU = re.compile(r"\byou\b", re.I)
_WE_COMMIT = re.compile(r"\b(?:we(?:'ll| will| have to| need to| should| must|'re going to|'re gonna| are going to| gotta)|"
                        r"let's|let us|everyone|everybody|all of us)\b", re.I)
_KEEP_CAPITAL = re.compile(r"(?:I|I'm|I'll|I've|I'd)\b")
ROLE_ALIASES = {"industrial designer": ("industrial designer", "i_d_", "i_d", "id"),
                "user interface": ("user interface", "u_i_", "u_i_d_", "ui", "uid", "interface designer"),
                "marketing": ("marketing", "marketing expert", "m_e_"),
                "project manager": ("project manager", "p_m_", "pm")}


@dataclass
class Item:
    """Consecutive detected sentences that make one action item, decision or problem."""

    sentences: list[Sentence]

    @property
    def text(self) -> str:
        """The sentences run together; a sentence that continues the last one (no end mark) keeps its lower case."""
        out = ""
        for sentence in self.sentences:
            text = sentence.text.strip()
            if out and not out.endswith((".", "?", "!")) and re.match(r"[A-Z][a-z]", text) and not _KEEP_CAPITAL.match(text):
                text = text[:1].lower() + text[1:]
            out = f"{out} {text}" if out else text
        return out


def merge_runs(sentences: list[Sentence], found: list[int], gap: int = GAP) -> list[Item]:
    """Detected sentence indices as items: a sentence joins the previous item when its speaker said it within ``gap``."""
    items: list[Item] = []
    last = -gap - 1
    for index in sorted(found):
        sentence = sentences[index]
        if (items and index - last <= gap and items[-1].sentences[0].speaker == sentence.speaker
                and not (_says_task(sentence.text) and _says_task(items[-1].text))):  # two tasks stay two items
            items[-1].sentences.append(sentence)
        else:
            items.append(Item([sentence]))
        last = index
    return items


def _says_task(text: str) -> bool:
    from hfkit.minutes.detect import CUES

    return any(CUES[name].search(text) for name in _TASK_CUES)


def cite_item(item: Item) -> Citation:
    """The citation of an item: its first sentence's segment and time, every segment it draws on, the words said."""
    first, last = item.sentences[0], item.sentences[-1]
    ids = list(dict.fromkeys(s.segment.id for s in item.sentences))
    return Citation(segment_id=first.segment.id, start=first.start, end=max(first.end, last.end), speaker=first.speaker,
                    quote=item.text, segment_ids=ids)


def _finish(text: str) -> str:
    """Trailing connectors and dangling words dropped, capitalised, no end punctuation."""
    text = re.sub(r"\s+", " ", text).strip(" ,;:.?!-")
    while (cut := _TRAILING.sub("", text)) != text:
        text = cut.strip(" ,;:.?!-")
    return text[:1].upper() + text[1:]


def _base_verb(text: str) -> str:
    """'working on the design' -> 'work on the design' (the first verb in its base form)."""
    from hfkit.minutes.nlp import load_spacy

    doc = load_spacy()(text)
    if len(doc) and doc[0].pos_ in ("VERB", "AUX") and doc[0].tag_ in ("VBG", "VBZ", "VBD", "VBN", "VBP"):
        return str(doc[0].lemma_ + doc[0].whitespace_ + doc[1:].text)
    return text


_YOU_KNOW = re.compile(r"\s*\byou know\b(?! (?:what|how|why|where|who|that|if|whether))\s*,?", re.I)


def _verbless(text: str) -> str:
    """A task said without a verb ("Sammy, the product evaluation") as work on it; one with a verb as it is."""
    from hfkit.minutes.nlp import load_spacy

    doc = load_spacy()(text)
    if any(t.pos_ in ("VERB", "AUX") for t in doc):
        return re.sub(r"^you\s+(?=[a-z]+\s)", "", text, flags=re.I) if doc[0].lower_ == "you" and len(doc) > 1 and \
            doc[1].pos_ == "VERB" else text
    names = 0
    while names < len(doc) and (doc[names].pos_ == "PROPN" or doc[names].is_punct):
        names += 1
    rest = doc[names:].text if names < len(doc) else text
    return f"Work on {rest[:1].lower()}{rest[1:]}"


def imperative(text: str) -> str:
    """The task as a clean imperative: "so you'll be working on the design, um" -> "Work on the design"."""
    from hfkit.minutes.condense import condense

    text = _YOU_KNOW.sub(" ", condense(_HEDGES.sub("", text.strip()))).strip()
    first = re.split(r"(?<=[.?!])\s+", text)
    for part in first:
        match = _REQUEST.match(part) or _COMMIT.match(part)
        if match:
            rest = match.groupdict().get("rest") or match.groupdict().get("rest2") or ""
            rest = re.sub(r"^(?:be\s+)(?=\w+ing\b)", "", _HEDGES.sub("", rest))
            task = _finish(_base_verb(rest))
            if len(task.split()) >= 2:
                return task
    return _finish(_base_verb(_verbless(_finish(_HEDGES.sub("", text)))))


def outcome(text: str) -> str:
    """A decision told as its outcome: "so we'll go with the yellow one" -> "The group will go with the yellow one."."""
    from hfkit.minutes.condense import condense

    text = _finish(condense(_HEDGES.sub("", text.strip())))
    text = re.sub(r"^(?:let's|let us)\s+", "The group will ", text, flags=re.I)
    text = re.sub(r"^we(?:'ll| will| should| shall|'re going to| are going to|'re gonna)\s+", "The group will ", text, flags=re.I)
    text = re.sub(r"^we(?:'re| are)\s+", "The group is ", text, flags=re.I)
    text = re.sub(r"^we\s+", "The group ", text, flags=re.I)
    text = re.sub(r"^(it|that|this)(?:'s| is) (?:gonna|going to) be\b", r"\1 will be", text, flags=re.I)
    return text[:1].upper() + text[1:] + "."


def _aliases(label: str) -> tuple[str, ...]:
    low = label.lower()
    known = next((v for k, v in ROLE_ALIASES.items() if k in low), ())
    first = (low.split()[0],) if " " in low and not known and not AUTO_LABEL.match(label) else ()
    return (low, *known, *first)


_BEFORE_OWNER = r"(?:^|,\s*|\b(?:as|ask|asking|tell|want|need|for|and|then|so|with|from)\s+)(?:the\s+|our\s+|you,?\s+(?:the\s+)?)?"
_AFTER_OWNER = (r"(?:\s+(?:designer|expert|manager))?(?:\s*,\s*|\s+)(?:you\b|will\b|'ll\b|is going to\b|are going to\b|should\b|"
                r"can\b|could\b|needs? to\b|has to\b|have to\b|to\b|and\b|is gonna\b|would\b|must\b)")


def named_speaker(text: str, speakers: set[str], except_for: str | None = None) -> str | None:
    """The speaker (role or name) that ``text`` names as the one to act ("ask the industrial designer to",
    "Bob, can you", "as the marketing expert you"), if exactly one is named so."""
    low = text.lower()
    named = set()
    for speaker in speakers:
        for alias in _aliases(speaker):
            said = rf"(?<![\w']){re.escape(alias)}(?![\w'])"
            if speaker != except_for and (re.search(_BEFORE_OWNER + said + _AFTER_OWNER, low)
                                          or re.search(rf"^(?:\w+\s+)?{said}\s*,", low)):
                named.add(speaker)
    return named.pop() if len(named) == 1 else None


def item_owner(item: Item, ctx: Context) -> str | None:
    """Who does it: a role or person named, the committer ("I'll"), the addressee ("you"), else the group or the speaker."""
    text, speaker = item.text, item.sentences[0].speaker
    if named := named_speaker(text, ctx.names, except_for=speaker):
        return named
    if _SELF.search(text):
        return speaker
    if _WE_COMMIT.search(text):
        return "the group"
    if _YOU.search(text) and not re.search(r"\byou (?:guys|all)\b", text, re.I):
        return _addressee(item.sentences[0], ctx) or _reply_speaker(item, ctx) or speaker
    if _GROUP.search(text):
        return "the group"
    return speaker


def _reply_speaker(item: Item, ctx: Context) -> str | None:
    speaker, _ = ctx.next_speaker(item.sentences[-1])
    return speaker


def item_due(item: Item, ctx: Context) -> tuple[str | None, str | None]:
    """The due date said in the item's sentences: (ISO date or the words, the words), resolved against the meeting date."""
    for sentence in item.sentences:
        for ent in sentence.span.ents:
            if ent.label_ == "DATE":
                resolved = resolve_due(ent.text, ctx.meeting_date)
                return (resolved.isoformat() if resolved else ent.text), ent.text
    return None, None


def _without_due(task: str, said: str | None) -> str:
    if not said or said not in task:
        return task
    head, _, tail = task.partition(said)
    return _finish(_DUE_LEAD.sub("", head) + tail)


_TASK_CUES = ("i_commit", "we_commit", "you_task", "request", "lets", "should", "work_on", "next_time", "send")


def has_task_form(text: str) -> bool:
    """Said as a task: a commitment, request or assignment ("I'll", "can you", "you're gonna", "let's", "work on"),
    or a bare assignment without a verb ("Sammy, the product evaluation"); not a report ("the tests are failing")."""
    from hfkit.minutes.detect import CUES
    from hfkit.minutes.nlp import load_spacy

    if any(CUES[name].search(text) for name in _TASK_CUES):
        return True
    return not any(t.pos_ in ("VERB", "AUX") for t in load_spacy()(text))


def action_from(item: Item, ctx: Context) -> ActionItem:
    """An action item from detected sentences: imperative task, owner, due date, citation."""
    due, said = item_due(item, ctx)
    task = _without_due(imperative(item.text), said)
    return ActionItem(owner=item_owner(item, ctx), task=task, due=due, due_said=said, citation=cite_item(item))


def decision_from(item: Item) -> Decision:
    return Decision(text=outcome(item.text), citation=cite_item(item))


def problem_from(item: Item) -> Question:
    from hfkit.minutes.condense import condense

    return Question(text=_finish(condense(_HEDGES.sub("", item.text))) + ".", citation=cite_item(item))
