"""A description becomes the schema it describes: the nouns it lists become fields typed by the field-kind registry.

"hotel bookings with guest, dates, room type and price" -> booking_id, guest_name, check_in, check_out (after
check_in), room_type (enum), price. A built-in template is used only when the description names no fields and
a template's name is in it (or MiniLM similarity clears ``TEMPLATE_FLOOR``); ``Composed.route`` says which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hfkit.synth.kinds import FieldKind, kind_for, words

TEMPLATE_FLOOR = 0.62  # MiniLM cosine a description needs to be served by a template
LIST_MARKERS = r"\b(?:with|including|includes|containing|contains|having|that have|listing|featuring|of which)\b|:"
SPLIT = re.compile(r"\s*(?:,|;|/|&|\band\b|\bplus\b|\bas well as\b)\s*")
DATE_PAIRS = {"stay": ("check_in", "check_out"), "trip": ("departure_date", "return_date"), "": ("start_date", "end_date")}
STOP = {
    "a",
    "an",
    "the",
    "their",
    "its",
    "his",
    "her",
    "each",
    "every",
    "some",
    "any",
    "of",
    "per",
    "for",
    "in",
    "on",
    "to",
    "from",
    "by",
    "one",
    "or",
    "also",
    "optional",
    "optionally",
    "records",
    "record",
    "data",
    "list",
    "lists",
    "fields",
    "field",
    "info",
    "information",
    "details",
    "detail",
}
TRAILING = {"list": "array", "lists": "array"}
# A listed noun that stands for several fields.
EXPANSIONS: dict[str, list[str]] = {
    "address": ["street_address", "city", "postal_code", "country"],
    "contact": ["email", "phone"],
    "contact details": ["email", "phone"],
    "location": ["city", "country", "latitude", "longitude"],
    "coordinate": ["latitude", "longitude"],
    "coordinates": ["latitude", "longitude"],
    "name": ["name"],
}
STAY_WORDS = {"hotel", "stay", "airbnb", "room", "hostel", "lodging", "vacation", "motel", "resort"}
TRIP_WORDS = {"flight", "trip", "travel", "journey", "train", "bus", "cruise", "tour"}
PERSON_HEADS = {
    "customer",
    "user",
    "member",
    "employee",
    "person",
    "people",
    "patient",
    "student",
    "contact",
    "client",
    "subscriber",
    "profile",
    "guest",
    "passenger",
    "applicant",
    "candidate",
    "author",
}
PLACE_ADJECTIVES = {
    "french",
    "german",
    "british",
    "spanish",
    "italian",
    "dutch",
    "japanese",
    "american",
    "canadian",
    "indian",
    "brazilian",
    "polish",
    "swedish",
    "irish",
    "australian",
    "mexican",
    "austrian",
    "swiss",
}


GENERIC_KINDS = {
    "name": "title",
    "title": "title",
    "id": "id",
    "code": "sku",
    "number": "policy_number",
    "type": "word",
    "kind": "word",
    "label": "word",
    "key": "id",
    "value": "measurement",
}


GENERIC_HEADS = {"profile", "record", "entry", "dataset", "data", "sample", "item", "row", "detail"}


@dataclass
class Composed:
    """A schema made from a description, and how: route 'fields' (composed), 'template:<name>' or 'subject'."""

    schema: dict[str, Any]
    route: str
    notes: list[str] = field(default_factory=list)


def compose(description: str) -> Composed:
    """The schema a description describes (no language model)."""
    subject, listed = _split(description)
    subject_words = [w for w in words(subject) if w not in STOP and w not in PLACE_ADJECTIVES and len(w) > 2]
    items = _items(listed) if listed else []
    if len(items) < 2 and (template := _template_for(description, subject_words)) is not None:
        return template
    names = _field_names(items, subject_words)
    if not names:
        names = _subject_fields(subject_words)
    schema = _schema(description, subject_words, names)
    route = "fields" if items else "subject"
    return Composed(schema, route, [f"{len(schema['properties'])} fields from the description"])


def _split(description: str) -> tuple[str, str]:
    text = re.sub(r"\s+", " ", description.strip().rstrip("."))
    between = re.search(r"\bbetween (.+)$", text, flags=re.IGNORECASE)
    parts = re.split(LIST_MARKERS, text, maxsplit=1, flags=re.IGNORECASE)
    if len(parts) == 2:
        return parts[0], parts[1]
    if between:
        return text[: between.start()], between.group(1)
    return text, ""


def _items(listed: str) -> list[tuple[list[str], str]]:
    """The listed phrases as (words, text); 'departure and arrival airports' -> departure airport, arrival airport."""
    raw = [p.strip().lower() for p in SPLIT.split(listed) if p.strip()]
    phrases = [([w for w in words(p) if w not in STOP or w in TRAILING], p) for p in raw]
    phrases = [(p, t) for p, t in phrases if p]
    for i in range(len(phrases) - 1):
        (left, text), (right, _) = phrases[i], phrases[i + 1]
        if len(left) == 1 and len(right) >= 2 and _shares_head(left[0], right[-1]):
            phrases[i] = ([left[0], right[-1]], text)
    return phrases


def _shares_head(word: str, head: str) -> bool:
    """Whether 'departure' in 'departure and arrival airports' means 'departure airport' (a known phrase)."""
    from hfkit.synth.kinds import _singular_rules

    return (word, head) in _singular_rules()


def _field_names(items: list[tuple[list[str], str]], subject: list[str]) -> list[tuple[str, dict[str, Any]]]:
    fields: list[tuple[str, dict[str, Any]]] = []
    stay = "stay" if set(subject) & STAY_WORDS else "trip" if set(subject) & TRIP_WORDS else ""
    for phrase, raw in items:
        fields += _fields_of(phrase, raw, subject, stay)
    return fields


def _fields_of(phrase: list[str], text: str, subject: list[str], stay: str) -> list[tuple[str, dict[str, Any]]]:
    as_array = phrase[-1] in TRAILING and len(phrase) > 1
    phrase = [w for w in phrase if w not in TRAILING] or phrase
    spoken = [w for w in re.findall(r"[a-z0-9]+", text) if w not in STOP and w not in TRAILING]
    maximum = None
    if (out_of := re.search(r"\bout of (\d+)", text)) is not None:
        maximum = int(out_of.group(1))
        phrase = phrase[: phrase.index("out")] if "out" in phrase else phrase
        spoken = spoken[: spoken.index("out")] if "out" in spoken else spoken
    name = "_".join(phrase)
    plural = "_".join([*phrase[:-1], spoken[-1]]) if len(spoken) == len(phrase) else name
    if name in ("date", "dates") or name.endswith("_dates"):
        start, end = DATE_PAIRS[stay]
        return [
            (start, {"type": "string", "format": "date"}),
            (end, {"type": "string", "format": "date", "x-derive": {"rule": "after", "from": start}}),
        ]
    if name in EXPANSIONS and len(EXPANSIONS[name]) > 1:
        return [(n, node_for(n, subject)) for n in EXPANSIONS[name]]
    node = node_for(name, subject)
    if as_array or node.get("type") in ("integer", "number"):
        name = plural  # 'bedrooms', 'ingredients': the word as written
    name = _person_field(name, node)
    if maximum is not None and node.get("type") in ("integer", "number"):
        node = {**node, "minimum": 1 if maximum <= 10 else 0, "maximum": maximum}
    if as_array:
        node = {"type": "array", "items": node, "minItems": 1, "maxItems": 8}
    return [(name, node)]


def _person_field(name: str, node: dict[str, Any]) -> str:
    """'guest' -> 'guest_name' when the field holds a person's name."""
    return f"{name}_name" if node.get("x-kind") == "person_name" and "name" not in name else name


