"""Schema preparation: check under the declared draft, bundle and inline ``$ref``s, merge, strip hints for grammars."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from hfkit.core.errors import SchemaError

# A string with a ``pattern`` is fine when one of these says how to make it.
GRAMMAR_FORMATS = ("date", "time", "date-time", "uuid")  # formats llama.cpp grammars enforce
MAX_INLINED = 2_000_000  # characters of inlined schema before shared $refs are left as references
LOWER = ("minimum", "minLength", "minItems", "minProperties", "exclusiveMinimum", "minContains")
UPPER = ("maximum", "maxLength", "maxItems", "maxProperties", "exclusiveMaximum", "maxContains")


def validator_for_schema(schema: dict[str, Any]) -> Any:
    """A jsonschema validator of the schema's declared draft (2020-12 when none), with format checks."""
    from jsonschema import Draft202012Validator
    from jsonschema.validators import validator_for

    cls = validator_for(schema, default=Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def record_errors(validator: Any, value: Any) -> list[str]:
    """Every way ``value`` breaks the validator's schema, as readable strings."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(value)]


def check_declared(schema: Any, where: str) -> None:
    """Raise SchemaError naming the place when ``schema`` is not valid under its declared draft."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError as JsSchemaError
    from jsonschema.validators import validator_for

    if not isinstance(schema, (dict, bool)):
        raise SchemaError(f"{where} is not a JSON Schema object.", 'A schema is a JSON object such as {"type": "object"}.')
    if isinstance(schema, bool):
        return
    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except JsSchemaError as exc:
        location = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise SchemaError(f"{where} is not valid JSON Schema at '{location}': {exc.message}.", "Fix that part of the schema.") from exc


def prepare(schema: Any, where: str = "the schema", base: Path | None = None) -> dict[str, Any]:
    """Check ``schema`` (its declared draft; 2020-12 when none), bring in ``$ref``s to files beside it (``base``
    is its folder) and inline local ``$ref``s; recursive ones stay references into the kept ``$defs``."""
    if schema is True:
        schema = {}
    check_declared(schema, where)
    if schema is False:
        raise SchemaError(f"{where} is 'false': no value satisfies it.", "Use a schema that allows something.")
    root: dict[str, Any] = copy.deepcopy(schema)
    _bundle(root, root, base, where, "", set())
    _check_satisfiable(root, where)
    budget = [MAX_INLINED]
    inlined: dict[str, Any] = _inline(root, root, (), budget)
    if _has_ref(inlined):
        for key in ("$defs", "definitions"):
            if key in root:
                inlined[key] = root[key]
    return inlined


def _check_satisfiable(root: dict[str, Any], where: str) -> None:
    """The shared satisfiability check; a schema of an older draft was checked against its own meta-schema above,
    so the 2020-12 meta-schema's verdict on it is not taken."""
    from hfkit.generation.schema_check import check_satisfiable

    try:
        check_satisfiable(root, where)
    except SchemaError as exc:
        if "is not valid JSON Schema" not in exc.message or "2020-12" in str(root.get("$schema", "2020-12")):
            raise


def _bundle(node: Any, root: dict[str, Any], base: Path | None, where: str, prefix: str, loaded: set[str]) -> None:
    """Rewrite ``$ref``s to files beside the schema as local ones, copying those files under ``$defs``."""
    if isinstance(node, list):
        for item in node:
            _bundle(item, root, base, where, prefix, loaded)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref.startswith("#"):
            if prefix:
                node["$ref"] = f"#/$defs/{prefix}{ref[1:]}" if ref not in ("#", "#/") else f"#/$defs/{prefix}"
        else:
            target = _load_beside(ref, root, base, where, loaded)
            if target is None:  # not available here: the field keeps its other keywords, and the report says so
                del node["$ref"]
                root.setdefault("x-unresolved", []).append(ref)
            else:
                node["$ref"] = target
    for key, value in list(node.items()):
        if key != "$ref":
            _bundle(value, root, base, where, prefix, loaded)


def _load_beside(ref: str, root: dict[str, Any], base: Path | None, where: str, loaded: set[str]) -> str | None:
    name, _, fragment = ref.partition("#")
    path = (base / name.rsplit("/", 1)[-1]).resolve() if base is not None else None
    if path is None or not path.is_file():
        return None
    key = "file_" + re.sub(r"[^A-Za-z0-9]+", "_", path.stem)
    if key not in loaded:
        loaded.add(key)
        try:
            other = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise SchemaError(f"The referenced schema '{name}' cannot be read ({exc}).", "Fix that file.") from exc
        root.setdefault("$defs", {})[key] = other
        _bundle(other, root, path.parent, f"Schema file '{name}'", key, loaded)
    return f"#/$defs/{key}{fragment}" if fragment not in ("", "/") else f"#/$defs/{key}"


def _has_ref(node: Any) -> bool:
    if isinstance(node, dict):
        return "$ref" in node or any(_has_ref(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_ref(v) for v in node)
    return False


def _inline(node: Any, root: dict[str, Any], seen: tuple[str, ...], budget: list[int]) -> Any:
    if isinstance(node, list):
        return [_inline(item, root, seen, budget) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node and isinstance(node["$ref"], str):
        ref = node["$ref"]
        target = _pointer(root, ref)
        if target is None:
            raise SchemaError(f"The schema reference '{ref}' points to nothing.", "Fix the $ref path.")
        if ref in seen or budget[0] <= 0 or not isinstance(target, dict):
            return {k: _inline(v, root, seen, budget) if k != "$ref" else v for k, v in node.items()}
        budget[0] -= len(json.dumps(target, default=str))
        merged = {**copy.deepcopy(target), **{k: v for k, v in node.items() if k != "$ref"}}
        return _inline(merged, root, (*seen, ref), budget)
    return {k: _inline(v, root, seen, budget) for k, v in node.items() if k not in ("$defs", "definitions")}


def _pointer(root: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#"):
        raise SchemaError(f"The schema reference '{ref}' is not supported.", "Use local '#/...' references.")
    target: Any = root
    for part in [p for p in ref[1:].split("/") if p]:
        part = unquote(part).replace("~1", "/").replace("~0", "~")
        if isinstance(target, list) and part.isdigit():
            target = target[int(part)] if int(part) < len(target) else None
        else:
            target = target.get(part) if isinstance(target, dict) else None
    return target


def merge_all(base: dict[str, Any], subs: list[Any], where: str) -> dict[str, Any]:
    """``base`` and every schema in ``subs`` as one schema (for ``allOf`` and branches): properties merged,
    required joined, types intersected, bounds tightened. What cannot be merged is checked on the values."""
    merged = dict(base)
    for sub in subs:
        if sub is True or sub is None:
            continue
        if sub is False:
            raise SchemaError(f"No value can satisfy 'false' at '{where}'.", "Remove the false schema.")
        for key, value in sub.items():
            _merge_key(merged, key, value, where)
    return merged


def _merge_key(merged: dict[str, Any], key: str, value: Any, where: str) -> None:
    if key not in merged:
        merged[key] = copy.copy(value)
    elif key == "properties" and isinstance(value, dict):
        props = dict(merged[key])
        for name, sub in value.items():
            old = props.get(name)
            props[name] = merge_all(old, [sub], f"{where}/{name}") if isinstance(old, dict) and isinstance(sub, dict) else sub
        merged[key] = props
    elif key == "required":
        merged[key] = list(dict.fromkeys([*merged[key], *value]))
    elif key == "type":
        merged[key] = _intersect_types(merged[key], value, where)
    elif key == "enum":
        keep = [v for v in merged[key] if any(_same(v, w) for w in value)]
        if not keep:
            raise SchemaError(f"No value can satisfy 'enum' at '{where}'.", "The enums of the combined schemas share no value.")
        merged[key] = keep
    elif key == "const" and not _same(merged[key], value):
        raise SchemaError(f"No value can satisfy 'const' at '{where}'.", "The combined schemas want different constants.")
    elif key in LOWER and _number(value) and _number(merged[key]):
        merged[key] = max(merged[key], value)
    elif key in UPPER and _number(value) and _number(merged[key]):
        merged[key] = min(merged[key], value)
    elif key in ("items", "additionalProperties") and isinstance(value, dict) and isinstance(merged[key], dict):
        merged[key] = merge_all(merged[key], [value], where)
    elif key == "additionalProperties" and value is False:
        merged[key] = False


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(a: Any, b: Any) -> bool:
    return (json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True) and type(a) is type(b)) or (
        a == b and (isinstance(a, bool) == isinstance(b, bool))
    )


def _intersect_types(a: Any, b: Any, where: str) -> Any:
    left, right = set(a if isinstance(a, list) else [a]), set(b if isinstance(b, list) else [b])
    both = left & right
    if ("integer" in left and "number" in right) or ("number" in left and "integer" in right):
        both.add("integer")
    if not both:
        raise SchemaError(
            f"No value can satisfy 'type' at '{where}' ({sorted(left)} and {sorted(right)}).", "The combined schemas allow no common type."
        )
    return sorted(both)[0] if len(both) == 1 else sorted(both)


def node_types(node: dict[str, Any]) -> set[str]:
    """The JSON types a schema node allows (``anyOf: [X, null]`` unwrapped)."""
    if "anyOf" in node:
        return set().union(*(node_types(b) if isinstance(b, dict) else {"string"} for b in node["anyOf"]))
    kind = node.get("type")
    if isinstance(kind, list):
        return set(kind)
    if kind:
        return {kind}
    if "enum" in node:
        return {_json_type(v) for v in node["enum"]}
    if "properties" in node:
        return {"object"}
    return {"string"}


def non_null(node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The node without its null alternative, and whether null was allowed."""
    if "anyOf" in node:
        inner = next((b for b in node["anyOf"] if isinstance(b, dict) and b.get("type") != "null"), {})
        merged = {**{k: v for k, v in node.items() if k != "anyOf"}, **inner}
        return merged, True
    kind = node.get("type")
    if isinstance(kind, list) and "null" in kind:
        rest = [k for k in kind if k != "null"]
        return {**node, "type": rest[0] if len(rest) == 1 else rest}, True
    return node, False


def _json_type(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}
    return names.get(type(value), "object")


def grammar_schema(node: Any) -> Any:
    """The schema without hfkit's ``x-`` hints and annotations, as sent to a grammar or server."""
    if isinstance(node, list):
        return [grammar_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    drop = ("title", "description", "examples", "default", "$schema")
    kept = {k: grammar_schema(v) for k, v in node.items() if not k.startswith("x-") and k not in drop}
    if kept.get("format") not in GRAMMAR_FORMATS:
        kept.pop("format", None)
    return kept


def spec_hash(schema: dict[str, Any]) -> str:
    """A stable digest of a schema (key order does not matter)."""
    text = json.dumps(schema, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
