"""The request checks and bounds of ``hfkit serve`` as plain functions (no model, no server)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from hfkit.core.errors import InputError, SchemaError
from hfkit.generation.limits import check_decodable
from hfkit.server.requests import parse_chat_body

pytestmark = pytest.mark.fast


def test_time_budget_ends_a_reply_like_max_tokens() -> None:
    """With a budget already spent, the reply stops before its first piece and says finish_reason 'length'."""
    from hfkit.server.limits import pieces_while_wanted

    produced: list[str] = []

    def engine() -> Iterator[str]:
        for piece in ("a", "b", "c"):
            produced.append(piece)
            yield piece

    ended: list[str] = []

    async def never_disconnected() -> bool:
        return False

    async def run(seconds: float) -> list[str]:
        return [p async for p in pieces_while_wanted(engine(), never_disconnected, seconds, lambda: ended.append("length"))]

    assert asyncio.run(run(60)) == ["a", "b", "c"] and ended == []
    produced.clear()
    assert asyncio.run(run(-1)) == [] and ended == ["length"] and produced == []


@pytest.mark.parametrize(
    ("schema", "needle"),
    [
        ({"type": "string", "minLength": 3, "maxLength": 2}, "'minLength' 3 is greater than 'maxLength' 2 at '#'"),
        (
            {"type": "object", "properties": {"s": {"type": "string", "minLength": 3, "maxLength": 2}}},
            "minLength 3 above maxLength 2 at '#/properties/s'",
        ),  # optional, so satisfiable, but the grammar would blow up
        (
            {"type": "object", "properties": {"n": {"type": "integer", "minimum": 5, "maximum": 1}}},
            "minimum 5 above maximum 1 at '#/properties/n'",
        ),
        ({"type": "array", "items": {"type": "string"}, "minItems": 1000}, "minItems 1000 at '#', more than the 512"),
        ({"enum": []}, "'enum' lists no values"),
        ({"$ref": "#"}, "requires itself again"),
        ({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}, "requires itself"),
        ({"$ref": "https://example.com/schema.json"}, "only local references"),
        ({"$ref": "#/$defs/missing"}, "points to nothing"),
        ({"type": "string", "pattern": "(("}, "is not a 'regex'"),
    ],
)
def test_undecodable_schemas_are_named(schema: dict[str, Any], needle: str) -> None:
    with pytest.raises(SchemaError) as info:
        check_decodable(schema, 512)
    assert needle in str(info.value)


def test_recursive_and_ordinary_schemas_pass() -> None:
    tree = {
        "$defs": {"node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
        "$ref": "#/$defs/node",
    }
    check_decodable(tree, 512)
    check_decodable(
        {"type": "object", "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 20}}, "required": ["name"]}, 64
    )


def test_a_huge_schema_is_refused_without_recursion() -> None:
    deep: dict[str, Any] = {"type": "string"}
    for _ in range(200):
        deep = {"type": "array", "items": deep}
    with pytest.raises(SchemaError, match="nested more than 64 levels deep"):
        check_decodable(deep, 512)


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (b'{"messages": [{"role": "user", "content": "hi"}], "seed": -1}', "seed must be a whole number"),
        (b'{"messages": [{"role": "user", "content": "hi"}], "seed": 1.5}', "seed must be a whole number"),
        (b'{"messages": [{"role": "user", "content": "hi"}], "stop": ["a", "b", "c", "d", "e"]}', "at most 4 stop"),
        (b'{"messages": [{"role": "user"}], "response_format": {"type": "json_schema"}}', "needs a 'json_schema'"),
    ],
)
def test_request_problems_name_the_field(raw: bytes, needle: str) -> None:
    with pytest.raises(InputError) as info:
        parse_chat_body(raw).to_request(4096)
    assert needle in str(info.value)


def test_an_openai_request_becomes_an_engine_request() -> None:
    body = parse_chat_body(
        b'{"model": "m", "messages": [{"role": "developer", "content": "Be brief."}, '
        b'{"role": "user", "content": [{"type": "text", "text": "Hi"}]}], "max_tokens": 7, '
        b'"seed": 3, "stop": "END", "response_format": {"type": "json_object"}, "n": 1}'
    )
    request = body.to_request(4096)
    assert [(m.role, m.content) for m in request.messages] == [("system", "Be brief."), ("user", "Hi")]
    assert (request.options.max_tokens, request.options.seed, request.options.stop) == (7, 3, ["END"])
    assert request.options.json_schema == {"type": "object"}
    with pytest.raises(InputError, match="max_tokens 7 is more than this server allows"):
        body.to_request(6)
