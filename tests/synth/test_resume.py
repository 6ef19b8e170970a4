"""``kill -9`` in the middle of a run, then ``--resume``: exactly the records of an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hfkit.synth.api import SynthOptions, synth
from hfkit.synth.checkpoint import checkpoint_path


def _start(args: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HFKIT_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-m", "hfkit.cli.main", "synth", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _kill_after_batches(proc: subprocess.Popen[bytes], checkpoint: Path, batches: int, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        if checkpoint.exists() and checkpoint.read_bytes().count(b"\n") >= batches + 1:
            break
        time.sleep(0.01)
    assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read() if proc.stderr else ''}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def _kill_and_resume(tmp_path: Path, args: list[str], out: Path, batches: int, timeout: float) -> list[dict]:
    _kill_after_batches(_start(args, tmp_path), checkpoint_path(out), batches, timeout)
    assert not out.exists() and checkpoint_path(out).exists()
    resumed = _start([*args, "--resume"], tmp_path)
    assert resumed.wait(timeout=timeout) == 0, resumed.stderr.read() if resumed.stderr else ""
    assert not checkpoint_path(out).exists()
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_kill_9_then_resume_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    out = tmp_path / "customers.jsonl"
    args = ["customers", "-n", "4000", "--llm", "none", "--seed", "5", "--batch-size", "100", "-o", str(out)]
    records = _kill_and_resume(tmp_path, args, out, batches=3, timeout=120)
    expected = synth("customers", 4000, options=SynthOptions(seed=5, llm=None)).records
    assert len(records) == 4000
    assert records == expected
    report = json.loads((tmp_path / "customers.report.json").read_text())
    assert report["delivered"] == 4000 and report["attempts"] >= 4000


@pytest.mark.slow
def test_kill_9_then_resume_with_language_model_fields(tmp_path: Path) -> None:
    out = tmp_path / "reviews.jsonl"
    args = ["product_reviews", "-n", "4", "--seed", "2", "--batch-size", "2", "-o", str(out)]
    records = _kill_and_resume(tmp_path, args, out, batches=1, timeout=600)
    expected = synth("product_reviews", 4, options=SynthOptions(seed=2, batch_size=2)).records
    assert records == expected


def test_ctrl_c_keeps_the_checkpoint_and_says_how_to_resume(tmp_path: Path) -> None:
    out = tmp_path / "big.jsonl"
    proc = _start(["customers", "-n", "500000", "--llm", "none", "--batch-size", "500", "-o", str(out)], tmp_path)
    deadline = time.time() + 120
    while time.time() < deadline and not (checkpoint_path(out).exists()
                                          and checkpoint_path(out).read_bytes().count(b"\n") >= 2):
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert "--resume" in err and "Traceback" not in err
    assert not out.exists() and checkpoint_path(out).exists()


def _default_sigint() -> None:
    """A child started from a shell that ignores SIGINT (a background job) would ignore Ctrl-C too."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(tmp_path: Path, after_start: float | None, after_checkpoint: float | None) -> tuple[int, str]:
    out = tmp_path / "reviews.jsonl"
    args = ["product_reviews", "-n", "20", "--seed", "4", "--batch-size", "2", "-o", str(out), "--overwrite"]
    proc = subprocess.Popen([sys.executable, "-m", "hfkit.cli.main", "synth", *args], cwd=tmp_path,
                            env={**os.environ, "HFKIT_THREADS": "1"}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=_default_sigint)
    if after_start is not None:
        time.sleep(after_start)
    else:
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None and not checkpoint_path(out).exists():
            time.sleep(0.01)
        time.sleep(after_checkpoint or 0.0)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=120)
    return code, proc.stderr.read().decode(errors="replace") if proc.stderr else ""


@pytest.mark.slow  # about 40 s: six runs of the embedded language model, each interrupted
@pytest.mark.parametrize(("after_start", "after_checkpoint"), [(1.0, None), (None, 0.0), (None, 0.2), (None, 0.5),
                                                               (None, 0.9), (None, 1.4)])
def test_ctrl_c_while_the_language_model_loads_or_writes_exits_cleanly_with_130(
        tmp_path: Path, after_start: float | None, after_checkpoint: float | None) -> None:
    code, err = _interrupt(tmp_path, after_start, after_checkpoint)
    assert "FATAL" not in err and "Traceback" not in err, err
    # before the first checkpoint there is nothing to resume: the partial output is removed and the message says so;
    # a Ctrl-C while hfkit still imports (a second or more on a busy machine) says nothing was written
    early = ("partial output was removed" in err or "Interrupted before anything was written." in err)
    assert code == 130 and ("--resume" in err or (after_start is not None and early)), err
    assert len(err.strip().splitlines()) == 1, err
