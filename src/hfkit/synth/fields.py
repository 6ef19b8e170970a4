"""Value generators compiled from any JSON Schema (2020-12, drafts 4-7): seeded, realistic, valid by construction
where possible and by local rejection where not (``not``, ``oneOf``, ``if``, leftovers of ``allOf``).

Each field's generator comes from its meaning (``hfkit.synth.kinds``: name, title, parent, siblings), then from the
schema's constraints (format, pattern, bounds, enum, examples). ``Plan.generators`` says which one each field got.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from hfkit.core.errors import InputError, SchemaError, missing_extra
from hfkit.synth import derive, formatgen, kinds
from hfkit.synth.kinds import FieldKind
from hfkit.synth.schema import merge_all, node_types, non_null, validator_for_schema

Path = tuple[str, ...]
DEFAULT_DATES = ("2020-01-01", "2025-12-31")  # fixed, so a seed gives the same data on any day
LOCAL_TRIES = 24
MAX_DEPTH = 3  # recursive $ref depth before the smallest value is chosen
NULL_CHANCE = 0.1


@dataclass
class Draw:
    """Everything one record's generators may use: its seeded generators and its position."""

    rng: np.random.Generator
    fake: Any
    index: int
    _random: random.Random | None = None

    @property
    def random(self) -> random.Random:
        """A stdlib Random seeded from this draw (for the regex generator)."""
        if self._random is None:
            self._random = random.Random(int(self.rng.integers(2**62)))
        return self._random


Gen = Callable[[Draw], Any]


@dataclass
class Plan:
    """A compiled schema: the record generator and the paths that need special treatment."""

    make: Gen
    llm_paths: list[Path] = field(default_factory=list)
    unique_paths: list[Path] = field(default_factory=list)
    text_paths: list[Path] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    generators: dict[str, str] = field(default_factory=dict)


FORMAT_TO_FAKER = {"email": "email", "uri": "url", "hostname": "domain_name", "ipv4": "ipv4", "ipv6": "ipv6"}
# Published test card numbers (Stripe/Adyen test ranges): never a real card.
TEST_CARDS = (
    "4242424242424242",
    "4000056655665556",
    "4111111111111111",
    "5555555555554444",
    "2223003122003222",
    "5105105105105100",
    "378282246310005",
    "371449635398431",
    "6011111111111117",
    "3566002020360505",
)


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


def compile_plan(schema: dict[str, Any], llm: bool, optional_rate: float | None = None) -> Plan:
    """Compile a prepared schema into a record generator.

    ``optional_rate`` is the chance an optional property is present (default: the schema's ``x-optional-rate``,
    else 1.0 for hfkit's own templates and 0.7 for other schemas).
    """
    plan = Plan(make=lambda d: None)
    rate = optional_rate if optional_rate is not None else float(schema.get("x-optional-rate", 0.7))
    compiler = Compiler(schema, plan, llm, rate)
    plan.make = compiler.node(schema, (), Context())
    return plan


@dataclass(frozen=True)
class Context:
    """Where a node sits: its parent's name, its siblings, inside an array or not, $ref depth."""

    parent: str = ""
    siblings: tuple[str, ...] = ()
    in_array: bool = False
    depth: int = 0
    required: bool = True


