"""The summary written the way meeting abstracts are: who met and what they discussed, topic by topic in order, with
the most central statements told in reported speech. Every name, noun phrase and statement comes from the transcript.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from hfkit.minutes import summarize
from hfkit.minutes.condense import condense
from hfkit.minutes.extract import tidy
from hfkit.minutes.nlp import Sentence, load_spacy

WORDS_PER_TOPIC = 700  # one topic sentence per this much talk (QMSum abstracts run about one sentence per topic)
MAX_TOPICS = 8
LEAD_SHARE = 0.5  # a speaker with this share of a topic's words is the one who talked about it
QUOTE_WORDS = (10, 40)  # statements quoted in the summary: long enough to say something, short enough to read
MAX_ATTENDEES_NAMED = 6
# General nouns that name no topic of their own ("the thing", "a lot", "kind of").
LIGHT_NOUNS = frozenset("thing stuff kind sort lot bit way part time idea point fact case sense half option "
                        "morning afternoon evening".split())
ROLE_WORDS = frozenset({"marketing", "chair", "chairman", "chairwoman", "clerk", "moderator", "host", "secretary"})
_FIRST_PERSON = re.compile(r"\b(?:I'm|I've|I'll|I'd|we're|we've|we'll|we'd|I|we|our|us|ours|my|me|myself|ourselves)\b"
                           r"|(?<=\bI )am\b", re.I)
THIRD_PERSON = {"we": "the group", "our": "their", "us": "them", "ours": "theirs", "i": "they", "my": "their", "me": "them",
                "i'm": "they're", "i've": "they've", "i'll": "they'll", "i'd": "they'd", "we're": "they're",
                "we've": "they've", "we'll": "they'll", "we'd": "they'd", "myself": "themselves",
                "ourselves": "themselves", "am": "are"}


def summary_budget(talk_words: int) -> int:
    """Summary length in words grows with the meeting: about 70 for 20 minutes of talk, 140 for an hour, at most 250."""
    return int(min(250, 50 + talk_words / 100))


@lru_cache(maxsize=256)
def is_role(label: str) -> bool:
    """'Project Manager' and 'Chair' are roles; 'Ed Evans', 'Dana' and 'SPEAKER_00' are names (spaCy NER and POS)."""
    if label.lower() in ROLE_WORDS:
        return True
    if any(ch.isdigit() for ch in label):
        return False
    nlp = load_spacy()
    for template in ("{} said that it works.", "I met {} yesterday.", "Thanks, {}."):
        if any(ent.label_ == "PERSON" for ent in nlp(template.format(label)).ents):
            return False
    tokens = [t for t in nlp(f"the {label.lower()} said") if t.is_alpha]
    return len(tokens) >= 3 and tokens[-2].pos_ == "NOUN"


def who(label: str) -> str:
    """'the Project Manager' for roles, 'Dana' for names."""
    return f"the {label}" if is_role(label.strip()) else label


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def reported(sentence: Sentence) -> str:
    """The sentence in reported speech: 'The Project Manager said that they will ...' (same words, third person)."""
    text = tidy(condense(sentence.text)).rstrip(" ,;:-")
    text = text if text.endswith((".", "?", "!")) else f"{text}."
    if not sentence.speaker:
        return text
    shifted = _FIRST_PERSON.sub(lambda m: THIRD_PERSON[m.group(0).lower()], _agree_with_group(text))
    return f"{capitalised(who(sentence.speaker))} said that {shifted[:1].lower()}{shifted[1:]}"


def _agree_with_group(text: str) -> str:
    """Present-tense verbs whose subject is "we" made singular, since "we" becomes "the group": "we fix" -> "fixes"."""
    doc = load_spacy()(text)
    verbs = {t.head.i for t in doc if t.lower_ == "we" and t.dep_ == "nsubj" and t.head.tag_ == "VBP" and t.head.i > t.i}
    return "".join((_singular(t.text) if t.i in verbs else t.text) + t.whitespace_ for t in doc)


def _singular(verb: str) -> str:
    """Third person singular of a present-tense verb: are -> is, have -> has, fix -> fixes, try -> tries."""
    irregular = {"are": "is", "have": "has", "do": "does", "go": "goes"}
    lower = verb.lower()
    if lower.startswith("'"):  # "we're", "we've" become "they're", "they've"
        return verb
    if lower in irregular:
        return irregular[lower]
    if lower.endswith(("s", "sh", "ch", "x", "z", "o")):
        return f"{verb}es"
    if lower.endswith("y") and lower[-2:-1] not in "aeiou":
        return f"{verb[:-1]}ies"
    return f"{verb}s"


def listed(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return f"{', '.join(items[:-1])} and {items[-1]}" if len(items) > 1 else "".join(items)


def noun_phrases(sentence: Sentence) -> dict[str, str]:
    """The sentence's noun phrases, light nouns left out: lemmatised content words ('remote control') -> as said."""
    found = {}
    for chunk in sentence.span.noun_chunks:
        if chunk.root.pos_ != "NOUN" or chunk.root.lemma_.lower() in LIGHT_NOUNS:
            continue
        words = [t for t in chunk if t.is_alpha and not t.is_stop and t.pos_ in ("NOUN", "PROPN", "ADJ")]
        if words:
            said = " ".join(t.text if t.pos_ == "PROPN" else t.text.lower() for t in words)
            found[" ".join(t.lemma_.lower() for t in words)] = said
    return found


