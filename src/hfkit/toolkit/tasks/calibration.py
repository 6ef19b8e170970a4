"""VADER's valence as a probability of "positive", calibrated on the human ratings VADER's lexicon ships with.

VADER (vaderSentiment, MIT; Hutto & Gilbert 2014) sums word valences into ``x`` and reports
``compound = x / sqrt(x^2 + 15)``, a squashed score, not a probability. Its lexicon holds, for ~7,500 words, ten
human ratings from -4 to +4. We fit ``P(positive | valence v) = sigmoid(k * v)`` by maximum likelihood to those raters'
votes (each non-zero rating is one positive or negative vote for a word with mean valence ``v``), then apply it to the
sentence's recovered ``x``. The fit runs once per process in a few milliseconds and is deterministic.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

ALPHA = 15.0  # VADER's normalisation constant


@functools.cache
def valence_slope() -> float:
    """``k`` of ``sigmoid(k * v)`` fitted to the lexicon raters' positive/negative votes (Newton's method)."""
    import numpy as np
    import vaderSentiment

    valence, positive, votes = [], [], []
    lexicon = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    for line in lexicon.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 4:
            continue
        ratings = [r for r in json.loads(parts[3]) if r != 0]
        if ratings:
            valence.append(float(parts[1]))
            positive.append(sum(r > 0 for r in ratings))
            votes.append(len(ratings))
    v, pos, n = np.array(valence), np.array(positive, dtype=float), np.array(votes, dtype=float)
    k = 1.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-k * v))
        gradient = float(np.sum((pos - n * p) * v))
        curvature = float(np.sum(n * p * (1 - p) * v * v))
        step = gradient / curvature
        k += step
        if abs(step) < 1e-9:
            break
    return k


def positive_probability(compound: float) -> float:
    """P(positive) for a VADER compound score: undo the squashing, then the fitted sigmoid."""
    c = max(-0.9999, min(0.9999, compound))
    x = c * math.sqrt(ALPHA / (1.0 - c * c))
    return 1.0 / (1.0 + math.exp(-valence_slope() * x))