class Compiler:
    """Turns schema nodes into generators, sharing one validator (the schema's declared draft) for local checks."""

    def __init__(self, root: dict[str, Any], plan: Plan, llm: bool, optional_rate: float) -> None:
        self.root = root
        self.plan = plan
        self.llm = llm
        self.optional_rate = optional_rate
        self.validator = validator_for_schema(root)
        self._ref_stack: list[str] = []

    # --- dispatch -------------------------------------------------------------------------------------------
    def node(self, node: Any, path: Path, ctx: Context) -> Gen:
        """The generator of one schema node."""
        if node is True or node == {}:
            return self._anything(path, ctx)
        if node is False:
            raise unsatisfiable("false", path)
        if not isinstance(node, dict):
            raise SchemaError(f"The schema at '{_where(path)}' is not an object.", "Fix that part of the schema.")
        ref = node.get("$ref")
        if isinstance(ref, str):
            self._ref_stack.append(ref)
            try:
                return self._node(self._resolve(node, path, ctx), path, ctx)
            finally:
                self._ref_stack.pop()
        return self._node(node, path, ctx)

    def _node(self, node: dict[str, Any], path: Path, ctx: Context) -> Gen:
        original = node
        for _ in range(8):
            if "allOf" not in node:
                break
            subs = [self._resolve(b, path, ctx) if isinstance(b, dict) else ({} if b is True else {"not": {}}) for b in node["allOf"]]
            node = merge_all({k: v for k, v in node.items() if k != "allOf"}, subs, _where(path))
        gen = self._combined(node, path, ctx)
        if self._needs_local_check(original):
            return self._checked(gen, original, path)
        return gen

    def _resolve(self, node: dict[str, Any], path: Path, ctx: Context) -> dict[str, Any]:
        if not isinstance(node, dict) or "$ref" not in node:
            return node if isinstance(node, dict) else ({} if node is True else node)
        ref = node["$ref"]
        target = self._lookup(ref, path)
        rest = {k: v for k, v in node.items() if k != "$ref"}
        merged = {**target, **rest} if rest else dict(target)
        if "$ref" in merged and merged["$ref"] == ref:
            raise SchemaError(f"The $ref '{ref}' at '{_where(path)}' refers to itself.", "Fix the reference.")
        if self._ref_stack.count(ref) > MAX_DEPTH:
            merged = {**merged, "x-smallest": True}
        return self._resolve(merged, path, ctx)

    def _lookup(self, ref: str, path: Path) -> dict[str, Any]:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise SchemaError(
                f"The $ref '{ref}' at '{_where(path)}' points outside the schema.",
                "Put the referenced schema beside the schema file or inline it.",
            )
        target: Any = self.root
        for part in ref[1:].lstrip("/").split("/") if ref not in ("#", "#/") else []:
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        if target is None:
            raise SchemaError(f"The $ref '{ref}' at '{_where(path)}' points to nothing.", "Fix the $ref path.")
        return target if isinstance(target, dict) else ({} if target is True else {"not": {}})

    def _needs_local_check(self, node: dict[str, Any]) -> bool:
        return any(
            k in node
            for k in (
                "not",
                "oneOf",
                "anyOf",
                "if",
                "allOf",
                "dependentSchemas",
                "x-residual",
                "contains",
                "uniqueItems",
                "propertyNames",
                "multipleOf",
                "dependencies",
            )
        )

    def _checked(self, gen: Gen, node: dict[str, Any], path: Path) -> Gen:
        """``gen`` retried until the value is valid under the whole node (rejection for ``not``, ``oneOf``...)."""
        schema = {k: v for k, v in node.items() if not k.startswith("x-")}
        check = self.validator.evolve(schema=schema)

        def make(d: Draw) -> Any:
            value = gen(d)
            for _ in range(LOCAL_TRIES):
                if check.is_valid(value):
                    return value
                value = gen(d)
            return value  # the record check rejects it and the engine draws again

        return make

    def _combined(self, node: dict[str, Any], path: Path, ctx: Context) -> Gen:
        base = {k: v for k, v in node.items() if k not in ("anyOf", "oneOf", "if", "then", "else", "allOf")}
        branches = self._branches(node, base, path, ctx)
        if branches is None:
            return self._plain(base if "anyOf" not in node or "oneOf" in node else {**base, "anyOf": node["anyOf"]}, path, ctx)
        gens = [g for g in (self._try_branch(b, path, ctx) for b in branches) if g is not None]
        if not gens:
            keyword = "oneOf" if "oneOf" in node else "anyOf" if "anyOf" in node else "if/then/else"
            raise unsatisfiable(keyword, path)
        if len(gens) == 1:
            return gens[0]
        return lambda d: gens[int(d.rng.integers(len(gens)))](d)

    def _branches(self, node: dict[str, Any], base: dict[str, Any], path: Path, ctx: Context) -> list[dict[str, Any]] | None:
        alternatives = node.get("oneOf") or node.get("anyOf")
        if alternatives is not None:
            if "oneOf" not in node and _x_or_null(alternatives):
                return None  # 'X or null': nullable X, null now and then (x-null-probability)
            return [merge_all(base, [self._resolve(b, path, ctx) if isinstance(b, dict) else {}], _where(path)) for b in alternatives]
        if "if" in node:
            condition = self._resolve(node["if"], path, ctx) if isinstance(node["if"], dict) else {}
            then = self._resolve(node.get("then", {}), path, ctx) if isinstance(node.get("then", {}), dict) else {}
            other = self._resolve(node.get("else", {}), path, ctx) if isinstance(node.get("else", {}), dict) else {}
            return [merge_all(base, [condition, then], _where(path)), merge_all(base, [other], _where(path))]
        return None

    def _try_branch(self, branch: dict[str, Any], path: Path, ctx: Context) -> Gen | None:
        try:
            return self.node(branch, path, ctx)
        except SchemaError:
            return None

    # --- plain nodes ----------------------------------------------------------------------------------------
    def _plain(self, node: dict[str, Any], path: Path, ctx: Context) -> Gen:
        if "anyOf" in node:  # 'X or null'
            branch = next(b for b in node["anyOf"] if not (isinstance(b, dict) and b.get("type") == "null"))
            rest = {k: v for k, v in node.items() if k != "anyOf"}
            gen = self.node(merge_all(rest, [self._resolve(branch, path, ctx)], _where(path)), path, ctx)
            chance = float(node.get("x-null-probability", NULL_CHANCE))
            return lambda d: None if d.rng.random() < chance else gen(d)
        inner, nullable = non_null(node)
        name = path[-1] if path and path[-1] != "[]" else (path[-2] if len(path) > 1 else "")
        label = ".".join(p for p in path)
        if inner.get("x-unique") and not ctx.in_array:
            self.plan.unique_paths.append(path)
        gen, kind, generator = self._typed(inner, name, path, ctx)
        if path and not ctx.in_array:
            self.plan.kinds[label] = kind
            self.plan.generators[label] = generator
        if not nullable or node_types(inner) == {"null"}:
            return gen
        chance = float(inner.get("x-null-probability", NULL_CHANCE))
        return lambda d: None if d.rng.random() < chance else gen(d)

    def _typed(self, node: dict[str, Any], name: str, path: Path, ctx: Context) -> tuple[Gen, str, str]:
        if "x-derive" in node:
            raise SchemaError(f"Field '{_where(path)}' has x-derive but is not inside an object.", "Move it into an object.")
        if "const" in node:
            return (lambda d: node["const"]), "const", "const"
        if "enum" in node:
            return self._enum(node, path), "enum", f"enum({len(node['enum'])})"
        types = _allowed_types(node)
        if not types:
            raise unsatisfiable("type", path)
        if len(types) > 1:
            return self._multi_type(node, types, path, ctx)
        kind_name = next(iter(types))
        return _TYPE_BUILDERS[kind_name](self, {**node, "type": kind_name}, name, path, ctx)

    def _multi_type(self, node: dict[str, Any], types: list[str], path: Path, ctx: Context) -> tuple[Gen, str, str]:
        ordered = [t for t in types if t != "null"] or types
        gens = [self._typed({**node, "type": t}, path[-1] if path else "", path, ctx)[0] for t in ordered]
        return (lambda d: gens[int(d.rng.integers(len(gens)))](d)), "multi", "one of " + "/".join(ordered)

    def _anything(self, path: Path, ctx: Context) -> Gen:
        kind = kinds.kind_for(path[-1] if path else "", {}, ctx.parent, ctx.siblings)
        if kind is not None and kind.types & {"string"} and kind.sample_string is not None and not kind.text:
            return lambda d: kind.sample_string(d.rng, d.fake) or d.fake.word()
        return lambda d: d.fake.word()

    def _enum(self, node: dict[str, Any], path: Path) -> Gen:
        rest = {k: v for k, v in node.items() if k not in ("enum", "x-weights") and not k.startswith("x-")}
        check = self.validator.evolve(schema=rest)
        values = [v for v in node["enum"] if check.is_valid(v)]
        if not values:
            raise unsatisfiable("enum", path)
        weights = node.get("x-weights")
        if weights is not None and len(weights) != len(node["enum"]):
            raise SchemaError(f"x-weights has {len(weights)} weights for {len(node['enum'])} enum values.", "Give one weight per value.")
        p = np.asarray(weights, dtype=float) / np.sum(weights) if weights and len(values) == len(weights) else None
        return lambda d: values[int(d.rng.choice(len(values), p=p))]

    # --- objects ---------------------------------------------------------------------------------------------
    def _object(self, node: dict[str, Any], name: str, path: Path, ctx: Context) -> tuple[Gen, str, str]:
        if node.get("x-smallest"):
            return self._smallest_object(node, path, ctx)
        props: dict[str, Any] = node.get("properties") or {}
        required = [k for k in node.get("required") or [] if isinstance(k, str)]
        own_required = set(required)
        siblings = tuple(props)
        child = Context(parent=name, siblings=siblings, in_array=ctx.in_array, depth=ctx.depth)
        gens: dict[str, Gen] = {}
        for key, sub in props.items():
            if isinstance(sub, dict) and "x-derive" in sub:
                continue
            gens[key] = self.node(sub, (*path, key), Context(**{**child.__dict__, "required": key in own_required}))
        derived = [(k, derive.compile_rule(k, v, path)) for k, v in props.items() if isinstance(v, dict) and "x-derive" in v]
        for key, _ in derived:
            self.plan.generators[".".join((*path, key))] = f"derived ({props[key]['x-derive'].get('rule')})"
        self.plan.unique_paths += [
            (*path, k) for k, v in props.items() if isinstance(v, dict) and "x-derive" in v and v.get("x-unique") and not ctx.in_array
        ]
        for key in own_required - set(props):
            gens[key] = self._extra_value(node, key, path, child)
        extra = self._extra_keys(node, path, child)
        rate = float(node.get("x-optional-rate", self.optional_rate))
        dependents = _dependent_required(node)
        limits = int(node.get("minProperties", 0)), int(node.get("maxProperties", 10**9))
        order = list(props) + [k for k in gens if k not in props]

        def make(d: Draw) -> dict[str, Any]:
            keep = {k for k in gens if k in own_required or d.rng.random() < rate}
            for key in list(keep):
                keep |= {dep for dep in dependents.get(key, ()) if dep in gens}
            keep = _fit_count(keep, own_required, limits, list(gens), d)
            record = {k: gens[k](d) for k in order if k in keep}
            for key, rule in derived:
                record[key] = rule(record, d)
            ordered = {k: record[k] for k in [*props, *record] if k in record}
            if extra is not None:
                extra(ordered, d, limits)
            return ordered

        return make, "object", f"object({len(props)})"

    def _smallest_object(self, node: dict[str, Any], path: Path, ctx: Context) -> tuple[Gen, str, str]:
        """At the recursion limit: only the required properties, each as small as it gets."""
        required = [k for k in node.get("required") or [] if isinstance(k, str)]
        props = node.get("properties") or {}
        gens = {
            k: self.node(
                {**props.get(k, {}), "x-smallest": True} if isinstance(props.get(k), dict) else {},
                (*path, k),
                Context(in_array=True, depth=ctx.depth + 1),
            )
            for k in required
        }
        return (lambda d: {k: g(d) for k, g in gens.items()}), "object", "object(smallest)"

    def _extra_value(self, node: dict[str, Any], key: str, path: Path, ctx: Context) -> Gen:
        sub = self._schema_for_key(node, key)
        return self.node(sub, (*path, key), ctx)

    def _schema_for_key(self, node: dict[str, Any], key: str) -> Any:
        for pattern, sub in (node.get("patternProperties") or {}).items():
            if _search(pattern, key):
                return sub
        extra = node.get("additionalProperties", True)
        return extra if extra is not False else {}

    def _extra_keys(self, node: dict[str, Any], path: Path, ctx: Context) -> Callable[[dict[str, Any], Draw, tuple[int, int]], None] | None:
        """Keys beyond ``properties``: from ``patternProperties`` and map-like ``additionalProperties``."""
        patterns = node.get("patternProperties") or {}
        additional = node.get("additionalProperties", True)
        is_map = isinstance(additional, dict) and not node.get("properties")
        if not patterns and not is_map and not node.get("minProperties"):
            return None
        found = node.get("propertyNames")
        names: dict[str, Any] = found if isinstance(found, dict) else {}
        sources: list[tuple[Callable[[Draw], str], Gen]] = []
        for pattern, sub in patterns.items():
            sources.append(
                (
                    self._key_maker(
                        {**names, "pattern": pattern} if not names.get("pattern") else {"allOf": [names, {"pattern": pattern}]}, path
                    ),
                    self.node(sub, (*path, "[]"), Context(parent=path[-1] if path else "", in_array=True)),
                )
            )
        if additional is not False:
            key_gen = self._key_maker(names, path)
            value_schema = additional if isinstance(additional, dict) else {}
            value_gen = self.node(value_schema, (*path, "[]"), Context(parent=path[-1] if path else "", in_array=True))
            keyed = [(key_gen, value_gen)]
            sources += keyed * (3 if is_map else 1)
        if not sources:
            return None

        def add(record: dict[str, Any], d: Draw, limits: tuple[int, int]) -> None:
            low, high = limits
            want = max(low - len(record), int(d.rng.integers(1, 4)) if is_map or (patterns and d.rng.random() < 0.5) else 0)
            for _ in range(want * 3):
                if want <= 0 or len(record) >= high:
                    break
                key_gen, value_gen = sources[int(d.rng.integers(len(sources)))]
                key = key_gen(d)
                if key in record or key in (node.get("properties") or {}):
                    continue
                record[key] = value_gen(d)
                want -= 1

        return add

    def _key_maker(self, names: dict[str, Any], path: Path) -> Callable[[Draw], str]:
        key_node = {**names, "type": "string"}
        gen = self.node(key_node, (*path, "[]"), Context(in_array=True))

        def make(d: Draw) -> str:
            value = gen(d)
            return value if isinstance(value, str) else str(value)

        return make

    # --- arrays ----------------------------------------------------------------------------------------------
    def _array(self, node: dict[str, Any], name: str, path: Path, ctx: Context) -> tuple[Gen, str, str]:
        prefix = node.get("prefixItems") or (node["items"] if isinstance(node.get("items"), list) else [])
        rest = node.get("items") if not isinstance(node.get("items"), list) else node.get("additionalItems", True)
        if "prefixItems" in node and isinstance(node.get("items"), list):
            rest = True
        low = int(node.get("minItems", 0))
        high = int(node.get("maxItems", max(low, len(prefix)) + 3))
        if node.get("x-smallest"):
            high = low
        if low > high:
            raise unsatisfiable("minItems", path)
        child = Context(parent=name, in_array=True, depth=ctx.depth)
        heads = [self.node(p, (*path, "[]"), child) for p in prefix]
        tail = None if rest is False else self.node(rest if rest is not None else {}, (*path, "[]"), child)
        if tail is None:
            high = min(high, len(heads))
        contains = node.get("contains")
        contains_gen = self.node(contains, (*path, "[]"), child) if isinstance(contains, dict) else None
        unique = bool(node.get("uniqueItems"))
        if not ctx.in_array and path:
            self.plan.kinds[".".join(path)] = "array"
        item_node = rest if isinstance(rest, dict) else {}
        if unique and "enum" in item_node and not heads:
            return self._unique_enum(item_node, low, high), "array", f"unique enum({len(item_node['enum'])})"
        lean = low if low > 0 else 1 if not ctx.required else max(low, 1)

        def make(d: Draw) -> list[Any]:
            count = int(d.rng.integers(min(lean, high), high + 1)) if high >= lean else high
            out = [heads[i](d) for i in range(min(count, len(heads)))]
            if contains_gen is not None and count > len(out):
                out.append(contains_gen(d))
            seen = {_canon(v) for v in out} if unique else set()
            tries = 0
            while len(out) < count and tail is not None and tries < count * 6 + 10:
                tries += 1
                value = tail(d)
                if unique:
                    key = _canon(value)
                    if key in seen:
                        continue
                    seen.add(key)
                out.append(value)
            return out

        return make, "array", f"array({low}..{high})"

    def _unique_enum(self, items: dict[str, Any], low: int, high: int) -> Gen:
        values = list(items["enum"])

        def make(d: Draw) -> list[Any]:
            top = min(high, len(values))
            count = int(d.rng.integers(min(max(low, 1), top), top + 1))
            return [values[i] for i in sorted(d.rng.choice(len(values), size=count, replace=False))]

        return make

    # --- scalars ---------------------------------------------------------------------------------------------
    def _string(self, node: dict[str, Any], name: str, path: Path, ctx: Context) -> tuple[Gen, str, str]:
        kind = self._kind(name, node, ctx)
        low, high = int(node.get("minLength", 0)), node.get("maxLength")
        if "x-id" in node or (kind is not None and kind.name == "id" and not _constrained(node)):
            prefix = _id_prefix(str(node.get("x-id", "ID")))
            return (lambda d: _fit(f"{prefix}{d.index + 1:07d}", low, high)), "id", "sequential id"
        if node.get("format") == "uuid" or (kind is not None and kind.name == "uuid" and not _constrained(node)):
            return (lambda d: str(uuid.UUID(bytes=d.rng.bytes(16), version=4))), "uuid", "uuid4"
        if node.get("format") in ("date", "date-time", "time") and "pattern" not in node:
            return _date(node), "date", f"date({node['format']})"
        if "x-faker" in node:
            return self._faker(str(node["x-faker"]), node), "faker", f"faker.{node['x-faker']}"
        free = "x-llm" in node or (kind is not None and kind.text and not _constrained(node, length=False))
        if free and not ctx.in_array:
            return self._text(node, path), "text", "llm (free text)" if self.llm else "faker.paragraph (no --llm)"
        examples = [e for e in _examples(node) if isinstance(e, str)]
        if "pattern" in node:
            return self._pattern(node, kind, examples, path), "pattern", f"regex {node['pattern'][:40]}"
        if node.get("format"):
            maker = formatgen.for_format(str(node["format"]))
            if maker is not None:
                fitted = self._string_from(maker, node, examples)
                return fitted, "faker" if node["format"] in FORMAT_TO_FAKER else "format", f"format {node['format']}"
        if kind is not None and (kind.faker or kind.pick or kind.make) and kind.types & {"string"}:
            source = kind.generator
            return self._string_from(kind.sample_string, node, examples), "faker", f"{kind.name}: {source}"
        if kind is not None and kind.format and (maker := formatgen.for_format(kind.format)) is not None:
            return self._string_from(maker, node, examples), "date", f"{kind.name}: format {kind.format}"
        if examples:
            return self._string_from(_words_sampler(high), node, examples), "examples", f"examples({len(examples)})"
        return self._string_from(_words_sampler(high), node, []), "text", "faker.words"

    def _kind(self, name: str, node: dict[str, Any], ctx: Context) -> FieldKind | None:
        kind = kinds.kind_for(name, node, ctx.parent, ctx.siblings)
        if kind is None and name and not name.startswith("["):
            kind = kinds.similar_kind(name, node)
        return kind

    def _string_from(self, sampler: Callable[[Any, Any], Any], node: dict[str, Any], examples: list[Any]) -> Gen:
        low, high = int(node.get("minLength", 0)), node.get("maxLength")
        good = [e for e in examples if self.validator.evolve(schema=_scalar_rules(node)).is_valid(e)]

        def make(d: Draw) -> str:
            if good and d.rng.random() < 0.3:
                return str(good[int(d.rng.integers(len(good)))])
            value = sampler(d.rng, d.fake)
            return _fit(str(value if value is not None else d.fake.word()), low, high)

        return make

    def _faker(self, method: str, node: dict[str, Any]) -> Gen:
        method = "person_name" if method == "name" else method
        limit = node.get("maxLength")

        def make(d: Draw) -> Any:
            value = getattr(d.fake, method)()
            value = value.replace("\n", ", ") if isinstance(value, str) else value
            return value[:limit] if limit and isinstance(value, str) else value

        return make

    def _text(self, node: dict[str, Any], path: Path) -> Gen:
        self.plan.text_paths.append(path)
        if self.llm:
            self.plan.llm_paths.append(path)
            return lambda d: None  # filled in by the language model
        low, high = int(node.get("minLength", 0)), node.get("maxLength")
        return lambda d: _fit(d.fake.sentence(nb_words=int(d.rng.integers(4, 14))), low, high)

    def _pattern(self, node: dict[str, Any], kind: FieldKind | None, examples: list[str], path: Path) -> Gen:
        pattern = str(node["pattern"])
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise SchemaError(
                f"The pattern at '{_where(path)}' is not a regular expression Python reads ({exc}).",
                "Rewrite it in the common regex subset.",
            ) from exc
        low, high = int(node.get("minLength", 0)), node.get("maxLength")
        fmt = formatgen.for_format(str(node.get("format", ""))) if node.get("format") else None
        natural = kind.sample_string if kind is not None and (kind.faker or kind.pick or kind.make) else fmt
        good = [e for e in examples if regex.search(e) and low <= len(e) <= (high or 10**9)]

        def fits(value: str) -> bool:
            return bool(regex.search(value)) and low <= len(value) <= (high if high is not None else 10**9)

        def make(d: Draw) -> str:
            if good and d.rng.random() < 0.3:
                return good[int(d.rng.integers(len(good)))]
            if natural is not None:
                value = str(natural(d.rng, d.fake))
                if fits(value):
                    return value
            value = ""
            for _ in range(8):
                value = formatgen.from_regex(pattern, d.random, high)
                if fits(value):
                    return value
            return value

        return make

    def _number(self, node: dict[str, Any], name: str, path: Path, ctx: Context) -> tuple[Gen, str, str]:
        integer = node.get("type") == "integer"
        kind = self._kind(name, node, ctx)
        kind = kind if kind is not None and kind.types & {"number", "integer"} else None
        low, high, _ = _bounds(node, kind, integer)
        given = _schema_bounds(node)
        if low > high or (given[0] is not None and given[1] is not None and given[0] > given[1]):
            raise unsatisfiable("minimum/maximum", path)
        if "x-id" in node or (kind is not None and kind.name == "id" and integer):
            start = int(node.get("minimum", 1))
            return (lambda d: start + d.index), "id", "sequential id"
        step = node.get("multipleOf")
        decimals = int(node.get("x-decimals", kind.decimals if kind is not None and not integer else 2))
        sample = _distribution(node, kind, low, high)
        label = f"{kind.name}: {low:g}..{high:g}" if kind else f"range {low:g}..{high:g}"
        if step:
            return _multiple_of(float(step), low, high, integer), "number", f"multiples of {step} in {low:g}..{high:g}"
        if integer:
            return (lambda d: int(min(max(round(sample(d.rng)), low), high))), "integer", label
        return (lambda d: _clip(round(float(sample(d.rng)), decimals), low, high, node)), "number", label

    def _boolean(self, node: dict[str, Any], *_: Any) -> tuple[Gen, str, str]:
        chance = float(node.get("x-probability", 0.5))
        return (lambda d: bool(d.rng.random() < chance)), "boolean", f"boolean p={chance:g}"

    def _null(self, *_: Any) -> tuple[Gen, str, str]:
        return (lambda d: None), "null", "null"


