"""Spoken sentences made readable for a summary: false starts, repeated phrases and hedges removed, nothing added."""

from __future__ import annotations

import re

# Short function words that are whole words, never a cut-off start of the next one ("a", "to", "in").
_FUNCTION_WORDS = ("a|an|i|to|of|in|on|at|or|so|we|he|it|is|be|do|go|no|up|us|my|me|by|as|if|am|oh|and|the|for|but|not|"
                   "you|can|are|was|our|all|one|two|has|had|its|his|her|out|any|how|who|why|now|too|off")
_FALSE_START = re.compile(rf"(?<![\w'])(?!(?:{_FUNCTION_WORDS})\b)([a-z]{{1,3}})-?\s+(?=\1[a-z])", re.I)
_REPEATED_PHRASE = re.compile(r"\b((?:[\w']+[ ,]+){0,4}?[\w']+)(?:[ ,]+\1\b)+", re.I)
# "you know", "I mean" as asides: set off by commas or opening the sentence ("you know what I mean" stays).
_ASIDE = re.compile(r"(?:^|(?P<comma>,))\s*\b(?:you know|I mean)\b\s*(?:,|(?=[.?!]|$))", re.I)
_HEDGE = re.compile(r"(?:\b(?P<det>what|this|that|some|any|a|the|which|one|same|different|those|these|all) )?"
                    r"\b(?P<hedge>sort of|kind of|basically|actually)\b(?:\s*,)?", re.I)
_SPACE_PUNCT = re.compile(r"\s+([,.?!;:])")
_PUNCT_RUN = re.compile(r"([,.?!;:])(?:\s*[,.;:])+")
_COMMA_BEFORE_END = re.compile(r"[,;:]\s*([.?!])")


def _drop_hedge(match: re.Match[str]) -> str:
    """'sort of', 'basically' go; 'what kind of' stays (there 'kind' is a noun)."""
    det, hedge = match.group("det"), match.group("hedge").lower()
    if det and hedge in ("sort of", "kind of"):
        return match.group(0)
    return f" {det} " if det else " "


def _drop_aside(match: re.Match[str]) -> str:
    return ", " if match.group("comma") else " "


def tidy_spacing(text: str) -> str:
    """One space between words, none before punctuation, no runs of punctuation."""
    text = _SPACE_PUNCT.sub(r"\1", re.sub(r"\s+", " ", text))
    return _PUNCT_RUN.sub(r"\1", _COMMA_BEFORE_END.sub(r"\1", text)).strip()


def condense(text: str) -> str:
    """The sentence without false starts ('th technical'), repeated phrases ('we don't we don't') or hedges."""
    text = _FALSE_START.sub("", text)
    text = _REPEATED_PHRASE.sub(r"\1", text)
    return tidy_spacing(_HEDGE.sub(_drop_hedge, _ASIDE.sub(_drop_aside, text)))
