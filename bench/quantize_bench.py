"""Quantization before/after: file size, decode speed and perplexity on a fixed text, for GGUF re-quantization
(hfkit quantize) and for transformers weights (fp32, bf16, bitsandbytes int8), all measured in the same run.

GGUF: the embedded SmolLM2-135M-Instruct Q4_1 is the baseline; it is re-quantized to F16/Q8_0/Q5_0/Q4_0 with
``hfkit.toolkit.quantize.requantize_gguf``. Perplexity is teacher-forced through llama.cpp: for every token of the
text, one cached one-token completion forced to that token (``logit_bias``) reports its raw log-probability.
Transformers: the same model dequantized from the GGUF into a LlamaForCausalLM, perplexity from the loss.

Run: .venv/bin/python bench/quantize_bench.py [--tokens 64] [--no-write]
Writes the '## Toolkit: quantization' section of bench/RESULTS.md (only that section).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, today

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECTION = "## Toolkit: quantization"
# First paragraphs of the US Declaration of Independence (public domain): a fixed text for perplexity.
TEXT = (
    "When in the Course of human events, it becomes necessary for one people to dissolve the political bands which "
    "have connected them with another, and to assume among the powers of the earth, the separate and equal station "
    "to which the Laws of Nature and of Nature's God entitle them, a decent respect to the opinions of mankind "
    "requires that they should declare the causes which impel them to the separation. We hold these truths to be "
    "self-evident, that all men are created equal, that they are endowed by their Creator with certain unalienable "
    "Rights, that among these are Life, Liberty and the pursuit of Happiness."
)
PROMPT = "Write a short story about a lighthouse keeper."
GGUF_TYPES = ("F16", "Q8_0", "Q5_0", "Q4_0")
ROUNDS = 5


def _server(path: Path) -> Any:
    import xllamacpp

    from hfkit.core.config import cpu_threads

    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = 1024
    params.cpuparams.n_threads = cpu_threads()
    params.cpuparams_batch.n_threads = cpu_threads()
    params.warmup = False
    params.verbosity = -1
    params.n_gpu_layers = 0
    return xllamacpp.Server(params)


def gguf_perplexity(server: Any, ids: list[int]) -> float:
    total = 0.0
    for i in range(1, len(ids)):
        result = server.handle_completions({"prompt": ids[:i], "n_predict": 1, "temperature": 0, "n_probs": 1,
                                            "logit_bias": [[ids[i], 100]], "cache_prompt": True})
        choice = result["choices"][0]["logprobs"]["content"][0]
        assert choice["id"] == ids[i], "forced token was not chosen"
        total += choice["logprob"]
    return math.exp(-total / (len(ids) - 1))


def gguf_decode_speed(server: Any, tokens: int) -> float:
    result = server.handle_completions({"prompt": PROMPT, "n_predict": tokens, "temperature": 0,
                                        "ignore_eos": True, "cache_prompt": False})
    return float(result["timings"]["predicted_per_second"])


def round_robin_best(measures: list[Any], rounds: int) -> list[float]:
    """Best of ``rounds`` for each measure, taken in turns so that every variant sees the same changing load."""
    best = [0.0] * len(measures)
    for _ in range(rounds):
        for index, measure in enumerate(measures):
            best[index] = max(best[index], measure())
    return best


def gguf_rows(tokens: int, work: Path) -> list[dict[str, Any]]:
    from hfkit.core.registry import resolve
    from hfkit.toolkit.quantize import requantize_gguf
    from hfkit.toolkit.tokens import encode

    source = resolve("smollm2-135m-instruct").path
    assert source is not None
    ids = encode("smollm2-135m-instruct", TEXT)
    files = [("Q4_1 (embedded, baseline)", source)]
    for qtype in GGUF_TYPES:
        out = work / f"smollm2-{qtype}.gguf"
        started = time.perf_counter()
        requantize_gguf(source, out, qtype)
        print(f"  re-quantized to {qtype} in {time.perf_counter() - started:.1f} s", flush=True)
        files.append((f"{qtype} (re-quantized)", out))
    servers = [_server(path) for _, path in files]
    rows = []
    for (label, path), server in zip(files, servers, strict=True):
        rows.append({"label": label, "bytes": path.stat().st_size, "ppl": gguf_perplexity(server, ids)})
        print(f"  {label}: {path.stat().st_size / 1e6:.1f} MB, ppl {rows[-1]['ppl']:.2f}", flush=True)
    speeds = round_robin_best([lambda s=s: gguf_decode_speed(s, tokens) for s in servers], ROUNDS)
    for row, speed in zip(rows, speeds, strict=True):
        row["tok_s"] = speed
        print(f"  {row['label']}: {speed:.1f} tok/s", flush=True)
    return rows


def transformers_rows(tokens: int, work: Path) -> list[dict[str, Any]]:
    import torch
    import transformers

    from hfkit.backends.transformers import quiet
    from hfkit.core.config import cpu_threads
    from hfkit.core.registry import resolve

    quiet(transformers)
    torch.set_num_threads(cpu_threads())
    source = resolve("smollm2-135m-instruct").path
    assert source is not None
    directory = work / "smollm2-hf"
    loaded = transformers.AutoModelForCausalLM.from_pretrained(str(source.parent), gguf_file=source.name)
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(source.parent), gguf_file=source.name)
    config = loaded.config
    config.quantization_config = None  # the GGUF loader marks it; the dequantized weights are plain floats
    model = type(loaded)(config)
    model.load_state_dict(loaded.state_dict())
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    del model, loaded
    models = []
    rows = []
    enc = tokenizer(TEXT, return_tensors="pt", add_special_tokens=False)
    for label, kwargs in (("fp32", {"dtype": torch.float32}), ("bf16", {"dtype": torch.bfloat16}),
                          ("int8 (bitsandbytes)", {"dtype": torch.float16, "quantization_config":
                                                   transformers.BitsAndBytesConfig(load_in_8bit=True)})):
        lm = transformers.AutoModelForCausalLM.from_pretrained(str(directory), device_map={"": "cpu"}, **kwargs).eval()
        with torch.inference_mode():
            loss = float(lm(**enc, labels=enc["input_ids"]).loss)
        rows.append({"label": label, "bytes": int(lm.get_memory_footprint()), "ppl": math.exp(loss)})
        print(f"  {label}: {rows[-1]['bytes'] / 1e6:.1f} MB, ppl {rows[-1]['ppl']:.2f}", flush=True)
        models.append(lm)
    prompt = tokenizer(PROMPT, return_tensors="pt")

    def speed(lm: Any) -> float:
        with torch.inference_mode():
            started = time.perf_counter()
            out = lm.generate(**prompt, max_new_tokens=tokens, min_new_tokens=tokens, do_sample=False)
        return int(out.shape[1] - prompt["input_ids"].shape[1]) / (time.perf_counter() - started)

    for row, best in zip(rows, round_robin_best([lambda m=m: speed(m) for m in models], 3), strict=True):
        row["tok_s"] = best
        print(f"  {row['label']}: {best:.1f} tok/s", flush=True)
    return rows


def table(rows: list[dict[str, Any]], size_label: str) -> list[str]:
    base = rows[0]
    lines = [f"| variant | {size_label} | size vs base | decode tok/s | speed vs base | perplexity | ppl vs base |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['label']} | {row['bytes'] / 1e6:.1f} MB | {row['bytes'] / base['bytes']:.2f}x | "
                     f"{row['tok_s']:.1f} | {row['tok_s'] / base['tok_s']:.2f}x | {row['ppl']:.2f} | "
                     f"{row['ppl'] / base['ppl']:.3f}x |")
    return lines


def write_section(body: list[str]) -> None:
    """Replace only the toolkit section of bench/RESULTS.md (created if missing), atomically, under a lock."""
    from filelock import FileLock

    from hfkit.core.atomic import write_text

    with FileLock(str(RESULTS) + ".lock"):
        text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
        section = "\n".join([SECTION, "", *body]) + "\n"
        if SECTION in text:
            start = text.index(SECTION)
            end = text.find("\n## ", start + len(SECTION))
            text = text[:start] + section + (text[end + 1:] if end != -1 else "")
        else:
            text = text.rstrip("\n") + "\n\n" + section
        write_text(RESULTS, text)


def main() -> None:
    from hfkit.core.config import cpu_threads

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=64, help="tokens to decode for the speed column")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("GGUF (llama.cpp via xllamacpp):", flush=True)
        gguf = gguf_rows(args.tokens, Path(tmp))
        print("transformers (CPU):", flush=True)
        hf = transformers_rows(args.tokens, Path(tmp))
    body = [
        f"Measured {today()} on {machine()} by `bench/quantize_bench.py` (decode {args.tokens} tokens, greedy, best "
        f"of {ROUNDS} GGUF / 3 transformers runs taken in turns, {cpu_threads()} threads, "
        f"on a shared machine with load average {os.getloadavg()[0]:.1f}; "
        "perplexity teacher-forced on a fixed 1776 paragraph). Model: SmolLM2-135M-Instruct.",
        "",
        "GGUF re-quantization with `hfkit quantize` (baseline: the embedded Q4_1 file; every variant is made from it, "
        "so F16 carries the Q4_1 weights exactly and the lower types add their own error on top):",
        "",
        *table(gguf, "file size"),
        "",
        "transformers weights (dequantized from the same GGUF; size is the loaded footprint):",
        "",
        *table(hf, "in memory"),
        "",
        "K-quants (Q4_K_M...) need llama.cpp's `llama-quantize`; the bindings here expose no quantizer. NF4 needs "
        "CUDA: see `bench/gpu/quantize_cuda.py`.",
    ]
    print("\n".join(body))
    if not args.no_write:
        write_section(body)
        print(f"wrote the '{SECTION}' section of {RESULTS}")


if __name__ == "__main__":
    main()
