"""Transcripts in: text ``Speaker: text`` lines or transcript JSON, cleaned of disfluency tags and fillers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hfkit.core.clock import parse_clock
from hfkit.core.errors import InputError
from hfkit.core.types import Segment, TranscriptionInfo, Word

WORDS_PER_SECOND = 2.5  # speaking rate used to give untimed text transcripts a timeline
TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})

_TAG = re.compile(r"\{[a-z_]+\}|\[(?:noise|laughter|inaudible|music|crosstalk|silence)\]|<[^>]{1,20}>", re.I)
_FILLER = re.compile(r"(?<![\w'])(?:u+m+|u+h+m*|e+r+m*|e+h+|a+h+|hmm+|mm+-?hmm+|mm+|mhm|er|uh-huh)(?![\w'])[,.]?", re.I)
_SPELLED = re.compile(r"(?<![\w'])((?:[A-Za-z]_)+)(?=[\s,.?!;:']|$)")  # AMI's spelled letters: "T_V_" is "TV"
_REPEAT = re.compile(r"\b(\w+)(?:\s+\1\b)+", re.I)
_SPACE_PUNCT = re.compile(r"\s+([,.?!;:])")
_PUNCT_RUN = re.compile(r"([,.?!;:])(?:\s*[,.;:])+")
_LEADING_PUNCT = re.compile(r"^[\s,.;:]+")
# A speaker label is any run of up to MAX_LABEL_WORDS words before the colon ("Vaughan Gething AM (The Minister for
# Health and Social Services): ..."), so names and roles of any length are seen as speakers.
_LINE = re.compile(r"^\s*(?:\[(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)\]\s*)?(?P<speaker>[^:\[\]?!]{1,160}?)\s*:\s+(?P<text>.+)$")
MAX_LABEL_WORDS = 16
_TIMES = re.compile(r"^\s*\[\d{1,2}:\d{2}", re.M)


def clean_text(text: str) -> str:
    """Remove disfluency tags ({disfmarker}, [noise]), fillers and stutters, join spelled letters (AMI's "T_V_");
    tidy spaces before punctuation. Works the same on human transcripts (AMI, QMSum) and speech recognition output."""
    text = _TAG.sub(" ", text)
    text = _SPELLED.sub(lambda m: m.group(1).replace("_", "").upper(), text)
    text = _FILLER.sub(" ", text)
    text = _REPEAT.sub(r"\1", text)
    text = re.sub(r"\s+", " ", text)
    text = _SPACE_PUNCT.sub(r"\1", text)
    text = _PUNCT_RUN.sub(r"\1", text)
    text = _LEADING_PUNCT.sub("", text).strip()
    return text[:1].upper() + text[1:] if text else ""


def clean_segments(segments: list[Segment]) -> list[Segment]:
    """Cleaned copies of ``segments``, dropping those left with no words."""
    cleaned = []
    for seg in segments:
        text = clean_text(seg.text)
        if re.search(r"\w", text):
            cleaned.append(Segment(seg.id, seg.start, seg.end, text, seg.words, seg.speaker,
                                   seg.avg_logprob, seg.no_speech_prob))
    return cleaned


def _timeline(turns: Sequence[tuple[str | None, str, float | None]]) -> list[Segment]:
    """Segments from (speaker, text, start) turns; missing times follow the speaking rate."""
    segments: list[Segment] = []
    clock = 0.0
    for index, (speaker, text, start) in enumerate(turns):
        begin = start if start is not None else clock
        end = begin + max(0.5, len(text.split()) / WORDS_PER_SECOND)
        segments.append(Segment(index, round(begin, 2), round(end, 2), text.strip(), speaker=speaker))
        clock = end
    return segments


def parse_text(text: str, source: str = "<text>") -> list[Segment]:
    """``Speaker: text`` lines (optionally ``[mm:ss]`` first); lines without a speaker continue the last turn."""
    turns: list[tuple[str | None, str, float | None]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match and len(match["speaker"].split()) <= MAX_LABEL_WORDS:
            time = match["time"]
            turns.append((match["speaker"].strip(), match["text"], parse_clock(time) if time else None))
        elif turns:
            speaker, previous, start = turns[-1]
            turns[-1] = (speaker, f"{previous} {line.strip()}", start)
        else:
            turns.append((None, line.strip(), None))
    if not turns:
        raise InputError(f"Transcript '{source}' contains no text.", "Pass a transcript with 'Speaker: text' lines.")
    return _timeline(turns)


def _field(item: Any, name: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(item, dict) or name not in item:
        raise InputError(f"{where} has no '{name}' field.", _HINT)
    if not isinstance(item[name], kind):
        raise InputError(f"{where} field '{name}' has the wrong type.", _HINT)
    return item[name]


_HINT = "Pass a transcript JSON written by 'hfkit transcribe'."
_NUMBER = (int, float)


def _word(item: Any, where: str) -> Word:
    return Word(float(_field(item, "start", where, _NUMBER)), float(_field(item, "end", where, _NUMBER)),
                str(_field(item, "word", where, str)), float(item.get("probability", 1.0)), item.get("speaker"))


def _from_hfkit(data: dict[str, Any], source: str) -> list[Segment]:
    segments = []
    for index, item in enumerate(_field(data, "segments", f"Transcript '{source}'", list)):
        where = f"Transcript '{source}' segment {index}"
        text = str(_field(item, "text", where, str))
        start, end = float(_field(item, "start", where, _NUMBER)), float(_field(item, "end", where, _NUMBER))
        words = tuple(_word(w, f"{where} word {i}") for i, w in enumerate(item.get("words") or ()))
        segments.append(Segment(int(item.get("id", index)), start, end, text, words, item.get("speaker")))
    return segments


def _from_qmsum(data: dict[str, Any], source: str) -> list[Segment]:
    items = _field(data, "meeting_transcripts", f"Transcript '{source}'", list)
    turns = [(str(_field(t, "speaker", f"Turn {i}", str)), str(_field(t, "content", f"Turn {i}", str)), None)
             for i, t in enumerate(items)]
    return _timeline(turns)


def _from_plain(data: dict[str, Any], source: str) -> list[Segment]:
    return parse_text(_field(data, "transcript", f"Transcript '{source}'", str), source)


# JSON transcript shapes, by the key that identifies them: hfkit's own, QMSum's and MeetingBank's.
JSON_SHAPES: dict[str, Callable[[dict[str, Any], str], list[Segment]]] = {
    "segments": _from_hfkit,
    "meeting_transcripts": _from_qmsum,
    "transcript": _from_plain,
}


def parse_json(data: Any, source: str = "<json>") -> list[Segment]:
    """Segments from a transcript JSON value; a wrong shape names the missing field."""
    if not isinstance(data, dict):
        raise InputError(f"Transcript '{source}' is not a JSON object.", _HINT)
    shape = next((key for key in JSON_SHAPES if key in data), "segments")
    try:
        return JSON_SHAPES[shape](data, source)
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. "probability": "high", "id": "x"
        raise InputError(f"Transcript '{source}' has a value of the wrong type ({exc}).", _HINT) from exc


def has_times(data: Any) -> bool:
    """Whether a transcript JSON says when each turn was spoken (QMSum turns and plain text without stamps do not)."""
    if isinstance(data, dict) and "meeting_transcripts" in data:
        return False
    if isinstance(data, dict) and "segments" not in data and isinstance(data.get("transcript"), str):
        return bool(_TIMES.search(data["transcript"]))
    return True


def load_transcript(path: Path) -> tuple[TranscriptionInfo, list[Segment]]:
    """Read a .json or text transcript file into info and segments."""
    from hfkit.core.paths import read_text

    raw = read_text(path, "Transcript")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"Transcript '{path}' is not valid JSON (line {exc.lineno}: {exc.msg}).",
                             "Fix the JSON or pass a text transcript.") from exc
        except RecursionError as exc:
            raise InputError(f"Transcript '{path}' is nested too deeply to read.", "Pass a transcript JSON written by "
                             "'hfkit transcribe'.") from exc
        segments = parse_json(data, str(path))
        language = str(data.get("language") or "en")
    else:
        segments = parse_text(raw, str(path))
        language = "en"
    duration = max((s.end for s in segments), default=0.0)
    timed = has_times(data) if path.suffix.lower() == ".json" else bool(_TIMES.search(raw))
    return TranscriptionInfo(str(path), language, 1.0, duration, "transcript", {"timed": timed}), segments
