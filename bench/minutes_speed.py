"""Speed and memory of ``hfkit minutes`` on long meeting audio built by joining real speech.

Builds N minutes of audio from the shared recordings and the sample meeting, then runs, each in a fresh process:
the baseline (speech to text only, ``hfkit.transcribe``) and the full minutes pipeline with speakers.
Prints wall time per stage, real-time factor, ratio to the baseline and peak RSS.

    .venv/bin/python bench/minutes_speed.py --minutes 30
    .venv/bin/python bench/minutes_speed.py --minutes 120 --skip-baseline   # the 2-hour memory check
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "examples/sample_meeting.wav", ROOT / "../shared/testdata/audio/two_speakers.wav",
           ROOT / "../shared/testdata/audio/four_speakers_overlap.wav", ROOT / "../shared/testdata/audio/jfk.wav"]


def build_audio(minutes: float, target: Path) -> float:
    """Join real speech (with 0.3 s pauses) until ``minutes`` long; write 16 kHz mono 16-bit WAV."""
    import soundfile as sf

    from hfkit.core.audio import decode

    clips = [decode(p) for p in SOURCES if p.exists()]
    need = int(minutes * 60 * 16000)
    pause = np.zeros(4800, dtype=np.float32)
    with sf.SoundFile(str(target), "w", 16000, 1, "PCM_16") as out:
        written, index = 0, 0
        while written < need:
            clip = clips[index % len(clips)][: need - written]
            out.write(np.concatenate([clip, pause]))
            written += len(clip) + len(pause)
            index += 1
    return written / 16000


def child(mode: str, path: Path) -> None:
    """Run one measurement in this process and print a JSON line."""
    stages: dict[str, list[float]] = {}
    started = time.perf_counter()

    def on_progress(stage: str, done: float, total: float) -> None:
        now = time.perf_counter() - started
        stages.setdefault(stage, [now, now])[1] = now

    if mode == "transcribe":
        from hfkit.speech import transcribe

        count = sum(1 for _ in transcribe(path).segments)
        extra = {"segments": count}
    else:
        from hfkit.minutes.api import minutes
        from hfkit.minutes.model import MinutesOptions

        result = minutes(path, options=MinutesOptions(diarize=mode == "minutes"), on_progress=on_progress)
        extra = {"segments": len(result.segments), "speakers": len({s.speaker for s in result.segments}),
                 "actions": len(result.minutes.action_items)}
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime  # CPU seconds: comparable across machines however busy they are
    print(json.dumps({"mode": mode, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
                      "peak_rss_mb": round(usage.ru_maxrss / 1024), "stages": stages, **extra}))


def measure(mode: str, path: Path) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True,
                         check=True, env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long_meeting.wav"
        seconds = build_audio(args.minutes, path)
        print(f"audio: {seconds / 60:.1f} min joined from {len(SOURCES)} real recordings; cores: "
              f"{len(os.sched_getaffinity(0))}; command: python bench/minutes_speed.py --minutes {args.minutes:g}")
        modes = ["minutes"] if args.skip_baseline else ["transcribe", "minutes"]
        rows = {mode: measure(mode, path) for mode in modes}
    base = rows.get("transcribe")
    for mode, row in rows.items():
        wall = float(row["wall_s"])  # type: ignore[arg-type]
        ratio = f", {wall / float(base['wall_s']):.2f}x the speech-only baseline" if base and mode != "transcribe" else ""
        print(f"{mode}: {wall:.1f} s wall ({seconds / wall:.1f}x real time{ratio}), {row.get('cpu_s')} CPU s, "
              f"peak RSS {row['peak_rss_mb']} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        for stage, (first, last) in dict(row.get("stages") or {}).items():  # type: ignore[call-overload]
            print(f"  {stage}: until {last:.1f} s (started reporting at {first:.1f} s)")
        print(f"  {json.dumps({k: v for k, v in row.items() if k not in ('stages',)})}")


if __name__ == "__main__":
    main()
