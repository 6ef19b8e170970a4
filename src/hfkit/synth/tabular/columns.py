"""Column kinds learned from a sample: each kind fits its values and turns them to and from uniform scores.

A kind that takes part in the copula has ``encode`` (sample values -> uniform scores in (0, 1), missing values
included as their own share) and ``decode`` (uniform scores -> new values). The others (ids, names, emails, free
text) ``generate`` values on their own. ``sdtype`` says how the fidelity report scores a column (as SDMetrics does).
"""

from __future__ import annotations

import itertools
import json
import re
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, ClassVar

import numpy as np

from hfkit.synth.tabular.read import RawColumn

EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
ID_TEXT = re.compile(r"^[A-Za-z]*[-_]?[A-Za-z0-9-_]*\d[A-Za-z0-9-_]*$")
WORD = re.compile(r"\S+")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class LearnOptions:
    """What learning may do: suppress categories seen fewer than ``rare_min`` times (0: keep all)."""

    rare_min: int = 0
    seed: int = 0


class Column:
    """A learned column. Subclasses set ``kind``, ``sdtype`` and ``in_copula`` as class attributes."""

    kind: ClassVar[str] = "column"
    sdtype: ClassVar[str | None] = None
    in_copula: ClassVar[bool] = True

    def __init__(self, raw: RawColumn) -> None:
        self.name = raw.name
        self.missing = float(np.mean([v is None for v in raw.values])) if raw.values else 0.0
        self.suppressed = 0  # categories left out (rare in the sample)

    def encode(self, rng: np.random.Generator) -> np.ndarray:
        """Uniform scores of the sample's rows (copula kinds only)."""
        raise NotImplementedError

    def decode(self, u: np.ndarray, rng: np.random.Generator) -> list[Any]:
        """New values from uniform scores (copula kinds only)."""
        raise NotImplementedError

    def generate(self, n: int, rng: np.random.Generator) -> list[Any]:
        """New values made without the copula (non-copula kinds only)."""
        raise NotImplementedError

    def reset(self) -> None:
        """Forget what earlier draws made (ids continue from the sample again)."""

    def schema(self) -> dict[str, Any]:
        """The JSON Schema node of the column, with ``x-`` hints of what was learned."""
        raise NotImplementedError

    def comparable(self, values: list[Any]) -> list[Any]:
        """Values as the fidelity scores read them (datetimes as seconds)."""
        return values

    def key(self, value: Any) -> Any:
        """A hashable form of a value, equal for a sample value and the same value generated."""
        return _json_key(value)

    def keys(self, values: list[Any]) -> list[Any]:
        """``key`` of each value (numbers compare as they are: 3 == 3.0)."""
        return values

    def _nullable(self, node: dict[str, Any]) -> dict[str, Any]:
        if self.missing > 0:
            node["type"] = [node["type"], "null"]
            node["x-null-probability"] = round(self.missing, 4)
        return {**node, "x-kind": self.kind}


