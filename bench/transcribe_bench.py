"""hfkit transcribe vs faster-whisper called directly (same model, settings, recording); real-time factor.

Run: .venv/bin/python bench/transcribe_bench.py [--seconds 90]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, real_speech, today, write_wav


def direct(path: Path, batch_size: int) -> tuple[float, int]:
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    from hfkit.core.config import cpu_threads
    from hfkit.core.registry import resolve

    model = WhisperModel(str(resolve("whisper-tiny.en").path), device="cpu", compute_type="int8", cpu_threads=cpu_threads())
    engine = BatchedInferencePipeline(model) if batch_size > 1 else model
    extra = {"batch_size": batch_size} if batch_size > 1 else {}
    start = time.perf_counter()
    segments, _ = engine.transcribe(str(path), vad_filter=True, word_timestamps=True, beam_size=5, **extra)
    words = sum(len(s.text.split()) for s in segments)
    return time.perf_counter() - start, words


def through_hfkit(path: Path, batch_size: int) -> tuple[float, int]:
    from hfkit.speech import get_transcriber
    from hfkit.speech.transcribe import TranscribeOptions

    transcriber = get_transcriber("whisper-tiny.en", "cpu")
    start = time.perf_counter()
    result = transcriber.transcribe(path, TranscribeOptions(batch_size=batch_size))
    words = sum(len(s.text.split()) for s in result)
    return time.perf_counter() - start, words


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=90.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_wav(Path(tmp) / "speech.wav", real_speech(args.seconds))
        print(f"# transcribe benchmark, {today()}, {machine()}, {args.seconds:.0f} s of real speech, whisper-tiny.en int8")
        for batch in (0, 8):
            through_hfkit(path, batch)  # warm the model and caches
            base, base_words = direct(path, batch)
            ours, our_words = through_hfkit(path, batch)
            label = "sequential" if batch == 0 else f"batched ({batch})"
            print(f"{label:14} faster-whisper {base:6.2f} s ({base_words} words) | hfkit {ours:6.2f} s ({our_words} words) | "
                  f"ratio {ours / base:.3f} (target <= 1.05) | RTF {ours / args.seconds:.3f} (target <= 0.05)")


if __name__ == "__main__":
    main()
