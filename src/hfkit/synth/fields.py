"""Per-field value generators compiled from a JSON Schema: seeded sampling, Faker, ids, derived fields."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from hfkit.core.errors import InputError, SchemaError, missing_extra
from hfkit.synth import derive
from hfkit.synth.schema import node_types, non_null

Path = tuple[str, ...]
DEFAULT_DATES = ("2020-01-01", "2025-12-31")  # fixed, so a seed gives the same data on any day


@dataclass
class Draw:
    """Everything one record's generators may use: its seeded generators and its position."""

    rng: np.random.Generator
    fake: Any
    index: int


Gen = Callable[[Draw], Any]


@dataclass
class Plan:
    """A compiled schema: the record generator and the paths that need special treatment."""

    make: Gen
    llm_paths: list[Path] = field(default_factory=list)
    unique_paths: list[Path] = field(default_factory=list)
    text_paths: list[Path] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)


# Field names Faker knows; values are Faker provider methods.
NAME_TO_FAKER = {
    "name": "name", "full_name": "name", "first_name": "first_name", "last_name": "last_name",
    "phone": "phone_number", "phone_number": "phone_number", "address": "address", "street_address": "street_address",
    "street": "street_address", "city": "city", "country": "country", "state": "state", "postal_code": "postcode",
    "postcode": "postcode", "zip": "postcode", "zip_code": "postcode", "company": "company", "company_name": "company",
    "employer": "company", "job": "job", "job_title": "job", "occupation": "job", "iban": "iban", "username": "user_name",
    "user_name": "user_name", "url": "url", "website": "url", "email": "email", "email_address": "email",
    "credit_card": "test_card_number", "card_number": "test_card_number", "license_plate": "license_plate",
}
PERSON_PREFIXES = ("customer", "sender", "recipient", "author", "reviewer", "user", "employee", "contact", "manager",
                   "candidate", "owner", "buyer", "seller", "patient", "student")
FORMAT_TO_FAKER = {"email": "email", "uri": "url", "hostname": "domain_name", "ipv4": "ipv4", "ipv6": "ipv6"}
# Published test card numbers (Stripe/Adyen test ranges): never a real card.
TEST_CARDS = ("4242424242424242", "4000056655665556", "4111111111111111", "5555555555554444", "2223003122003222",
              "5105105105105100", "378282246310005", "371449635398431", "6011111111111117", "3566002020360505")


def make_faker(locale: str | None) -> Any:
    """A Faker for ``locale`` (en_US by default) with hfkit's test-card provider."""
    try:
        from faker import Faker
        from faker.config import AVAILABLE_LOCALES
    except ImportError as exc:
        raise missing_extra("faker", "synth") from exc
    if locale and locale not in AVAILABLE_LOCALES:
        import difflib

        close = difflib.get_close_matches(locale, AVAILABLE_LOCALES, n=3)
        raise InputError(f"Unknown locale '{locale}'.", f"Use a Faker locale such as {', '.join(close or ['en_US'])}.")
    fake = Faker(locale or "en_US")
    setattr(fake, "test_card_number", lambda: fake.random_element(TEST_CARDS))  # noqa: B010
    setattr(fake, "person_name", lambda: _person_name(fake))  # noqa: B010
    return fake


def _person_name(fake: Any) -> str:
    """Faker's name, 40 % of the time with a middle initial: many more distinct people at 100k records."""
    if fake.random.random() < 0.4:
        return f"{fake.first_name()} {fake.random_uppercase_letter()}. {fake.last_name()}"
    return str(fake.name())


def compile_plan(schema: dict[str, Any], llm: bool) -> Plan:
    """Compile a prepared object schema into a record generator."""
    plan = Plan(make=lambda d: None)
    plan.make = _compile(schema, (), plan, llm, in_array=False)
    return plan


def _compile(node: dict[str, Any], path: Path, plan: Plan, llm: bool, in_array: bool) -> Gen:
    inner, nullable = non_null(node)
    kind = _kind(path[-1] if path else "", inner)
    if path and not in_array:
        plan.kinds[".".join(path)] = kind
    if inner.get("x-unique") and not in_array:
        plan.unique_paths.append(path)
    gen = _BUILDERS[kind](inner, path, plan, llm, in_array)
    if not nullable:
        return gen
    chance = float(inner.get("x-null-probability", 0.1))
    return lambda d: None if d.rng.random() < chance else gen(d)


def _kind(name: str, node: dict[str, Any]) -> str:
    for predicate, kind in _RULES:
        if predicate(name, node):
            return kind
    raise SchemaError(f"Field '{name}' has a type hfkit synth cannot generate ({node.get('type')}).",
                      "Use string, number, integer, boolean, array or object.")