class Categorical(Column):
    """Categories (strings, booleans, small non-negative integers, JSON values); missing is one of them."""

    kind = "category"
    sdtype = "categorical"

    def __init__(self, raw: RawColumn, options: LearnOptions, json_values: bool = False) -> None:
        super().__init__(raw)
        self.json_values = json_values
        keys = [_json_key(v) for v in raw.values] if json_values else raw.values
        counts = Counter(keys)
        self.suppressed = 0
        if options.rare_min > 1:
            kept = {k: c for k, c in counts.items() if c >= options.rare_min or k is None}
            if any(k is not None for k in kept):
                self.suppressed = len(counts) - len(kept)
                counts = Counter(kept)
        self.counts = counts
        self.categories: list[Any] = sorted(counts, key=lambda k: (-counts[k], str(k)))
        self.row_keys = keys
        self._set_order(self.categories)

    def _set_order(self, order: list[Any]) -> None:
        self.order = order
        freq = np.array([self.counts[k] for k in order], dtype=float)
        self.cum = np.concatenate([[0.0], np.cumsum(freq / freq.sum())])
        self.position = {k: i for i, k in enumerate(order)}

    def counts_of(self, key: Any) -> int:
        return int(self.counts[key])

    def encode(self, rng: np.random.Generator) -> np.ndarray:
        where = np.array([self.position.get(k, -1) for k in self.row_keys])
        known = where >= 0
        where = np.where(known, where, rng.integers(0, len(self.order), len(where)))  # suppressed: anywhere
        low, high = self.cum[where], self.cum[where + 1]
        return np.asarray(low + rng.uniform(size=len(where)) * (high - low))

    def keys(self, values: list[Any]) -> list[Any]:
        return [_json_key(v) for v in values] if self.json_values else values

    def reorder(self, scores: np.ndarray) -> None:
        """Order the categories by the mean of ``scores`` over their rows (the copula keeps more of a trend)."""
        sums: dict[Any, list[float]] = {k: [0.0, 0.0] for k in self.order}
        for key, score in zip(self.row_keys, scores, strict=True):
            if key in sums:
                sums[key][0] += float(score)
                sums[key][1] += 1
        self._set_order(sorted(self.order, key=lambda k: sums[k][0] / max(sums[k][1], 1)))

    def decode(self, u: np.ndarray, rng: np.random.Generator) -> list[Any]:
        where = np.clip(np.searchsorted(self.cum, u, side="right") - 1, 0, len(self.order) - 1)
        values = [self.order[i] for i in where]
        return [json.loads(v) if self.json_values and v is not None else v for v in values]

    def schema(self) -> dict[str, Any]:
        values = [json.loads(v) if self.json_values and v is not None else v for v in self.categories]
        types = sorted({_json_type(v) for v in values if v is not None}) or ["string"]
        node: dict[str, Any] = {"type": types[0] if len(types) == 1 else types}
        if self.missing > 0:
            node["type"] = [*([node["type"]] if isinstance(node["type"], str) else node["type"]), "null"]
        if len(values) <= 1000:
            node["enum"] = values
            node["x-weights"] = [self.counts_of(k) for k in self.categories]
        else:
            node["x-categories"] = len(values)
        if self.suppressed:
            node["x-suppressed-categories"] = self.suppressed
        return {**node, "x-kind": self.kind}


class Boolean(Categorical):
    kind = "boolean"
    sdtype = "boolean"


class IntegerCategory(Categorical):
    kind = "integer-category"


class Numeric(Column):
    """Numbers with their empirical distribution (interpolated between sample values) and missing share."""

    kind = "number"
    sdtype = "numerical"

    def __init__(self, raw: RawColumn, integer: bool) -> None:
        super().__init__(raw)
        self.integer = integer
        self.mask = np.array([v is None for v in raw.values])
        self.observed = np.array([self.to_number(v) for v in raw.values if v is not None], dtype=float)
        self.sorted = np.sort(self.observed)
        self.decimals = 0 if integer else _decimals(self.observed)

    def to_number(self, value: Any) -> float:
        return float(value)

    def encode(self, rng: np.random.Generator) -> np.ndarray:
        n, m, p0 = len(self.mask), len(self.sorted), self.missing
        u = np.empty(n)
        u[self.mask] = rng.uniform(0, p0, int(self.mask.sum()))
        left = np.searchsorted(self.sorted, self.observed, side="left")
        right = np.searchsorted(self.sorted, self.observed, side="right")
        ranks = (left + rng.uniform(size=m) * (right - left)) / m
        u[~self.mask] = p0 + (1 - p0) * ranks
        return u

    def decode(self, u: np.ndarray, rng: np.random.Generator) -> list[Any]:
        p0, m = self.missing, len(self.sorted)
        q = np.clip((u - p0) / max(1 - p0, 1e-12), 0, 1)
        values = np.interp(q * m - 0.5, np.arange(m), self.sorted)
        missing = u < p0
        return [None if gone else self.from_number(v) for v, gone in zip(values, missing, strict=True)]

    def from_number(self, value: float) -> Any:
        return round(value) if self.integer else round(float(value), self.decimals)

    def schema(self) -> dict[str, Any]:
        low, high = (self.from_number(self.sorted[0]), self.from_number(self.sorted[-1])) if len(self.sorted) else (0, 0)
        node: dict[str, Any] = {"type": "integer" if self.integer else "number", "minimum": low, "maximum": high}
        if not self.integer:
            node["x-decimals"] = self.decimals
        if len(self.sorted):
            node["x-quantiles"] = [self.from_number(q) for q in np.quantile(self.sorted, [0.05, 0.25, 0.5, 0.75, 0.95])]
        return self._nullable(node)


