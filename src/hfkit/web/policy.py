"""Which models the web app may run: the embedded models installed here plus the operator's ``--allow-model`` list.

A visitor picks from these; anything else (a free ``openai:`` target that would spend the server's API key, a hub
id that would download, a path on the server) is refused with one sentence before anything loads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hfkit.core.errors import InputError
from hfkit.core.registry import EMBEDDED, EmbeddedModel, Task


class ModelRefusedError(InputError):
    """A model the web app does not offer was asked for."""


@dataclass(frozen=True)
class ModelPolicy:
    """The embedded models (by task) and the references the operator allowed."""

    allowed: tuple[str, ...] = ()

    def choices(self, task: Task, first: Iterable[str] = (), formats: tuple[str, ...] = ()) -> list[str]:
        """The models to offer for ``task`` (and ``formats`` when given): ``first``, embedded ones, allowed ones."""
        local = [m.name for m in EMBEDDED.values() if task in m.tasks and (not formats or m.format in formats) and _installed(m)]
        return list(dict.fromkeys([*first, *local, *self.allowed]))

    def check(self, reference: str | None, what: str = "model") -> str:
        """``reference`` stripped when it is offered here; else :class:`ModelRefusedError`."""
        name = (reference or "").strip()
        if self.offers(name):
            return name
        raise ModelRefusedError(
            f"The {what} '{name}' is not offered by this web app; pick one from the list.",
            f"The operator can offer it with 'hfkit web --allow-model {name or 'REF'}'.",
        )

    def offers(self, name: str) -> bool:
        if name in self.allowed:
            return True
        return any(name == m.name or name in m.aliases for m in EMBEDDED.values())


def _installed(model: EmbeddedModel) -> bool:
    try:
        return model.installed()
    except Exception:  # a broken optional package: not offered
        return False
