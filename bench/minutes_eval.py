"""Evaluate the grounded minutes engine on real meetings (../shared/testdata/meetings) and on a synthesized recording.

Text path: ROUGE-1/2/L of the summary against QMSum's general_query_list[0].answer / MeetingBank's summary, the share
of decisions and action items whose citation quote contains words supporting them, the share of owners found in
the transcript, and the time taken.
Audio path (--audio): a QMSum excerpt spoken by distinct voices (Piper + espeak-ng), run through the full pipeline;
word error rate against the source text and diarization error rate against the known timeline.

    .venv/bin/python bench/minutes_eval.py [--audio] [--engine grounded|llm --llm MODEL]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

from hfkit.minutes.api import minutes_from_segments
from hfkit.minutes.model import Minutes, MinutesOptions
from hfkit.minutes.transcript import parse_json

ROOT = Path(__file__).resolve().parents[1]
MEETINGS = ROOT / "../shared/testdata/meetings"
_WORD = re.compile(r"[a-z0-9']+")


def reference(data: dict) -> str:
    return data["general_query_list"][0]["answer"] if "general_query_list" in data else data["summary"]


def supported(item_text: str, quote: str) -> bool:
    """A citation supports an item when most of the item's content words appear in the quote."""
    words = [w for w in _WORD.findall(item_text.lower()) if len(w) > 3]
    quoted = set(_WORD.findall(quote.lower()))
    return not words or sum(w in quoted for w in words) / len(words) >= 0.5


def item_checks(m: Minutes, transcript_text: str, speakers: set[str]) -> tuple[int, int, int, int]:
    items = [(d.text, d.citation.quote) for d in m.decisions] + [(a.task, a.citation.quote) for a in m.action_items]
    cited = sum(supported(text, quote) for text, quote in items)
    owners = [a.owner for a in m.action_items if a.owner]
    present = sum(o in speakers or o.lower() in transcript_text.lower() for o in owners)
    return cited, len(items), present, len(owners)


def text_eval(options: MinutesOptions) -> dict:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    rows = []
    for path in sorted(MEETINGS.glob("*/*.json")):
        data = json.loads(path.read_text())
        segments = parse_json(data, str(path))
        started = time.perf_counter()
        result = minutes_from_segments(segments, options)
        seconds = time.perf_counter() - started
        scores = scorer.score(reference(data), result.minutes.summary)
        text = " ".join(s.text for s in segments)
        cited, items, present, owners = item_checks(result.minutes, text, {s.speaker for s in segments if s.speaker})
        rows.append({"meeting": f"{path.parent.name}/{path.stem}", "words": len(text.split()),
                     **{k: round(100 * v.fmeasure, 1) for k, v in scores.items()},
                     "items": items, "cited": cited, "owners": owners, "owners_present": present,
                     "seconds": round(seconds, 2)})
        print(json.dumps(rows[-1]), file=sys.stderr)
    return {"rows": rows}


def print_table(rows: list[dict]) -> None:
    print("| meeting | words | R-1 | R-2 | R-L | items cited | owners in talk | s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['meeting']} | {r['words']} | {r['rouge1']} | {r['rouge2']} | {r['rougeL']} | "
              f"{r['cited']}/{r['items']} | {r['owners_present']}/{r['owners']} | {r['seconds']} |")
    for group in ("qmsum", "meetingbank"):
        sel = [r for r in rows if r["meeting"].startswith(group)]
        if sel:
            avg = {k: round(statistics.mean(r[k] for r in sel), 1) for k in ("rouge1", "rouge2", "rougeL")}
            print(f"| **{group} average** | | {avg['rouge1']} | {avg['rouge2']} | {avg['rougeL']} | "
                  f"{sum(r['cited'] for r in sel)}/{sum(r['items'] for r in sel)} | "
                  f"{sum(r['owners_present'] for r in sel)}/{sum(r['owners'] for r in sel)} | "
                  f"{round(sum(r['seconds'] for r in sel), 1)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="grounded")
    parser.add_argument("--llm", default=None)
    parser.add_argument("--audio", action="store_true", help="also run the synthesized-recording path")
    args = parser.parse_args()
    if not MEETINGS.is_dir():
        sys.exit(f"{MEETINGS} is missing: the evaluation needs ../shared/testdata.")
    options = MinutesOptions(engine=args.engine, llm=args.llm)
    print(f"Engine: {args.engine}{' ' + args.llm if args.llm else ''}; command: python bench/minutes_eval.py")
    print_table(text_eval(options)["rows"])
    if args.audio:
        from minutes_audio_eval import audio_eval

        audio_eval()


if __name__ == "__main__":
    main()