class Integer(Numeric):
    kind = "integer"


class Datetime(Numeric):
    """Datetimes (or dates) as seconds (days) since 1970, written back in the sample's own form."""

    kind = "datetime"
    sdtype = "datetime"

    def __init__(self, raw: RawColumn, is_date: bool) -> None:
        self.is_date = is_date
        present = [v for v in raw.values if v is not None]
        self.text = bool(present) and isinstance(present[0], str)
        self.aware = any(isinstance(v, datetime) and v.tzinfo is not None for v in present[:50])
        self.separator = raw.text_form or ("T" if not self.text or "T" in str(present[0]) else " ")
        self.seconds_only = all(_microsecond(v) == 0 for v in present[:500])
        self.zulu = self.text and str(present[0]).endswith("Z")
        super().__init__(raw, integer=True)

    def to_number(self, value: Any) -> float:
        value = _parse_when(value) if isinstance(value, str) else value
        if isinstance(value, datetime):
            stamp = value if value.tzinfo else value.replace(tzinfo=UTC)
            return (stamp - EPOCH).total_seconds()
        return float((value - date(1970, 1, 1)).days)

    def from_number(self, value: float) -> Any:
        if self.is_date:
            return (date(1970, 1, 1) + timedelta(days=round(value))).isoformat()
        stamp = EPOCH + timedelta(seconds=round(float(value), 0 if self.seconds_only else 6))
        text = stamp.isoformat(sep=self.separator, timespec="seconds" if self.seconds_only else "auto")
        if self.zulu:
            return text.replace("+00:00", "Z")
        return text if self.aware else text.removesuffix("+00:00")

    def comparable(self, values: list[Any]) -> list[Any]:
        return [None if v is None else self.to_number(v) for v in values]

    def key(self, value: Any) -> Any:
        return None if value is None else self.to_number(value)

    def keys(self, values: list[Any]) -> list[Any]:
        return [self.key(v) for v in values]

    def schema(self) -> dict[str, Any]:
        low, high = (self.from_number(self.sorted[0]), self.from_number(self.sorted[-1])) if len(self.sorted) else ("", "")
        node: dict[str, Any] = {"type": "string", "x-min": low, "x-max": high}
        rfc3339 = self.is_date or ((self.zulu or self.aware) and self.separator == "T")
        if rfc3339:
            node["format"] = "date" if self.is_date else "date-time"
        node = self._nullable(node)
        node["x-kind"] = "date" if self.is_date else "datetime"
        if not self.is_date:
            node["x-datetime-format"] = f"%Y-%m-%d{self.separator}%H:%M:%S" + ("" if self.seconds_only else ".%f")
        return node


