"""The schema satisfiability checker: contradictions refused with keyword and JSON pointer, satisfiable schemas
never refused (checked against values jsonschema accepts), every input answered quickly with a SchemaError or None."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from hfkit.core.errors import HfkitError, SchemaError
from hfkit.generation.schema_check import check_satisfiable

REFUSED = [
    ({"type": "object", "properties": {"a": {"type": "string", "minLength": 3, "maxLength": 2}}, "required": ["a"]},
     "'minLength' 3 is greater than 'maxLength' 2 at '#/properties/a'"),
    ({"type": "integer", "minimum": 5, "maximum": 1}, "'minimum' 5 and 'maximum' 1 at '#'"),
    ({"type": "integer", "exclusiveMinimum": 1, "exclusiveMaximum": 2}, "no integer lies"),
    ({"type": "integer", "minimum": 1.5, "maximum": 1.9}, "no integer lies"),
    ({"type": "array", "minItems": 3, "maxItems": 2}, "'minItems' 3 is greater than 'maxItems' 2"),
    ({"type": "object", "minProperties": 3, "maxProperties": 2}, "'minProperties' 3"),
    ({"type": "object", "properties": {"e": {"enum": []}}, "required": ["e"]}, "'enum' lists no values at '#/properties/e'"),
    ({"type": "string", "enum": [1, 2]}, "'enum'"),
    ({"type": "string", "const": 5}, "'const'"),
    ({"const": "a", "enum": ["b"]}, "'const'"),
    ({"allOf": [{"type": "string"}, {"type": "integer"}]}, "'type'"),
    ({"type": "object", "properties": {"a": {"$ref": "#"}}, "required": ["a"]}, "'$ref'"),
    ({"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}, "'$ref'"),
    ({"type": "object", "required": ["x"], "additionalProperties": False, "properties": {"y": {}}}, "'required' names 'x'"),
    ({"type": "array", "items": {"type": "boolean"}, "uniqueItems": True, "minItems": 3}, "'minItems' 3 unique"),
    ({"type": "array", "items": False, "minItems": 1}, "'minItems' 1 needs items"),
    ({"not": {}}, "'not'"),
    ({"type": "integer", "multipleOf": 10, "minimum": 1, "maximum": 9}, "multiple of 10"),
    ({"type": "object", "properties": {"a": {}}, "required": ["a", "b"], "maxProperties": 1}, "'maxProperties' is 1"),
    ({"anyOf": [{"type": "string", "minLength": 3, "maxLength": 1}, {"type": "integer", "minimum": 3, "maximum": 1}]},
     "no branch"),
    ({"type": "string", "minLength": 5000}, "more than the 2000 repetitions"),
    ({"type": "string", "maxLength": 10**20}, "64-bit range"),
    ({"type": "string", "pattern": "^(a{100}){100}$"}, "'pattern'"),
    ({"type": "array", "minItems": 1000, "items": {"type": "array", "minItems": 1000, "items": {
        "type": "string", "minLength": 1000}}}, "characters for its shortest valid value"),
    (json.loads('{"type":"object","properties":{"a":' * 70 + "{}" + "}}" * 70), "nested more than 64 levels"),
    ({"type": "strin"}, "not valid JSON Schema"),
    ([], "not a JSON Schema object"),
]

ACCEPTED = [
    {"type": "object", "properties": {"a": {"type": "string", "minLength": 3, "maxLength": 2}}},  # {} satisfies it
    {"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 2},
    {"allOf": [{"type": "number"}, {"type": "integer"}], "minimum": 1},
    {"type": "object", "properties": {"a": {"$ref": "#"}}},
    {"$defs": {"n": {"anyOf": [{"type": "null"}, {"type": "object", "properties": {"next": {"$ref": "#/$defs/n"}},
                                                  "required": ["next"]}]}}, "$ref": "#/$defs/n"},
    {"type": "array", "items": {"enum": [1, 2, 3]}, "uniqueItems": True, "minItems": 3},
    {"type": ["string", "integer"], "minLength": 3, "maxLength": 2},
    {"type": "string", "pattern": "^[a-z]{2,10}@x\\.com$", "maxLength": 100000},
    {"type": "integer", "multipleOf": 10, "minimum": 1, "maximum": 10},
    {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
     "required": ["name", "age"], "additionalProperties": False},
]


@pytest.mark.fast
@pytest.mark.parametrize(("schema", "needle"), REFUSED)
def test_contradictions_are_refused_naming_keyword_and_path(schema: Any, needle: str) -> None:
    with pytest.raises(SchemaError) as caught:
        check_satisfiable(schema)
    text = str(caught.value)
    assert needle in text, text
    assert "\n" not in text and "unexpected" not in text


@pytest.mark.fast
@pytest.mark.parametrize("schema", ACCEPTED)
def test_satisfiable_schemas_pass(schema: dict[str, Any]) -> None:
    check_satisfiable(schema)


# ---------------------------------------------------------------- property tests

SMALL = st.integers(min_value=-3, max_value=6)
LEAF_KEYS: dict[str, st.SearchStrategy[Any]] = {
    "type": st.sampled_from(["string", "integer", "number", "boolean", "null", "array", "object"]) | st.lists(
        st.sampled_from(["string", "integer", "number", "null"]), min_size=1, max_size=3, unique=True),
    "minLength": st.integers(0, 4), "maxLength": st.integers(0, 4),
    "minimum": SMALL, "maximum": SMALL, "exclusiveMinimum": SMALL, "exclusiveMaximum": SMALL,
    "multipleOf": st.sampled_from([1, 2, 3, 0.5]),
    "minItems": st.integers(0, 3), "maxItems": st.integers(0, 3), "uniqueItems": st.booleans(),
    "minProperties": st.integers(0, 3), "maxProperties": st.integers(0, 3),
    "enum": st.lists(st.one_of(st.none(), st.booleans(), SMALL, st.sampled_from(["", "a", "ab", "abc"])), max_size=3),
    "const": st.one_of(st.none(), st.booleans(), SMALL, st.sampled_from(["", "a", "abcd"])),
    "required": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3, unique=True),
    "additionalProperties": st.booleans(),
}


def _node(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    keyed = {**LEAF_KEYS,
             "items": children, "prefixItems": st.lists(children, min_size=1, max_size=2),
             "properties": st.dictionaries(st.sampled_from(["a", "b", "c"]), children, max_size=3),
             "allOf": st.lists(children, min_size=1, max_size=2), "anyOf": st.lists(children, min_size=1, max_size=2),
             "not": children, "$ref": st.sampled_from(["#", "#/$defs/d"])}
    return _some_keys(keyed)


def _some_keys(keyed: dict[str, st.SearchStrategy[Any]], most: int = 4) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts with up to ``most`` of the keywords, each with a value from its strategy."""
    pair = st.sampled_from(sorted(keyed)).flatmap(lambda key: st.tuples(st.just(key), keyed[key]))
    return st.lists(pair, max_size=most).map(dict)


