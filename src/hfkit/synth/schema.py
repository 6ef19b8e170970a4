"""Schema preparation: check, inline ``$ref``, reject what the generator cannot honour, strip hints for grammars."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from hfkit.core.errors import SchemaError
from hfkit.generation.schema_check import check_satisfiable

# Keywords the generator cannot satisfy by construction; named in the error.
UNSUPPORTED = (
    "oneOf", "allOf", "not", "if", "then", "else", "patternProperties", "dependentSchemas", "dependentRequired",
    "prefixItems", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "$dynamicRef",
)
# A string with a ``pattern`` is fine when one of these says how to make it.
GRAMMAR_FORMATS = ("date", "time", "date-time", "uuid")  # formats llama.cpp grammars enforce
GENERATED_STRING_HINTS = ("enum", "const", "x-faker", "x-llm", "x-id", "x-derive", "format")


def prepare(schema: Any, where: str = "the schema") -> dict[str, Any]:
    """Check ``schema`` (JSON Schema 2020-12), inline local ``$ref``s and reject unsupported features."""
    check_satisfiable(schema, where)
    inlined: dict[str, Any] = _inline(copy.deepcopy(schema), schema, ())
    if inlined.get("type") != "object" or not isinstance(inlined.get("properties"), dict) or not inlined["properties"]:
        raise SchemaError(f"{where} must describe an object with 'properties'.",
                          'Use {"type": "object", "properties": {...}} at the top level.')
    _check_supported(inlined, where, "")
    return inlined


def _inline(node: Any, root: dict[str, Any], seen: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_inline(item, root, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
            raise SchemaError(f"The schema reference '{ref}' is not supported (only local, non-recursive $ref).",
                              "Inline the referenced schema.")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        if target is None:
            raise SchemaError(f"The schema reference '{ref}' points to nothing.", "Fix the $ref path.")
        merged = {**copy.deepcopy(target), **{k: v for k, v in node.items() if k != "$ref"}}
        return _inline(merged, root, (*seen, ref))
    return {k: _inline(v, root, seen) for k, v in node.items() if k not in ("$defs", "definitions")}


def _check_supported(node: dict[str, Any], where: str, path: str) -> None:
    here = path or "(root)"
    for key in UNSUPPORTED:
        if key in node:
            raise SchemaError(f"{where} uses '{key}' at '{here}', which hfkit synth does not support.",
                              "Remove it or replace it with enum/const values.")
    if "anyOf" in node and not _nullable_branch(node["anyOf"]):
        raise SchemaError(f"{where} uses 'anyOf' at '{here}', which hfkit synth supports only as 'X or null'.",
                          "Use a single type, optionally with null.")
    kinds = node_types(node)
    if "pattern" in node and not any(h in node for h in GENERATED_STRING_HINTS):
        raise SchemaError(f"{where} uses 'pattern' at '{here}', which hfkit synth cannot sample from.",
                          "Give the field an enum, a format, or an 'x-faker'/'x-llm' hint instead.")
    for name, child in (node.get("properties") or {}).items():
        _check_supported(child, where, f"{path}/{name}".lstrip("/"))
    if "array" in kinds and isinstance(node.get("items"), dict):
        _check_supported(node["items"], where, f"{path}/items".lstrip("/"))
    for branch in node.get("anyOf") or []:
        _check_supported(branch, where, path)


def _nullable_branch(branches: list[Any]) -> bool:
    return len(branches) == 2 and sum(1 for b in branches if b.get("type") == "null") == 1


def node_types(node: dict[str, Any]) -> set[str]:
    """The JSON types a schema node allows (``anyOf: [X, null]`` unwrapped)."""
    if "anyOf" in node:
        return set().union(*(node_types(b) for b in node["anyOf"]))
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
        inner = next(b for b in node["anyOf"] if b.get("type") != "null")
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