def _salience(sentences: Sequence[Sentence], embeddings: Any, first: int, last: int) -> tuple[Counter[str], dict[str, float]]:
    """How often each phrase is said in sentences [first, last), and how central those sentences are."""
    counts: Counter[str] = Counter()
    weights: dict[str, float] = defaultdict(float)
    centrality = summarize.central(embeddings, range(first, last))
    for offset, sentence in enumerate(sentences[first:last]):
        for phrase in noun_phrases(sentence):
            counts[phrase] += 1
            weights[phrase] += max(0.0, centrality[offset])
    return counts, weights


def surface_forms(sentences: Sequence[Sentence]) -> dict[str, str]:
    """Each phrase as it was most often said ('Welsh bac' for 'welsh bac', 'remote controls' or 'remote control')."""
    said: dict[str, Counter[str]] = defaultdict(Counter)
    for sentence in sentences:
        for phrase, form in noun_phrases(sentence).items():
            said[phrase][form] += 1
    return {phrase: forms.most_common(1)[0][0] for phrase, forms in said.items()}


def _distinct(ranked: Sequence[str], count: int) -> list[str]:
    """The first ``count`` phrases that share no word with one already taken ('welsh bac', not also 'bac')."""
    taken: list[str] = []
    for phrase in ranked:
        if len(taken) < count and not any(set(phrase.split()) & set(t.split()) for t in taken):
            taken.append(phrase)
    return taken


def topic_phrases(sentences: Sequence[Sentence], embeddings: Any, spans: Sequence[tuple[int, int]],
                  per_topic: int = 2) -> list[list[str]]:
    """For each span, its phrases said at least twice (as most often said), ranked by the centrality of the
    sentences saying them and by how particular they are to the span (inverse span frequency)."""
    stats = [_salience(sentences, embeddings, first, last) for first, last in spans]
    spread = Counter(phrase for counts, _ in stats for phrase in counts)
    forms = surface_forms(sentences)
    labels = []
    for counts, weights in stats:
        ranked = sorted((p for p in counts if counts[p] >= 2),
                        key=lambda p: -weights[p] * math.log(1 + len(spans) / spread[p]))
        labels.append([forms[p] for p in _distinct(ranked, per_topic)])
    return labels


def lead_speaker(sentences: Sequence[Sentence]) -> str | None:
    """The speaker who said at least LEAD_SHARE of these sentences' words, if one did."""
    words: Counter[str] = Counter()
    for sentence in sentences:
        if sentence.speaker:
            words[sentence.speaker] += sentence.words
    if not words:
        return None
    speaker, said = words.most_common(1)[0]
    return speaker if said >= LEAD_SHARE * sum(words.values()) else None


def topic_sentence(position: int, count: int, speaker: str | None, phrases: Sequence[str]) -> str:
    """'First, the group discussed the x and the y.' / 'Then the Project Manager talked about the z.'"""
    opening = "First, " if position == 0 else ("Finally, " if position == count - 1 else "Then ")
    subject, verb = (who(speaker), "talked about") if speaker else ("the group", "discussed")
    return capitalised(f"{opening}{subject} {verb} {listed(['the ' + p for p in phrases])}.")


def opener(attendees: Sequence[str], topics: Sequence[str]) -> str:
    """'The meeting of A, B and C discussed x, y and z.' from the speakers and the meeting's most salient phrases."""
    people = [who(a) for a in attendees]
    if len(people) > MAX_ATTENDEES_NAMED:
        people = [*people[:MAX_ATTENDEES_NAMED - 1], f"{len(people) - MAX_ATTENDEES_NAMED + 1} others"]
    of = f" of {listed(people)}" if people else ""
    return f"The meeting{of} discussed {listed(topics)}." if topics else ""


def topic_sentences(sentences: Sequence[Sentence], embeddings: Any) -> dict[int, str]:
    """One sentence per topic segment (MiniLM TextTiling), keyed by the topic's first sentence; none for one topic."""
    topics = max(1, min(MAX_TOPICS, round(sum(s.words for s in sentences) / WORDS_PER_TOPIC)))
    spans = summarize.topic_spans(embeddings, topics)
    if len(spans) < 2:
        return {}
    labels = topic_phrases(sentences, embeddings, spans)
    return {first: topic_sentence(n, len(spans), lead_speaker(sentences[first:last]), labels[n])
            for n, (first, last) in enumerate(spans) if labels[n]}


def is_quotable(sentence: Sentence) -> bool:
    """A statement (not a question) of a readable length."""
    low, high = QUOTE_WORDS
    return low <= sentence.words <= high and not sentence.text.rstrip().endswith("?")


def write(sentences: Sequence[Sentence], embeddings: Any, attendees: Sequence[str], max_sentences: int = 0,
          salience: Any = None) -> str:
    """Opener, then the topic sentences and the most salient statements (MMR; learned salience when given, else
    centrality) in the order they came up."""
    if not sentences:
        return ""
    lead = opener(attendees, topic_phrases(sentences, embeddings, [(0, len(sentences))], 3)[0])
    topics = topic_sentences(sentences, embeddings)
    used = len(lead.split()) + sum(len(t.split()) for t in topics.values())
    left = summary_budget(sum(s.words for s in sentences)) - used
    quotable = [s.index for s in sentences if is_quotable(s)]
    chosen = summarize.select(embeddings, sentences, quotable, max(1, left), max_sentences, diversity=0.2, salience=salience)
    told = {**{(first, 0): text for first, text in topics.items()}, **{(i, 1): reported(sentences[i]) for i in chosen}}
    return " ".join([lead] * bool(lead) + [told[key] for key in sorted(told)])