SCHEMAS = st.recursive(_some_keys(LEAF_KEYS) | st.booleans(), _node, max_leaves=8)
VALUES = st.recursive(
    st.none() | st.booleans() | SMALL | st.sampled_from([0.5, 1.5, "", "a", "ab", "abc", "abcd"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), inner, max_size=4),
    max_leaves=8)


def _with_defs(schema: Any, defs: Any) -> Any:
    return {**schema, "$defs": {"d": defs}} if isinstance(schema, dict) else schema


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=SCHEMAS, defs=SCHEMAS, values=st.lists(VALUES, min_size=1, max_size=8))
def test_never_refuses_a_schema_some_value_satisfies(schema: Any, defs: Any, values: list[Any]) -> None:
    """Soundness against jsonschema itself: a witness value means the checker must not say 'cannot be satisfied'."""
    schema = _with_defs(schema, defs)
    started = time.perf_counter()
    try:
        check_satisfiable(schema)
        verdict = ""
    except HfkitError as exc:  # anything else (a crash) fails the test
        verdict = str(exc)
    assert time.perf_counter() - started < 2
    if "cannot be satisfied" not in verdict:
        return
    try:
        validator = Draft202012Validator(schema)
        witnesses = [v for v in values if validator.is_valid(v)]
    except Exception:
        return
    assert not witnesses, f"{verdict} but {witnesses[0]!r} is valid"


@settings(max_examples=150, deadline=None)
@given(document=st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                             lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                                 st.sampled_from(["type", "enum", "const", "items", "properties", "required", "$ref",
                                                  "allOf", "anyOf", "minLength", "maxItems", "pattern", "x"]),
                                 inner, max_size=5), max_leaves=20))
def test_any_document_gets_none_or_one_schema_error(document: Any) -> None:
    """Hostile documents: the answer is None or a SchemaError of one line, never another exception."""
    try:
        check_satisfiable(document)
    except SchemaError as exc:
        assert "\n" not in str(exc)
