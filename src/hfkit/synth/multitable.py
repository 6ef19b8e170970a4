"""Multi-table datasets: a YAML/JSON spec of tables with foreign keys and children per parent.

    tables:
      customers: {source: customers, n: 50}
      orders: {source: orders, parent: customers, key: customer_id, per_parent: {min: 0, max: 4}}

``per_parent`` is a number, ``{min, max}`` (uniform) or ``{poisson: mean}``; ``foreign_key`` names the child's
column (default: the parent's ``key``, default: the parent's first field).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from hfkit.core.errors import GenerationError, InputError, SchemaError, missing_extra
from hfkit.synth.api import SynthOptions, SynthResult, check_output, synth
from hfkit.synth.sources import Spec, resolve_spec


class TableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str | dict[str, Any]
    n: int | None = Field(default=None, ge=1)
    parent: str | None = None
    key: str | None = None
    foreign_key: str | None = None
    per_parent: int | dict[str, float] = 1


class TablesSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tables: dict[str, TableSpec]


def is_tables_file(path: Path) -> bool:
    """True when ``path`` is a YAML file or a JSON file with a top-level 'tables' key."""
    if path.suffix.lower() in (".yaml", ".yml"):
        return True
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    try:
        return "tables" in json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, TypeError):
        return False


def load_tables(path: Path) -> TablesSpec:
    """Read and check a multi-table spec file."""
    if not path.is_file():
        raise InputError(f"Spec file '{path}' does not exist.", "Check the path.")
    try:
        import yaml
    except ImportError as exc:
        raise missing_extra("pyyaml", "synth") from exc
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return TablesSpec.model_validate(data)
    except yaml.YAMLError as exc:
        raise SchemaError(f"Spec file '{path}' is not valid YAML/JSON ({exc}).", "Fix the syntax.") from exc
    except ValueError as exc:
        first = str(exc).splitlines()[1:3]
        raise SchemaError(f"Spec file '{path}' is not a valid tables spec ({' '.join(first)}).",
                          "See 'hfkit synth --help' for the tables format.") from exc


def synth_tables(spec: TablesSpec, *, options: SynthOptions | None = None, output_dir: Path | None = None,
                 fmt: str = "jsonl", overwrite: bool = False) -> dict[str, SynthResult]:
    """Make every table, parents first; each child row's foreign key names an existing parent row."""
    options = options or SynthOptions()
    results: dict[str, SynthResult] = {}
    for position, name in enumerate(_order(spec)):
        table = spec.tables[name]
        if output_dir is not None:
            check_output(output_dir / f"{name}.{_suffix(fmt)}", overwrite, resume=False)
        results[name] = _one_table(name, table, results, options, position)
    if output_dir is not None:
        for name, result in results.items():
            result.write(output_dir / f"{name}.{_suffix(fmt)}", fmt)
    return results


def _suffix(fmt: str) -> str:
    return "txt" if fmt == "text" else fmt


def _one_table(name: str, table: TableSpec, done: dict[str, SynthResult], options: SynthOptions,
               position: int) -> SynthResult:
    resolved = resolve_spec(table.source)
    if table.parent is None:
        if table.n is None:
            raise SchemaError(f"Table '{name}' has no parent, so it needs 'n'.", "Add n: <count>.")
        return synth(resolved, table.n, options=options)
    parent = done[table.parent]
    key = table.key or next(iter(parent.schema["properties"]))
    if key not in parent.schema["properties"]:
        raise SchemaError(f"Table '{table.parent}' has no field '{key}' for '{name}' to refer to.", "Fix 'key'.")
    column = table.foreign_key or key
    rng = np.random.default_rng([options.seed & 0xFFFFFFFF, position])
    counts = [_children(table.per_parent, rng) for _ in parent.records]
    if sum(counts) == 0:
        raise GenerationError(f"Table '{name}' drew no rows for its {len(counts)} parents.", "Raise per_parent.")
    child_spec = _with_foreign_key(resolved, column, parent.schema["properties"][key])
    result = synth(child_spec, sum(counts), options=options)
    owners = [p[key] for p, c in zip(parent.records, counts, strict=True) for _ in range(c)]
    result.records = [{column: owner, **{k: v for k, v in r.items() if k != column}}
                      for owner, r in zip(owners, result.records, strict=True)]
    keys = {p[key] for p in parent.records}
    if any(r[column] not in keys for r in result.records):  # pragma: no cover - guaranteed by construction
        raise GenerationError(f"Table '{name}' has a foreign key that does not resolve.")
    return result


def _children(per_parent: int | dict[str, float], rng: np.random.Generator) -> int:
    if isinstance(per_parent, int):
        return per_parent
    if "poisson" in per_parent:
        return int(rng.poisson(per_parent["poisson"]))
    return int(rng.integers(int(per_parent.get("min", 0)), int(per_parent.get("max", 3)) + 1))


def _with_foreign_key(spec: Spec, column: str, key_node: dict[str, Any]) -> Spec:
    schema = json.loads(json.dumps(spec.schema))
    node = {k: v for k, v in key_node.items() if not k.startswith("x-")}
    schema["properties"] = {column: node, **{k: v for k, v in schema["properties"].items() if k != column}}
    schema["required"] = [column, *[r for r in schema.get("required", []) if r != column]]
    return Spec(spec.name, schema, spec.source, spec.context, spec.locale)


def _order(spec: TablesSpec) -> list[str]:
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting or name not in spec.tables:
            raise SchemaError(f"Table '{name}' is missing or part of a parent cycle.", "Fix the 'parent' fields.")
        visiting.add(name)
        parent = spec.tables[name].parent
        if parent is not None:
            visit(parent)
        order.append(name)

    for name in spec.tables:
        visit(name)
    return order
