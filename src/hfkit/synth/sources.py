"""Where a dataset's schema comes from: a template, a JSON Schema file, a pydantic class or a description."""

from __future__ import annotations

import importlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hfkit.backends.base import ChatModel
from hfkit.core.errors import InputError, SchemaError
from hfkit.synth.schema import prepare
from hfkit.synth.tabular.read import is_table_file
from hfkit.synth.templates import load_template

PYDANTIC_REF = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
PLACE_LOCALES = {
    "berlin": "de_DE", "germany": "de_DE", "german": "de_DE", "munich": "de_DE", "hamburg": "de_DE",
    "vienna": "de_AT", "austria": "de_AT", "zurich": "de_CH", "switzerland": "de_CH", "paris": "fr_FR",
    "france": "fr_FR", "french": "fr_FR", "lyon": "fr_FR", "london": "en_GB", "uk": "en_GB", "britain": "en_GB",
    "manchester": "en_GB", "madrid": "es_ES", "spain": "es_ES", "barcelona": "es_ES", "mexico": "es_MX",
    "rome": "it_IT", "italy": "it_IT", "milan": "it_IT", "amsterdam": "nl_NL", "netherlands": "nl_NL",
    "tokyo": "ja_JP", "japan": "ja_JP", "india": "en_IN", "canada": "en_CA", "toronto": "en_CA",
    "australia": "en_AU", "sydney": "en_AU", "brazil": "pt_BR", "lisbon": "pt_PT", "portugal": "pt_PT",
    "poland": "pl_PL", "warsaw": "pl_PL", "sweden": "sv_SE", "stockholm": "sv_SE", "ireland": "en_IE",
}


@dataclass
class Spec:
    """A prepared schema and what it came from."""

    name: str
    schema: dict[str, Any]
    source: str
    context: str = ""
    locale: str | None = None
    matches: list[tuple[str, float]] = field(default_factory=list)
    path: Path | None = None  # the sample table, when the source is one (``source == "sample"``)
    route: str = ""


def resolve_spec(source: str | dict[str, Any] | type | Spec, proposer: ChatModel | None = None, *,
                 trusted: bool = True) -> Spec:
    """Turn a template name, schema file, ``module:Class``, description, schema dict or pydantic class into a Spec.

    With ``proposer``, a description becomes the schema that model proposes instead of the closest template.
    ``trusted=False`` (text from a web form) reads text as data only: a template name or a description, never a
    file to open or a module to import.
    """
    if isinstance(source, Spec):
        return source
    if isinstance(source, dict):
        schema = prepare(source, "the schema")
        return Spec(_slug(str(schema.get("title", "records"))), schema, "schema", str(schema.get("description", "")))
    if isinstance(source, type):
        return _from_class(source, source.__name__)
    text = source.strip()
    if not text:
        raise InputError("The description is empty.", "Say what data you want, e.g. 'customer profiles for a bike shop'.")
    path = Path(text)
    if trusted and path.is_dir():
        raise InputError(f"'{text}' is a directory, but synth needs one source.",
                         "Pass a template name, a JSON Schema file, module:Class or a description in quotes.")
    if trusted and is_table_file(path):
        return sample_spec(path)
    if trusted and (path.suffix.lower() == ".json" or path.is_file()):
        schema = prepare(_read_schema(path), f"Schema file '{path}'", path.parent)
        return Spec(_stem(path), schema, "file", str(schema.get("description", "")))
    if trusted and PYDANTIC_REF.match(text):
        return _from_class(_import_class(text), text)
    if " " not in text:
        schema = prepare(load_template(text), f"Template '{text}'")
        return Spec(text.lower().replace("-", "_"), schema, "template", str(schema.get("description", "")))
    if proposer is not None:
        from hfkit.synth.propose import propose_schema

        schema = prepare(propose_schema(text, proposer), "The proposed schema")
        return Spec(_slug(str(schema["title"])), schema, "proposed", text, _locale(text))
    return from_description(text)


def sample_spec(path: Path) -> Spec:
    """A sample table (CSV/Parquet/JSONL) as a Spec: the schema learned from it, and its path."""
    from hfkit.synth.api import SynthOptions
    from hfkit.synth.tabular.run import learn_file, learned_schema

    model, _ = learn_file(path, SynthOptions(llm=None))
    return Spec(model.name, learned_schema(model), "sample", f"rows like the sample '{path.name}'", path=path)


def from_description(description: str) -> Spec:
    """The schema the description describes: its listed nouns become typed fields (``describe.compose``); a
    built-in template only when one really matches. ``Spec.route`` says which way it went."""
    from hfkit.synth.describe import compose

    composed = compose(description)
    name = composed.route.split(":", 1)[1] if composed.route.startswith("template:") else _slug(
        str(composed.schema.get("title", "records")))
    where = f"Template '{name}'" if composed.route.startswith("template:") else "The schema made from the description"
    return Spec(name, prepare(composed.schema, where), "description", description, _locale(description),
                route=composed.route)


def _read_schema(path: Path) -> Any:
    """The JSON in a schema file, read as UTF-8; missing, not UTF-8 or not JSON is one sentence."""
    from hfkit.core.paths import read_text
    from hfkit.generation.structured import parse_json

    return parse_json(read_text(path, "Schema file"), f"Schema file '{path}'")


def _stem(path: Path) -> str:
    return path.name.removesuffix(".json").removesuffix(".schema") or "records"


def _locale(description: str) -> str | None:
    words = re.findall(r"[a-z]+", description.lower())
    return next((PLACE_LOCALES[w] for w in words if w in PLACE_LOCALES), None)


def _import_class(reference: str) -> type:
    module_name, _, attr = reference.partition(":")
    if "" not in sys.path and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InputError(f"Cannot import module '{module_name}' ({exc}).",
                         "Run from the folder that holds it or install it; the form is module:Class.") from exc
    found = getattr(module, attr, None)
    if not isinstance(found, type):
        raise InputError(f"Module '{module_name}' has no class '{attr}'.", "Check the class name in module:Class.")
    return found


def _from_class(cls: type, where: str) -> Spec:
    from pydantic import BaseModel

    if not issubclass(cls, BaseModel):
        raise SchemaError(f"'{where}' is not a pydantic model.", "Pass a class that subclasses pydantic.BaseModel.")
    schema = cls.model_json_schema()
    schema.setdefault("description", (cls.__doc__ or "").strip())
    prepared = prepare(schema, f"Model '{where}'")
    return Spec(_slug(cls.__name__), prepared, "pydantic", str(prepared.get("description", "")))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "records"


def schema_json(spec: Spec) -> str:
    """The schema as pretty JSON, for --show-schema."""
    return json.dumps(spec.schema, indent=2, ensure_ascii=False)
