"""Language-model parts of a record: free-text fields under their schema, or whole records (``--whole-records``)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

from hfkit.backends.base import ChatModel
from hfkit.core.errors import GenerationError
from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions, Usage
from hfkit.generation.structured import generate_json
from hfkit.synth.schema import grammar_schema

PROMPTS = Path(__file__).resolve().parents[1] / "prompts" / "synth"
FieldPath = tuple[str, ...]


@cache
def prompt(name: str) -> Template:
    """A prompt template from ``hfkit/prompts/synth``."""
    return Template((PROMPTS / f"{name}.txt").read_text(encoding="utf-8"))


def node_at(schema: dict[str, Any], path: FieldPath) -> dict[str, Any]:
    """The schema node of a field path (objects only)."""
    node = schema
    for key in path:
        node = node["properties"][key]
    return node


def get_path(record: dict[str, Any], path: FieldPath) -> Any:
    value: Any = record
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def set_path(record: dict[str, Any], path: FieldPath, value: Any) -> None:
    target = record
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


class TextWriter:
    """Writes a record's free-text fields, or whole records, with a chat model under JSON-schema grammars."""

    def __init__(self, model: ChatModel, schema: dict[str, Any], context: str, temperature: float, max_tokens: int):
        self.model = model
        self.schema = schema
        self.context = context or str(schema.get("description") or schema.get("title") or "records")
        self.temperature = temperature
        self.max_tokens = max_tokens

    def fill(self, record: dict[str, Any], paths: list[FieldPath], seed: int, usage: Usage) -> None:
        """Write the fields at ``paths`` into ``record``, prompted with its other values."""
        keys = {".".join(p): p for p in paths}
        nodes = {k: node_at(self.schema, p) for k, p in keys.items()}
        sub = {"type": "object", "properties": {k: grammar_schema(n) for k, n in nodes.items()},
               "required": list(nodes), "additionalProperties": False}
        known = json.dumps(_without(record, paths), ensure_ascii=False, default=str)
        hints = {k: str(n.get("x-llm") or n.get("description") or k.replace("_", " ")) for k, n in nodes.items()}
        fields = "\n".join(f"For {k}, write {hint[0].lower()}{hint[1:]}." for k, hint in hints.items())
        text = prompt("fields").substitute(context=self.context, record=known, fields=fields, keys=", ".join(keys))
        budget = sum(int(n.get("maxLength", 300)) for n in nodes.values()) // 3 + 16 * len(nodes)
        value = self._ask(text, sub, seed, min(budget, self.max_tokens), usage)
        for key, hint in hints.items():
            if _echoes(str(value[key]), hint):
                raise GenerationError(f"The model copied the instruction into '{key}'.")
            if _prose(nodes[key], hint):
                value[key] = _whole_sentences(str(value[key]), key, nodes[key])
        for key, path in keys.items():
            set_path(record, path, value[key])

    def whole(self, attributes: dict[str, Any], seed: int, usage: Usage) -> Any:
        """A whole record written by the model under the full schema, steered by sampled ``attributes``."""
        props = self.schema["properties"]
        fields = "\n".join(f"- {k}: {v.get('x-llm') or v.get('description') or k.replace('_', ' ')}"
                           for k, v in props.items())
        text = prompt("record").substitute(context=self.context, fields=fields,
                                           attributes=json.dumps(attributes, ensure_ascii=False))
        return self._ask(text, grammar_schema(self.schema), seed, self.max_tokens, usage)

    def _ask(self, text: str, schema: dict[str, Any], seed: int, max_tokens: int, usage: Usage) -> Any:
        options = GenerationOptions(max_tokens=max_tokens, temperature=self.temperature, seed=seed, json_schema=schema)
        request = ChatRequest(messages=[ChatMessage(role="user", content=text)], options=options)
        step = Usage()
        try:
            return generate_json(self.model, request, retries=2, usage=step)
        finally:
            usage.prompt_tokens += step.prompt_tokens
            usage.completion_tokens += step.completion_tokens


SENTENCE_END = re.compile(r"[.!?…](?:[\"')\]]*)(?=\s|$)")
PROSE_LENGTH = 120  # fields this long (or asked for in sentences) are prose and end at a sentence boundary


def _prose(node: dict[str, Any], hint: str) -> bool:
    return int(node.get("maxLength", 10_000)) >= PROSE_LENGTH or "sentence" in hint.lower()


def _whole_sentences(text: str, key: str, node: dict[str, Any]) -> str:
    """``text`` cut after its last whole sentence within ``maxLength``; GenerationError when none fits (redrawn)."""
    text = " ".join(text.split())
    limit, floor = int(node.get("maxLength", 10_000)), int(node.get("minLength", 0))
    ends = [m.end() for m in SENTENCE_END.finditer(text[:limit])]
    if ends and ends[-1] >= max(floor, 1):
        return text[: ends[-1]]
    raise GenerationError(f"The model's '{key}' has no whole sentence within {limit} characters.")


def _echoes(value: str, hint: str) -> bool:
    """True when a written value repeats its own instruction (small models do)."""
    head = hint.lower()[:24]
    return len(head) >= 12 and head in value.lower()


def _without(record: dict[str, Any], paths: list[FieldPath]) -> dict[str, Any]:
    skip = {p for p in paths if len(p) == 1}
    return {k: v for k, v in record.items() if (k,) not in skip}
