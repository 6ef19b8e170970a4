"""Speed and words of the transcription settings on the spoken-meeting benchmark, measured interleaved.

The recording is bench/minutes_speed.py's QMSum meeting spoken by four voices (its spoken text is the reference).
One warm whisper-tiny.en model; each candidate runs once per round, rounds interleave the candidates, so machine load
(other jobs on the cores) hits them alike. Reports wall and CPU seconds, real-time factor, word error rate and each
candidate's ratio to the baseline (today's default: sequential beam 5).

    .venv/bin/python bench/transcribe_speed.py --minutes 5 --rounds 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

CANDIDATES: dict[str, dict[str, Any]] = {
    "sequential beam 5 (baseline)": {"beam_size": 5},
    "sequential beam 1": {"beam_size": 1},
    "batched 8, beam 5": {"beam_size": 5, "batch_size": 8},
    "batched 8, beam 1": {"beam_size": 1, "batch_size": 8},
}


def word_error_rate(reference: str, hypothesis: str) -> float:
    import jiwer

    transform = jiwer.Compose([jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(),
                               jiwer.Strip(), jiwer.ReduceToListOfListOfWords()])
    return 100 * float(jiwer.wer(reference, hypothesis, reference_transform=transform, hypothesis_transform=transform))


def run(transcriber: Any, wav: Path, settings: dict[str, Any]) -> tuple[float, float, str]:
    from hfkit.speech import TranscribeOptions

    wall, cpu = time.perf_counter(), time.process_time()
    text = " ".join(s.text for s in transcriber.transcribe(wav, TranscribeOptions(**settings)))
    return time.perf_counter() - wall, time.process_time() - cpu, text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="candidate names to run (default: all)")
    args = parser.parse_args()
    import soundfile as sf
    from minutes_speed import build_meeting

    from hfkit.speech import get_transcriber

    wav = build_meeting(args.minutes)
    seconds = sf.info(str(wav)).duration
    reference = wav.with_suffix(".txt").read_text()
    names = [n for n in CANDIDATES if not args.only or n in args.only]
    transcriber = get_transcriber("whisper-tiny.en", "cpu")
    run(transcriber, wav, {"beam_size": 1})  # warm the model, the VAD and the page cache
    rows: dict[str, list[tuple[float, float, str]]] = {n: [] for n in names}
    for _ in range(args.rounds):
        for name in names:
            rows[name].append(run(transcriber, wav, CANDIDATES[name]))
            print(f"  {name}: {rows[name][-1][0]:.1f} s wall, load {os.getloadavg()[0]:.1f}", flush=True)
    base_wall = statistics.median(r[0] for r in rows[names[0]])
    base_cpu = statistics.median(r[1] for r in rows[names[0]])
    print(f"# {seconds / 60:.1f} min spoken QMSum meeting, whisper-tiny.en int8, VAD on, word timestamps, "
          f"{len(os.sched_getaffinity(0))} cores, {args.rounds} interleaved rounds (medians)")
    print("| settings | wall | CPU s | RTF (wall) | RTF (CPU s / cores) | wall vs baseline | CPU vs baseline | WER |")
    print("|---|---|---|---|---|---|---|---|")
    cores = len(os.sched_getaffinity(0))
    for name in names:
        wall = statistics.median(r[0] for r in rows[name])
        cpu = statistics.median(r[1] for r in rows[name])
        wer = word_error_rate(reference, rows[name][-1][2])
        print(f"| {name} | {wall:.1f} s | {cpu:.1f} | {wall / seconds:.3f} | {cpu / cores / seconds:.3f} | "
              f"{wall / base_wall:.2f}x | {cpu / base_cpu:.2f}x | {wer:.1f} % |")


if __name__ == "__main__":
    main()
