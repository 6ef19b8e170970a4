"""Topic segmentation and extractive summaries over sentence embeddings (centrality with redundancy control)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from hfkit.minutes.nlp import Sentence

MIN_WORDS, MAX_WORDS = 10, 60


def is_content(sentence: Sentence) -> bool:
    """A sentence worth quoting in a summary: a statement of some length."""
    return MIN_WORDS <= sentence.words <= MAX_WORDS and not sentence.text.rstrip().endswith("?")


def _smooth_gaps(embeddings: Any, window: int) -> Any:
    n = len(embeddings)
    gaps = np.ones(n)
    for i in range(1, n):
        left = embeddings[max(0, i - window):i].mean(axis=0)
        right = embeddings[i:i + window].mean(axis=0)
        gaps[i] = float(left @ right / (np.linalg.norm(left) * np.linalg.norm(right) + 1e-9))
    return gaps


def _depths(gaps: Any) -> Any:
    depths = np.zeros(len(gaps))
    for i in range(1, len(gaps) - 1):
        left, right = gaps[:i + 1].max(), gaps[i:].max()
        depths[i] = (left - gaps[i]) + (right - gaps[i])
    return depths


def topic_spans(embeddings: Any, topics: int, window: int = 4) -> list[tuple[int, int]]:
    """Split sentences into ``topics`` runs at the deepest similarity valleys (TextTiling on embeddings)."""
    n = len(embeddings)
    if topics <= 1 or n < 2 * window:
        return [(0, n)]
    depths = _depths(_smooth_gaps(embeddings, window))
    spacing = max(window, n // (2 * topics))
    cuts: list[int] = []
    for index in np.argsort(-depths):
        if len(cuts) == topics - 1 or depths[index] <= 0:
            break
        if spacing <= index <= n - spacing and all(abs(int(index) - c) >= spacing for c in cuts):
            cuts.append(int(index))
    bounds = [0, *sorted(cuts), n]
    return list(itertools.pairwise(bounds))


def central(embeddings: Any, candidates: Sequence[int], reference: Any | None = None) -> list[float]:
    """Cosine of each candidate to the centroid of ``reference`` rows (default: the candidates)."""
    rows = embeddings[list(candidates)]
    centroid = (embeddings[reference] if reference is not None else rows).mean(axis=0)
    centroid = centroid / (np.linalg.norm(centroid) + 1e-9)
    return [float(v) for v in rows @ centroid]


def select(embeddings: Any, sentences: Sequence[Sentence], candidates: Sequence[int], budget_words: int,
           max_sentences: int = 0, diversity: float = 0.35, salience: Any = None) -> list[int]:
    """Maximal marginal relevance: salient sentences (learned salience, else centrality), each penalised by its likeness
    to those already chosen."""
    if not candidates:
        return []
    relevance = [float(salience[i]) for i in candidates] if salience is not None else central(embeddings, candidates)
    scores = dict(zip(candidates, relevance, strict=True))
    chosen: list[int] = []
    words = 0
    pool = set(candidates)
    while pool and (words < budget_words if not max_sentences else len(chosen) < max_sentences):
        def gain(i: int) -> float:
            redundancy = max((float(embeddings[i] @ embeddings[j]) for j in chosen), default=0.0)
            return (1 - diversity) * scores[i] - diversity * redundancy

        best = max(pool, key=gain)
        pool.remove(best)
        chosen.append(best)
        words += sentences[best].words
    return sorted(chosen)
