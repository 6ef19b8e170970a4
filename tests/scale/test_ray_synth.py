"""Synth in shards on a real Ray cluster gives the single-process records, byte for byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import hfkit
from hfkit.scale import ScaleOptions
from hfkit.synth.api import SynthOptions

HERE = Path(__file__).parent
LOTS = HERE / "lots.schema.json"  # a unique code among 50,000: 40,000 records need thousands of replacements


def _write(tmp: Path, name: str, **kwargs: object) -> bytes:
    out = tmp / name
    hfkit.synth(str(LOTS), 40_000, options=SynthOptions(seed=7, llm=None), output=out, **kwargs)  # type: ignore[arg-type]
    return out.read_bytes()


@pytest.mark.slow
def test_forty_thousand_records_in_four_shards_equal_one_process(ray_cluster: str, tmp_path: Path) -> None:
    single = _write(tmp_path, "single.jsonl")
    sharded = _write(tmp_path, "ray.jsonl", scale=ScaleOptions(ray=True, workers=4, shard_size=10_000))
    assert sharded == single
    lines = single.splitlines()
    assert len(lines) == 40_000 and len(set(lines)) == 40_000
    report = (tmp_path / "ray.report.json").read_text()
    assert '"unique_field": 0' not in report  # shards really collided and were deduplicated across each other


def test_text_records_with_near_duplicate_checks_equal_one_process(ray_cluster: str) -> None:
    options = SynthOptions(seed=2, llm=None)
    single = hfkit.synth("support_tickets", 1500, options=options)
    sharded = hfkit.synth("support_tickets", 1500, options=options, scale=ScaleOptions(ray=True, workers=3, shard_size=200))
    assert sharded.dumps("jsonl") == single.dumps("jsonl")
    assert sharded.report["attempts"] == single.report["attempts"]
    assert sharded.report["duplicates_removed"] == single.report["duplicates_removed"]


def test_cli_synth_on_the_cluster_and_without_ray_never_imports_it(ray_cluster: str, tmp_path: Path) -> None:
    code = ("import sys; from hfkit.cli.main import main; rc = main(sys.argv[1:]); "
            "print('RAY-IMPORTED' if 'ray' in sys.modules else 'NO-RAY'); sys.exit(rc)")
    base = [sys.executable, "-c", code, "synth", "customers", "-n", "300", "--llm", "none", "--seed", "5"]
    plain = subprocess.run([*base, "-o", str(tmp_path / "plain.csv")], capture_output=True, text=True, timeout=300)
    assert plain.returncode == 0, plain.stderr
    assert "NO-RAY" in plain.stdout
    on_ray = subprocess.run([*base, "-o", str(tmp_path / "ray.csv"), "--ray", "--ray-address", ray_cluster],
                            capture_output=True, text=True, timeout=300)
    assert on_ray.returncode == 0, on_ray.stderr
    assert "RAY-IMPORTED" in on_ray.stdout and "Traceback" not in on_ray.stderr
    assert (tmp_path / "ray.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()
