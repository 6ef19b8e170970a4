"""Evaluate the grounded minutes engine on real meetings (../shared/testdata/meetings) and on a synthesized recording.

Text path: ROUGE-1/2/L of the summary against QMSum's general_query_list[0].answer / MeetingBank's summary, the share
of decisions and action items whose citation quote contains words supporting them, the share of owners found in
the transcript, and the time taken.
Audio path (--audio): a QMSum excerpt spoken by distinct voices (Piper + espeak-ng), run through the full pipeline;
word error rate against the source text and diarization error rate against the known timeline.

AMI path (--ami dev|train): each AMI meeting (../shared/testdata/meetings/ami, CC BY 4.0) written as an hfkit
transcript JSON (one segment per dialogue act, speaker = role) and run through ``hfkit.minutes`` exactly as a user
would; each cited action item / decision / problem is mapped back to its acts (the citation's segment ids), scored
at act level (precision, recall, F1 per class) against the AMI labels; owner accuracy on true-positive actions whose
human action sentence names one role; ROUGE-L of the summary against the human abstract; key points that are
fragments. The cue-word rules (the system before the learned detectors) run in the same pass as the baseline.

    .venv/bin/python bench/minutes_eval.py [--audio] [--engine grounded|llm --llm MODEL] [--ami dev]
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


AMI = MEETINGS / "ami"
ROLE_WORDS = {"Project Manager": r"project manager|\bpm\b", "Industrial Designer": r"industrial design",
              "User Interface": r"user interface|\bui\b|interface design", "Marketing Expert": r"marketing"}
CLASSES = {"action": "action_items", "decision": "decisions", "problem": "problems"}


def ami_transcript(data: dict, target: Path) -> None:
    """The meeting as hfkit transcript JSON: one segment per dialogue act, the speaker's role as its label."""
    segments = [{"id": i, "start": a["start"], "end": max(a["end"], a["start"]), "text": a["text"], "speaker": a["role"]}
                for i, a in enumerate(data["dialogue_acts"])]
    target.write_text(json.dumps({"language": "en", "segments": segments}))


def cited_acts(items: list) -> set[int]:
    return {i for item in items for i in (item.citation.segment_ids or [item.citation.segment_id])}


def named_role(sentence: str) -> str | None:
    """The one role an AMI action sentence names, if it names exactly one."""
    found = [role for role, pattern in ROLE_WORDS.items() if re.search(pattern, sentence, re.I)]
    return found[0] if len(found) == 1 else None


def owner_checks(m: Minutes, data: dict) -> tuple[int, int]:
    """(right, scored): true-positive actions whose human action sentence names one role, owner == that role."""
    index = {a["id"]: i for i, a in enumerate(data["dialogue_acts"])}
    role_of = {}
    for sentence in data["summary"]["actions"]:
        role = named_role(sentence["text"])
        for act in sentence["dialogue_acts"]:
            if act in index and role:
                role_of[index[act]] = role
    right = scored = 0
    for item in m.action_items:
        roles = {role_of[i] for i in (item.citation.segment_ids or [item.citation.segment_id]) if i in role_of}
        if len(roles) == 1:
            scored += 1
            right += (item.owner or "").lower().startswith(roles.pop().lower()[:8])
    return right, scored


_FRAGMENT_END = re.compile(r"\b(?:a|an|the|to|of|and|or|but|so|that|with|for|in|on|is|are|it|if|as|because|like|uh|um)"
                           r"[.?!]?$", re.I)


def is_fragment(text: str) -> bool:
    """A key point a reader cannot take alone: under 5 words, cut off mid-clause, or with no verb."""
    from hfkit.minutes.nlp import load_spacy

    doc = load_spacy()(text)
    words = [t for t in doc if t.is_alpha]
    return (len(words) < 5 or bool(_FRAGMENT_END.search(text.strip())) or text.rstrip().endswith((",", "-"))
            or not any(t.pos_ in ("VERB", "AUX") for t in doc))


