"""Checks that keep constrained decoding bounded: a schema the grammar builder turns into a grammar quickly.

:func:`check_decodable` runs the shared satisfiability check (:func:`hfkit.generation.schema_check.check_satisfiable`:
valid, bounded, satisfiable, with the JSON pointer of any contradiction) and then what the grammar builder needs on
top: bounds consistent in every subschema, optional ones included (llama.cpp expands ``minLength`` above
``maxLength`` in an optional property into gigabytes), only local ``$ref``s that point somewhere, and lower bounds
the token budget can reach. It answers in milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hfkit.core.errors import SchemaError
from hfkit.generation.schema_check import MAX_DEPTH, MAX_NODES, check_satisfiable, resolve_local_ref

BOUNDS = (
    ("minLength", "maxLength"),
    ("minItems", "maxItems"),
    ("minProperties", "maxProperties"),
    ("minimum", "maximum"),
    ("exclusiveMinimum", "exclusiveMaximum"),
    ("minContains", "maxContains"),
)
COUNTED = ("minLength", "minItems", "minProperties")


def check_decodable(schema: Any, max_tokens: int, where: str = "The JSON schema") -> None:
    """Raise SchemaError when ``schema`` is invalid, unsatisfiable or too big, has an impossible bound anywhere, a
    ``$ref`` that is not local or points to nothing, or asks for more items or characters than ``max_tokens``
    tokens can hold."""
    check_satisfiable(schema, where)
    for path, node, _ in _nodes(schema):
        _check_bounds(node, path, max_tokens, where)
    _check_refs(schema, where)


def _nodes(schema: Any) -> Iterator[tuple[str, dict[str, Any], int]]:
    """Every object in the schema with its JSON path and depth, iteratively (no recursion limit to hit)."""
    stack: list[tuple[str, Any, int]] = [("#", schema, 0)]
    seen = 0
    while stack:
        path, node, depth = stack.pop()
        seen += 1
        if seen > MAX_NODES or depth > MAX_DEPTH:  # check_satisfiable refused these already; never loop long here
            return
        if isinstance(node, dict):
            yield path, node, depth
            stack.extend((f"{path}/{key}", value, depth + 1) for key, value in node.items() if isinstance(value, dict | list))
        elif isinstance(node, list):
            stack.extend((f"{path}/{index}", value, depth + 1) for index, value in enumerate(node) if isinstance(value, dict | list))


def _check_bounds(node: dict[str, Any], path: str, max_tokens: int, where: str) -> None:
    for low, high in BOUNDS:
        if _number(node.get(low)) and _number(node.get(high)) and node[low] > node[high]:
            raise SchemaError(
                f"{where} asks for {low} {node[low]} above {high} {node[high]} at '{path}', which no value can meet.",
                f"Lower {low} or raise {high}.",
            )
    for key in COUNTED:
        if _number(node.get(key)) and node[key] > max_tokens:
            raise SchemaError(
                f"{where} asks for {key} {node[key]} at '{path}', more than the {max_tokens} tokens the reply may use.",
                f"Lower {key} or raise max_tokens.",
            )
    if node.get("enum") == []:
        raise SchemaError(f"{where} has an empty enum at '{path}', which no value can meet.", "List some values.")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_refs(schema: Any, where: str) -> None:
    """Only local ``$ref``s (``#/...``) that point somewhere, and none that loops back to itself."""
    refs = {path: node["$ref"] for path, node, _ in _nodes(schema) if "$ref" in node}
    for path, ref in refs.items():
        if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")):
            raise SchemaError(
                f"{where} has the reference '{ref}' at '{path}'; only local references (#/...) work.", "Inline the referenced schema."
            )
        if resolve_local_ref(schema, ref) is None:
            raise SchemaError(f"{where} has the reference '{ref}' at '{path}', which points to nothing.", "Fix the $ref path.")
    for path in refs:
        _follow(refs, path, where)


def _follow(refs: dict[str, Any], start: str, where: str) -> None:
    """Walk from ``start`` through schemas that are only a ``$ref``; coming back to one already walked is a loop
    (recursion through properties or items, as in a tree, is allowed)."""
    walk: list[str] = []
    path: str | None = start
    while path is not None and path not in walk:
        walk.append(path)
        path = refs[path] if refs[path] in refs else None
    if path is not None:
        raise SchemaError(
            f"{where} has a $ref loop through '{refs[start]}' at '{start}'.", "Break the loop: a reference must not lead back to itself."
        )

