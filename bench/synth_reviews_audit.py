"""Quality of LLM-written product reviews on N records (issue 12.5: 'quality checked on 200').

Generates ``--n`` product_reviews with the embedded model (``--slots`` llama.cpp slots), writing them to a JSONL
file as they come (a checkpoint per batch), then audits the kept records with the real checks and with figures
the generator does not optimise for:

- sentiment: VADER compound and MiniLM tone against the rating (rating <= 2 must not sound positive, >= 4 not
  negative);
- topic: MiniLM similarity of the review to its product, and whether its own product is the closest of the
  template's 12 products (rank-1: an independent off-topic measure);
- form: texts that end at a sentence boundary, within maxLength, exact duplicates.

    python bench/synth_reviews_audit.py --n 200 --slots 2 --out /tmp/reviews.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from typing import Any

MODEL = "smollm2-135m-instruct"


def generate(n: int, slots: int, out: Path, audit_only: bool) -> dict[str, Any]:
    from hfkit.synth.api import SynthOptions, synth

    if audit_only:
        return {"seconds": None, "attempts": None}
    started = time.perf_counter()
    result = synth("product_reviews", n, options=SynthOptions(seed=3, llm=MODEL, concurrency=slots),
                   output=out, overwrite=True)
    return {"seconds": time.perf_counter() - started, "attempts": result.report.get("attempts")}


def audit(records: list[dict[str, Any]]) -> dict[str, Any]:
    import numpy as np

    from hfkit.backends.sentence_transformers import load_embedder
    from hfkit.synth.checks import MARGIN, VADER_STRONG, polarity, tone
    from hfkit.synth.templates import load_template

    products = load_template("product_reviews")["properties"]["product_name"]["enum"]
    texts = [str(r["review_text"]) for r in records]
    embedder = load_embedder()
    text_vectors = embedder.encode(texts)
    product_vectors = embedder.encode(products)
    similarity = text_vectors @ product_vectors.T
    own = np.array([products.index(r["product_name"]) for r in records])
    own_similarity = similarity[np.arange(len(records)), own]
    rank1 = similarity.argmax(axis=1) == own
    vader = [polarity(t) for t in texts]
    tones = [tone(t) for t in texts]
    low = [i for i, r in enumerate(records) if r["rating"] <= 2]
    high = [i for i, r in enumerate(records) if r["rating"] >= 4]
    contradict_vader = sum(vader[i] >= VADER_STRONG for i in low) + sum(vader[i] <= -VADER_STRONG for i in high)
    contradict_tone = sum(tones[i] > MARGIN for i in low) + sum(tones[i] < -MARGIN for i in high)
    agree_sign = sum(vader[i] < 0 for i in low) + sum(vader[i] > 0 for i in high)
    rating = np.array([r["rating"] for r in records], dtype=float)
    return {
        "records": len(records),
        "low_rated": len(low), "high_rated": len(high),
        "vader_strong_contradictions": int(contradict_vader),
        "tone_contradictions": int(contradict_tone),
        "vader_sign_agrees_with_rating": agree_sign / max(len(low) + len(high), 1),
        "rating_vader_spearman": _spearman(rating, np.array(vader)),
        "topic_similarity_median": float(np.median(own_similarity)),
        "topic_below_0.1": int((own_similarity < 0.1).sum()),
        "own_product_closest": float(rank1.mean()),
        "sentence_end": sum(bool(re.search(r"[.!?]['\")]?$", t.strip())) for t in texts) / len(texts),
        "within_max_length": sum(len(t) <= 300 for t in texts) / len(texts),
        "median_words": float(np.median([len(t.split()) for t in texts])),
        "exact_duplicate_texts": len(texts) - len(set(texts)),
    }


def _spearman(a: Any, b: Any) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


def _records(out: Path) -> list[dict[str, Any]]:
    """The records in ``out``, or those checkpointed so far when the run was stopped before it finished."""
    if out.exists():
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    checkpoint = out.with_name(f".{out.name}.checkpoint.jsonl")
    batches = [json.loads(line) for line in checkpoint.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for b in batches if b.get("kind") == "batch" for r in b["records"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("/tmp/hfkit_reviews_audit.jsonl"))
    parser.add_argument("--audit-only", action="store_true", help="audit the records already in --out")
    args = parser.parse_args()
    run = generate(args.n, args.slots, args.out, args.audit_only)
    records = _records(args.out)
    figures = {**run, **audit(records)}
    if run["seconds"]:
        figures["records_per_s"] = len(records) / run["seconds"]
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
