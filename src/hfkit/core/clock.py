"""Clock times as people write them: ``ss``, ``mm:ss`` or ``hh:mm:ss`` with optional fractions."""

from __future__ import annotations


def parse_clock(stamp: str) -> float:
    """Seconds of a clock time such as ``01:02:03``, ``02:03.5`` or ``7`` (ValueError when it is not one)."""
    value = 0.0
    for part in stamp.strip().split(":"):
        value = value * 60 + float(part)
    return value
