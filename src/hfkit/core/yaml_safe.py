"""YAML read safely: PyYAML's safe loader plus limits on the file size, alias uses and the size of the document once
aliases are expanded, so a few hundred bytes of "billion laughs" are refused at once instead of growing without end."""

from __future__ import annotations

from typing import Any

from hfkit.core.errors import SchemaError, missing_extra

MAX_YAML_BYTES = 8 * 1024 * 1024
MAX_ALIASES = 1_000
MAX_EXPANDED_NODES = 200_000


def load_yaml(text: str, where: str) -> Any:
    """The data in YAML ``text`` (safe tags only); too large, too many aliases or too large once expanded is one
    :class:`SchemaError` sentence naming ``where``."""
    try:
        import yaml
    except ImportError as exc:
        raise missing_extra("pyyaml", "synth") from exc
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise SchemaError(f"{where} is larger than {MAX_YAML_BYTES // 2**20} MB.", "Pass a smaller spec.")
    loader = _limited_loader(yaml)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
            raise SchemaError(f"{where} expands to more than {MAX_EXPANDED_NODES:,} values through its aliases.",
                              "Write the values out instead of repeating anchors.")
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise SchemaError(f"{where} is not valid YAML ({_first_line(exc)}).", "Fix the syntax.") from exc
    except RecursionError as exc:
        raise SchemaError(f"{where} is nested too deeply to read.", "Flatten it.") from exc
    finally:
        loader.dispose()


def _limited_loader(yaml: Any) -> Any:
    class LimitedLoader(yaml.SafeLoader):  # type: ignore[name-defined,misc]
        """Counts alias uses while composing, before anything is expanded."""

        aliases = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    raise SchemaError(f"The YAML uses more than {MAX_ALIASES} aliases.",
                                      "Write the values out instead of repeating anchors.")
            return super().compose_node(parent, index)

    return LimitedLoader


def _expanded_size(node: Any, memo: dict[int, int]) -> int:
    """Values in the document with every alias expanded, computed on the shared node graph (memoised, so the
    count itself stays cheap); stops counting once past the limit."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = MAX_EXPANDED_NODES + 1  # a node met again while being counted (a cycle) is too large
    value = node.value
    total = 1
    if isinstance(value, list):
        for child in value:
            parts = child if isinstance(child, tuple) else (child,)
            total += sum(_expanded_size(part, memo) for part in parts)
            if total > MAX_EXPANDED_NODES:
                break
    memo[key] = total
    return total


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]
