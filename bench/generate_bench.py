"""hfkit generate decode speed vs xllamacpp called directly (same GGUF, threads, prompt, seed).

Run: .venv/bin/python bench/generate_bench.py [--tokens 128] [--model smollm2-135m-instruct]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, today

PROMPT = "Write a detailed story about a lighthouse keeper who finds a message in a bottle."


def direct(path: str, tokens: int, seed: int) -> float:
    import xllamacpp

    from hfkit.core.config import cpu_threads

    params = xllamacpp.CommonParams()
    params.model.path = path
    params.n_ctx = 2048
    params.cpuparams.n_threads = cpu_threads()
    params.cpuparams_batch.n_threads = cpu_threads()
    params.warmup = False
    params.verbosity = -1
    server = xllamacpp.Server(params)
    result = server.handle_chat_completions({"messages": [{"role": "user", "content": PROMPT}], "max_tokens": tokens,
                                             "seed": seed, "temperature": 0.7, "ignore_eos": True})
    return float(result["timings"]["predicted_per_second"])


def through_hfkit(model: str, tokens: int, seed: int) -> float:
    import hfkit
    from hfkit.core.types import Usage

    usage = Usage()
    for _ in hfkit.generate(PROMPT, model=model, max_tokens=tokens, seed=seed, temperature=0.7, usage=usage):
        pass
    return float(usage.decode_tokens_per_second or 0.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from hfkit.core.registry import resolve

    path = str(resolve(args.model).path)
    through_hfkit(args.model, 8, 0)  # load once
    base, ours = [], []
    for seed in range(args.rounds):
        base.append(direct(path, args.tokens, seed))
        ours.append(through_hfkit(args.model, args.tokens, seed))
    b, o = statistics.median(base), statistics.median(ours)
    print(f"# generate benchmark, {today()}, {machine()}, {args.model}, {args.tokens} tokens, median of {args.rounds}")
    print(f"xllamacpp direct {b:.1f} tok/s | hfkit {o:.1f} tok/s | ratio {o / b:.3f} (target >= 0.95)")


if __name__ == "__main__":
    main()
