"""Uniqueness (exact, near-duplicate, unique fields) and the quality figures of a dataset."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import statistics
import zlib
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from hfkit.core.errors import missing_extra
from hfkit.synth.llm import FieldPath, get_path

WORD = re.compile(r"\w+", re.UNICODE)
NUM_PERM = 64


def canonical(record: Any) -> str:
    """The canonical JSON form of a record (sorted keys), used for exact duplicates."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def shingles(text: str) -> set[str]:
    """Word 1- and 2-grams of ``text``, lower-cased."""
    words = WORD.findall(text.lower())
    return set(words) | {f"{a} {b}" for a, b in pairwise(words)}


@dataclass
class Fingerprint:
    """What uniqueness needs of a record, computed once and small enough to ship between processes.

    ``key`` is a hash of the canonical record, ``values`` the canonical unique-field values, ``minhash`` the (lean)
    MinHash of its text (None when there is too little text or near duplicates are not checked).
    """

    key: str
    values: tuple[str, ...]
    minhash: Any = None


class Uniqueness:
    """Rejects exact duplicates, repeated unique-field values and near-duplicate text (MinHash LSH, Jaccard)."""

    def __init__(self, unique_paths: list[FieldPath], text_paths: list[FieldPath], threshold: float = 0.9):
        self.unique_paths = unique_paths
        self.text_paths = text_paths
        self.threshold = threshold
        self.exact: set[str] = set()
        self.values: dict[FieldPath, set[str]] = {p: set() for p in unique_paths}
        self.lsh: Any = None
        if text_paths and threshold < 1.0:
            try:
                from datasketch import MinHashLSH
            except ImportError as exc:
                raise missing_extra("datasketch", "synth") from exc
            self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)

    def fingerprint(self, record: dict[str, Any]) -> Fingerprint:
        """The fingerprint of ``record``: a pure function of the record, so any process may compute it."""
        key = hashlib.blake2b(canonical(record).encode(), digest_size=16).hexdigest()
        values = tuple(canonical(get_path(record, path)) for path in self.unique_paths)
        return Fingerprint(key, values, self._minhash(record) if self.lsh is not None else None)

    def problem(self, record: dict[str, Any], fingerprint: Fingerprint | None = None) -> str | None:
        """Why ``record`` cannot be kept ('exact', 'unique:<field>', 'near'), or None."""
        fingerprint = fingerprint or self.fingerprint(record)
        if fingerprint.key in self.exact:
            return "exact"
        for path, value in zip(self.unique_paths, fingerprint.values, strict=True):
            if value in self.values[path]:
                return f"unique:{'.'.join(path)}"
        if fingerprint.minhash is not None and self.lsh.query(fingerprint.minhash):
            return "near"
        return None

    def add(self, record: dict[str, Any], index: int, fingerprint: Fingerprint | None = None) -> None:
        """Remember a kept record."""
        fingerprint = fingerprint or self.fingerprint(record)
        self.exact.add(fingerprint.key)
        for path, value in zip(self.unique_paths, fingerprint.values, strict=True):
            self.values[path].add(value)
        if fingerprint.minhash is not None:
            self.lsh.insert(str(index), fingerprint.minhash)

    def _minhash(self, record: dict[str, Any]) -> Any:
        from datasketch import LeanMinHash, MinHash

        grams = shingles(" ".join(str(get_path(record, p) or "") for p in self.text_paths))
        if len(grams) < 3:
            return None
        template = _template()
        signature = MinHash(num_perm=NUM_PERM, seed=1, permutations=template.permutations, scheme=template.scheme)
        signature.update_batch([g.encode() for g in grams])
        return LeanMinHash(signature)  # no permutation tables: cheap to pickle


@functools.cache
def _template() -> Any:
    """A MinHash whose permutation tables are reused: making them is 90 % of the cost of a fresh MinHash."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1)


def text_metrics(texts: list[str]) -> dict[str, float]:
    """distinct-1/2 (unique n-grams / n-grams) and compression ratio (raw / zlib bytes) of ``texts``."""
    words = [WORD.findall(t.lower()) for t in texts]
    unigrams = [w for ws in words for w in ws]
    bigrams = [(a, b) for ws in words for a, b in pairwise(ws)]
    raw = "\n".join(texts).encode()
    return {
        "distinct_1": round(len(set(unigrams)) / len(unigrams), 4) if unigrams else 0.0,
        "distinct_2": round(len(set(bigrams)) / len(bigrams), 4) if bigrams else 0.0,
        "compression_ratio": round(len(raw) / len(zlib.compress(raw, 9)), 3) if raw else 0.0,
    }


def distribution(values: list[Any]) -> dict[str, Any]:
    """A summary of one field's values: counts for categories, statistics for numbers, lengths for text."""
    present = [v for v in values if v is not None]
    summary: dict[str, Any] = {"nulls": len(values) - len(present)}
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        summary.update(min=min(present), max=max(present), mean=round(statistics.fmean(present), 3),
                       median=statistics.median(present))
        return summary
    if present and all(isinstance(v, list) for v in present):
        lengths = [len(v) for v in present]
        summary.update(items_min=min(lengths), items_median=statistics.median(lengths), items_max=max(lengths))
        return summary
    keys = [canonical(v) if isinstance(v, dict | list) else v for v in present]
    counts = Counter(keys)
    summary["distinct"] = len(counts)
    if len(counts) <= 20:
        summary["counts"] = {str(k): c for k, c in counts.most_common()}
    else:
        lengths = [len(str(v)) for v in present]
        summary.update(mean_length=round(statistics.fmean(lengths), 1), top=[str(k) for k, _ in counts.most_common(3)])
    return summary


def near_duplicate_rate(texts: list[str], threshold: float = 0.9) -> float:
    """Share of texts with an earlier text at Jaccard similarity >= ``threshold`` (MinHash LSH estimate)."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=64)
    hits = 0
    for index, text in enumerate(texts):
        signature = MinHash(num_perm=64, seed=1)
        signature.update_batch([g.encode() for g in shingles(text)] or [b""])
        hits += bool(lsh.query(signature))
        lsh.insert(str(index), signature)
    return hits / len(texts) if texts else 0.0