def _faker_name(name: str, node: dict[str, Any]) -> str | None:
    if "x-faker" in node:
        return str(node["x-faker"])
    if node.get("format") in FORMAT_TO_FAKER:
        return FORMAT_TO_FAKER[node["format"]]
    if "string" not in node_types(node):
        return None
    key = name.lower()
    if key in NAME_TO_FAKER:
        return NAME_TO_FAKER[key]
    prefix, _, rest = key.partition("_")
    return NAME_TO_FAKER.get(rest) if prefix in PERSON_PREFIXES else None


_RULES: tuple[tuple[Callable[[str, dict[str, Any]], bool], str], ...] = (
    (lambda n, s: "x-derive" in s, "derive"),
    (lambda n, s: "const" in s, "const"),
    (lambda n, s: "enum" in s, "enum"),
    (lambda n, s: "x-id" in s or ((n.lower() == "id" or n.lower().endswith("_id")) and "format" not in s), "id"),
    (lambda n, s: s.get("format") == "uuid", "uuid"),
    (lambda n, s: s.get("format") in ("date", "date-time", "time"), "date"),
    (lambda n, s: _faker_name(n, s) is not None and "x-llm" not in s, "faker"),
    (lambda n, s: "object" in node_types(s), "object"),
    (lambda n, s: "array" in node_types(s), "array"),
    (lambda n, s: "integer" in node_types(s), "integer"),
    (lambda n, s: "number" in node_types(s), "number"),
    (lambda n, s: "boolean" in node_types(s), "boolean"),
    (lambda n, s: "null" in node_types(s), "null"),
    (lambda n, s: "string" in node_types(s), "text"),
)


def _object(node: dict[str, Any], path: Path, plan: Plan, llm: bool, in_array: bool) -> Gen:
    props: dict[str, Any] = node.get("properties") or {}
    gens = {k: _compile(v, (*path, k), plan, llm, in_array) for k, v in props.items() if "x-derive" not in v}
    derived = [(k, derive.compile_rule(k, v, path)) for k, v in props.items() if "x-derive" in v]
    plan.unique_paths += [(*path, k) for k, v in props.items() if "x-derive" in v and v.get("x-unique") and not in_array]
    order = list(props)

    def make(d: Draw) -> dict[str, Any]:
        record = {k: gen(d) for k, gen in gens.items()}
        for key, rule in derived:
            record[key] = rule(record, d)
        return {k: record[k] for k in order}

    return make


def _array(node: dict[str, Any], path: Path, plan: Plan, llm: bool, in_array: bool) -> Gen:
    items: dict[str, Any] = node["items"] if isinstance(node.get("items"), dict) else {"type": "string"}
    low = int(node.get("minItems", 1 if node.get("minItems") is None else 0))
    high = int(node.get("maxItems", low + 3))
    if node.get("uniqueItems") and "enum" in items:
        values = list(items["enum"])

        def make_unique(d: Draw) -> list[Any]:
            count = int(d.rng.integers(low, min(high, len(values)) + 1))
            return [values[i] for i in sorted(d.rng.choice(len(values), size=count, replace=False))]

        return make_unique
    gen = _compile(items, (*path, "[]"), plan, llm, in_array=True)
    return lambda d: [gen(d) for _ in range(int(d.rng.integers(low, high + 1)))]


def _enum(node: dict[str, Any], *_: Any) -> Gen:
    values = list(node["enum"])
    weights = node.get("x-weights")
    p = np.asarray(weights, dtype=float) / np.sum(weights) if weights else None
    if p is not None and len(p) != len(values):
        raise SchemaError(f"x-weights has {len(p)} weights for {len(values)} enum values.", "Give one weight per value.")
    return lambda d: values[int(d.rng.choice(len(values), p=p))]


def _id(node: dict[str, Any], *_: Any) -> Gen:
    if "integer" in node_types(node):
        start = int(node.get("minimum", 1))
        return lambda d: start + d.index
    prefix = _id_prefix(str(node.get("x-id", "ID")))
    return lambda d: f"{prefix}{d.index + 1:07d}"


def _id_prefix(prefix: str) -> str:
    """``x-id`` with a dash before the number, unless it is empty or already ends in a separator ('T-', 'T_')."""
    return prefix if not prefix or not prefix[-1].isalnum() else f"{prefix}-"


def _uuid(node: dict[str, Any], *_: Any) -> Gen:
    return lambda d: str(uuid.UUID(bytes=d.rng.bytes(16), version=4))


