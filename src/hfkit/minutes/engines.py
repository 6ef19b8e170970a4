"""The registry of minutes engines: each refines grounded minutes (the grounded engine returns them as they are)."""

from __future__ import annotations

from collections.abc import Callable

from hfkit.core.types import Segment
from hfkit.minutes.model import Minutes, MinutesOptions


def _grounded(minutes: Minutes, segments: list[Segment], options: MinutesOptions) -> Minutes:
    return minutes


def _llm(minutes: Minutes, segments: list[Segment], options: MinutesOptions) -> Minutes:
    from hfkit.minutes.llm import refine

    return refine(minutes, segments, options)


ENGINES: dict[str, Callable[[Minutes, list[Segment], MinutesOptions], Minutes]] = {
    "grounded": _grounded,
    "llm": _llm,
}
