"""Quantization: GGUF re-quantization with the ``gguf`` package (llama.cpp's own Python quantizers), and saving a
bitsandbytes-quantized transformers model.

The llama.cpp bindings here (xllamacpp) expose no quantize call, and gguf-py implements the legacy block formats
(Q8_0, Q5_0/1, Q4_0/1) and F16/BF16 but not the K-quants; for Q4_K_M and friends use llama.cpp's ``llama-quantize``.
Each tensor is dequantized to float32 and quantized again, so re-quantizing a quantized file adds its error on top.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hfkit.core.errors import InputError, UnsupportedModelError

GGUF_TYPES = ("Q8_0", "Q5_1", "Q5_0", "Q4_1", "Q4_0", "BF16", "F16", "F32")
K_QUANTS = ("Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K")
FILE_TYPES = {"Q8_0": "MOSTLY_Q8_0", "Q5_1": "MOSTLY_Q5_1", "Q5_0": "MOSTLY_Q5_0", "Q4_1": "MOSTLY_Q4_1",
              "Q4_0": "MOSTLY_Q4_0", "BF16": "MOSTLY_BF16", "F16": "MOSTLY_F16", "F32": "ALL_F32"}


@dataclass
class QuantizeReport:
    """What a quantization wrote."""

    source: str
    output: str
    qtype: str
    source_bytes: int
    output_bytes: int
    tensors: int
    kept: int


def check_gguf_type(qtype: str) -> str:
    """Normalise and check a GGUF target type, explaining K-quants."""
    name = qtype.upper()
    if name in K_QUANTS:
        raise UnsupportedModelError(
            f"{name} needs llama.cpp's K-quant quantizer, which the installed bindings do not expose.",
            f"Use one of {', '.join(GGUF_TYPES)}, or run llama.cpp's 'llama-quantize IN.gguf OUT.gguf {name}'.",
        )
    if name not in GGUF_TYPES:
        raise InputError(f"Unknown GGUF type '{qtype}'.", f"Use one of: {', '.join(GGUF_TYPES)}.")
    return name


def requantize_gguf(source: Path, output: Path, qtype: str,
                    on_tensor: Callable[[int, int], None] | None = None, overwrite: bool = False) -> QuantizeReport:
    """Write ``source`` re-quantized to ``qtype`` at ``output`` (atomically); norms and odd shapes stay as they are.
    An existing ``output`` is replaced only with ``overwrite``."""
    import gguf

    from hfkit.core.atomic import atomic_path
    from hfkit.core.paths import check_output_file

    name = check_gguf_type(qtype)
    if source.suffix != ".gguf" or not source.is_file():
        raise InputError(f"'{source}' is not a GGUF file.", "Pass a .gguf model file.")
    if output.resolve() == source.resolve():
        raise InputError("The output would overwrite the source file.", "Pass another --output path.")
    check_output_file(output, overwrite)
    target = gguf.GGMLQuantizationType[name]
    from hfkit.core.gguf import reader as gguf_reader

    reader = gguf_reader(source)
    arch = str(reader.fields["general.architecture"].contents())
    kept = 0
    with atomic_path(output) as tmp:
        writer = gguf.GGUFWriter(str(tmp), arch)
        _copy_metadata(reader, writer, gguf, name)
        tensors = []
        for tensor in reader.tensors:
            data, qt = _convert(tensor, target, gguf)
            kept += qt != target
            tensors.append((tensor.name, data, qt))
        for index, (tensor_name, data, qt) in enumerate(tensors):
            writer.add_tensor(tensor_name, data, raw_dtype=qt)
            if on_tensor:
                on_tensor(index + 1, len(tensors))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
    return QuantizeReport(str(source), str(output), name, source.stat().st_size, output.stat().st_size,
                          len(reader.tensors), kept)


def _copy_metadata(reader: Any, writer: Any, gguf: Any, name: str) -> None:
    for field in reader.fields.values():
        if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
            continue
        value_type = field.types[0]
        sub_type = field.types[-1] if value_type == gguf.GGUFValueType.ARRAY else None
        value = gguf.LlamaFileType[FILE_TYPES[name]] if field.name == "general.file_type" else field.contents()
        writer.add_key_value(field.name, value, value_type, sub_type=sub_type)


def _convert(tensor: Any, target: Any, gguf: Any) -> tuple[Any, Any]:
    """Dequantize one tensor and quantize it to ``target``; 1-D tensors and unfit shapes stay in float32."""
    import numpy as np
    from gguf.quants import dequantize, quantize

    values = dequantize(tensor.data, tensor.tensor_type).astype(np.float32)
    shape = tuple(int(d) for d in reversed(tensor.shape))
    values = values.reshape(shape)
    if values.ndim < 2:
        return values, gguf.GGMLQuantizationType.F32
    block = gguf.GGML_QUANT_SIZES[target][0]
    if shape[-1] % block:
        return values, gguf.GGMLQuantizationType.F32
    if target == gguf.GGMLQuantizationType.F32:
        return values, target
    if target == gguf.GGMLQuantizationType.F16:
        return values.astype(np.float16), target
    return quantize(values, target), target


SUPPORTED_KINDS = ("causal and seq2seq language models, encoders (e.g. BERT, MiniLM) and their sequence/token "
                   "classification, question answering and masked-LM heads")


def save_bitsandbytes(source: str, output: Path, quantization: str = "int8", device: str = "auto",
                      overwrite: bool = False) -> Path:
    """Load a transformers model (with the Auto class of its architecture) quantized by bitsandbytes (int8 or nf4)
    and save it, with its tokenizer when it has one, as a folder with the usual permissions. An existing folder
    is replaced only with ``overwrite`` (after the new one is complete)."""
    import shutil
    import tempfile

    from hfkit.core.paths import check_output_dir

    if output.exists() and not (overwrite and output.is_dir()):
        raise InputError(f"'{output}' already exists.", "Pass --overwrite to replace it, or a new --output directory.")
    check_output_dir(output, "--output")
    model, tokenizer = _load_quantized(source, quantization, device)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        model.save_pretrained(str(staging))
        if tokenizer is not None:
            tokenizer.save_pretrained(str(staging))
        _give_usual_permissions(staging)
        _replace_dir(staging, output, overwrite)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return output


def _replace_dir(staging: Path, output: Path, overwrite: bool) -> None:
    """Move the finished ``staging`` folder to ``output``; an old ``output`` is set aside first and removed after."""
    import shutil

    if output.exists() and not overwrite:
        raise InputError(f"'{output}' already exists.", "Pass --overwrite to replace it, or a new --output directory.")
    old = output.with_name(f".{output.name}.old") if output.exists() else None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
        output.rename(old)
    staging.rename(output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _load_quantized(source: str, quantization: str, device: str) -> tuple[Any, Any]:
    """(model, tokenizer or None) of a transformers model directory, embedded name or hub id, quantized on load."""
    from hfkit.backends.transformers import check_fits, quantization_config, quiet, torch_device
    from hfkit.core.config import cpu_threads
    from hfkit.core.registry import resolve

    resolved = resolve(source)
    if resolved.format not in ("transformers", "sentence-transformers") or resolved.path is None:
        raise UnsupportedModelError(f"'{source}' is a {resolved.format} model, not a transformers model.",
                                    f"bitsandbytes quantization takes {SUPPORTED_KINDS}; GGUF takes --type Q4_0 etc.")
    import torch
    import transformers

    quiet(transformers)
    torch.set_num_threads(cpu_threads())
    auto = auto_class_for(transformers, transformers.AutoConfig.from_pretrained(str(resolved.path)), source)
    device = torch_device(device)
    config = quantization_config(quantization, device)
    check_fits(str(resolved.path), quantization, device)
    model = auto.from_pretrained(str(resolved.path), dtype=torch.float16, quantization_config=config,
                                 device_map="auto" if device == "cuda" else {"": "cpu"})
    return model, _tokenizer_if_any(transformers, resolved.path)


def auto_class_for(transformers: Any, config: Any, name: str) -> Any:
    """The Auto class that loads the architecture config.json names: AutoModel for a bare encoder such as BertModel,
    AutoModelForCausalLM only for a causal LM; anything else is a clear error naming what is supported."""
    from hfkit.backends.transformers import architecture_auto_class, config_architecture

    auto = architecture_auto_class(transformers, config)
    if auto is not None:
        return auto
    architecture = config_architecture(config)
    found = f"a '{architecture}' model" if architecture else "a model whose config.json names no architecture"
    raise UnsupportedModelError(f"'{name}' is {found}, which hfkit cannot quantize with bitsandbytes.",
                                f"Pass one of: {SUPPORTED_KINDS}.")


def _tokenizer_if_any(transformers: Any, path: Path) -> Any:
    try:
        return transformers.AutoTokenizer.from_pretrained(str(path))
    except (OSError, ValueError):
        return None


def _give_usual_permissions(folder: Path) -> None:
    """mkdtemp makes its folder 0700 (and some writers make 0600 files): give what the umask allows, as files get."""
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)
    for path in folder.rglob("*"):
        path.chmod((0o777 if path.is_dir() else 0o666) & ~mask)
