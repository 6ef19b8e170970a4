"""Scale-out on Ray: synth records and transcriptions with 1 vs 2 workers, and Ray's overhead per small item.

    python bench/scale_bench.py                      # 200k sampled records, 8 recordings, 2000 small items
    python bench/scale_bench.py --records 50000 --skip transcribe

One local Ray (this machine's cores, 256 MB object store) is started once and shared by every run, so the timings
compare warm with warm: each run pays for its own actors (process start and model load) as a user would. Synth
records are checked equal to the 1-worker run's records.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AUDIO = ROOT.parent / "shared" / "testdata" / "audio"
RECORDINGS = [AUDIO / n for n in ("jfk.wav", "jfk.flac", "stereo_diarization.wav", "two_speakers.wav",
                                  "four_speakers_overlap.wav", "hotwords.mp3", "multilingual.mp3")]
RECORDINGS.append(ROOT / "examples" / "sample_meeting.wav")


class Echo:
    """The smallest job: gives its item back."""

    def process(self, item: Any, report: Any) -> Any:
        return item


def bench_synth(records: int, template: str, workers: list[int]) -> list[dict[str, Any]]:
    import hfkit
    from hfkit.scale import ScaleOptions
    from hfkit.synth.api import SynthOptions

    rows = []
    for count in workers:
        started = time.perf_counter()
        result = hfkit.synth(template, records, options=SynthOptions(seed=1, llm=None),
                             scale=ScaleOptions(ray=True, workers=count))
        seconds = time.perf_counter() - started
        digest = hashlib.sha256(result.dumps("jsonl").encode()).hexdigest()[:12]
        rows.append({"part": "synth", "workers": count, "seconds": round(seconds, 1), "records": records,
                     "records_per_s": round(records / seconds), "sha256": digest})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def bench_transcribe(workers: list[int]) -> list[dict[str, Any]]:
    from hfkit.scale import ScaleOptions, make_executor
    from hfkit.scale.batch import TranscribeSettings, run_batch

    rows = []
    audio_seconds = sum(_duration(p) for p in RECORDINGS)
    for count in workers:
        executor = make_executor(ScaleOptions(ray=True, workers=count))
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            result = run_batch("transcribe", RECORDINGS, Path(out), TranscribeSettings(formats=["json"]), executor)
            seconds = time.perf_counter() - started
        assert not result.failed, result.failed
        rows.append({"part": "transcribe", "workers": count, "seconds": round(seconds, 1), "recordings": len(RECORDINGS),
                     "audio_seconds": round(audio_seconds, 1), "real_time_factor": round(seconds / audio_seconds, 3)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def bench_overhead(items: int) -> list[dict[str, Any]]:
    from hfkit.scale import Job, LocalExecutor, ScaleOptions, make_executor

    job = Job(Echo)
    rows = []
    for executor in (LocalExecutor(), make_executor(ScaleOptions(ray=True, workers=2))):
        list(executor.imap(job, range(20)))  # actors started and warm
        started = time.perf_counter()
        assert [r for _, r in executor.imap(job, range(items))] == list(range(items))
        seconds = time.perf_counter() - started
        rows.append({"part": "overhead", "executor": executor.name, "items": items, "seconds": round(seconds, 2),
                     "ms_per_item": round(1000 * seconds / items, 3)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def _duration(path: Path) -> float:
    from hfkit.core.audio import duration

    return duration(path) or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--template", default="customers")
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--skip", nargs="*", default=[], choices=["synth", "transcribe", "overhead"])
    args = parser.parse_args()
    import ray

    ray.init(address="local", object_store_memory=256 * 1024 * 1024, include_dashboard=False, log_to_driver=False,
             logging_level="ERROR")
    print(json.dumps({"cpus": os.cpu_count(), "load_average": os.getloadavg()}), flush=True)
    try:
        if "overhead" not in args.skip:
            bench_overhead(args.items)
        if "transcribe" not in args.skip:
            bench_transcribe([1, 2])
        if "synth" not in args.skip:
            bench_synth(args.records, args.template, [1, 2])
    finally:
        print(json.dumps({"load_average_after": os.getloadavg()}), flush=True)
        ray.shutdown()


if __name__ == "__main__":
    main()