class Generated(Column):
    """A column whose values are made afresh rather than learned (ids, names, emails, free text)."""

    in_copula = False
    sdtype = None

    def __init__(self, raw: RawColumn, seed: int) -> None:
        super().__init__(raw)
        self.seen = {v for v in raw.values if v is not None}
        self.seed = seed

    def generate(self, n: int, rng: np.random.Generator) -> list[Any]:
        values = self.make(n, rng)
        missing = rng.uniform(size=n) < self.missing
        return [None if gone else v for v, gone in zip(values, missing, strict=True)]

    def make(self, n: int, rng: np.random.Generator) -> list[Any]:
        raise NotImplementedError


class IntegerId(Generated):
    """Unique integer ids, continuing after the sample's largest (never one of the sample's)."""

    kind = "id"

    def __init__(self, raw: RawColumn, seed: int) -> None:
        super().__init__(raw, seed)
        self.start = max(int(v) for v in self.seen) + 1
        self.made = 0

    def reset(self) -> None:
        self.made = 0

    def make(self, n: int, rng: np.random.Generator) -> list[Any]:
        values = list(range(self.start + self.made, self.start + self.made + n))
        self.made += n
        return values

    def schema(self) -> dict[str, Any]:
        return self._nullable({"type": "integer", "minimum": self.start, "x-unique": True})


class StringId(Generated):
    """Unique string ids shaped like the sample's (same prefix, digits for digits, letters for letters)."""

    kind = "id"

    def __init__(self, raw: RawColumn, seed: int) -> None:
        super().__init__(raw, seed)
        self.templates = sorted(self.seen)[:1000]
        self.prefix = _common_prefix(self.templates)
        self.made: set[str] = set()

    def reset(self) -> None:
        self.made = set()

    def make(self, n: int, rng: np.random.Generator) -> list[Any]:
        out: list[Any] = []
        while len(out) < n:
            template = self.templates[int(rng.integers(len(self.templates)))]
            value = self.prefix + "".join(_like(c, rng) for c in template[len(self.prefix) :])
            if value not in self.seen and value not in self.made:
                self.made.add(value)
                out.append(value)
        return out

    def schema(self) -> dict[str, Any]:
        return self._nullable(
            {
                "type": "string",
                "x-unique": True,
                "x-id-prefix": self.prefix,
                "x-example-length": len(self.templates[0]) if self.templates else 0,
            }
        )


class Uuid(Generated):
    kind = "uuid"

    def make(self, n: int, rng: np.random.Generator) -> list[Any]:
        import uuid

        return [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)]

    def schema(self) -> dict[str, Any]:
        return self._nullable({"type": "string", "format": "uuid"})


class FakerColumn(Generated):
    """Personal data (person names, emails): made by Faker, never taken from the sample."""

    provider: ClassVar[str] = "name"

    def make(self, n: int, rng: np.random.Generator) -> list[Any]:
        from hfkit.synth.fields import make_faker

        if not hasattr(self, "fake"):
            self.fake = make_faker(None)
        self.fake.seed_instance(int(rng.integers(2**31)))
        return [str(getattr(self.fake, self.provider)()) for _ in range(n)]

    def schema(self) -> dict[str, Any]:
        node: dict[str, Any] = {"type": "string", "x-faker": self.provider}
        if self.provider == "email":
            node["format"] = "email"
        return self._nullable(node)


class PersonName(FakerColumn):
    kind = "person-name"
    provider = "name"


class Email(FakerColumn):
    kind = "email"
    provider = "email"


class KindColumn(Generated):
    """A string column whose name the field-kind registry knows (city, company, phone ...): values made by that
    kind's generator (``hfkit.synth.kinds``), never taken from the sample; an exact sample value is redrawn."""

    kind = "field-kind"

    def __init__(self, raw: RawColumn, seed: int, field_kind: Any) -> None:
        super().__init__(raw, seed)
        self.field_kind = field_kind

    def make(self, n: int, rng: np.random.Generator) -> list[Any]:
        from hfkit.synth.fields import make_faker

        if not hasattr(self, "fake"):
            self.fake = make_faker(None)
        self.fake.seed_instance(int(rng.integers(2**31)))
        out: list[Any] = []
        for _ in range(n):
            value = self.field_kind.sample_string(rng, self.fake)
            for _retry in range(5):
                if value not in self.seen:
                    break
                value = self.field_kind.sample_string(rng, self.fake)
            out.append(value)
        return out

    def schema(self) -> dict[str, Any]:
        node: dict[str, Any] = {"type": "string", "x-kind": self.field_kind.name}
        if self.field_kind.format:
            node["format"] = self.field_kind.format
        return {**({"anyOf": [node, {"type": "null"}]} if self.missing else node), "x-generator": self.field_kind.generator}


