"""Refuse JSON schemas that no value can satisfy, or whose grammar would grow without bound, before any grammar is
built or model loaded.

``check_satisfiable(schema)`` is the one entry point: it checks the schema is valid JSON Schema 2020-12, small and
shallow enough, free of bounds a grammar cannot hold, and satisfiable as far as can be decided cheaply: contradictory
bounds (``minLength`` > ``maxLength``, ``minimum`` > ``maximum``, ``minItems`` > ``maxItems``...), an empty ``enum``,
``const``/``enum`` values the rest of the node rejects, disjoint ``type``s across ``allOf``, required properties that
``additionalProperties: false`` forbids, and ``$ref`` loops that every value would have to follow for ever. What it
cannot decide (patterns against lengths, ``if``/``then``, ``not`` beyond the trivial case) it lets through: it never
refuses a schema some value satisfies. The error names the keyword and the JSON pointer of the node.

Values are finite, so a ``$ref`` met again while its own target is being checked counts as unsatisfiable on that
path (least fixed point): a recursive schema is satisfiable when some alternative ends the recursion.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeGuard

from hfkit.core.errors import SchemaError

MAX_NODES = 20_000  # schema objects and arrays in the whole document
MAX_DEPTH = 64  # nesting of the schema document
MAX_REPEAT = 2_000  # a lower bound a grammar expands into copies (llama.cpp refuses more than 2000)
MAX_PATTERN_EXPANSION = 4_000  # copies a pattern's nested counted repetitions expand into
MAX_MIN_OUTPUT = 1_000_000  # characters the shortest valid value may need
MAX_STEPS = 200_000  # nodes visited while deciding satisfiability (bounds the time on adversarial $ref graphs)
MAX_INTEGER = 2**63 - 1  # grammars hold 64-bit bounds
TYPES = ("null", "boolean", "object", "array", "number", "integer", "string")
INF = math.inf


@dataclass(frozen=True)
class Unsatisfiable:
    """Why no value satisfies a node: the keyword, its JSON pointer and a clause saying what contradicts it."""

    keyword: str
    pointer: str
    reason: str


def check_satisfiable(schema: Any, where: str = "The JSON schema") -> None:
    """Raise :class:`SchemaError` (one sentence, keyword and JSON pointer) when ``schema`` is invalid, too big for a
    grammar, or cannot be satisfied by any value; return None otherwise."""
    from hfkit.generation.structured import check_schema

    if isinstance(schema, dict) and _already_checked(schema):
        return
    _check_shape(schema, where)
    check_schema(schema, where)
    _check_bounds(schema, where)
    checker = _Checker(schema, where)
    problem = checker.why_unsatisfiable(schema, "#")
    if problem is not None:
        raise SchemaError(f"{where} cannot be satisfied: {problem.reason} at '{problem.pointer}'.",
                          f"Change or remove '{problem.keyword}' there.")
    shortest = checker.shortest(schema, "#", ())
    if shortest == INF:
        raise SchemaError(f"{where} cannot be satisfied: its required $refs loop without end.",
                          "Make one property on the loop optional or give it a non-recursive alternative.")
    if shortest > MAX_MIN_OUTPUT:
        raise SchemaError(f"{where} needs at least {_amount(shortest)} characters for its shortest valid value.",
                          "Lower its minItems/minLength/minProperties bounds.")
    if isinstance(schema, dict):
        _remember(schema)


_CHECKED: dict[str, None] = {}  # canonical texts of schemas that passed, so per-record callers pay once


def _canonical(schema: dict[str, Any]) -> str:
    import json

    return json.dumps(schema, sort_keys=True, default=str)


def _already_checked(schema: dict[str, Any]) -> bool:
    try:
        return _canonical(schema) in _CHECKED
    except (TypeError, ValueError, RecursionError):
        return False


def _remember(schema: dict[str, Any]) -> None:
    if len(_CHECKED) > 256:
        _CHECKED.clear()
    _CHECKED[_canonical(schema)] = None


# ---------------------------------------------------------------- size and bounds


def _check_shape(schema: Any, where: str) -> None:
    """Count the nodes and nesting depth iteratively, so a deep document cannot overflow the stack."""
    stack: list[tuple[Any, int]] = [(schema, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict | list):
            continue
        nodes += 1
        if depth > MAX_DEPTH:
            raise SchemaError(f"{where} is nested more than {MAX_DEPTH} levels deep.", "Flatten the schema.")
        if nodes > MAX_NODES:
            raise SchemaError(f"{where} has more than {MAX_NODES:,} objects and arrays.", "Split it into smaller schemas.")
        stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))


REPEATED = ("minLength", "minItems", "minProperties", "minContains")
NUMERIC = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "maxLength", "maxItems",
           "maxProperties", "maxContains", *REPEATED)


def _check_bounds(schema: Any, where: str) -> None:
    for node, pointer in _subschemas(schema, "#"):
        for key in NUMERIC:
            value = node.get(key)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if not math.isfinite(value) or abs(value) > MAX_INTEGER:
                raise SchemaError(f"{where} has '{key}' {value} at '{pointer}', beyond the 64-bit range a grammar holds.",
                                  "Use a smaller bound.")
            if key in REPEATED and value > MAX_REPEAT:
                raise SchemaError(f"{where} has '{key}' {value} at '{pointer}', more than the {MAX_REPEAT} repetitions "
                                  "a grammar can hold.", f"Lower '{key}' to {MAX_REPEAT} or less.")
        pattern = node.get("pattern")
        if isinstance(pattern, str) and _pattern_expansion(pattern) > MAX_PATTERN_EXPANSION:
            raise SchemaError(f"{where} has a 'pattern' at '{pointer}' whose counted repetitions expand to more than "
                              f"{MAX_PATTERN_EXPANSION} copies.", "Use smaller {m,n} counts in the pattern.")


def _subschemas(node: Any, pointer: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Every schema object in the document with its JSON pointer (keywords that hold data, like enum, skipped)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _subschemas(item, f"{pointer}/{index}")
        return
    if not isinstance(node, dict):
        return
    yield node, pointer
    for key, child in node.items():
        if key in ("enum", "const", "examples", "default", "required"):
            continue
        if key in ("properties", "$defs", "definitions", "patternProperties", "dependentSchemas") and isinstance(child, dict):
            for name, sub in child.items():
                yield from _subschemas(sub, f"{pointer}/{key}/{_escape(name)}")
        elif isinstance(child, dict | list):
            yield from _subschemas(child, f"{pointer}/{key}")


def _pattern_expansion(pattern: str) -> float:
    """How many copies a grammar makes of a pattern's atoms: counted repetitions multiply when nested."""
    try:
        import re._parser as sre_parse  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - Python < 3.11
        import sre_parse
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:
        return 0
    return _expansion(parsed, sre_parse)


