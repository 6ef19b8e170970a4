"""CUDA paths of the toolkit: bitsandbytes NF4 (double quant, bf16 compute) and 8-bit vs bf16, through hfkit's
transformers backend (device_map="auto"), plus the memory estimate against the measured footprint.

Skipped (exit 0) without a CUDA device. Run on a GPU machine:
    .venv/bin/python bench/gpu/quantize_cuda.py [--model DIR_OR_HUB_ID] [--out bench/gpu/results.json]
Without --model it uses SmolLM2-135M-Instruct dequantized from the embedded GGUF.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quantize_bench import PROMPT, TEXT


def _default_model(work: Path) -> str:
    import transformers

    from hfkit.core.registry import resolve

    source = resolve("smollm2-135m-instruct").path
    assert source is not None
    model = transformers.AutoModelForCausalLM.from_pretrained(str(source.parent), gguf_file=source.name)
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(source.parent), gguf_file=source.name)
    model.save_pretrained(work / "smollm2")
    tokenizer.save_pretrained(work / "smollm2")
    return str(work / "smollm2")


def measure(directory: str, dtype: str, quantization: str | None, tokens: int) -> dict[str, Any]:
    import torch

    from hfkit.backends.transformers import load_causal_lm, parameter_groups, weight_bytes
    from hfkit.core.registry import resolve

    torch.cuda.reset_peak_memory_stats()
    model, tokenizer = load_causal_lm(resolve(directory), device="cuda", dtype=dtype, quantization=quantization)
    enc = tokenizer(TEXT, return_tensors="pt", add_special_tokens=False).to(model.device)
    with torch.inference_mode():
        loss = float(model(**enc, labels=enc["input_ids"]).loss)
        prompt = tokenizer(PROMPT, return_tensors="pt").to(model.device)
        torch.cuda.synchronize()
        started = time.perf_counter()
        out = model.generate(**prompt, max_new_tokens=tokens, min_new_tokens=tokens, do_sample=False)
        torch.cuda.synchronize()
        elapsed = time.perf_counter() - started
    name = quantization or dtype
    row = {"variant": name, "footprint_bytes": int(model.get_memory_footprint()),
           "estimate_bytes": weight_bytes(parameter_groups(directory), name),
           "peak_vram_bytes": int(torch.cuda.max_memory_allocated()),
           "decode_tokens_per_second": (out.shape[1] - prompt["input_ids"].shape[1]) / elapsed,
           "perplexity": math.exp(loss)}
    del model
    torch.cuda.empty_cache()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results.json")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("skipped: torch is not installed")
        return
    if not torch.cuda.is_available():
        print("skipped: no CUDA device (this script exercises the bitsandbytes 4-bit/8-bit CUDA paths)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.model or _default_model(Path(tmp))
        rows = [measure(directory, "bf16", None, args.tokens), measure(directory, "bf16", "int8", args.tokens),
                measure(directory, "bf16", "nf4", args.tokens)]
    base = rows[0]
    for row in rows:
        print(f"{row['variant']:>5}: {row['footprint_bytes'] / 1e6:8.1f} MB (estimate {row['estimate_bytes'] / 1e6:.1f})"
              f", {row['footprint_bytes'] / base['footprint_bytes']:.2f}x size, "
              f"{row['decode_tokens_per_second']:.1f} tok/s ({row['decode_tokens_per_second'] / base['decode_tokens_per_second']:.2f}x), "
              f"ppl {row['perplexity']:.2f} ({row['perplexity'] / base['perplexity']:.3f}x)")
    args.out.write_text(json.dumps({"device": torch.cuda.get_device_name(0), "rows": rows}, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