class FreeText(Generated):
    """Free text: a word-bigram chain learned from the column, lengths as in the sample; no sample text copied."""

    kind = "text"

    def __init__(self, raw: RawColumn, seed: int) -> None:
        super().__init__(raw, seed)
        texts = [str(v) for v in raw.values if v is not None]
        self.lengths = [max(1, len(WORD.findall(t))) for t in texts]
        self.starts = [WORD.findall(t)[0] for t in texts if WORD.findall(t)]
        self.chain: dict[str, list[str]] = {}
        for text in texts:
            words = WORD.findall(text)
            for a, b in itertools.pairwise(words):
                self.chain.setdefault(a, []).append(b)

    def make(self, n: int, rng: np.random.Generator) -> list[Any]:
        out: list[Any] = []
        while len(out) < n:
            text = self._one(rng)
            if text not in self.seen:
                out.append(text)
        return out

    def _one(self, rng: np.random.Generator) -> str:
        length = self.lengths[int(rng.integers(len(self.lengths)))]
        words = [self.starts[int(rng.integers(len(self.starts)))]]
        while len(words) < length:
            following = self.chain.get(words[-1]) or self.starts
            words.append(following[int(rng.integers(len(following)))])
        return " ".join(words)

    def schema(self) -> dict[str, Any]:
        return self._nullable(
            {
                "type": "string",
                "x-llm": f"a {self.name.replace('_', ' ')} text",
                "x-median-words": int(np.median(self.lengths)) if self.lengths else 0,
            }
        )


class Label(FreeText):
    """Names of things (most values unique, like 'chevrolet chevelle malibu'): new ones recombined from the
    sample's words, never a sample value; not scored as a category (SDMetrics also skips such columns)."""

    kind = "label"

    def schema(self) -> dict[str, Any]:
        return self._nullable({"type": "string", "x-median-words": int(np.median(self.lengths)) if self.lengths else 0})


class Empty(Generated):
    kind = "empty"

    def make(self, n: int, rng: np.random.Generator) -> list[Any]:
        return [None] * n

    def schema(self) -> dict[str, Any]:
        return {"type": "null", "x-kind": self.kind}


# -- detection: the first rule that fits a column decides its kind -------------------------------------------------
@dataclass
class Facts:
    """What the detectors look at: the column, its non-missing values and the table's row count."""

    raw: RawColumn
    present: list[Any]
    rows: int
    distinct: int = field(init=False)

    numeric: bool = field(init=False)
    whole: bool = field(init=False)

    def __post_init__(self) -> None:
        numeric_type = self.raw.arrow_type.startswith(("int", "uint", "double", "float", "halffloat", "decimal"))
        self.numeric = numeric_type or all(isinstance(v, int | float) and not isinstance(v, bool) for v in self.present)
        array = np.array(self.present, dtype=float) if self.numeric and self.present else np.zeros(0)
        self.whole = self.numeric and bool(np.all(np.mod(array, 1) == 0))
        self.minimum = float(array.min()) if len(array) else 0.0
        self.distinct = len(np.unique(array)) if self.numeric else len({_json_key(v) for v in self.present})

    def share(self, predicate: Callable[[Any], bool]) -> float:
        head = self.present[:2000]
        return sum(1 for v in head if predicate(v)) / max(len(head), 1)


