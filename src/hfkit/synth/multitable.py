"""Multi-table datasets: a YAML/JSON spec of tables with foreign keys and children per parent.

    tables:
      customers: {source: customers, n: 50}          # 'count' is the same as 'n'
      orders: {source: orders, parent: customers, key: customer_id, per_parent: {min: 0, max: 4}}

``per_parent`` is a number, ``{min, max}`` (uniform) or ``{poisson: mean}``; ``foreign_key`` names the child's
column (default: the parent's ``key``, default: the parent's first field).

A child row copies its parent's values exactly: the foreign key, and the fields named in ``copy_fields``
(``{child_field: parent_field}``; by default each child field named after the parent, such as an order's
``customer_email`` or ``customer_name``, copies the parent's ``email`` or only field ending in ``_name``).
A parent's count field (``count_field``; by default ``<table>_count``, such as a customer's ``orders_count``) is
set to the number of child rows made for it, drawn within both ``per_parent`` and the field's minimum/maximum.
"""

from __future__ import annotations

import json
from math import inf
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from hfkit.core.errors import GenerationError, SchemaError
from hfkit.synth.api import SynthOptions, SynthResult, check_output, synth
from hfkit.synth.formats import check_format, suffix_of
from hfkit.synth.quality import distribution
from hfkit.synth.sources import Spec, resolve_spec


class TableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str | dict[str, Any]
    n: int | None = Field(default=None, ge=1, validation_alias=AliasChoices("n", "count"))
    parent: str | None = None
    key: str | None = None
    foreign_key: str | None = None
    per_parent: int | dict[str, float] = 1
    copy_fields: dict[str, str] | None = None
    count_field: str | None = None


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
    """Read and check a multi-table spec file (YAML through a safe loader with alias and size limits)."""
    from hfkit.core.paths import read_text
    from hfkit.core.yaml_safe import load_yaml

    data = load_yaml(read_text(path, "Spec file"), f"Spec file '{path}'")
    try:
        return TablesSpec.model_validate(data)
    except ValueError as exc:
        first = str(exc).splitlines()[1:3]
        raise SchemaError(f"Spec file '{path}' is not a valid tables spec ({' '.join(first)}).",
                          "See 'hfkit synth --help' for the tables format.") from exc


def synth_tables(spec: TablesSpec, *, options: SynthOptions | None = None, output_dir: Path | None = None,
                 fmt: str = "jsonl", overwrite: bool = False) -> dict[str, SynthResult]:
    """Make every table, parents first; each child row's foreign key names an existing parent row."""
    options = options or SynthOptions()
    fmt = check_format(fmt)
    results: dict[str, SynthResult] = {}
    for position, name in enumerate(_order(spec)):
        table = spec.tables[name]
        if output_dir is not None:
            check_output(output_dir / f"{name}.{suffix_of(fmt)}", overwrite, resume=False)
        results[name] = _one_table(name, table, results, options, position)
    if output_dir is not None:
        for name, result in results.items():
            result.write(output_dir / f"{name}.{suffix_of(fmt)}", fmt)
    return results


def _one_table(name: str, table: TableSpec, done: dict[str, SynthResult], options: SynthOptions,
               position: int) -> SynthResult:
    resolved = resolve_spec(table.source)
    if table.parent is None:
        if table.n is None:
            raise SchemaError(f"Table '{name}' has no parent, so it needs 'n'.", "Add n: <count>.")
        return synth(resolved, table.n, options=options)
    return _child_table(name, table, resolved, done[table.parent], options, position)


def _child_table(name: str, table: TableSpec, resolved: Spec, parent: SynthResult, options: SynthOptions,
                 position: int) -> SynthResult:
    """Rows of ``name`` for each parent row, each copying its parent's key and linked fields; parent counts set."""
    parent_fields = parent.schema["properties"]
    key = table.key or next(iter(parent_fields))
    if key not in parent_fields:
        raise SchemaError(f"Table '{table.parent}' has no field '{key}' for '{name}' to refer to.", "Fix 'key'.")
    column = table.foreign_key or key
    links = {column: key, **_copied_fields(name, table, column, resolved.schema["properties"], parent_fields)}
    count_field = _count_field(name, table, parent_fields)
    rng = np.random.default_rng([options.seed & 0xFFFFFFFF, position])
    bounds = _count_bounds(name, table, parent_fields.get(count_field) if count_field else None)
    counts = [_children(table.per_parent, rng, bounds) for _ in parent.records]
    if sum(counts) == 0:
        raise GenerationError(f"Table '{name}' drew no rows for its {len(counts)} parents.", "Raise per_parent.")
    child_spec = _with_parent_fields(resolved, column, {child: parent_fields[p] for child, p in links.items()})
    result = synth(child_spec, sum(counts), options=options)
    owners = [p for p, c in zip(parent.records, counts, strict=True) for _ in range(c)]
    result.records = [_linked(record, owner, links) for owner, record in zip(owners, result.records, strict=True)]
    _refresh_distributions(result, list(links))
    if count_field is not None:
        for record, count in zip(parent.records, counts, strict=True):
            record[count_field] = count
        _refresh_distributions(parent, [count_field])
    return result


