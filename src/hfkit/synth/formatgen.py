"""Strings for every standard JSON Schema ``format`` and for regular expressions (``pattern``, via ``rstr``)."""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache
from typing import Any

from hfkit.core.errors import missing_extra

Sampler = Callable[[Any, Any], str]  # (numpy rng, faker) -> str
REPEAT_LIMIT = 8  # '*' and '+' repeat at most this many times beyond their minimum


def _date(rng: Any, fake: Any) -> str:
    return f"{int(rng.integers(2020, 2026))}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}"


def _time(rng: Any, fake: Any) -> str:
    return f"{int(rng.integers(0, 24)):02d}:{int(rng.integers(0, 60)):02d}:{int(rng.integers(0, 60)):02d}Z"


def _datetime(rng: Any, fake: Any) -> str:
    return f"{_date(rng, fake)}T{_time(rng, fake)}"


def _duration(rng: Any, fake: Any) -> str:
    return f"P{int(rng.integers(0, 30))}DT{int(rng.integers(0, 24))}H{int(rng.integers(0, 60))}M"


def _uuid(rng: Any, fake: Any) -> str:
    import uuid

    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


def _pointer(rng: Any, fake: Any) -> str:
    return "/" + "/".join(fake.words(int(rng.integers(1, 4))))


FORMATS: dict[str, Sampler] = {
    "date": _date,
    "time": _time,
    "date-time": _datetime,
    "duration": _duration,
    "uuid": _uuid,
    "email": lambda r, f: str(f.email()),
    "idn-email": lambda r, f: str(f.email()),
    "hostname": lambda r, f: str(f.domain_name()),
    "idn-hostname": lambda r, f: str(f.domain_name()),
    "ipv4": lambda r, f: str(f.ipv4()),
    "ipv6": lambda r, f: str(f.ipv6()),
    "uri": lambda r, f: str(f.url()),
    "iri": lambda r, f: str(f.url()),
    "uri-reference": lambda r, f: str(f.uri_path()),
    "iri-reference": lambda r, f: str(f.uri_path()),
    "uri-template": lambda r, f: f"{f.url()}{{id}}",
    "json-pointer": _pointer,
    "relative-json-pointer": lambda r, f: f"{int(r.integers(0, 3))}{_pointer(r, f)}",
    "regex": lambda r, f: f"^{f.word()}[0-9]+$",
    "color": lambda r, f: str(f.hex_color()),
    "phone": lambda r, f: str(f.phone_number()),
    "password": lambda r, f: str(f.password()),
    "byte": lambda r, f: "aGZraXQ=",
    "binary": lambda r, f: str(f.word()),
    "int32": lambda r, f: str(int(r.integers(0, 1000))),
    "int64": lambda r, f: str(int(r.integers(0, 10**6))),
}


def for_format(name: str) -> Sampler | None:
    """The sampler of a ``format`` (standard ones and common OpenAPI extras), or None for an unknown one."""
    return FORMATS.get(name)


@cache
def _xeger_class() -> Any:
    try:
        import rstr
    except ImportError as exc:
        raise missing_extra("rstr", "synth") from exc

    class ShortXeger(rstr.Rstr):  # type: ignore[misc, name-defined]
        """rstr's generator with short open-ended repeats (``\\d+`` is a few digits, not up to 100)."""

        def _handle_repeat(self, start_range: int, end_range: int, value: Any) -> str:
            end_range = min(end_range, start_range + REPEAT_LIMIT)
            times = self._random.randint(start_range, end_range)
            return "".join("".join(self._handle_state(i) for i in value) for _ in range(times))

    return ShortXeger


def from_regex(pattern: str, rng: random.Random, max_length: int | None = None) -> str:
    """A string matching ``pattern`` (anchors honoured, open repeats kept short), seeded by ``rng``."""
    generator = _xeger_class()(rng)
    value: str = generator.xeger(pattern)
    return value[:max_length] if max_length is not None and len(value) > max_length else value