def _numeric(f: Facts) -> bool:
    return f.numeric


def _whole(f: Facts) -> bool:
    return f.whole


def _small_category(f: Facts) -> bool:
    """SDV's rule: whole, non-negative numbers with at most min(rows/10, 10) distinct values are categories."""
    return f.whole and f.minimum >= 0 and f.distinct <= min(round(f.rows / 10), 10)


def _integer_id(f: Facts) -> bool:
    unique = f.distinct == len(f.present) == f.rows > 5
    return unique and f.whole and f.minimum >= 0 and _looks_id_name(f.raw.name)


def _looks_id_name(name: str) -> bool:
    key = re.sub(r"[^a-z0-9]+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)).lower().strip("_")
    return key in ("id", "key", "index", "uuid", "guid", "number", "no") or key.endswith(("_id", "_key", "_no", "_number"))


def _strings(f: Facts) -> bool:
    return all(isinstance(v, str) for v in f.present)


def _string_id(f: Facts) -> bool:
    unique = f.distinct >= 0.95 * len(f.present) and len(f.present) > 5
    return unique and _strings(f) and f.share(lambda v: bool(ID_TEXT.match(v))) > 0.95


def _person_name(f: Facts) -> bool:
    if not _strings(f) or f.distinct < 0.3 * len(f.present):
        return False
    firsts = _first_names()
    return f.share(lambda v: 2 <= len(v.split()) <= 4 and v.split()[0].strip(".,").lower() in firsts) > 0.6


def _free_text(f: Facts) -> bool:
    return _strings(f) and f.distinct > 0.5 * len(f.present) and f.share(lambda v: len(v.split()) >= 6) > 0.5


def _label(f: Facts) -> bool:
    """Mostly-unique short strings (fewer than 2 rows per value): names of things, not categories."""
    return _strings(f) and len(f.present) >= 20 and f.distinct > 0.5 * len(f.present)


@cache
def _first_names() -> set[str]:
    from hfkit.synth.fields import make_faker

    provider = make_faker(None).factories[0].provider("faker.providers.person")
    names = {
        *getattr(provider, "first_names_male", ()),
        *getattr(provider, "first_names_female", ()),
        *getattr(provider, "first_names", ()),
    }
    return {str(n).lower() for n in names}


def registry_kind(f: Facts) -> Any:
    """The registry kind of a mostly-unique string column whose name it knows and whose sample looks like that
    kind's values (capitalisation and word count), else None: 'name' of cars stays a label, 'city' gets cities."""
    if not _strings(f) or len(f.present) < 20 or f.distinct <= 0.5 * len(f.present):
        return None
    from hfkit.synth.fields import make_faker
    from hfkit.synth.kinds import kind_for

    kind = kind_for(f.raw.name)
    if kind is None or kind.text or "string" not in kind.types or not (kind.faker or kind.make or kind.pick):
        return None
    rng, fake = np.random.default_rng(0), make_faker(None)
    fake.seed_instance(0)
    made = [kind.sample_string(rng, fake) or "" for _ in range(50)]
    return kind if _shape(made) == _shape([str(v) for v in f.present[:500]]) else None


def _shape(values: list[str]) -> tuple[int, bool, bool, bool]:
    """Median word count, mostly capitalised, mostly with digits, mostly with '@'."""
    words = int(np.median([len(v.split()) for v in values])) if values else 0
    def most(test: Callable[[str], bool]) -> bool:
        return sum(1 for v in values if test(v)) > 0.5 * max(len(values), 1)
    return min(words, 4), most(lambda v: v[:1].isupper()), most(lambda v: any(c.isdigit() for c in v)), most(lambda v: "@" in v)


def _dates(f: Facts) -> bool:
    return _strings(f) and f.share(lambda v: bool(DATE_TEXT.match(v))) == 1.0


def _datetimes(f: Facts) -> bool:
    return _strings(f) and f.share(lambda v: bool(DATETIME_TEXT.match(v))) == 1.0


def _arrow(prefix: str) -> Callable[[Facts], bool]:
    return lambda f: f.raw.arrow_type.startswith(prefix)


DETECTORS: tuple[tuple[Callable[[Facts], bool], Callable[[RawColumn, LearnOptions], Column]], ...] = (
    (lambda f: not f.present, lambda r, o: Empty(r, o.seed)),
    (lambda f: all(isinstance(v, bool) for v in f.present), lambda r, o: Boolean(r, o)),
    (_arrow("timestamp"), lambda r, o: Datetime(r, is_date=False)),
    (_arrow("date"), lambda r, o: Datetime(r, is_date=True)),
    (_integer_id, lambda r, o: IntegerId(r, o.seed)),
    (_small_category, lambda r, o: IntegerCategory(r, o)),
    (_whole, lambda r, o: Integer(r, integer=True) if r.arrow_type.startswith(("int", "uint")) else Numeric(r, False)),
    (_numeric, lambda r, o: Numeric(r, integer=False)),
    (lambda f: _strings(f) and f.share(lambda v: bool(UUID.match(v))) == 1.0, lambda r, o: Uuid(r, o.seed)),
    (lambda f: _strings(f) and f.share(lambda v: bool(EMAIL.match(v))) > 0.9, lambda r, o: Email(r, o.seed)),
    (_dates, lambda r, o: Datetime(r, is_date=True)),
    (_datetimes, lambda r, o: Datetime(r, is_date=False)),
    (_string_id, lambda r, o: StringId(r, o.seed)),
    (_person_name, lambda r, o: PersonName(r, o.seed)),
    (lambda f: registry_kind(f) is not None, lambda r, o: KindColumn(r, o.seed, registry_kind(_facts_of(r)))),
    (_free_text, lambda r, o: FreeText(r, o.seed)),
    (_label, lambda r, o: Label(r, o.seed)),
    (_strings, lambda r, o: Categorical(r, o)),
    (lambda f: True, lambda r, o: Categorical(r, o, json_values=True)),
)


def learn_column(raw: RawColumn, rows: int, options: LearnOptions) -> Column:
    """The kind of ``raw`` (first detector that fits) fitted to its values."""
    facts = Facts(raw, [v for v in raw.values if v is not None], rows)
    for fits, build in DETECTORS:
        if fits(facts):
            return build(raw, options)
    raise AssertionError("the last detector fits every column")


def _facts_of(raw: RawColumn) -> Facts:
    return Facts(raw, [v for v in raw.values if v is not None], len(raw.values))


# -- helpers -----------------------------------------------------------------------------------------------------------
def _json_key(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return value


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"


def _decimals(values: np.ndarray) -> int:
    """The most decimals the sample writes (up to 6)."""
    most = 0
    for value in values[:5000]:
        text = repr(float(value))
        if "e" in text:
            return 6
        most = max(most, len(text.split(".")[1].rstrip("0")) if "." in text else 0)
    return min(most, 6)


def _microsecond(value: Any) -> int:
    value = _parse_when(value) if isinstance(value, str) else value
    return int(getattr(value, "microsecond", 0))


def _parse_when(text: str) -> datetime | date:
    if DATE_TEXT.match(text):
        return date.fromisoformat(text)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _common_prefix(values: list[str]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    size = next((i for i, (a, b) in enumerate(zip(low, high, strict=False)) if a != b), min(len(low), len(high)))
    prefix = low[:size]
    return prefix.rstrip(string.digits) if len(values) > 1 else ""


def _like(char: str, rng: np.random.Generator) -> str:
    if char.isdigit():
        return str(int(rng.integers(10)))
    if char.isupper():
        return string.ascii_uppercase[int(rng.integers(26))]
    if char.islower():
        return string.ascii_lowercase[int(rng.integers(26))]
    return char
