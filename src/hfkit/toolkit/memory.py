"""How much memory a model needs: an estimate from config.json alone, and a measured column where it loads here."""

from __future__ import annotations

import gc
import resource
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hfkit.core.errors import InputError

DEFAULT_DTYPES = ("fp32", "bf16", "int8", "nf4")
LOADABLE = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}


@dataclass
class MemoryRow:
    """One dtype's footprint: ``estimate`` from the config, ``measured`` from a real load (None if not loaded)."""

    dtype: str
    parameters: int
    estimate_bytes: int
    measured_bytes: int | None = None
    note: str = ""


def config_dir(reference: str) -> Path:
    """A local directory holding config.json for an embedded name, path or hub id (only config.json is downloaded)."""
    from hfkit.core.registry import local_path, unknown_model_error, unknown_name

    if unknown_name(reference):
        raise unknown_model_error(reference)
    path = local_path(reference)
    if path.is_dir():
        if not (path / "config.json").exists():
            raise InputError(f"'{path}' has no config.json.", "Pass a transformers model directory or hub id.")
        return path
    if path.suffix == ".gguf" or path.exists():
        raise InputError(f"'{reference}' is not a transformers model directory.",
                         "For GGUF files the size on disk is the footprint; see 'hfkit inspect'.")
    return _hub_config(reference)


def _hub_config(repo: str) -> Path:
    import huggingface_hub as hf

    from hfkit.core.errors import HubUnavailableError

    try:
        return Path(hf.hf_hub_download(repo, "config.json")).parent
    except Exception as exc:
        raise HubUnavailableError(f"The config.json of '{repo}' is not cached and the hub cannot be reached.",
                                  f"Run 'hfkit models pull {repo}' while online, or pass a local directory.") from exc


def estimate(reference: str, dtypes: tuple[str, ...] = DEFAULT_DTYPES, measure: bool = True,
             device: str = "cpu") -> list[MemoryRow]:
    """Weights footprint of ``reference`` for each dtype; measured by loading when weights are present and fit."""
    from hfkit.backends.transformers import available_memory, parameter_groups, weight_bytes

    directory = config_dir(reference)
    groups = parameter_groups(str(directory))
    total = sum(groups.values())
    rows = [MemoryRow(d, total, weight_bytes(groups, d)) for d in dtypes]
    has_weights = any(directory.glob("*.safetensors")) or any(directory.glob("*.bin"))
    for row in rows:
        if not measure or not has_weights:
            row.note = "no weights here" if measure else ""
        elif row.estimate_bytes > available_memory(device) // 2:
            row.note = "too big to load here"
        elif row.dtype in LOADABLE or row.dtype == "int8" or device == "cuda":
            row.measured_bytes = measured_footprint(directory, row.dtype, device)
        else:
            row.note = "needs CUDA"
    return rows


def measured_footprint(directory: Path, dtype: str, device: str = "cpu") -> int:
    """Bytes of the loaded model's parameters and buffers (transformers' get_memory_footprint)."""
    import transformers

    from hfkit.backends.transformers import quantization_config

    quant = quantization_config(dtype, device) if dtype not in LOADABLE else None
    kwargs = {"dtype": LOADABLE.get(dtype, "float16"), "device_map": {"": device}}
    if quant is not None:
        kwargs["quantization_config"] = quant
    from hfkit.backends.transformers import auto_class, quiet

    quiet(transformers)
    auto = auto_class(transformers, transformers.AutoConfig.from_pretrained(str(directory)))
    model: Any = auto.from_pretrained(str(directory), **kwargs)
    footprint = int(model.get_memory_footprint())
    del model
    gc.collect()
    return footprint


def peak_rss() -> int:
    """Peak resident memory of this process so far, in bytes (Linux reports KiB)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024
