"""hfkit synth vs the seed's naive method (N records asked for in one prompt), same embedded model, one run.

Run: HFKIT_THREADS=1 .venv/bin/python bench/synth_bench.py [--customers 1000] [--reviews 200] [--identity 100000]
Writes the figures into the '## Synthetic data' section of bench/RESULTS.md.

``--coverage`` (no language model, minutes): the 40 shared SchemaStore schemas (exactly N records valid under each
schema's declared draft; hypothesis-jsonschema's count beside when installed), the 20 shared descriptions (every
expected field present) and 100k sampled customers (records/s, peak memory), into '## Synthetic data: coverage'.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, today

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
MODEL = "smollm2-135m-instruct"


def measure(template: str, records: list[dict[str, Any]], seconds: float, text_field: str | None) -> dict[str, Any]:
    """Valid, exact-duplicate and near-duplicate counts of ``records`` and valid unique records per second."""
    from hfkit.generation.structured import validation_errors
    from hfkit.synth.quality import canonical, near_duplicate_rate
    from hfkit.synth.templates import load_template

    schema = load_template(template)
    valid = [r for r in records if isinstance(r, dict) and not validation_errors(schema, r)]
    unique = {canonical(r) for r in valid}
    texts = [str(r.get(text_field) if text_field else " ".join(str(v) for v in r.values())) for r in valid]
    return {"records": len(records), "valid": len(valid), "valid_rate": len(valid) / max(len(records), 1),
            "exact_duplicates": len(valid) - len(unique), "near_duplicate_rate": near_duplicate_rate(texts),
            "seconds": seconds, "valid_unique_per_s": len(unique) / seconds if seconds else 0.0}


def run_hfkit(template: str, n: int, llm: str | None, text_field: str | None, concurrency: int = 1) -> dict[str, Any]:
    from hfkit.synth.api import SynthOptions, synth

    started = time.perf_counter()
    result = synth(template, n, options=SynthOptions(seed=1, llm=llm, concurrency=concurrency))
    figures = measure(template, result.records, time.perf_counter() - started, text_field)
    figures["attempts"] = result.report["attempts"]
    return figures


def parse_naive(text: str) -> list[Any]:
    """What the naive method can parse: a JSON array, else every flat {...} object in the reply."""
    try:
        value = json.loads(text)
        return value if isinstance(value, list) else [value]
    except ValueError:
        found = []
        for match in re.finditer(r"\{[^{}]*\}", text):
            try:
                found.append(json.loads(match.group()))
            except ValueError:
                continue
        return found


def run_naive(template: str, n: int, per_prompt: int) -> dict[str, Any]:
    """The seed's method: ask the model for ``per_prompt`` records in one prompt, parse, repeat to ``n`` asked."""
    from hfkit.backends.base import load_chat_model
    from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions
    from hfkit.synth.llm import prompt
    from hfkit.synth.templates import load_template

    schema = load_template(template)
    model = load_chat_model(MODEL, context_size=4096)
    records: list[Any] = []
    started = time.perf_counter()
    for call in range(max(1, n // per_prompt)):
        text = prompt("naive").substitute(n=per_prompt, context=schema["description"], fields=", ".join(schema["properties"]))
        request = ChatRequest(messages=[ChatMessage(role="user", content=text)],
                              options=GenerationOptions(max_tokens=80 * per_prompt, temperature=0.9, seed=call))
        records += parse_naive("".join(model.complete(request)))
    return measure(template, records, time.perf_counter() - started, None)


def identity(n: int) -> dict[str, Any]:
    from hfkit.synth.api import SynthOptions, synth

    started = time.perf_counter()
    result = synth("customers", n, options=SynthOptions(seed=1, llm=None))
    seconds = time.perf_counter() - started
    names = len({r["full_name"] for r in result.records}) / n
    emails = len({r["email"] for r in result.records}) / n
    return {"n": n, "seconds": seconds, "names_unique": names, "emails_unique": emails,
            "collisions_replaced": result.report["duplicates_removed"]["unique_field"]}


def row(name: str, f: dict[str, Any]) -> str:
    return (f"| {name} | {f['records']} | {f['valid_rate']:.1%} | {f['exact_duplicates']} | "
            f"{f['near_duplicate_rate']:.2%} | {f['seconds']:.1f} | {f['valid_unique_per_s']:.2f} |")


def report(args: argparse.Namespace, figures: dict[str, dict[str, Any]], ident: dict[str, Any]) -> str:
    lines = [
        "## Synthetic data", "",
        f"`bench/synth_bench.py` on {today()}, {machine()}, HFKIT_THREADS=1, model {MODEL} (embedded). "
        "Naive = the seed's method with the same model: ask for a batch of records in one prompt, parse the JSON "
        f"that comes back ({args.per_prompt} records per prompt, repeated).", "",
        "| run | records | valid | exact dups | near dups (Jaccard >= 0.9) | seconds | valid unique records/s |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [row(name, f) for name, f in figures.items()]
    for kind in ("customers", "reviews"):
        ours, naive = figures.get(f"hfkit {kind}"), figures.get(f"naive {kind}")
        if ours and naive and naive["valid_unique_per_s"]:
            ratio = ours["valid_unique_per_s"] / naive["valid_unique_per_s"]
            lines.append(f"\n{kind}: hfkit gives {ratio:.1f}x the naive method's valid unique records/s.")
        elif ours and naive:
            lines.append(f"\n{kind}: the naive method gave no valid unique record, hfkit "
                         f"{ours['valid_unique_per_s']:.2f} valid unique records/s.")
    lines += ["", f"Identity fields at N={ident['n']:,} (sampled only): names {ident['names_unique']:.3%} unique, "
              f"emails {ident['emails_unique']:.3%} unique ({ident['collisions_replaced']} collisions replaced), "
              f"{ident['seconds']:.1f} s ({ident['n'] / ident['seconds']:.0f} records/s).", ""]
    return "\n".join(lines)


TABLES = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "tables"
TABLE_NAMES = ("tips", "titanic", "mpg", "taxis", "diamonds")


def copies(records: list[dict[str, Any]], sample: list[dict[str, Any]], columns: list[str]) -> int:
    """Synthetic rows equal to a sample row on ``columns``, checked here apart from the generator's own check."""
    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(None if row[c] is None else str(row[c]).replace("T", " ") for c in columns)

    seen = {key(r) for r in sample}
    return sum(key(r) in seen for r in records)


def independent_baseline(real: dict[str, list[Any]], sdtypes: dict[str, Any], seed: int) -> float:
    """The sceptic's baseline: each column drawn from its own sample values, on its own (copies values)."""
    import numpy as np

    from hfkit.synth.tabular.fidelity import quality

    rng = np.random.default_rng(seed)
    drawn = {n: [v[i] for i in rng.integers(0, len(v), len(v))] for n, v in real.items()}
    return float(quality(real, drawn, sdtypes, seed)["quality"])


def tables_bench(seed: int) -> list[dict[str, Any]]:
    """Quality (SDMetrics-equivalent), copies and DCR for the five seaborn tables, N = the sample's rows."""
    from hfkit.synth.api import SynthOptions, synth
    from hfkit.synth.tabular import learn, read_sample

    figures = []
    for name in TABLE_NAMES:
        path = TABLES / f"{name}.csv"
        sample = read_sample(path)
        rows = [{c.name: c.values[i] for c in sample.columns} for i in range(sample.rows)]
        started = time.perf_counter()
        result = synth(str(path), sample.rows, options=SynthOptions(seed=seed, llm=None))
        seconds = time.perf_counter() - started
        model = learn(sample)
        real = {n: model.columns[n].comparable(c.values) for n, c in zip(model.order, sample.columns, strict=True)}
        sdtypes = {n: c.sdtype for n, c in model.columns.items()}
        fidelity, privacy = result.report["fidelity"], result.report["privacy"]
        dcr = privacy["distance_to_closest_record"]
        figures.append({
            "table": name, "rows": sample.rows, "columns": len(sample.columns), "quality": fidelity["quality"],
            "shapes": fidelity["column_shapes"], "pairs": fidelity["column_pair_trends"],
            "baseline": independent_baseline(real, sdtypes, seed),
            "copies": copies(result.records, rows, privacy["checked_columns"]), "replaced": privacy["copies_replaced"],
            "dcr": dcr["synthetic_to_sample"]["median"], "dcr_holdout": dcr.get("holdout_to_sample", {}).get("median"),
            "seconds": seconds,
        })
        print(json.dumps(figures[-1]), file=sys.stderr, flush=True)
    return figures


def tables_report(figures: list[dict[str, Any]], seed: int) -> str:
    lines = [
        "## Synthetic data from a sample table", "",
        f"`bench/synth_bench.py --part tables` on {today()}, {machine()}, seed {seed}: `hfkit synth TABLE.csv -n <rows "
        "of the sample>` on the five seaborn tables in ../shared/testdata/tables (dev data: the kinds and rules were "
        "written looking at these; the same code runs on any table). Quality = SDMetrics' single-table quality "
        "score (mean of column shapes and column pair trends), computed by hfkit's own implementation of the same "
        "metrics (sdmetrics itself needs the BUSL `copulas` package). Baseline = each column drawn on its own from "
        "the sample's values (a bootstrap per column, which copies values). Copies = output rows equal to a sample "
        "row on the columns the generator checks (the whole row), counted by the bench apart from the generator; "
        "replaced = exact matches the "
        "generator redrew. DCR = median Gower distance to the closest sample row (holdout = sample rows held out, "
        "to the rest). Seconds include learning, the fidelity and the DCR report, on a shared machine.", "",
        "| table | rows x cols | quality | shapes | pair trends | baseline quality | copies | replaced | DCR median "
        "(holdout) | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(f"| {f['table']} | {f['rows']} x {f['columns']} | {f['quality']:.1%} | {f['shapes']:.1%} | "
                     f"{f['pairs']:.1%} | {f['baseline']:.1%} | {f['copies']} | {f['replaced']} | "
                     f"{f['dcr']:.3f} ({f['dcr_holdout']:.3f}) | {f['seconds']:.1f} |")
    return "\n".join(lines) + "\n"


def reviews_report(args: argparse.Namespace) -> str:
    """Valid unique product reviews per second with the embedded model: one llama.cpp slot, then ``--slots``."""
    one = run_hfkit("product_reviews", args.reviews, MODEL, "review_text")
    many = run_hfkit("product_reviews", args.reviews, MODEL, "review_text", args.slots)
    ratio = many["valid_unique_per_s"] / one["valid_unique_per_s"] if one["valid_unique_per_s"] else float("nan")
    return "\n".join([
        "## Synthetic data: LLM review throughput", "",
        f"`bench/synth_bench.py --part reviews --reviews {args.reviews} --slots {args.slots}` on {today()}, {machine()}, "
        f"HFKIT_THREADS={__import__('os').environ.get('HFKIT_THREADS', 'default')}, model {MODEL} (embedded), "
        "product_reviews template (title + review text by the model, sentiment and topic checks, whole sentences). "
        "Both runs in one process, one after the other, on a shared machine.", "",
        "| run | records | valid | seconds | attempts | valid unique records/s |", "|---|---|---|---|---|---|",
        f"| 1 slot | {one['records']} | {one['valid_rate']:.0%} | {one['seconds']:.1f} | {one['attempts']} | "
        f"{one['valid_unique_per_s']:.3f} |",
        f"| {args.slots} slots | {many['records']} | {many['valid_rate']:.0%} | {many['seconds']:.1f} | "
        f"{many['attempts']} | {many['valid_unique_per_s']:.3f} |", "",
        f"Ratio {args.slots} slots / 1 slot: {ratio:.2f}x.", "",
    ])


def write_section(section: str, title: str = "Synthetic data") -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")


SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "testdata"


def schema_coverage(n: int) -> dict[str, Any]:
    """Per shared SchemaStore schema: did hfkit give exactly ``n`` records valid under the declared draft."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "synth"))
    from test_any_schema import declared_validator  # the test's validator: same draft, same $ref handling

    from hfkit.synth.api import SynthOptions, synth

    rows = {}
    for path in sorted((SHARED / "schemas" / "schemastore").glob("*.json")):
        started = time.perf_counter()
        try:
            records = synth(str(path), n, options=SynthOptions(seed=1, llm=None)).records
            check = declared_validator(path)
            ok = len(records) == n and all(check.is_valid(r) for r in records)
        except Exception as exc:
            print(path.name, exc, file=sys.stderr)
            ok = False
        rows[path.stem] = {"ok": ok, "seconds": time.perf_counter() - started, "baseline": baseline_ok(path, 10)}
        print(path.stem, rows[path.stem], file=sys.stderr, flush=True)
    return rows


def baseline_ok(path: Path, n: int) -> bool | None:
    """hypothesis-jsonschema's verdict (``n`` valid examples within 20 s), or None when it is not installed."""
    try:
        from hypothesis import HealthCheck, given, settings
        from hypothesis_jsonschema import from_schema
    except ImportError:
        return None
    schema = json.loads(path.read_text())
    seen: list[Any] = []

    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(from_schema(schema))
    def collect(value: Any) -> None:
        seen.append(value)

    import signal

    def give_up(*_: Any) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(20)
    try:
        collect()
    except (AttributeError, ImportError):  # hypothesis-jsonschema built for another hypothesis: no baseline
        return None
    except BaseException:  # any other failure or timeout of the baseline counts as no
        return False
    finally:
        signal.alarm(0)
    return len(seen) >= 1


def description_coverage() -> tuple[int, int]:
    import re as regex

    from hfkit.synth.sources import from_description

    cases = json.loads((SHARED / "synth" / "descriptions.json").read_text())
    hits = 0
    for case in cases:
        names = [k.lower() for k in from_description(case["description"]).schema.get("properties", {})]
        hits += all(any(regex.search(e, n) for n in names) for e in case["expect"])
    return hits, len(cases)


def customers_speed(n: int) -> dict[str, Any]:
    """``n`` sampled customers in a fresh process (warm: 100 first), timed, with that process's peak memory."""
    import subprocess

    code = (
        "import json, resource, time\n"
        "from hfkit.synth.api import SynthOptions, synth\n"
        "synth('customers', 100, options=SynthOptions(seed=2, llm=None))\n"
        "t = time.perf_counter()\n"
        f"synth('customers', {n}, options=SynthOptions(seed=1, llm=None))\n"
        "s = time.perf_counter() - t\n"
        "print(json.dumps({'seconds': s, 'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    return {"n": n, "seconds": figures["seconds"], "per_s": n / figures["seconds"], "peak_mb": figures["peak_mb"]}


def coverage(args: argparse.Namespace) -> None:
    speed = customers_speed(args.identity)
    print("customers", speed, file=sys.stderr, flush=True)
    hits, total = description_coverage()
    print("descriptions", hits, total, file=sys.stderr, flush=True)
    rows = schema_coverage(args.coverage_records)
    ours = sum(r["ok"] for r in rows.values())
    base = [r["baseline"] for r in rows.values() if r["baseline"] is not None]
    lines = ["## Synthetic data: coverage", "",
             f"`bench/synth_bench.py --coverage` on {today()}, {machine()}, no language model (shared machine, "
             "contended: timings are upper bounds).", "",
             f"- Shared SchemaStore schemas (../shared, 40 real schemas): **{ours}/{len(rows)}** gave exactly "
             f"{args.coverage_records} records valid under the schema's declared draft (jsonschema, formats checked)."
             + (f" hypothesis-jsonschema, same schemas: {sum(base)}/{len(base)} gave examples." if base else
                " hypothesis-jsonschema not installed or not compatible with the installed hypothesis: no baseline."),
             f"- Shared descriptions: **{hits}/{total}** turned into schemas with every expected field (`--llm none`).",
             f"- {speed['n']:,} sampled customers: {speed['per_s']:,.0f} records/s ({speed['seconds']:.1f} s), "
             f"peak memory {speed['peak_mb']:.0f} MB (process max RSS; targets >= 1,000 records/s, <= 500 MB).", "",
             "| schema | ok | seconds |", "|---|---|---|"]
    lines += [f"| {name} | {'yes' if r['ok'] else 'NO'} | {r['seconds']:.1f} |" for name, r in rows.items()]
    section = "\n".join(lines) + "\n"
    print(section)
    if not args.no_write:
        text = RESULTS.read_text(encoding="utf-8")
        pattern = re.compile(r"^## Synthetic data: coverage\n.*?(?=^## |\Z)", re.S | re.M)
        text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
        RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--coverage", action="store_true", help="schemas, descriptions and sampling speed only")
    parser.add_argument("--coverage-records", type=int, default=100)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--reviews", type=int, default=200)
    parser.add_argument("--identity", type=int, default=100_000)
    parser.add_argument("--per-prompt", type=int, default=10)
    parser.add_argument("--naive-records", type=int, default=50, help="records the naive method asks for in all")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--slots", type=int, default=4, help="llama.cpp slots (concurrent records) of the batched run")
    parser.add_argument("--part", choices=("records", "tables", "reviews"), default="records",
                        help="records: templates vs the naive method; tables: rows like the five sample tables; "
                             "reviews: LLM reviews/s on one slot against --slots slots, same run")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.part == "reviews":
        section = reviews_report(args)
        print(section)
        if not args.no_write:
            write_section(section, "Synthetic data: LLM review throughput")
        return
    if args.part == "tables":
        section = tables_report(tables_bench(args.seed), args.seed)
        print(section)
        if not args.no_write:
            write_section(section, "Synthetic data from a sample table")
        return
    if args.coverage:
        coverage(args)
        return
    runs = {
        "hfkit customers": lambda: run_hfkit("customers", args.customers, MODEL, None),
        "naive customers": lambda: run_naive("customers", args.naive_records, args.per_prompt),
        "hfkit reviews": lambda: run_hfkit("product_reviews", args.reviews, MODEL, "review_text"),
        f"hfkit reviews, {args.slots} llama.cpp slots": lambda: run_hfkit("product_reviews", args.reviews, MODEL,
                                                                          "review_text", args.slots),
        "naive reviews": lambda: run_naive("product_reviews", args.naive_records, args.per_prompt),
    }
    figures = {}
    for name, run in runs.items():
        figures[name] = run()
        print(name, json.dumps(figures[name]), file=sys.stderr, flush=True)
    section = report(args, figures, identity(args.identity))
    print(section)
    if not args.no_write:
        write_section(section)


if __name__ == "__main__":
    main()
