"""Built-in dataset templates: JSON Schema files shipped with hfkit, plus matching a description to one."""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path
from typing import Any

from hfkit.core.errors import InputError

HERE = Path(__file__).parent
ALIASES = {"reviews": "product_reviews", "transactions": "bank_transactions", "tickets": "support_tickets",
           "resumes": "candidate_resumes", "campaigns": "marketing_campaigns", "posts": "social_media_posts",
           "jobs": "job_postings", "interviews": "interview_scenarios", "budgets": "budget_scenarios"}


def list_templates() -> list[str]:
    """Names of the built-in templates, sorted."""
    return sorted(p.stem for p in HERE.glob("*.json"))


def load_template(name: str) -> dict[str, Any]:
    """The JSON Schema of template ``name`` (a fresh copy); unknown names raise InputError listing the closest."""
    key = ALIASES.get(name.lower().replace("-", "_"), name.lower().replace("-", "_"))
    path = HERE / f"{key}.json"
    if not key.isidentifier() or not path.is_file():  # a name, never a path out of this folder
        close = difflib.get_close_matches(key, [*list_templates(), *ALIASES], n=3, cutoff=0.3)
        suggestion = f"Closest: {', '.join(close)}." if close else f"Templates: {', '.join(list_templates())}."
        raise InputError(f"Unknown template '{name}'.", f"{suggestion} See 'hfkit synth --list-templates'.")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def template_text(name: str) -> str:
    """What a template is about, for similarity search: title, description and field names."""
    schema = load_template(name)
    fields = ", ".join(k.replace("_", " ") for k in schema["properties"])
    return f"{schema['title']}: {schema['description']} Fields: {fields}."


@cache
def _template_vectors() -> tuple[list[str], Any]:
    from hfkit.backends.sentence_transformers import load_embedder

    names = list_templates()
    return names, load_embedder().encode([template_text(n) for n in names])


def rank_templates(description: str) -> list[tuple[str, float]]:
    """Templates ordered by cosine similarity to ``description`` (MiniLM embeddings)."""
    from hfkit.backends.sentence_transformers import load_embedder

    names, vectors = _template_vectors()
    query = load_embedder().encode([description])[0]
    scores = vectors @ query
    return sorted(zip(names, (float(s) for s in scores), strict=True), key=lambda p: -p[1])
