"""Sizes written by people (``500MB``, ``2GB``) as bytes."""

from __future__ import annotations

import re

from hfkit.core.errors import InputError

_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3, "t": 1024**4, "tb": 1024**4}


def parse_size(spec: str) -> int:
    """Turn ``2GB``, ``500mb`` or ``1048576`` into bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", spec)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS or float(match.group(1)) <= 0:
        raise InputError(f"'{spec}' is not a file size.", "Write a positive size such as 500MB or 2GB.")
    return int(float(match.group(1)) * _UNITS[unit])
