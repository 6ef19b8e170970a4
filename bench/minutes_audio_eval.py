"""Audio path of the minutes evaluation: a QMSum excerpt spoken by distinct voices, run through the full pipeline.

Word error rate of the transcript against the spoken text, diarization error rate (0.25 s collar) against the
synthesis timeline, and whether the speakers were found. Needs hfkit[tts] and espeak-ng.

    .venv/bin/python bench/minutes_audio_eval.py [--meeting IS1003a] [--turns 40]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))

from make_sample_meeting import EXTRA_VOICES, VOICES, synthesize, write_wav  # noqa: E402

from hfkit.minutes.transcript import clean_text  # noqa: E402


def excerpt(meeting: str, turns: int) -> list[tuple[str, str]]:
    """The first ``turns`` non-trivial turns of a QMSum meeting, cleaned of disfluency tags."""
    data = json.loads((ROOT / f"../shared/testdata/meetings/qmsum/{meeting}.json").read_text())
    out = []
    for turn in data["meeting_transcripts"]:
        text = clean_text(turn["content"])
        if len(text.split()) >= 4:
            out.append((turn["speaker"], text))
        if len(out) == turns:
            break
    return out


def audio_eval(meeting: str = "IS1003a", turns: int = 40) -> dict[str, float]:
    import jiwer
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    from hfkit.minutes.api import minutes
    from hfkit.minutes.model import MinutesOptions

    script = excerpt(meeting, turns)
    speakers = sorted({s for s, _ in script})
    voices = dict(zip(speakers, [*VOICES.values(), *EXTRA_VOICES], strict=False))
    samples, timeline = synthesize(script, voices)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / f"{meeting}.wav"
        write_wav(wav, samples)
        started = time.perf_counter()
        result = minutes(wav, options=MinutesOptions(auto_names=False))
        seconds = time.perf_counter() - started
    transform = jiwer.Compose([jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(),
                               jiwer.Strip(), jiwer.ReduceToListOfListOfWords()])
    reference = " ".join(text for _, text in script)
    hypothesis = " ".join(s.text for s in result.segments)
    wer = jiwer.wer(reference, hypothesis, reference_transform=transform, hypothesis_transform=transform)
    ref, hyp = Annotation(), Annotation()
    for start, end, who in timeline:
        ref[Segment(start, end)] = who
    for seg in result.segments:
        hyp[Segment(seg.start, seg.end)] = seg.speaker or "?"
    der = DiarizationErrorRate(collar=0.25)(ref, hyp)
    found = len({s.speaker for s in result.segments})
    row = {"meeting": meeting, "turns": len(script), "audio_s": round(len(samples) / 16000, 1),
           "speakers": len(speakers), "speakers_found": found, "wer": round(100 * wer, 1), "der": round(100 * der, 1),
           "pipeline_s": round(seconds, 1)}
    print(f"| audio: QMSum {meeting}, {row['turns']} turns, {row['audio_s']} s, {len(speakers)} voices | "
          f"WER {row['wer']} % | DER {row['der']} % (speakers found {found}/{len(speakers)}) | {row['pipeline_s']} s |")
    return row


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--meeting", default="IS1003a")
    parser.add_argument("--turns", type=int, default=40)
    args = parser.parse_args()
    audio_eval(args.meeting, args.turns)
