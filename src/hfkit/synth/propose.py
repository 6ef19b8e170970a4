"""A schema proposed by a language model for a description, decoded under a grammar of field specifications."""

from __future__ import annotations

import re
from typing import Any

from hfkit.backends.base import ChatModel
from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions
from hfkit.generation.structured import generate_json
from hfkit.synth.llm import prompt

# What each proposed field kind becomes in JSON Schema (with hfkit's generation hints).
KIND_NODES: dict[str, dict[str, Any]] = {
    "id": {"type": "string", "x-id": "ID", "x-unique": True},
    "person_name": {"type": "string", "x-faker": "name"},
    "email": {"type": "string", "format": "email", "x-faker": "email"},
    "phone": {"type": "string", "x-faker": "phone_number"},
    "address": {"type": "string", "x-faker": "street_address"},
    "city": {"type": "string", "x-faker": "city"},
    "country": {"type": "string", "x-faker": "country"},
    "company": {"type": "string", "x-faker": "company"},
    "job": {"type": "string", "x-faker": "job"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "category": {"type": "string"},
    "text": {"type": "string", "minLength": 3, "maxLength": 300},
}
FIELD = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 30},
        "kind": {"enum": list(KIND_NODES)},
        "categories": {"type": "array", "items": {"type": "string", "maxLength": 30}, "maxItems": 8},
        "minimum": {"type": "integer"},
        "maximum": {"type": "integer"},
        "description": {"type": "string", "maxLength": 100},
    },
    "required": ["name", "kind", "categories", "minimum", "maximum", "description"],
    "additionalProperties": False,
}
PROPOSAL = {
    "type": "object",
    "properties": {"title": {"type": "string", "maxLength": 60},
                   "fields": {"type": "array", "minItems": 2, "maxItems": 10, "items": FIELD}},
    "required": ["title", "fields"],
    "additionalProperties": False,
}


def propose_schema(description: str, model: ChatModel, seed: int = 0) -> dict[str, Any]:
    """Ask ``model`` for field specifications of ``description`` (grammar-constrained) and build a JSON Schema."""
    options = GenerationOptions(max_tokens=1200, temperature=0.3, seed=seed, json_schema=PROPOSAL)
    text = prompt("propose").substitute(description=description)
    proposal = generate_json(model, ChatRequest(messages=[ChatMessage(role="user", content=text)], options=options))
    return to_schema(description, proposal)


def to_schema(description: str, proposal: dict[str, Any]) -> dict[str, Any]:
    """Turn a proposal (title + field specifications) into an object schema."""
    properties: dict[str, Any] = {}
    for spec in proposal["fields"]:
        name = re.sub(r"[^a-z0-9]+", "_", spec["name"].lower()).strip("_") or f"field_{len(properties) + 1}"
        if name not in properties:
            properties[name] = typed(name, _node(spec))
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": proposal["title"] or "Records",
            "description": description, "type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False}


def typed(name: str, node: dict[str, Any]) -> dict[str, Any]:
    """The proposed node, or the field-kind registry's node for ``name`` when that is more specific than a plain
    string, number or free text the model chose (the same typing a description without a model gets)."""
    from hfkit.synth.describe import node_for

    generic = "enum" not in node and "x-faker" not in node and "format" not in node and "x-id" not in node
    found = node_for(name)
    specific = any(k in found for k in ("x-kind", "enum", "format", "x-id")) and "x-llm" not in found
    if not generic or not specific or found.get("type") != node.get("type", found.get("type")):
        return node
    if node.get("type") in ("integer", "number"):  # the model's bounds stay; the kind shapes values inside them
        return {**node, "x-kind": found["x-kind"]} if "x-kind" in found else node
    return {**found, **({"description": node["description"]} if "description" in node else {})}


def _node(spec: dict[str, Any]) -> dict[str, Any]:
    node = dict(KIND_NODES[spec["kind"]])
    values = sorted({v.strip() for v in spec["categories"] if v.strip()})
    if spec["kind"] == "category":
        node = {"type": "string", "enum": values} if values else dict(KIND_NODES["text"])
    if spec["kind"] in ("integer", "number"):
        low, high = sorted((spec["minimum"], spec["maximum"]))
        node.update(minimum=low, maximum=high if high > low else low + 100)
    if spec["kind"] == "text":
        node["x-llm"] = spec["description"] or spec["name"].replace("_", " ")
    if spec["description"]:
        node["description"] = spec["description"]
    return node