def _date(node: dict[str, Any], *_: Any) -> Gen:
    low = _parse_date(str(node.get("x-min", node.get("formatMinimum", DEFAULT_DATES[0]))))
    high = _parse_date(str(node.get("x-max", node.get("formatMaximum", DEFAULT_DATES[1]))))
    span = int((high - low).total_seconds())
    render = _DATE_RENDER[node["format"]]
    return lambda d: render(low + timedelta(seconds=int(d.rng.integers(0, span + 1))))


def _parse_date(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


_DATE_RENDER: dict[str, Callable[[datetime], str]] = {
    "date": lambda t: t.date().isoformat(),
    "date-time": lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ"),
    "time": lambda t: t.strftime("%H:%M:%SZ"),
}


def _faker(node: dict[str, Any], path: Path, *_: Any) -> Gen:
    method = _faker_name(path[-1] if path else "", node) or "word"
    method = "person_name" if method == "name" else method
    limit = node.get("maxLength")

    def make(d: Draw) -> Any:
        value = getattr(d.fake, method)()
        value = value.replace("\n", ", ") if isinstance(value, str) else value
        return value[:limit] if limit and isinstance(value, str) else value

    return make


def _number(node: dict[str, Any], *_: Any) -> Gen:
    sample = _distribution(node)
    decimals = int(node.get("x-decimals", 2))
    return lambda d: round(float(sample(d.rng)), decimals)


def _integer(node: dict[str, Any], *_: Any) -> Gen:
    sample = _distribution(node)
    return lambda d: round(sample(d.rng))


def _distribution(node: dict[str, Any]) -> Callable[[np.random.Generator], float]:
    low = float(node.get("minimum", node.get("exclusiveMinimum", 0)))
    high = float(node.get("maximum", node.get("exclusiveMaximum", max(low, 0) + 1000)))
    if "integer" in node_types(node):
        low, high = float(np.ceil(low + ("exclusiveMinimum" in node))), float(np.floor(high - ("exclusiveMaximum" in node)))
    spec = node.get("x-distribution") or {"kind": "uniform"}
    kind = spec.get("kind", "uniform")
    if kind not in _DISTRIBUTIONS:
        raise SchemaError(f"Unknown x-distribution kind '{kind}'.", f"Use one of: {', '.join(_DISTRIBUTIONS)}.")
    draw = _DISTRIBUTIONS[kind]

    def sample(rng: np.random.Generator) -> float:
        for _ in range(8):  # resample the tails rather than pile values on the bounds
            value = draw(rng, spec, low, high)
            if low <= value <= high:
                return value
        return float(min(max(value, low), high))

    return sample


_DISTRIBUTIONS: dict[str, Callable[[np.random.Generator, dict[str, Any], float, float], float]] = {
    "uniform": lambda r, s, lo, hi: float(r.uniform(lo, hi)),
    "normal": lambda r, s, lo, hi: float(r.normal(s.get("mean", (lo + hi) / 2), s.get("sd", (hi - lo) / 6))),
    "lognormal": lambda r, s, lo, hi: float(r.lognormal(np.log(s.get("median", (lo + hi) / 2)), s.get("sigma", 0.5))),
    "poisson": lambda r, s, lo, hi: float(r.poisson(s.get("mean", (lo + hi) / 2)) + s.get("offset", 0)),
}


def _boolean(node: dict[str, Any], *_: Any) -> Gen:
    chance = float(node.get("x-probability", 0.5))
    return lambda d: bool(d.rng.random() < chance)


def _text(node: dict[str, Any], path: Path, plan: Plan, llm: bool, in_array: bool) -> Gen:
    if not in_array:
        plan.text_paths.append(path)
        if llm:
            plan.llm_paths.append(path)
            return lambda d: None  # filled in by the language model
    low, high = int(node.get("minLength", 0)), int(node.get("maxLength", 200))
    return lambda d: _fit(d.fake.sentence(nb_words=int(d.rng.integers(4, 14))), low, high)


def _fit(text: str, low: int, high: int) -> str:
    while len(text) < low:
        text = f"{text} {text}"
    return text[:high]


def _const(node: dict[str, Any], *_: Any) -> Gen:
    return lambda d: node["const"]


def _derive_placeholder(node: dict[str, Any], path: Path, *_: Any) -> Gen:
    raise SchemaError(f"Field '{'.'.join(path)}' has x-derive but is not inside an object.", "Move it into an object.")


_BUILDERS: dict[str, Callable[..., Gen]] = {
    "derive": _derive_placeholder, "const": _const, "enum": _enum, "id": _id, "uuid": _uuid, "date": _date,
    "faker": _faker, "object": _object, "array": _array, "integer": _integer, "number": _number, "boolean": _boolean,
    "null": lambda *a: (lambda d: None), "text": _text,
}
