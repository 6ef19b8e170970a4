"""Consistency rules: fields computed from their siblings (email from name, line total, order total...)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hfkit.core.errors import SchemaError

if TYPE_CHECKING:
    from hfkit.synth.fields import Draw

Rule = Callable[[dict[str, Any], "Draw"], Any]
EMAIL_STYLES = ("{f}.{l}", "{f}{l}", "{i}.{l}", "{f}_{l}", "{l}.{f}", "{i}{l}")


def compile_rule(name: str, node: dict[str, Any], parent: tuple[str, ...]) -> Rule:
    """Build the rule named by the node's ``x-derive`` ({"rule": ..., ...})."""
    spec = node["x-derive"]
    rule = spec.get("rule") if isinstance(spec, dict) else None
    if rule not in _RULES:
        where = ".".join((*parent, name))
        raise SchemaError(f"Field '{where}' has an unknown x-derive rule '{rule}'.", f"Use one of: {', '.join(_RULES)}.")
    return _RULES[rule](spec, node)


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _email(spec: dict[str, Any], node: dict[str, Any]) -> Rule:
    source = spec["from"]

    def make(record: dict[str, Any], d: Draw) -> str:
        words = [w for w in (_ascii(p) for p in str(record.get(source) or "").split()) if w]
        words = [w for w in words if w not in ("mr", "mrs", "ms", "dr", "miss", "prof", "md", "phd", "jr", "ii", "iii")]
        first, last = (words[0], words[-1]) if words else (d.fake.user_name(), "")
        style = EMAIL_STYLES[int(d.rng.integers(len(EMAIL_STYLES)))]
        local = style.format(f=first, l=last, i=first[:1]).strip("._") or first
        if d.rng.random() < 0.4:
            local += str(int(d.rng.integers(1, 1000)))
        return f"{local}@{d.fake.free_email_domain()}"

    return make


def _scale(spec: dict[str, Any], node: dict[str, Any]) -> Rule:
    low, high = spec.get("factor", [1.0, 1.0])
    cap = node.get("maximum")

    def make(record: dict[str, Any], d: Draw) -> Any:
        value = float(record[spec["from"]]) * float(d.rng.uniform(low, high))
        value = min(value, cap) if cap is not None else value
        return round(value) if node.get("type") == "integer" else round(value, 2)

    return make


def _product(spec: dict[str, Any], node: dict[str, Any]) -> Rule:
    def make(record: dict[str, Any], d: Draw) -> float:
        total = 1.0
        for key in spec["of"]:
            total *= float(record[key])
        return round(total, 2)

    return make


def _sum(spec: dict[str, Any], node: dict[str, Any]) -> Rule:
    def make(record: dict[str, Any], d: Draw) -> float:
        return round(sum(float(item[spec["field"]]) for item in record[spec["of"]]), 2)

    return make


def _after(spec: dict[str, Any], node: dict[str, Any]) -> Rule:
    """A date (or date-time) 1-14 days after another field's (``days`` [low, high] to change that)."""
    low, high = spec.get("days", [1, 14])

    def make(record: dict[str, Any], d: Draw) -> Any:
        from datetime import date, datetime, timedelta

        start = str(record.get(spec["from"]) or "2024-01-01")
        days = timedelta(days=int(d.rng.integers(int(low), int(high) + 1)))
        if node.get("format") == "date-time" or "T" in start:
            value = datetime.fromisoformat(start.replace("Z", "+00:00")) + days
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return (date.fromisoformat(start[:10]) + days).isoformat()

    return make


_RULES: dict[str, Callable[[dict[str, Any], dict[str, Any]], Rule]] = {
    "email": _email, "scale": _scale, "product": _product, "sum": _sum, "after": _after,
}