_TYPE_BUILDERS: dict[str, Callable[..., tuple[Gen, str, str]]] = {
    "object": Compiler._object,
    "array": Compiler._array,
    "string": Compiler._string,
    "number": Compiler._number,
    "integer": Compiler._number,
    "boolean": Compiler._boolean,
    "null": Compiler._null,
}
TYPE_HINTS = {
    "object": (
        "properties",
        "patternProperties",
        "additionalProperties",
        "required",
        "minProperties",
        "maxProperties",
        "propertyNames",
        "dependentRequired",
        "dependencies",
    ),
    "array": ("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains", "additionalItems"),
    "string": ("pattern", "minLength", "maxLength", "format"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
}


def unsatisfiable(keyword: str, path: Path) -> SchemaError:
    """The one-sentence error of a schema no value can satisfy."""
    return SchemaError(
        f"No value can satisfy '{keyword}' at '{_where(path)}'.", "Loosen that keyword (it contradicts the rest of the schema there)."
    )


def _where(path: Path) -> str:
    return "/".join(path) or "(root)"


def _allowed_types(node: dict[str, Any]) -> list[str]:
    declared = node.get("type")
    if isinstance(declared, list):
        return [t for t in declared if t in _TYPE_BUILDERS]
    if isinstance(declared, str):
        return [declared]
    hinted = [t for t, keys in TYPE_HINTS.items() if any(k in node for k in keys)]
    return hinted or ["string"]


def _x_or_null(branches: list[Any]) -> bool:
    return len(branches) == 2 and sum(1 for b in branches if isinstance(b, dict) and b.get("type") == "null") == 1


def _dependent_required(node: dict[str, Any]) -> dict[str, list[str]]:
    found = {k: list(v) for k, v in (node.get("dependentRequired") or {}).items() if isinstance(v, list)}
    found.update({k: list(v) for k, v in (node.get("dependencies") or {}).items() if isinstance(v, list)})
    for key, sub in {
        **(node.get("dependentSchemas") or {}),
        **{k: v for k, v in (node.get("dependencies") or {}).items() if isinstance(v, dict)},
    }.items():
        found.setdefault(key, []).extend(k for k in sub.get("required") or [] if isinstance(k, str))
    return found


def _fit_count(keep: set[str], required: set[str], limits: tuple[int, int], order: list[str], d: Draw) -> set[str]:
    low, high = limits
    optional = [k for k in order if k not in keep]
    while len(keep) < low and optional:
        keep.add(optional.pop(int(d.rng.integers(len(optional)))))
    removable = [k for k in order if k in keep and k not in required]
    while len(keep) > high and removable:
        keep.discard(removable.pop())
    return keep


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _canon(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, default=str)


def _examples(node: dict[str, Any]) -> list[Any]:
    found = list(node.get("examples") or []) if isinstance(node.get("examples"), list) else []
    for key in ("example", "default"):
        if key in node:
            found.append(node[key])
    return found


def _scalar_rules(node: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in node.items()
        if k
        in (
            "type",
            "pattern",
            "minLength",
            "maxLength",
            "format",
            "enum",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "not",
        )
    }


def _constrained(node: dict[str, Any], length: bool = True) -> bool:
    keys = ("pattern", "format", *(("maxLength",) if length else ()))
    return any(k in node for k in keys) or (length and int(node.get("maxLength", 100)) < 12)


def _words_sampler(high: Any) -> Callable[[Any, Any], str]:
    def make(rng: Any, fake: Any) -> str:
        count = 1 if high is not None and int(high) < 16 else int(rng.integers(1, 4))
        return " ".join(fake.words(count))

    return make


def _fit(text: str, low: int, high: Any) -> str:
    while len(text) < low:
        text = f"{text} {text}" if text else "x" * low
    return text[: int(high)] if high is not None else text


def _id_prefix(prefix: str) -> str:
    """``x-id`` with a dash before the number, unless it is empty or already ends in a separator ('T-', 'T_')."""
    return prefix if not prefix or not prefix[-1].isalnum() else f"{prefix}-"


def _date(node: dict[str, Any]) -> Gen:
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


def _bounds(node: dict[str, Any], kind: FieldKind | None, integer: bool) -> tuple[float, float, bool]:
    """The sampling range: the schema's bounds, narrowed to the kind's realistic range where that fits."""
    low, high = _schema_bounds(node)
    bounded = low is not None and high is not None
    k_low = kind.low if kind is not None and kind.low is not None else None
    k_high = kind.high if kind is not None and kind.high is not None else None
    if node.get("x-distribution"):
        k_low = k_high = None
    lo = low if low is not None else k_low
    hi = high if high is not None else k_high
    if lo is not None and hi is not None and lo > hi:  # the kind's range lies beyond the schema's one bound
        lo, hi = (low, None) if low is not None else (None, high)
    lo = lo if lo is not None else (hi - 1000 if hi is not None and hi < 0 else 0.0)
    hi = hi if hi is not None else lo + (100 if integer else 1000)
    if integer:
        lo, hi = float(np.ceil(lo)), float(np.floor(hi))
    return float(lo), float(hi), bounded


def _schema_bounds(node: dict[str, Any]) -> tuple[float | None, float | None]:
    low, high = node.get("minimum"), node.get("maximum")
    ex_low, ex_high = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
    step = 1.0 if node.get("type") == "integer" else 1e-6
    if ex_low is True and low is not None:  # draft 4: a boolean beside minimum
        low = float(low) + step
    elif isinstance(ex_low, (int, float)) and not isinstance(ex_low, bool):
        low = max(float(ex_low) + step, float(low)) if low is not None else float(ex_low) + step
    if ex_high is True and high is not None:
        high = float(high) - step
    elif isinstance(ex_high, (int, float)) and not isinstance(ex_high, bool):
        high = min(float(ex_high) - step, float(high)) if high is not None else float(ex_high) - step
    return (float(low) if low is not None else None), (float(high) if high is not None else None)


def _distribution(node: dict[str, Any], kind: FieldKind | None, low: float, high: float) -> Callable[[np.random.Generator], float]:
    spec = node.get("x-distribution")
    if spec is None:
        if kind is not None:
            return lambda rng: kind.sample_number(rng, low, high)
        spec = {"kind": "uniform"}
    name = spec.get("kind", "uniform")
    if name not in _DISTRIBUTIONS:
        raise SchemaError(f"Unknown x-distribution kind '{name}'.", f"Use one of: {', '.join(_DISTRIBUTIONS)}.")
    draw = _DISTRIBUTIONS[name]

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


def _clip(value: float, low: float, high: float, node: dict[str, Any]) -> float:
    value = min(max(value, low), high)
    if "exclusiveMinimum" in node and isinstance(node["exclusiveMinimum"], (int, float)) and value <= float(node["exclusiveMinimum"]):
        value = (low + high) / 2
    return value


def _multiple_of(step: float, low: float, high: float, integer: bool) -> Gen:
    first, last = int(np.ceil(low / step - 1e-9)), int(np.floor(high / step + 1e-9))
    if first > last:
        raise SchemaError(f"No multiple of {step:g} lies in {low:g}..{high:g}.", "Widen the range or change multipleOf.")
    decimals = max(0, -int(np.floor(np.log10(step)))) + 2 if step < 1 else 0

    def make(d: Draw) -> Any:
        k = int(d.rng.integers(first, last + 1))
        value = k * step
        if integer or (float(value).is_integer() and step.is_integer()):
            return round(value)
        return round(value, decimals)

    return make
