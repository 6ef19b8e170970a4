"""Speakers on the transcript: words assigned to diarized turns by time overlap, labels renamed or named from the talk."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from hfkit.core.errors import InputError
from hfkit.core.types import Segment, Word

AUTO_LABEL = re.compile(r"^(?:SPEAKER_\d+|Speaker \d+)$")
_SELF_NAME = re.compile(r"\b(?:I'm|I am|(?i:my name is|this is|it's))\s+(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)")
_THANKS = re.compile(r"\b(?i:thanks|thank you|over to you|go ahead|your turn)\s*,?\s+(?P<name>[A-Z][a-z]+)\s*[.!]?\s*$")
NOT_NAMES = frozenset((
    "I Sorry Not Just Here The Very Going Okay Ok Yes Yeah No So Well Sure Fine Good Great Glad Happy "
    "Still Also Really Actually Right Now Today This That It Thanks Thank "
).split())
_MAX_GAP = 1.0  # seconds: a gap this long or a change of speaker starts a new segment


@dataclass(frozen=True)
class Turn:
    """Who spoke from ``start`` to ``end`` (seconds)."""

    start: float
    end: float
    speaker: str


def _speaker_at(start: float, end: float, turns: Sequence[Turn]) -> str | None:
    overlap: dict[str, float] = {}
    for turn in turns:
        shared = min(end, turn.end) - max(start, turn.start)
        if shared > 0:
            overlap[turn.speaker] = overlap.get(turn.speaker, 0.0) + shared
    if overlap:
        return max(overlap, key=overlap.__getitem__)
    middle = (start + end) / 2
    nearest = min(turns, key=lambda t: min(abs(t.start - middle), abs(t.end - middle)), default=None)
    return nearest.speaker if nearest else None


def _words_of(segment: Segment) -> tuple[Word, ...]:
    return segment.words or (Word(segment.start, segment.end, segment.text),)


def _sentences(words: Sequence[Word]) -> list[list[Word]]:
    units: list[list[Word]] = [[]]
    for word in words:
        units[-1].append(word)
        if word.word.rstrip().endswith((".", "?", "!")):
            units.append([])
    return [u for u in units if u]


def _majority(words: Sequence[Word], turns: Sequence[Turn]) -> str | None:
    """The speaker who overlaps a sentence's words the longest (word stamps at turn edges are often off)."""
    totals: dict[str, float] = {}
    for word in words:
        for turn in turns:
            shared = min(word.end, turn.end) - max(word.start, turn.start)
            if shared > 0:
                totals[turn.speaker] = totals.get(turn.speaker, 0.0) + shared
    return max(totals, key=totals.__getitem__) if totals else _speaker_at(words[0].start, words[-1].end, turns)


def assign_speakers(segments: Sequence[Segment], turns: Sequence[Turn]) -> list[Segment]:
    """Give each sentence the speaker its words overlap most, and split segments where the speaker changes."""
    if not turns:
        return list(segments)
    out: list[Segment] = []
    for segment in segments:
        words = [replace(w, speaker=speaker) for unit in _sentences(_words_of(segment))
                 for speaker in [_majority(unit, turns)] for w in unit]
        run: list[Word] = []
        for word in words:
            if run and (word.speaker != run[-1].speaker or word.start - run[-1].end > _MAX_GAP):
                out.append(_segment(len(out), run, segment))
                run = []
            run.append(word)
        if run:
            out.append(_segment(len(out), run, segment))
    return out


def _segment(index: int, words: list[Word], source: Segment) -> Segment:
    text = "".join(w.word for w in words).strip() if source.words else source.text
    return Segment(index, words[0].start, words[-1].end, text, tuple(words) if source.words else (), words[0].speaker,
                   source.avg_logprob, source.no_speech_prob)


def parse_speaker_names(spec: str) -> dict[str, str]:
    """'SPEAKER_00=Alice,SPEAKER_01=Bob' as a mapping; a malformed pair names itself."""
    names: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in spec.split(","))):
        label, sep, name = pair.partition("=")
        if not sep or not label.strip() or not name.strip():
            raise InputError(f"Speaker name '{pair}' is not LABEL=Name.", "Use e.g. --speaker-names 'SPEAKER_00=Alice'.")
        names[label.strip()] = name.strip()
    return names


def names_from_talk(segments: Sequence[Segment]) -> dict[str, str]:
    """Automatic names for generic labels: 'I'm Dana' names its speaker, 'thanks, Bob' the next speaker."""
    found: dict[str, str] = {}
    for segment in segments:
        label = segment.speaker
        if label and AUTO_LABEL.match(label) and label not in found:
            match = _SELF_NAME.search(segment.text)
            if match and match["name"].split()[0] not in NOT_NAMES:
                found[label] = match["name"]
    for index, segment in enumerate(segments[:-1]):
        match = _THANKS.search(segment.text)
        following = next((s.speaker for s in segments[index + 1:] if s.speaker != segment.speaker), None)
        if (match and following and AUTO_LABEL.match(following) and following not in found
                and match["name"] not in NOT_NAMES and match["name"] not in found.values()):
            found[following] = match["name"]
    return found


def rename(segments: Sequence[Segment], names: dict[str, str]) -> list[Segment]:
    """Segments (and their words) with speaker labels replaced by ``names``."""
    if not names:
        return list(segments)
    return [replace(s, speaker=names.get(s.speaker or "", s.speaker),
                    words=tuple(replace(w, speaker=names.get(w.speaker or "", w.speaker)) for w in s.words))
            for s in segments]


def unmet_speaker_count(segments: Sequence[Segment], wanted: int | None, low: int | None = None,
                        high: int | None = None) -> str | None:
    """A sentence saying how the speakers found differ from ``--speakers`` (or the min/max bounds), or None."""
    found = len({s.speaker for s in segments if s.speaker})
    if not found:
        return None
    if wanted is not None and found != wanted:
        return f"Asked for {wanted} speakers, but the voices separated into {found}."
    if low is not None and found < low:
        return f"Asked for at least {low} speakers, but the voices separated into {found}."
    if high is not None and found > high:
        return f"Asked for at most {high} speakers, but {found} were found."
    return None