def _expansion(items: Any, sre: Any) -> float:
    total = 0.0
    for op, arg in items:
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            low, high, body = arg
            count = low if high == sre.MAXREPEAT else high
            total += max(count, 1) * max(_expansion(body, sre), 1)
        elif op == sre.SUBPATTERN:
            total += _expansion(arg[-1], sre)
        elif op == sre.BRANCH:
            total += sum(_expansion(branch, sre) for branch in arg[1])
        else:
            total += 1
    return total


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _amount(value: float) -> str:
    return "an unbounded number of" if value == INF else f"{value:,.0f}"


# ---------------------------------------------------------------- satisfiability


class _Checker:
    """Decides satisfiability of nodes of one document, resolving its local ``$ref``s."""

    def __init__(self, root: Any, where: str) -> None:
        self.root = root
        self.where = where
        self.steps = 0
        self.active: set[str] = set()  # $refs being checked on the current path

    # -- references

    def resolve(self, ref: str) -> Any:
        """The node a local ``$ref`` points at, or None when it is not a local JSON pointer or names nothing."""
        return resolve_local_ref(self.root, ref)

    def _tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise SchemaError(f"{self.where} is too intricate to check (its $refs branch too much).",
                              "Simplify the references.")

    # -- the decision

    def why_unsatisfiable(self, node: Any, pointer: str) -> Unsatisfiable | None:
        """None when some value satisfies ``node``; otherwise the first contradiction found."""
        self._tick()
        if node is False:
            return Unsatisfiable("false", pointer, "the schema 'false' accepts no value")
        if not isinstance(node, dict):
            return None
        folded = self.fold(node, pointer)
        if isinstance(folded, Unsatisfiable):
            return folded
        merged, refs = folded
        self.active |= refs
        try:
            return self._decide(node, merged, pointer)
        finally:
            self.active -= refs

    def _decide(self, node: dict[str, Any], merged: dict[str, Any], pointer: str) -> Unsatisfiable | None:
        for key in ("anyOf", "oneOf"):
            for branches in merged.get(f"x-all-{key}", []):
                problem = self._any_branch(branches, f"{pointer}/{key}")
                if problem is not None:
                    return problem
        if any(n is True or n == {} for n in merged.get("x-all-not", [])):
            return Unsatisfiable("not", pointer, "'not' excludes every value")
        if merged.get("x-unresolved"):
            return None  # a reference hfkit cannot follow: claim nothing more
        if "enum" in merged or "const" in merged:
            return self._values(node, merged, pointer)
        return self._types(merged, pointer)

    def _any_branch(self, branches: Any, pointer: str) -> Unsatisfiable | None:
        if not isinstance(branches, list) or not branches:
            return None
        problems = [self.why_unsatisfiable(branch, f"{pointer}/{i}") for i, branch in enumerate(branches)]
        if all(problems):
            first = problems[0]
            assert first is not None
            return Unsatisfiable(first.keyword, first.pointer, f"no branch can be satisfied ({first.reason})")
        return None

    def fold(self, node: dict[str, Any], pointer: str) -> tuple[dict[str, Any], set[str]] | Unsatisfiable:
        """The node with its ``allOf`` branches and ``$ref`` targets folded in (tightest bounds, common types,
        properties of the same name combined), and the references followed; a reference already being checked on
        this path is a loop no finite value ends."""
        out: dict[str, Any] = {}
        refs: set[str] = set()
        seen: set[int] = set()
        pending: list[tuple[Any, tuple[str, ...]]] = [(node, ())]
        while pending:
            part, chain = pending.pop()
            if part is False:
                return Unsatisfiable("false", pointer, "the schema 'false' accepts no value")
            if not isinstance(part, dict):
                continue
            ref = part.get("$ref")
            if isinstance(ref, str):
                if ref in self.active or ref in chain:
                    return Unsatisfiable("$ref", pointer, f"'$ref' {ref} requires itself again with no way to end")
                target = self.resolve(ref)
                if target is None:
                    out["x-unresolved"] = True
                else:
                    refs.add(ref)
                    pending.append((target, (*chain, ref)))
            if id(part) in seen:
                continue
            seen.add(id(part))
            pending.extend((branch, chain) for branch in _list(part, "allOf"))
            _fold(out, part)
        return out, refs

    def _values(self, node: dict[str, Any], merged: dict[str, Any], pointer: str) -> Unsatisfiable | None:
        """With ``enum``/``const``: satisfiable exactly when a listed value passes the whole node."""
        keyword = "const" if "const" in merged else "enum"
        candidates = [merged["const"]] if keyword == "const" else merged["enum"]
        if not isinstance(candidates, list) or not candidates:
            return Unsatisfiable("enum", pointer, "'enum' lists no values")
        rejection = ""
        for value in candidates[:1000]:
            rejection = self._rejects(node, value)
            if not rejection:
                return None
        if len(candidates) > 1000:
            return None
        if len(candidates) == 1:
            return Unsatisfiable(keyword, pointer, f"the rest of the schema rejects the only value '{keyword}' allows "
                                                   f"({rejection})")
        return Unsatisfiable(keyword, pointer, f"the rest of the schema rejects all {len(candidates)} values '{keyword}' "
                                               f"allows ({rejection})")

    def _rejects(self, node: dict[str, Any], value: Any) -> str:
        """Why ``value`` fails ``node`` (validated with the root's ``$ref``s), or '' when it passes."""
        from jsonschema import Draft202012Validator

        try:
            validator = Draft202012Validator(self.root if isinstance(self.root, dict) else {}).evolve(schema=node)
            error = next(iter(validator.iter_errors(value)), None)
        except Exception:
            return ""
        return "" if error is None else error.message

    def _types(self, node: dict[str, Any], pointer: str) -> Unsatisfiable | None:
        types = node.get("type")
        allowed = [types] if isinstance(types, str) else list(types) if isinstance(types, list) else list(TYPES)
        allowed = [t for t in allowed if t in TYPES]
        if not allowed:
            return Unsatisfiable("type", pointer, "its 'type' constraints have no type in common")
        problems = [_TYPE_CHECKS.get(t, _no_problem)(self, node, pointer) for t in allowed]
        if all(problems):
            return problems[0]
        return None

    # -- the shortest value, to refuse grammars no output budget can fill

    def shortest(self, node: Any, pointer: str, refs: tuple[str, ...]) -> float:
        """Characters in the shortest JSON text valid for ``node`` (INF when a required $ref loop never ends)."""
        self._tick()
        if not isinstance(node, dict):
            return 1 if node is not False else INF
        ref = node.get("$ref")
        if isinstance(ref, str) and self.resolve(ref) is not None:
            if ref in refs:
                return INF
            return self.shortest(self.resolve(ref), pointer, (*refs, ref))
        if "const" in node or "enum" in node:
            return 1
        options = [self.shortest(b, pointer, refs) for b in (node.get("anyOf") or node.get("oneOf") or [])]
        if options:
            return min(options)
        return self._shortest_own(node, pointer, refs)

    def _shortest_own(self, node: dict[str, Any], pointer: str, refs: tuple[str, ...]) -> float:
        types = node.get("type")
        allowed = [types] if isinstance(types, str) else types if isinstance(types, list) else ["null"]
        lengths = [1.0]
        if "string" in allowed and len(allowed) == 1:
            lengths = [2 + _number(node.get("minLength"), 0)]
        elif "array" in allowed and len(allowed) == 1:
            count = _number(node.get("minItems"), 0)
            item = self.shortest(node.get("items", True), f"{pointer}/items", refs) if count else 0
            lengths = [2 + count * (item + 1)]
        elif "object" in allowed and len(allowed) == 1:
            lengths = [2 + self._required_length(node, pointer, refs)]
        return min(lengths)

    def _required_length(self, node: dict[str, Any], pointer: str, refs: tuple[str, ...]) -> float:
        properties = _dict(node, "properties")
        total = 0.0
        for name in node.get("required") or []:
            if not isinstance(name, str):
                continue
            sub = properties.get(name, node.get("additionalProperties", True))
            total += len(name) + 4 + self.shortest(sub, f"{pointer}/properties/{_escape(name)}", refs)
            if total == INF:
                return INF
        return total


