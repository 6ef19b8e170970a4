"""Learned detectors: which sentences are action items, decisions, problems or summary-worthy.

Logistic regressions over frozen MiniLM embeddings of the sentence and its neighbours (local context), its position
in the meeting, speaker changes and cue words, trained on the AMI Meeting Corpus (CC BY 4.0) by
``training/train_minutes_detectors.py``; the weights ship as ``detectors.npz`` beside this file and run in numpy.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hfkit.core.pool import pooled

WEIGHTS = Path(__file__).with_name("detectors.npz")
ATTRIBUTION = "Trained on the AMI Meeting Corpus manual annotations (CC BY 4.0), https://groups.inf.ed.ac.uk/ami/corpus/"
CLASSES = ("action", "decision", "problem", "abstract")
NEAR, WIDE = 2, 8  # neighbours on each side: the immediate context and the topic around it

CUES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.I)
    for name, pattern in {
        "i_commit": r"\bI(?:'ll| will|'m going to|'m gonna| am going to| have to| need to| can| could)\b",
        "we_commit": r"\bwe(?:'ll| will|'re going to|'re gonna| are going to| have to| need to| should| must|'d better| gotta)\b",
        "you_task": r"\byou(?:'ll| will|'re going to|'re gonna| are going to| have to| need to| should| must| can| could)\b",
        "request": r"\b(?:can|could|would) you\b|\bplease\b|\bI'd like you\b|\bI want you\b",
        "lets": r"\blet's\b|\blet us\b",
        "next_time": r"\bnext (?:meeting|time|week)\b|\bby (?:then|tomorrow|monday|tuesday|wednesday|thursday|friday)\b",
        "send": r"\b(?:e-?mail|send|mail|post|upload|share)\w*\b",
        "work_on": r"\bwork(?:ing)? on\b|\blook (?:into|at)\b|\bfind out\b|\bresearch\b|\bcheck\b|\bprepare\b",
        "decide": r"\b(?:decid|agree|settl|go with|stick with|choos|chose|final|conclu)\w*",
        "problem": r"\b(?:problem|issue|difficult|expensive|risk|worr|concern|trouble|hard|limit|cost)\w*",
        "negative": r"\b(?:can't|cannot|won't|not|no|don't|too)\b",
        "role": r"\b(?:industrial designer|user interface|marketing|project manager|designer|I_D_|U_I_|U_I_D_|I_D)\b",
        "should": r"\bshould\b|\bhave to\b|\bneed to\b|\bmust\b",
        "will_be": r"\bwill be\b|'ll be\b|\bgoing to be\b|\bis gonna be\b",
        "ack": r"^(?:yeah|yes|okay|ok|sure|right|alright|mm|fine|good)\b",
        "vocative": r"^(?:\w+ )?[A-Z][a-z]+ ?,",
        "number": r"\d|\b(?:euro|dollar|pound|cent)s?\b",
        "think": r"\bI think\b|\bmaybe\b|\bprobably\b|\bI guess\b",
    }.items()
}
SCALARS = ("position", "position2", "log_words", "question", "speaker_changed", "speaker_changes_next", "speaker_share", "speaker_is_top")
FEATURES = len(SCALARS) + len(CUES) + 4 * 384


def _context(embeddings: Any, offsets: Sequence[int]) -> Any:
    """For each row, the mean of the rows at ``offsets`` from it (those that exist), zeros where none do."""
    n = len(embeddings)
    total = np.zeros_like(embeddings)
    count = np.zeros((n, 1), dtype=embeddings.dtype)
    for offset in offsets:
        if abs(offset) >= n:
            continue
        if offset > 0:
            total[:-offset] += embeddings[offset:]
            count[:-offset] += 1
        else:
            total[-offset:] += embeddings[:offset]
            count[-offset:] += 1
    return total / np.maximum(count, 1)


def _speaker_scalars(speakers: Sequence[str | None], words: Sequence[int]) -> Any:
    share: Counter[str | None] = Counter()
    for speaker, count in zip(speakers, words, strict=True):
        share[speaker] += count
    total = max(1, sum(share.values()))
    top = share.most_common(1)[0][0] if share else None
    n = len(speakers)
    rows = np.zeros((n, 4), dtype=np.float32)
    for i, speaker in enumerate(speakers):
        rows[i] = (i > 0 and speakers[i - 1] != speaker, i < n - 1 and speakers[i + 1] != speaker, share[speaker] / total, speaker == top)
    return rows


def features(embeddings: Any, texts: Sequence[str], speakers: Sequence[str | None]) -> Any:
    """One row per sentence: scalars, cue flags, then the embeddings of it, its near and wide context and what follows."""
    n = len(texts)
    embeddings = np.asarray(embeddings, dtype=np.float32).reshape(n, -1)
    words = [len(t.split()) for t in texts]
    position = np.arange(n, dtype=np.float32) / max(1, n - 1)
    scalars = np.column_stack(
        [
            position,
            position**2,
            np.log1p(np.array(words, dtype=np.float32)),
            np.array([t.rstrip().endswith("?") for t in texts], dtype=np.float32),
            _speaker_scalars(speakers, words),
        ]
    )
    cues = np.array([[bool(p.search(t)) for p in CUES.values()] for t in texts], dtype=np.float32).reshape(n, len(CUES))
    before = _context(embeddings, range(-NEAR, 0))
    after = _context(embeddings, range(1, NEAR + 1))
    wide = _context(embeddings, [o for o in range(-WIDE, WIDE + 1) if o])
    return np.hstack([scalars, cues, embeddings, before, after, wide]).astype(np.float32)


@dataclass(frozen=True)
class Detectors:
    """Standardisation, one weight column per class and each class's threshold (chosen on AMI dev, precision first)."""

    classes: tuple[str, ...]
    mean: Any
    scale: Any
    weights: Any
    bias: Any
    thresholds: dict[str, float]

    def probabilities(self, rows: Any) -> dict[str, Any]:
        """P(class) for each row of ``features()``."""
        if len(rows) == 0:
            return {c: np.zeros(0, dtype=np.float32) for c in self.classes}
        logits = ((rows - self.mean) / self.scale) @ self.weights + self.bias
        probs = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
        return {c: probs[:, i] for i, c in enumerate(self.classes)}

    def detect(self, rows: Any) -> dict[str, Any]:
        """True where the class's probability reaches its threshold."""
        return {c: p >= self.thresholds[c] for c, p in self.probabilities(rows).items()}


def from_arrays(arrays: dict[str, Any]) -> Detectors:
    classes = tuple(str(c) for c in arrays["classes"])
    return Detectors(
        classes,
        arrays["mean"],
        arrays["scale"],
        arrays["weights"],
        arrays["bias"],
        dict(zip(classes, (float(t) for t in arrays["thresholds"]), strict=True)),
    )


def load(path: Path = WEIGHTS) -> Detectors:
    """The shipped detectors (loaded once per process, in the model pool)."""
    return pooled("detectors", str(path), loader=lambda: _read(path))


def _read(path: Path) -> Detectors:
    with np.load(path) as data:
        return from_arrays({k: data[k] for k in data.files})
