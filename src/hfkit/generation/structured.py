"""Output that always parses and validates: grammar-constrained decoding, then validation, then retries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hfkit.backends.base import ChatModel
from hfkit.core.errors import GenerationError, InputError, SchemaError
from hfkit.core.types import ChatRequest, Usage
from hfkit.generation.schema_check import check_satisfiable


def load_schema(path: Path) -> dict[str, Any]:
    """Read a JSON Schema file and check it is valid, bounded and satisfiable (before any model loads)."""
    from hfkit.core.paths import read_text

    schema = parse_json(read_text(path, "Schema file"), f"Schema file '{path}'")
    check_satisfiable(schema, f"Schema file '{path}'")
    return schema  # type: ignore[no-any-return]


def parse_json(text: str, where: str) -> Any:
    """``json.loads`` with errors as one sentence naming ``where`` (too-deep nesting included)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{where} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).",
                          "Fix the JSON syntax.") from exc
    except RecursionError as exc:
        raise SchemaError(f"{where} is nested too deeply to read.", "Flatten it.") from exc


def check_schema(schema: Any, where: str = "the schema") -> None:
    """Raise SchemaError naming the place when ``schema`` is not valid JSON Schema 2020-12."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError as JsSchemaError

    if not isinstance(schema, dict):
        raise SchemaError(f"{where} is not a JSON Schema object.", "A schema is a JSON object such as {\"type\": \"object\"}.")
    try:
        Draft202012Validator.check_schema(schema)
    except JsSchemaError as exc:
        location = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise SchemaError(
            f"{where} is not valid JSON Schema at '{location}': {exc.message}.", "Fix that part of the schema."
        ) from exc


def validation_errors(schema: dict[str, Any], value: Any) -> list[str]:
    """Every way ``value`` breaks ``schema`` (formats checked), as readable strings."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(value)]


def generate_json(model: ChatModel, request: ChatRequest, retries: int = 3, usage: Usage | None = None) -> Any:
    """Run ``request`` under its JSON schema and return the parsed, validated value.

    Each retry changes the seed; a reply cut off by ``max_tokens`` or failing validation is retried.
    """
    schema = request.options.json_schema
    if schema is None:
        raise InputError("generate_json needs options.json_schema.", "Pass a schema.")
    check_satisfiable(schema)
    problems: list[str] = []
    for attempt in range(retries + 1):
        attempt_request = _reseeded(request, attempt)
        text = "".join(model.complete(attempt_request, usage))
        value, problem = _parse(text, schema)
        if problem is None:
            return value
        problems.append(problem)
    raise GenerationError(
        f"The model gave no valid JSON for the schema in {retries + 1} attempts ({problems[-1]}).",
        "Raise --max-tokens, add maxLength/maxItems to the schema, or use a larger model.",
    )


def _reseeded(request: ChatRequest, attempt: int) -> ChatRequest:
    if attempt == 0:
        return request
    seed = (request.options.seed or 0) + attempt * 7919
    return request.model_copy(update={"options": request.options.model_copy(update={"seed": seed})})


def _parse(text: str, schema: dict[str, Any]) -> tuple[Any, str | None]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"output did not parse: {exc.msg}"
    errors = validation_errors(schema, value)
    return (value, None) if not errors else (None, errors[0])
