"""Any JSON Schema: the 40 real SchemaStore schemas in ../shared and the keywords one by one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hfkit.synth.api import SynthOptions, synth

SCHEMAS = Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata" / "schemas" / "schemastore"
FILES = sorted(SCHEMAS.glob("*.json")) if SCHEMAS.is_dir() else []
SAMPLED = SynthOptions(seed=3, llm=None)


class OpenSchema(dict[str, Any]):
    """Stands for a schema that is not here: every pointer into it is an open schema too."""

    def __missing__(self, key: str) -> OpenSchema:
        return OpenSchema()


def declared_validator(path: Path) -> Any:
    """A jsonschema validator of the file's declared draft; $refs resolve to files beside it, and to an open
    schema where SchemaStore's sibling file is not in the test data."""
    from jsonschema.validators import validator_for
    from referencing import Registry, Resource
    from referencing.jsonschema import specification_with

    raw = json.loads(path.read_text())
    cls = validator_for(raw)
    spec = specification_with(cls.META_SCHEMA.get("$schema", ""), default=None)

    def retrieve(uri: str) -> Resource[Any]:
        beside = path.parent / uri.rsplit("/", 1)[-1]
        content = json.loads(beside.read_text()) if beside.is_file() else OpenSchema()
        return Resource.from_contents(content, default_specification=spec) if spec else Resource.from_contents(content)

    return cls(raw, registry=Registry(retrieve=retrieve), format_checker=cls.FORMAT_CHECKER)  # type: ignore[call-arg]


@pytest.mark.skipif(not FILES, reason="../shared/testdata/schemas/schemastore is absent")
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_shared_schemastore_schema_gives_exactly_n_valid_records(path: Path) -> None:
    records = synth(str(path), 60, options=SAMPLED).records
    validator = declared_validator(path)
    assert len(records) == 60
    bad = [e.message for r in records for e in validator.iter_errors(r)]
    assert not bad, bad[:3]


def _records(schema: dict[str, Any], n: int = 40) -> list[Any]:
    from hfkit.synth.schema import validator_for_schema

    records = synth(schema, n, options=SAMPLED).records
    check = validator_for_schema(schema)
    assert len(records) == n and all(check.is_valid(r) for r in records)
    return records


@pytest.mark.fast
def test_combinators_patterns_maps_and_top_level_arrays() -> None:
    records = _records(
        {
            "type": "object",
            "required": ["code", "shape", "tags", "kind", "labels"],
            "properties": {
                "code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
                "shape": {
                    "oneOf": [
                        {
                            "type": "object",
                            "properties": {"r": {"type": "number", "minimum": 0}},
                            "required": ["r"],
                            "additionalProperties": False,
                        },
                        {
                            "type": "object",
                            "properties": {"side": {"type": "integer"}},
                            "required": ["side"],
                            "additionalProperties": False,
                        },
                    ]
                },
                "tags": {"type": "array", "items": {"type": "string", "not": {"const": "x"}}, "uniqueItems": True, "minItems": 2},
                "kind": {"allOf": [{"type": "integer"}, {"minimum": 10}, {"multipleOf": 5}], "maximum": 30},
                "labels": {
                    "type": "object",
                    "additionalProperties": {"type": "integer"},
                    "propertyNames": {"pattern": "^[a-z]+$"},
                    "minProperties": 1,
                },
            },
            "if": {"properties": {"kind": {"const": 10}}},
            "then": {"required": ["note"]},
            "dependentRequired": {"code": ["shape"]},
        }
    )
    assert {r["kind"] for r in records} <= {10, 15, 20, 25, 30}
    assert all(r.get("note") is not None for r in records if r["kind"] == 10)
    assert _records({"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1})[0]
    assert all(isinstance(v, str) for v in _records({"type": "string", "format": "email"}, 10))


@pytest.mark.fast
def test_refs_to_files_beside_the_schema_and_recursion(tmp_path: Path) -> None:
    (tmp_path / "common.json").write_text(json.dumps({"definitions": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}}))
    tree = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "required": ["zip", "node"],
        "properties": {"zip": {"$ref": "common.json#/definitions/zip"}, "node": {"$ref": "#/definitions/node"}},
        "definitions": {"node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/definitions/node"}}}}},
    }
    (tmp_path / "tree.json").write_text(json.dumps(tree))
    records = synth(str(tmp_path / "tree.json"), 20, options=SAMPLED).records
    assert len(records) == 20 and all(len(r["zip"]) == 5 and r["zip"].isdigit() for r in records)


@pytest.mark.fast
def test_values_fit_their_fields() -> None:
    schema = {
        "type": "object",
        "required": ["pet", "latitude", "humidity", "price", "firstName"],
        "properties": {
            "pet": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
            "latitude": {"type": "number"},
            "humidity": {"type": "number"},
            "price": {"type": "number"},
            "firstName": {"type": "string"},
            "nickname": {"type": "string"},
        },
    }
    result = synth(schema, 200, options=SAMPLED)
    records = result.records
    assert all(-90 <= r["latitude"] <= 90 and 0 <= r["humidity"] <= 100 and r["price"] > 0 for r in records)
    assert all(round(r["price"], 2) == r["price"] for r in records)
    assert all(" " not in r["firstName"] and r["firstName"][0].isupper() for r in records)
    assert 0.5 < sum("nickname" in r for r in records) / len(records) < 0.9  # optional: sometimes absent
    assert result.report["generators"]["pet.name"].startswith("pet_name")