# ---------------------------------------------------------------- folding allOf into one node

LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains")
UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains")


def _fold(out: dict[str, Any], part: dict[str, Any]) -> None:
    """Add ``part``'s constraints to ``out``: the larger lower bound, the smaller upper bound, common types,
    properties and items of both (as allOf), every anyOf/oneOf/not kept to check."""
    for key, value in part.items():
        if key in ("allOf", "$ref", "$defs", "definitions"):
            continue
        if key in LOWER and _is_number(value):
            out[key] = max(out.get(key, value), value)
        elif key in UPPER and _is_number(value):
            out[key] = min(out.get(key, value), value)
        elif key == "type":
            out["type"] = sorted(_common_types(_type_set(out.get("type")), _type_set(value)))
        elif key == "required" and isinstance(value, list):
            out["required"] = [*out.get("required", []), *(v for v in value if v not in out.get("required", []))]
        elif key in ("anyOf", "oneOf", "not"):
            out.setdefault(f"x-all-{key}", []).append(value)
        elif key == "properties" and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **{n: {"allOf": [out[key][n], v]} if n in out[key] else v for n, v in value.items()}}
        elif key == "items" and key in out:
            out[key] = {"allOf": [out[key], value]}
        elif key == "additionalProperties" and value is False:
            out[key] = False
        elif key not in out:
            out[key] = value