def node_for(name: str, subject: list[str] | None = None) -> dict[str, Any]:
    """The schema node of a field called ``name``, from its kind (a plain string when no kind fits)."""
    from hfkit.synth.kinds import GENERIC, get_kind, match_words

    parent = subject[-1] if subject else ""
    parts = name.split("_")
    if len(parts) > 1 and parts[-1] in GENERIC and match_words(parts) in (None, match_words(parts[-1:])):
        kind = get_kind(GENERIC_KINDS.get(parts[-1], "title"))  # 'test_name', 'course_code': a label, not a person
    else:
        kind = kind_for(name, {}, parent)
    if kind is None:
        kind = kind_for(parts[-1], {}, parent)
    return _kind_node(kind, name) if kind is not None else {"type": "string", "maxLength": 60}


def _kind_node(kind: FieldKind, name: str) -> dict[str, Any]:
    if kind.text:
        return {"type": "string", "minLength": 3, "maxLength": 400, "x-llm": name.replace("_", " ")}
    if kind.format:
        return {"type": "string", "format": kind.format}
    if kind.name == "id":
        return {"type": "string", "x-id": _prefix(name), "x-unique": True}
    if kind.pick:
        return {"type": "string", "enum": list(kind.pick)}
    if "string" in kind.types:
        return {"type": "string", "x-kind": kind.name}
    integer = "integer" in kind.types and kind.decimals == 0 and kind.name not in ("price", "salary")
    node: dict[str, Any] = {"type": "integer" if integer else "number", "x-kind": kind.name}
    if kind.low is not None and kind.high is not None:
        node.update(minimum=kind.low if not integer else int(kind.low), maximum=kind.high if not integer else int(kind.high))
    if not integer:
        node["x-decimals"] = kind.decimals
    return node


