"""Packages that can be called like the function they are named after (``hfkit.minutes(...)``, ``hfkit.synth(...)``).

Importing a submodule (``from hfkit.minutes.model import MinutesOptions``) makes Python bind the package
``hfkit.minutes`` as an attribute of ``hfkit``, hiding the lazily imported function of the same name. A package whose
module class forwards calls keeps ``hfkit.minutes(...)`` working either way.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


class _CallablePackage(types.ModuleType):
    _call_target: str

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        module, _, attr = self._call_target.partition(":")
        return getattr(importlib.import_module(module), attr)(*args, **kwargs)


def make_callable(package: str, target: str) -> None:
    """Calling ``package`` calls ``target`` ("module:function")."""
    module = sys.modules[package]
    module.__class__ = _CallablePackage
    module._call_target = target  # type: ignore[attr-defined]
