"""What is inside a model: module tree and sizes for transformers models, metadata and tensor types for GGUF."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hfkit.core.errors import InputError

CONFIG_FIELDS = {
    "layers": ("num_hidden_layers", "n_layer", "num_layers"),
    "heads": ("num_attention_heads", "n_head"),
    "kv_heads": ("num_key_value_heads",),
    "hidden_size": ("hidden_size", "n_embd", "d_model"),
    "context_length": ("max_position_embeddings", "n_positions", "max_seq_len"),
    "vocab_size": ("vocab_size",),
}
GGUF_FIELDS = {"layers": "block_count", "heads": "attention.head_count", "kv_heads": "attention.head_count_kv",
               "hidden_size": "embedding_length", "context_length": "context_length"}


@dataclass
class ModelReport:
    """A model's architecture facts; ``tensor_types`` counts parameters per storage type."""

    name: str
    format: str
    architecture: str
    parameters: int
    facts: dict[str, Any] = field(default_factory=dict)
    tensor_types: dict[str, int] = field(default_factory=dict)
    tree: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


def inspect_model(reference: str, tree_depth: int = 3) -> ModelReport:
    """Inspect a GGUF file (or embedded GGUF model), a transformers directory or a hub id without loading weights."""
    from hfkit.core.registry import local_path

    path = local_path(reference)
    if path.is_file() and path.suffix == ".gguf":
        return inspect_gguf(path, reference)
    from hfkit.toolkit.memory import config_dir

    if path.is_file():
        raise InputError(f"'{reference}' is not a GGUF file or a model directory.", "Pass a .gguf or a directory.")
    return inspect_transformers(config_dir(str(path) if path.exists() else reference), reference, tree_depth)


def inspect_gguf(path: Path, name: str) -> ModelReport:
    """Metadata and per-type tensor counts of a GGUF file, read with the ``gguf`` package."""
    from hfkit.core.gguf import read_metadata
    from hfkit.core.gguf import reader as gguf_reader

    meta = read_metadata(path)
    arch = str(meta.get("general.architecture", "?"))
    reader = gguf_reader(path)
    types: Counter[str] = Counter()
    for tensor in reader.tensors:
        types[tensor.tensor_type.name] += int(tensor.n_elements)
    facts = {k: meta.get(f"{arch}.{v}") for k, v in GGUF_FIELDS.items()}
    tokens = reader.fields.get("tokenizer.ggml.tokens")
    facts["vocab_size"] = len(tokens.data) if tokens is not None else None
    facts["file_type"] = _file_type(meta.get("general.file_type"))
    shown = {k: _short(v) for k, v in meta.items() if not k.startswith("tokenizer.chat_template")}
    return ModelReport(name, "gguf", arch, sum(types.values()), facts, dict(types.most_common()), metadata=shown)


def _file_type(value: Any) -> str | None:
    import gguf

    try:
        return gguf.LlamaFileType(int(value)).name.removeprefix("MOSTLY_")
    except (TypeError, ValueError):
        return None


def _short(value: Any) -> Any:
    text = str(value)
    return value if len(text) <= 80 else text[:77] + "..."


def _read_config(path: Path) -> dict[str, Any]:
    """config.json as a dict; unreadable, not JSON or not an object is one sentence."""
    from hfkit.core.paths import read_text

    try:
        config = json.loads(read_text(path, "Model config"))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"Model config '{path}' is not valid JSON ({exc}).", "Fix or replace the config.json.") from exc
    if not isinstance(config, dict):
        raise InputError(f"Model config '{path}' is not a JSON object.", "Fix or replace the config.json.")
    return config


def inspect_transformers(directory: Path, name: str, tree_depth: int = 3) -> ModelReport:
    """Architecture facts from config.json and the module tree built on the meta device (no weights read)."""
    import torch
    import transformers

    from hfkit.backends.transformers import _from_config, _groups

    config = _read_config(directory / "config.json")
    facts = {k: next((config[n] for n in names if n in config), None) for k, names in CONFIG_FIELDS.items()}
    facts["dtype"] = config.get("dtype") or config.get("torch_dtype")
    facts["quantization"] = (config.get("quantization_config") or {}).get("quant_method")
    hf_config = transformers.AutoConfig.from_pretrained(str(directory))
    with torch.device("meta"):
        model = _from_config(transformers, hf_config)
    groups = _groups(model, torch)
    arch = (config.get("architectures") or [type(model).__name__])[0]
    return ModelReport(name, "transformers", arch, sum(groups.values()), facts, groups,
                       tree=module_tree(model, tree_depth))


def module_tree(model: Any, depth: int = 3) -> str:
    """An indented module tree; runs of identical repeated blocks (layers) are shown once with a count."""
    lines: list[str] = []

    def walk(module: Any, name: str, level: int) -> None:
        params = sum(p.numel() for p in module.parameters())
        lines.append(f"{'  ' * level}{name}: {type(module).__name__} ({params:,} params)")
        if level >= depth:
            return
        children = list(module.named_children())
        if children and all(child_name.isdigit() for child_name, _ in children):
            walk(children[0][1], f"[0-{len(children) - 1}] x{len(children)}", level + 1)
            return
        for child_name, child in children:
            walk(child, child_name, level + 1)

    walk(model, type(model).__name__, 0)
    return "\n".join(lines)