def _type_set(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {v for v in value if isinstance(v, str)}
    return set(TYPES)


def _common_types(old: set[str], new: set[str]) -> set[str]:
    common = old & new
    if "integer" in (old - common) and "number" in new:
        common.add("integer")
    if "integer" in (new - common) and "number" in old:
        common.add("integer")
    return common


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _list(node: dict[str, Any], key: str) -> list[Any]:
    value = node.get(key)
    return value if isinstance(value, list) else []


def _dict(node: dict[str, Any], key: str) -> dict[str, Any]:
    value = node.get(key)
    return value if isinstance(value, dict) else {}


def _number(value: Any, default: float) -> float:
    return float(value) if _is_number(value) else default


def _member(value: Any, values: Any) -> bool:
    from jsonschema._utils import equal  # the JSON equality jsonschema's enum uses (1 == 1.0, True != 1)

    return isinstance(values, list) and any(equal(value, v) for v in values)


# ---------------------------------------------------------------- per type


def _no_problem(_checker: _Checker, _node: dict[str, Any], _pointer: str) -> Unsatisfiable | None:
    return None


def _bounds(node: dict[str, Any], low: str, high: str, pointer: str) -> Unsatisfiable | None:
    lo, hi = node.get(low), node.get(high)
    if _is_number(lo) and _is_number(hi) and lo > hi:
        return Unsatisfiable(low, pointer, f"'{low}' {lo} is greater than '{high}' {hi}")
    return None


def _string(_checker: _Checker, node: dict[str, Any], pointer: str) -> Unsatisfiable | None:
    return _bounds(node, "minLength", "maxLength", pointer)


def _number_range(node: dict[str, Any], pointer: str, integer: bool) -> Unsatisfiable | None:
    lo_key, lo, lo_open = _lower(node)
    hi_key, hi, hi_open = _upper(node)
    if integer:
        lo = math.floor(lo) + 1 if lo_open and lo == math.floor(lo) else math.ceil(lo) if lo != -INF else lo
        hi = math.ceil(hi) - 1 if hi_open and hi == math.ceil(hi) else math.floor(hi) if hi != INF else hi
        lo_open = hi_open = False
    empty = lo > hi or (lo == hi and (lo_open or hi_open))
    if empty:
        what = "no integer lies" if integer else "no number lies"
        return Unsatisfiable(lo_key, pointer, f"{what} between '{lo_key}' {node[lo_key]} and '{hi_key}' {node[hi_key]}")
    return _multiple(node, pointer, lo, hi, integer)


def _lower(node: dict[str, Any]) -> tuple[str, float, bool]:
    inclusive, exclusive = node.get("minimum"), node.get("exclusiveMinimum")
    best = ("minimum", -INF, False)
    if _is_number(inclusive):
        best = ("minimum", float(inclusive), False)
    if _is_number(exclusive) and exclusive >= best[1]:
        best = ("exclusiveMinimum", float(exclusive), True)
    return best


def _upper(node: dict[str, Any]) -> tuple[str, float, bool]:
    inclusive, exclusive = node.get("maximum"), node.get("exclusiveMaximum")
    best = ("maximum", INF, False)
    if _is_number(inclusive):
        best = ("maximum", float(inclusive), False)
    if _is_number(exclusive) and exclusive <= best[1]:
        best = ("exclusiveMaximum", float(exclusive), True)
    return best


def _multiple(node: dict[str, Any], pointer: str, lo: float, hi: float, integer: bool) -> Unsatisfiable | None:
    """A multiple of ``multipleOf`` in a finite range (integers only when the multiple is a whole number)."""
    step: Any = node.get("multipleOf")
    if not _is_number(step) or step <= 0 or lo == -INF or hi == INF:
        return None
    if integer and step != int(step):
        return None  # integer multiples of a fraction: not decided here
    first = math.ceil(lo / step) * step
    if first > hi or (first == lo and node.get("exclusiveMinimum") == lo and first + step > hi):
        return Unsatisfiable("multipleOf", pointer, f"no multiple of {step} lies between the bounds")
    return None


def _number_type(_checker: _Checker, node: dict[str, Any], pointer: str) -> Unsatisfiable | None:
    return _number_range(node, pointer, integer=False)


def _integer_type(_checker: _Checker, node: dict[str, Any], pointer: str) -> Unsatisfiable | None:
    return _number_range(node, pointer, integer=True)


def _array(checker: _Checker, node: dict[str, Any], pointer: str) -> Unsatisfiable | None:
    problem = _bounds(node, "minItems", "maxItems", pointer) or _bounds(node, "minContains", "maxContains", pointer)
    if problem is not None:
        return problem
    need = int(_number(node.get("minItems"), 0))
    prefix = _list(node, "prefixItems")
    for index, item in enumerate(prefix[:need]):
        problem = checker.why_unsatisfiable(item, f"{pointer}/prefixItems/{index}")
        if problem is not None:
            return Unsatisfiable(problem.keyword, problem.pointer, f"'minItems' {need} needs item {index}, but {problem.reason}")
    if need > len(prefix):
        problem = checker.why_unsatisfiable(node.get("items", True), f"{pointer}/items")
        if problem is not None:
            return Unsatisfiable("minItems", pointer, f"'minItems' {need} needs items, but {problem.reason} at "
                                                      f"'{problem.pointer}'")
        distinct = _distinct_values(checker, node.get("items", True))
        if node.get("uniqueItems") is True and distinct is not None and need - len(prefix) > distinct:
            return Unsatisfiable("minItems", pointer, f"'minItems' {need} unique items need more than the {distinct} "
                                                      "values 'items' allows")
    return None


def _distinct_values(checker: _Checker, items: Any) -> int | None:
    """How many different values ``items`` allows, when it is a small finite set (enum, const, boolean, null)."""
    folded = checker.fold(items, "") if isinstance(items, dict) else None
    if not isinstance(folded, tuple):
        return None
    merged = folded[0]
    if "const" in merged:
        return 1
    if isinstance(merged.get("enum"), list):
        return len({repr(v) for v in merged["enum"]})
    types = merged.get("type")
    kinds = {types} if isinstance(types, str) else set(types) if isinstance(types, list) else None
    if kinds and kinds <= {"boolean", "null"}:
        return ("boolean" in kinds) * 2 + ("null" in kinds)
    return None


def _object(checker: _Checker, node: dict[str, Any], pointer: str) -> Unsatisfiable | None:
    problem = _bounds(node, "minProperties", "maxProperties", pointer)
    if problem is not None:
        return problem
    required = [r for r in node.get("required") or [] if isinstance(r, str)]
    maximum = node.get("maxProperties")
    if _is_number(maximum) and len(set(required)) > maximum:
        return Unsatisfiable("required", pointer, f"'required' names {len(set(required))} properties but "
                                                  f"'maxProperties' is {maximum}")
    properties = _dict(node, "properties")
    closed = node.get("additionalProperties") is False and not node.get("patternProperties")
    for name in required:
        if name in properties:
            sub = properties[name]
        elif closed:
            return Unsatisfiable("required", pointer, f"'required' names '{name}', which 'additionalProperties' false "
                                                      "forbids")
        else:
            continue
        problem = checker.why_unsatisfiable(sub, f"{pointer}/properties/{_escape(name)}")
        if problem is not None:
            return problem
    minimum = node.get("minProperties")
    if closed and _is_number(minimum) and minimum > len(properties):
        return Unsatisfiable("minProperties", pointer, f"'minProperties' {minimum} is more than the {len(properties)} "
                                                       "properties 'additionalProperties' false allows")
    return None


_TYPE_CHECKS = {"string": _string, "number": _number_type, "integer": _integer_type, "array": _array, "object": _object}


def resolve_local_ref(root: Any, ref: str) -> Any:
    """The node of ``root`` a local ``$ref`` (``#`` or ``#/a/b``) points at; None for other refs or missing names."""
    if ref == "#":
        return root
    if not ref.startswith("#/"):
        return None
    target: Any = root
    for raw in ref[2:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(target, dict) and part in target:
            target = target[part]
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        else:
            return None
    return target