def _copied_fields(name: str, table: TableSpec, column: str, child_fields: dict[str, Any],
                   parent_fields: dict[str, Any]) -> dict[str, str]:
    """child field -> parent field whose value each child row copies (besides the foreign key)."""
    if table.copy_fields is not None:
        missing = [p for p in table.copy_fields.values() if p not in parent_fields]
        if missing:
            raise SchemaError(f"Table '{table.parent}' has no field '{missing[0]}' for '{name}' to copy.",
                              "Fix 'copy_fields' (child_field: parent_field).")
        return {child: p for child, p in table.copy_fields.items() if child != column}
    prefixes = {f"{column.removesuffix('_id')}_", f"{_singular(str(table.parent))}_"}
    copied = {}
    for child, node in child_fields.items():
        if child == column:
            continue
        parent_field = _parent_field_named_in(child, prefixes, parent_fields)
        if parent_field is not None and node.get("type") == parent_fields[parent_field].get("type"):
            copied[child] = parent_field
    return copied


def _parent_field_named_in(child: str, prefixes: set[str], parent_fields: dict[str, Any]) -> str | None:
    """The parent field a child field is named after: customer_email -> email, customer_name -> full_name."""
    for prefix in prefixes:
        rest = child.removeprefix(prefix)
        if rest == child or not rest:
            continue
        if rest in parent_fields:
            return rest
        ending = [p for p in parent_fields if p.endswith(f"_{rest}")]
        if len(ending) == 1:
            return ending[0]
    return None


def _singular(table: str) -> str:
    return table[:-1] if table.endswith("s") else table


def _count_field(name: str, table: TableSpec, parent_fields: dict[str, Any]) -> str | None:
    """The parent field that holds how many rows of ``name`` each parent has (None when there is none)."""
    if table.count_field is not None:
        if parent_fields.get(table.count_field, {}).get("type") != "integer":
            raise SchemaError(f"Table '{table.parent}' has no integer field '{table.count_field}' to count '{name}'.",
                              "Fix 'count_field'.")
        return table.count_field
    candidates = (f"{name}_count", f"{_singular(name)}_count")
    return next((f for f in candidates if parent_fields.get(f, {}).get("type") == "integer"), None)


def _count_bounds(name: str, table: TableSpec, count_node: dict[str, Any] | None) -> tuple[float, float]:
    """Fewest and most children per parent: ``per_parent``'s range within the count field's minimum/maximum."""
    per_parent = table.per_parent
    if isinstance(per_parent, int):
        low, high = float(per_parent), float(per_parent)
    elif "poisson" in per_parent:
        low, high = 0.0, inf
    else:
        low, high = float(per_parent.get("min", 0)), float(per_parent.get("max", 3))
    if count_node is not None:
        low, high = max(low, count_node.get("minimum", 0)), min(high, count_node.get("maximum", inf))
    if low > high:
        raise SchemaError(f"Table '{name}': per_parent {per_parent} is outside the bounds of the parent's count field.",
                          "Make per_parent and the count field's minimum/maximum overlap.")
    return low, high


def _children(per_parent: int | dict[str, float], rng: np.random.Generator, bounds: tuple[float, float]) -> int:
    if isinstance(per_parent, int):
        drawn = per_parent
    elif "poisson" in per_parent:
        drawn = int(rng.poisson(per_parent["poisson"]))
    else:
        drawn = int(rng.integers(int(per_parent.get("min", 0)), int(per_parent.get("max", 3)) + 1))
    return int(min(max(drawn, bounds[0]), bounds[1]))


def _with_parent_fields(spec: Spec, column: str, nodes: dict[str, dict[str, Any]]) -> Spec:
    """The child schema with the foreign key first and every copied field shaped like its parent field."""
    schema = json.loads(json.dumps(spec.schema))
    plain = {k: {h: v for h, v in node.items() if not h.startswith("x-")} for k, node in nodes.items()}
    fields = {column: plain[column], **{k: plain.get(k, v) for k, v in schema["properties"].items() if k != column}}
    schema["properties"] = fields | plain
    schema["required"] = list(dict.fromkeys([column, *schema.get("required", []), *plain]))
    return Spec(spec.name, schema, spec.source, spec.context, spec.locale)


def _linked(record: dict[str, Any], owner: dict[str, Any], links: dict[str, str]) -> dict[str, Any]:
    """``record`` with the foreign key first and each linked field holding its parent's value."""
    column = next(iter(links))
    linked = {column: owner[links[column]], **{k: v for k, v in record.items() if k != column}}
    return linked | {child: owner[parent_field] for child, parent_field in links.items()}


def _refresh_distributions(result: SynthResult, fields: list[str]) -> None:
    """Recompute the report's per-field distributions of fields changed after generation."""
    summaries = result.report.get("fields", {})
    for name in fields:
        summaries[name] = distribution([r.get(name) for r in result.records])


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
