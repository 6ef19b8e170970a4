"""The chat request body ``hfkit serve`` accepts, checked before any model runs: shape, ranges, caps, schema.

Every problem is an :class:`InputError` whose message names the field, so the server answers 400 with an
OpenAI-style error body in milliseconds instead of failing (or growing) inside the engine.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hfkit.core.errors import InputError
from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions
from hfkit.generation.limits import check_decodable

MAX_JSON_DEPTH = 64
MAX_SEED = 2**32 - 1
MAX_STOPS = 4
DEFAULT_MAX_TOKENS = 512


class MessageBody(BaseModel):
    """One OpenAI chat message; ``developer`` is read as ``system``; content is text or a list of text parts."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[dict[str, Any]] | None = None

    def to_message(self) -> ChatMessage:
        role = "system" if self.role == "developer" else self.role
        if isinstance(self.content, list):
            text = "".join(str(part.get("text", "")) for part in self.content if part.get("type", "text") == "text")
        else:
            text = self.content or ""
        return ChatMessage(role=role, content=text)


class JsonSchemaFormat(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = "output"
    schema_: dict[str, Any] = Field(alias="schema")


class ResponseFormat(BaseModel):
    """``{"type": "text" | "json_object" | "json_schema", "json_schema": {"name", "schema"}}``."""

    model_config = ConfigDict(extra="ignore")

    type: Literal["text", "json_object", "json_schema"]
    json_schema: JsonSchemaFormat | None = None

    def schema_or_none(self) -> dict[str, Any] | None:
        if self.type == "json_object":
            return {"type": "object"}
        if self.type == "json_schema":
            if self.json_schema is None:
                raise InputError(
                    "response_format of type json_schema needs a 'json_schema' with a 'schema'.",
                    'Send {"type": "json_schema", "json_schema": {"name": "x", "schema": {...}}}.',
                )
            return self.json_schema.schema_
        return None


class ChatBody(BaseModel):
    """The fields of ``POST /v1/chat/completions`` hfkit honours (others an OpenAI client sends are ignored)."""

    model_config = ConfigDict(extra="ignore")

    model: str | None = None
    messages: list[MessageBody] = Field(min_length=1)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    stop: str | list[str] | None = None
    stream: bool = False
    stream_options: dict[str, Any] | None = None
    response_format: ResponseFormat | None = None

    @field_validator("seed", mode="before")
    @classmethod
    def _seed_in_range(cls, seed: Any) -> Any:
        if seed is not None and not (
            isinstance(seed, int | float) and not isinstance(seed, bool) and seed == int(seed) and 0 <= seed <= MAX_SEED
        ):
            raise ValueError(f"the seed must be a whole number from 0 to {MAX_SEED}")
        return None if seed is None else int(seed)

    @field_validator("stop")
    @classmethod
    def _few_stops(cls, stop: str | list[str] | None) -> str | list[str] | None:
        if isinstance(stop, list) and len(stop) > MAX_STOPS:
            raise ValueError(f"at most {MAX_STOPS} stop sequences are allowed")
        return stop

    @property
    def wanted_tokens(self) -> int:
        return self.max_tokens or self.max_completion_tokens or DEFAULT_MAX_TOKENS

    @property
    def include_usage(self) -> bool:
        return bool((self.stream_options or {}).get("include_usage"))

    def to_request(self, token_limit: int) -> ChatRequest:
        """The engine request, with ``max_tokens`` checked against ``token_limit`` and the schema against both."""
        if self.wanted_tokens > token_limit:
            raise InputError(
                f"max_tokens {self.wanted_tokens} is more than this server allows for this model ({token_limit}, at most its context).",
                f"Ask for at most {token_limit} tokens.",
            )
        schema = self.response_format.schema_or_none() if self.response_format else None
        if schema is not None:
            check_decodable(schema, self.wanted_tokens, "The response_format schema")
        stops = [self.stop] if isinstance(self.stop, str) else list(self.stop or [])
        options = GenerationOptions(
            max_tokens=self.wanted_tokens,
            temperature=_or(self.temperature, 0.7),
            top_p=_or(self.top_p, 0.95),
            seed=self.seed,
            stop=stops,
            json_schema=schema,
        )
        return ChatRequest(messages=[m.to_message() for m in self.messages], options=options)


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


def parse_chat_body(raw: bytes) -> ChatBody:
    """Parse and check a chat request body; any problem is an InputError naming it."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise _too_deep() from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"The request body is not JSON ({exc}).", "Send a JSON chat request.") from None
    if not isinstance(data, dict):
        raise InputError("The request body must be a JSON object.", 'Send {"model": ..., "messages": [...]}.')
    if _depth(data) > MAX_JSON_DEPTH:
        raise _too_deep()
    try:
        return ChatBody.model_validate(data)
    except ValidationError as exc:
        raise InputError(_first_problem(exc), "Send an OpenAI-style chat request.") from None


def _too_deep() -> InputError:
    return InputError(f"The request body nests deeper than {MAX_JSON_DEPTH} levels.", "Send a flatter request.")


def _depth(value: Any) -> int:
    """How deeply ``value`` nests (iterative, so a hostile body cannot exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _first_problem(exc: ValidationError) -> str:
    """One sentence for the first problem pydantic found, naming the field (never the value's whole dump)."""
    error = exc.errors(include_url=False, include_input=False)[0]
    field = ".".join(str(part) for part in error["loc"]) or "the body"
    if error["type"] == "missing":
        return f"The chat request has no '{field}'."
    if field == "messages" and error["type"] == "too_short":
        return "The chat request has no messages; 'messages' must hold at least one."
    message = str(error["msg"]).rstrip(".")
    return f"The chat request's '{field}' is invalid: {message[:1].lower()}{message[1:]}."