def cache_embeddings(folder: Path) -> None:
    """Serve MiniLM vectors of texts seen before from ``folder`` (the training script's cache: the same model, the same
    vectors) and remember new ones in memory, so the learned and the baseline runs embed each sentence once."""
    import numpy as np

    from hfkit.backends import sentence_transformers as st

    known: dict[str, np.ndarray] = {}
    for part in sorted(folder.glob("part-*.npz")):
        with np.load(part) as data:
            known.update(zip(data["texts"].tolist(), data["vectors"], strict=True))
    encode = st.Embedder.encode

    def cached(self: st.Embedder, texts: list[str], batch_size: int = 64) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            known.update(zip(missing, encode(self, missing, batch_size), strict=True))
        return np.stack([known[t] for t in texts]) if texts else encode(self, texts, batch_size)

    st.Embedder.encode = cached  # type: ignore[method-assign]


def ami_eval(split: str, detector: str, limit: int = 0) -> dict:
    import tempfile

    from rouge_score import rouge_scorer

    from hfkit.minutes.api import minutes

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    totals = {c: [0, 0, 0] for c in CLASSES}  # true positives, predicted, gold
    owners = [0, 0]
    rouge, fragments, points, seconds = [], 0, 0, 0.0
    paths = sorted((AMI / split).glob("*.json"))[: limit or None]
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            data = json.loads(path.read_text())
            target = Path(tmp) / f"{path.stem}.json"
            ami_transcript(data, target)
            started = time.perf_counter()
            m = minutes(target, options=MinutesOptions(detector=detector, auto_names=False)).minutes
            seconds += time.perf_counter() - started
            for label, field in CLASSES.items():
                gold = {i for i, a in enumerate(data["dialogue_acts"]) if a[label]}
                found = cited_acts(getattr(m, field))
                totals[label][0] += len(gold & found)
                totals[label][1] += len(found)
                totals[label][2] += len(gold)
            right, scored = owner_checks(m, data)
            owners[0] += right
            owners[1] += scored
            abstract = " ".join(s["text"] for s in data["summary"]["abstract"])
            rouge.append(100 * scorer.score(abstract, m.summary)["rougeL"].fmeasure)
            fragments += sum(is_fragment(k.text) for k in m.key_points)
            points += len(m.key_points)
            print(json.dumps({"meeting": path.stem, "detector": detector, "rougeL": round(rouge[-1], 1),
                              "actions": len(m.action_items), "decisions": len(m.decisions), "title": m.title}),
                  file=sys.stderr, flush=True)
    scores = {}
    for label, (tp, predicted, gold) in totals.items():
        p, r = 100 * tp / max(1, predicted), 100 * tp / max(1, gold)
        scores[label] = {"P": round(p, 1), "R": round(r, 1), "F1": round(2 * p * r / (p + r) if p + r else 0.0, 1),
                         "predicted": predicted, "gold": gold}
    return {"split": split, "detector": detector, "meetings": len(paths), "classes": scores,
            "owners": f"{owners[0]}/{owners[1]}", "owner_accuracy": round(100 * owners[0] / max(1, owners[1]), 1),
            "rougeL": round(statistics.mean(rouge), 1), "fragments": f"{fragments}/{points}",
            "seconds_per_meeting": round(seconds / max(1, len(paths)), 2)}


def print_ami(results: list[dict]) -> None:
    print("| AMI split | detector | action P / R / F1 | decision P / R / F1 | problem P / R / F1 | owners | R-L | "
          "fragment key points | s / meeting |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        cells = [f"{c['P']} / {c['R']} / **{c['F1']}**" for c in r["classes"].values()]
        print(f"| {r['split']} ({r['meetings']}) | {r['detector']} | {' | '.join(cells)} | {r['owners']} "
              f"({r['owner_accuracy']} %) | {r['rougeL']} | {r['fragments']} | {r['seconds_per_meeting']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="grounded")
    parser.add_argument("--llm", default=None)
    parser.add_argument("--audio", action="store_true", help="also run the synthesized-recording path")
    parser.add_argument("--ami", choices=("dev", "train"), help="score on an AMI split (learned detectors and the rules)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N AMI meetings")
    parser.add_argument("--no-baseline", action="store_true", help="skip the cue-word rules baseline on AMI")
    parser.add_argument("--embedding-cache", type=Path, help="reuse the training script's MiniLM cache (same vectors)")
    args = parser.parse_args()
    if args.embedding_cache:
        cache_embeddings(args.embedding_cache)
    if args.ami:
        runs = [ami_eval(args.ami, "learned", args.limit)]
        runs += [] if args.no_baseline else [ami_eval(args.ami, "rules", args.limit)]
        print(json.dumps(runs, indent=1), file=sys.stderr)
        print_ami(runs)
        return
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