def _prefix(name: str) -> str:
    letters = "".join(w[0] for w in name.split("_")[:-1] if w) or name[:3]
    return letters.upper()[:4] or "ID"


def _subject_fields(subject: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """No fields listed: what the subject's head noun stands for (addresses -> street, city, postcode...)."""
    head = subject[-1] if subject else "item"
    names = EXPANSIONS.get(head) or (
        ["full_name", "email", "phone", "city"] if head in PERSON_HEADS else ["name", "category", "description", "created_at"]
    )
    if any(w in PERSON_HEADS for w in subject) and head == "address":
        names = ["full_name", *names]
    return [(n, node_for(n, subject)) for n in names]


def _schema(description: str, subject: list[str], fields: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    head = subject[-1] if subject else "record"
    properties: dict[str, Any] = {f"{head}_id": {"type": "string", "x-id": _prefix(f"{head}_x"), "x-unique": True}}
    has_text = any("x-llm" in node for _, node in fields)
    if head in ("transcript", "review", "message", "post", "email", "comment", "abstract", "story", "note") and not (has_text):
        fields = [*fields, (head, node_for(head, subject))]
    for name, node in fields:
        key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        if key and key not in properties:
            properties[key] = node
    title = " ".join(w.capitalize() for w in subject) or "Records"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": description,
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _template_for(description: str, subject: list[str]) -> Composed | None:
    """A built-in template, when one really matches: its name is the subject, or MiniLM similarity clears the floor."""
    from hfkit.synth.templates import ALIASES, list_templates, load_template

    names = {n: n for n in list_templates()} | ALIASES
    joined = "_".join(w for w in subject if w not in GENERIC_HEADS)
    lead = re.split(r"\b(?:for|in|at|from|of|on|by|near|around)\b", description, maxsplit=1, flags=re.IGNORECASE)[0]
    lead_joined = "_".join(w for w in words(lead) if w in subject and w not in GENERIC_HEADS)  # 'customer profiles for...'
    for key, name in names.items():
        if (
            joined in (key, key.removesuffix("s"))
            or (lead_joined and lead_joined in (key, key.removesuffix("s")))
            or subject[-1:] == [key]
            or (len(subject) >= 1 and f"{subject[-1]}s" == key and len(subject) <= 2)
        ):
            return Composed(_described(load_template(name), description), f"template:{name}", ["the name matched"])
    if "between" in description.lower():
        return None
    try:
        from hfkit.synth.templates import rank_templates

        best, score = rank_templates(description)[0]
    except Exception:
        return None
    if score < TEMPLATE_FLOOR:
        return None
    return Composed(_described(load_template(best), description), f"template:{best}", [f"similarity {score:.2f}"])


def _described(schema: dict[str, Any], description: str) -> dict[str, Any]:
    schema["description"] = description
    return schema
