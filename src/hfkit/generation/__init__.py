"""Text generation on top of any ChatModel: streaming, JSON-schema output with validation."""

from hfkit.generation.structured import check_schema, generate_json, load_schema

__all__ = ["check_schema", "generate_json", "load_schema"]
