"""Text generation on top of any ChatModel: streaming, JSON-schema output with validation."""

from hfkit.generation.schema_check import check_satisfiable
from hfkit.generation.structured import check_schema, generate_json, load_schema

__all__ = ["check_satisfiable", "check_schema", "generate_json", "load_schema"]
