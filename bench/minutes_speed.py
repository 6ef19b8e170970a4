"""Speed, memory and quality of ``hfkit minutes`` on a long meeting recording.

The recording is a real meeting transcript (QMSum AMI meetings, ES2011b first, then the next ones) spoken by four
distinct voices (the embedded Piper voice and espeak-ng, as in ``examples/make_sample_meeting.py``), cut at N minutes
and cached, so the spoken text and the speaker timeline are known. Each mode runs in a fresh process: the baseline
(speech to text only, ``hfkit.transcribe``) and the full minutes pipeline with speakers. Prints wall time per stage,
real-time factor, ratio to the baseline, CPU seconds, peak RSS, word error rate and diarization error rate.

    .venv/bin/python bench/minutes_speed.py --minutes 30
    .venv/bin/python bench/minutes_speed.py --minutes 120 --skip-baseline   # the 2-hour memory check
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MEETINGS = ("ES2011b", "TS3011d", "TS3004a", "ES2004a", "IS1003a")  # AMI: the same four roles in each
sys.path.insert(0, str(ROOT / "examples"))


def turns() -> Iterator[tuple[str, str]]:
    """(speaker, text) turns of the QMSum meetings in order (then again, for recordings longer than all five)."""
    from hfkit.minutes.transcript import clean_text

    for meeting in itertools.cycle(MEETINGS):
        data = json.loads((ROOT / f"../shared/testdata/meetings/qmsum/{meeting}.json").read_text())
        for turn in data["meeting_transcripts"]:
            text = clean_text(turn["content"])
            if len(text.split()) >= 3:
                yield turn["speaker"], text


def build_meeting(minutes: float) -> Path:
    """The cached recording (WAV) with its .rttm timeline and .txt spoken text beside it."""
    from hfkit.core.config import cache_dir

    wav = cache_dir() / "bench" / f"qmsum_meeting_{minutes:g}min.wav"
    if not wav.exists():
        wav.parent.mkdir(parents=True, exist_ok=True)
        _synthesize(minutes, wav)
    return wav


def _synthesize(minutes: float, wav: Path) -> None:
    import numpy as np
    import soundfile as sf
    from make_sample_meeting import EXTRA_VOICES, PAUSE, RATE, VOICES, speak
    from tqdm import tqdm

    voices: dict[str, str] = {}
    palette = [*VOICES.values(), *EXTRA_VOICES]
    timeline, spoken, clock, need = [], [], 0.0, minutes * 60
    partial = wav.with_suffix(".part.wav")
    with sf.SoundFile(str(partial), "w", RATE, 1, "PCM_16") as out, tqdm(total=round(need), unit="s audio") as bar:
        for speaker, text in turns():
            voice = voices.setdefault(speaker, palette[len(voices) % len(palette)])
            samples = speak(text, voice)
            samples = 0.8 * samples / (np.abs(samples).max() + 1e-9)
            length = len(samples) / RATE
            if clock + length > need:
                break
            out.write(np.concatenate([samples, np.zeros(int(PAUSE * RATE), np.float32)]))
            timeline.append((clock, clock + length, speaker))
            spoken.append(text)
            clock += length + PAUSE
            bar.update(round(clock) - bar.n)
    rttm = "".join(f"SPEAKER bench 1 {a:.3f} {b - a:.3f} <NA> <NA> {who.replace(' ', '_')} <NA> <NA>\n"
                   for a, b, who in timeline)
    wav.with_suffix(".rttm").write_text(rttm)
    wav.with_suffix(".txt").write_text(" ".join(spoken) + "\n")
    partial.rename(wav)


def child(mode: str, path: Path, out: Path, beam_size: int) -> None:
    """Run one measurement in this process; write its figures and segments to ``out`` as JSON."""
    stages: dict[str, list[float]] = {}
    started = time.perf_counter()

    def on_progress(stage: str, done: float, total: float) -> None:
        now = time.perf_counter() - started
        stages.setdefault(stage, [now, now])[1] = now

    if mode == "transcribe":
        from hfkit.speech import transcribe

        segments = list(transcribe(path, beam_size=beam_size).segments)
        extra: dict[str, Any] = {}
    else:
        from hfkit.minutes.api import minutes
        from hfkit.minutes.model import MinutesOptions

        result = minutes(path, options=MinutesOptions(auto_names=False, beam_size=beam_size), on_progress=on_progress)
        segments = result.segments
        extra = {"speakers": len({s.speaker for s in segments}), "actions": len(result.minutes.action_items),
                 "decisions": len(result.minutes.decisions)}
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime  # CPU seconds: comparable across machines however busy they are
    out.write_text(json.dumps({"mode": mode, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
                               "peak_rss_mb": round(usage.ru_maxrss / 1024), "stages": stages, **extra,
                               "segments": [[s.start, s.end, s.speaker, s.text] for s in segments]}))


def measure(mode: str, path: Path, beam_size: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "row.json"
        subprocess.run([sys.executable, __file__, "--child", mode, str(path), str(out), str(beam_size)], check=True,
                       stdout=subprocess.DEVNULL, env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
        return dict(json.loads(out.read_text()))


def quality(row: dict[str, Any], wav: Path) -> dict[str, float]:
    """Word error rate against the spoken text and, with speakers, diarization error rate (0.25 s collar)."""
    import jiwer

    transform = jiwer.Compose([jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(),
                               jiwer.Strip(), jiwer.ReduceToListOfListOfWords()])
    hypothesis = " ".join(text for *_, text in row["segments"])
    figures = {"wer": 100 * jiwer.wer(wav.with_suffix(".txt").read_text(), hypothesis,
                                      reference_transform=transform, hypothesis_transform=transform)}
    if row["mode"] == "minutes":
        figures["der"] = 100 * _der(row["segments"], wav.with_suffix(".rttm"))
    return figures


def _der(segments: list[list[Any]], rttm: Path) -> float:
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    reference, hypothesis = Annotation(), Annotation()
    for line in rttm.read_text().splitlines():
        fields = line.split()
        reference[Segment(float(fields[3]), float(fields[3]) + float(fields[4]))] = fields[7]
    for start, end, speaker, _ in segments:
        hypothesis[Segment(start, end)] = speaker or "?"
    return float(DiarizationErrorRate(collar=0.25)(reference, hypothesis))


def report(mode: str, row: dict[str, Any], seconds: float, base: dict[str, Any] | None, wav: Path) -> None:
    wall = float(row["wall_s"])
    ratio = f", {wall / float(base['wall_s']):.2f}x the speech-only baseline" if base and mode != "transcribe" else ""
    scores = ", ".join(f"{k.upper()} {v:.1f} %" for k, v in quality(row, wav).items())
    print(f"{mode}: {wall:.1f} s wall ({seconds / wall:.1f}x real time{ratio}), {row['cpu_s']} CPU s, "
          f"peak RSS {row['peak_rss_mb']} MB, {scores}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for stage, (first, last) in dict(row.get("stages") or {}).items():
        print(f"  {stage}: until {last:.1f} s (started reporting at {first:.1f} s)")
    print(f"  {json.dumps({k: v for k, v in row.items() if k not in ('stages', 'segments')})}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--beam-size", type=int, default=5, help="whisper beam width for both modes")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]), int(args.child[3]))
        return
    import soundfile as sf

    wav = build_meeting(args.minutes)
    seconds = sf.info(str(wav)).duration
    print(f"audio: {seconds / 60:.1f} min of QMSum meetings spoken by 4 voices ({wav}); cores: "
          f"{len(os.sched_getaffinity(0))}; command: python bench/minutes_speed.py --minutes {args.minutes:g} --beam-size {args.beam_size}")
    modes = ["minutes"] if args.skip_baseline else ["transcribe", "minutes"]
    rows = {mode: measure(mode, wav, args.beam_size) for mode in modes}
    for mode, row in rows.items():
        report(mode, row, seconds, rows.get("transcribe"), wav)


if __name__ == "__main__":
    main()
