"""Hostile input to every ``hfkit`` command (issue 10): each case must exit non-zero with exactly one 'Error:' line
that names the problem (never 'unexpected', never a traceback), leave no partial file, checkpoint or empty output
folder behind, and stay under 2 GB of peak RSS and a minute of wall time.

The cases run in one child process (tests/fuzz/driver.py), so the imports are paid once: every case here fails before
a model loads, which is the point. A watchdog kills the child past 2 GB, so a regression cannot eat the machine.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
RSS_LIMIT_MB = 2048
WALL_LIMIT_S = 60
UNWRITABLE = "/proc/hfkit-fuzz-out"  # creating anything under /proc fails, even for root


@dataclass
class Case:
    """One hostile command line, what its error must say, and the paths it must not leave behind."""

    id: str
    argv: list[str]
    needle: str
    stdin: bytes = b""
    env: dict[str, str] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)


def _schema(**node: Any) -> str:
    return json.dumps({"type": "object", "properties": {"field": node}, "required": ["field"]})


FILES: dict[str, str | bytes] = {
    "min_len.json": _schema(type="string", minLength=3, maxLength=2),
    "min_max.json": _schema(type="integer", minimum=10, maximum=1),
    "min_items.json": _schema(type="array", items={"type": "string"}, minItems=5, maxItems=2),
    "empty_enum.json": _schema(enum=[]),
    "const_type.json": _schema(type="string", const=5),
    "ref_loop.json": json.dumps({"type": "object", "properties": {"me": {"$ref": "#"}}, "required": ["me"]}),
    "huge_min.json": _schema(type="string", minLength=100000),
    "deep.json": '{"type":"object","properties":{"a":' * 2000 + "{}" + "}}" * 2000,
    "latin1.json": b'{"type": "object", "description": "caf\xe9"}',
    "laughs.yaml": "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9 if p else ['lol'] * 9)}]\n"
                           for p, c in zip(["", *"abcdefgh"], "abcdefghi", strict=True)) + "tables: *i\n",
    "bad_config/config.json": '{"model_type": "llama", "hidden_size": ',
    "empty.txt": "",
    "latin1.txt": b"Alice: caf\xe9 at nine.\nBob: fine.\n",
    "meeting.txt": "Alice: We decided to ship on Friday.\nBob: I will write the notes by Thursday.\n",
    "latin1_messages.json": b'[{"role": "user", "content": "caf\xe9"}]',
    "a_file": "not a folder",
    "existing/minutes.md": "earlier minutes",
    "existing_tx/jfk.txt": "earlier transcript",
    "existing.gguf": "earlier model",
}
DIRS = ["a_dir", "a_dir.wav"]
LATIN1 = b"caf\xe9 \xff\xfe"


def _cases() -> list[Case]:
    jfk = str(EXAMPLES / "jfk.wav")
    gen = ["generate", "Say hi", "--json-schema"]
    return [
        # item 2: schemas that no value satisfies, refused before any grammar or model
        Case("generate-minLength>maxLength", [*gen, "min_len.json"], "'minLength' 3 is greater than 'maxLength' 2"),
        Case("generate-minimum>maximum", [*gen, "min_max.json"], "'minimum' 10 and 'maximum' 1"),
        Case("generate-minItems>maxItems", [*gen, "min_items.json"], "'minItems' 5 is greater than 'maxItems' 2"),
        Case("generate-empty-enum", [*gen, "empty_enum.json"], "'enum' lists no values at '#/properties/field'"),
        Case("generate-const-vs-type", [*gen, "const_type.json"], "'const'"),
        Case("generate-ref-loop", [*gen, "ref_loop.json"], "'$ref'"),
        Case("generate-minLength-100000", [*gen, "huge_min.json"], "repetitions a grammar can hold"),
        Case("generate-2000-levels", [*gen, "deep.json"], "nested"),
        Case("generate-schema-not-utf8", [*gen, "latin1.json"], "is not UTF-8"),
        Case("generate-schema-is-dir", [*gen, "a_dir"], "is a directory"),
        Case("synth-billion-laughs", ["synth", "laughs.yaml", "-o", "laughs_out"], "aliases", absent=["laughs_out"]),
        Case("synth-empty-enum", ["synth", "empty_enum.json", "--llm", "none", "-o", "enum.jsonl"], "'enum'",
             absent=["enum.jsonl", ".enum.jsonl.checkpoint"]),
        Case("synth-minimum>maximum", ["synth", "min_max.json", "--llm", "none", "-o", "mm.jsonl"], "'minimum'",
             absent=["mm.jsonl"]),
        Case("synth-minItems>maxItems", ["synth", "min_items.json", "--llm", "none", "-o", "mi.jsonl"], "'minItems'",
             absent=["mi.jsonl"]),
        Case("synth-minLength>maxLength", ["synth", "min_len.json", "-o", "ml.jsonl"], "'minLength'", absent=["ml.jsonl"]),
        # item 7: user mistakes that used to say "unexpected ... report it"
        Case("generate-stdin-not-utf8", ["generate", "-"], "Standard input is not UTF-8", stdin=LATIN1),
        Case("generate-max-tokens-huge", ["generate", "hi", "--max-tokens", "100000000000"], "max_tokens"),
        Case("generate-seed-1e23", ["generate", "hi", "--seed", str(10**23)], "seed"),
        Case("pipeline-stdin-not-utf8", ["pipeline", "ner", "-"], "Standard input is not UTF-8", stdin=LATIN1),
        Case("tokens-count-stdin-not-utf8", ["tokens", "count", "smollm2-135m-instruct", "-"], "not UTF-8", stdin=LATIN1),
        Case("tokens-template-not-utf8", ["tokens", "template", "smollm2-135m-instruct", "latin1_messages.json"],
             "is not UTF-8"),
        Case("synth-schema-not-utf8", ["synth", "latin1.json", "-o", "l1.jsonl"], "is not UTF-8", absent=["l1.jsonl"]),
        Case("minutes-transcript-not-utf8", ["minutes", "latin1.txt", "-o", "m_latin1"], "not UTF-8",
             absent=["m_latin1"]),
        Case("transcribe-language-xx", ["transcribe", jfk, "--language", "xx"], "'xx' is not a language"),
        Case("transcribe-language-close", ["transcribe", jfk, "--language", "germn"], "Did you mean 'de'"),
        Case("minutes-language-xx", ["minutes", "meeting.txt", "--language", "xx", "-o", "m_xx"], "'xx' is not a language",
             absent=["m_xx"]),
        Case("transcribe-cuda", ["transcribe", jfk, "--device", "cuda"], "no CUDA GPU"),
        Case("minutes-cuda", ["minutes", jfk, "--device", "cuda", "-o", "m_cuda"], "no CUDA GPU", absent=["m_cuda"]),
        Case("pipeline-cuda", ["pipeline", "ner", "Ann met Bob.", "--device", "cuda"], "no CUDA GPU"),
        Case("quantize-cuda", ["quantize", "smollm2-135m-instruct", "-t", "Q8_0", "-o", "q_cuda.gguf", "--device", "cuda"],
             "no CUDA GPU", absent=["q_cuda.gguf"]),
        Case("minutes-context-negative", ["minutes", "meeting.txt", "--engine", "llm", "--llm", "smollm2-135m-instruct",
                                          "--context-size", "-5", "-o", "m_ctx"], "context_size", absent=["m_ctx"]),
        Case("minutes-context-huge", ["minutes", "meeting.txt", "--engine", "llm", "--llm", "smollm2-135m-instruct",
                                      "--context-size", "10000000000", "-o", "m_ctx2"], "context_size", absent=["m_ctx2"]),
        Case("pipeline-size-negative", ["pipeline", "text-to-image", "a cat", "--size", "-1", "-o", "cat.png"], "size",
             absent=["cat.png"]),
        Case("pipeline-size-huge", ["pipeline", "text-to-image", "a cat", "--size", "100000", "-o", "cat2.png"], "size",
             absent=["cat2.png"]),
        Case("pipeline-max-tokens-huge", ["pipeline", "ner", "Ann", "--max-tokens", "10000000000"], "max_tokens"),
        Case("transcribe-output-unwritable", ["transcribe", jfk, "--format", "txt", "-o", UNWRITABLE], "not writable"),
        Case("transcribe-output-is-file", ["transcribe", jfk, "--format", "txt", "-o", "a_file"], "is a file"),
        Case("minutes-output-unwritable", ["minutes", "meeting.txt", "-o", UNWRITABLE], "not writable"),
        Case("minutes-output-is-file", ["minutes", "meeting.txt", "-o", "a_file"], "is a file"),
        Case("pipeline-output-unwritable", ["pipeline", "text-to-speech", "Hello", "-o", f"{UNWRITABLE}/x.wav"],
             "not writable"),
        Case("pipeline-output-is-dir", ["pipeline", "text-to-speech", "Hello", "-o", "a_dir.wav"], "is a directory"),
        Case("quantize-output-unwritable", ["quantize", "smollm2-135m-instruct", "-t", "Q8_0", "-o",
                                            f"{UNWRITABLE}/q.gguf"], "not writable"),
        Case("quantize-output-is-dir", ["quantize", "smollm2-135m-instruct", "-t", "Q8_0", "-o", "a_dir"],
             "is a directory"),
        Case("synth-output-is-dir", ["synth", "customers", "--llm", "none", "-o", "a_dir"], "is a directory"),
        Case("inspect-bad-config", ["inspect", "bad_config"], "is not valid JSON"),
        Case("memory-bad-config", ["memory", "bad_config"], "not a valid JSON"),
        Case("models-pull-traversal", ["models", "pull", "../../etc/passwd"], "'../../etc/passwd' is"),
        Case("models-pull-dotdot-id", ["models", "pull", "org/../../etc"], "is not a hub model id"),
        Case("cache-unwritable", ["models", "info", "gemma3-270m"], "cannot be written",
             env={"HFKIT_CACHE": f"{UNWRITABLE}/cache"}),
        # item 8: accepted or said wrongly
        Case("minutes-min>max-speakers", ["minutes", "meeting.txt", "--min-speakers", "5", "--max-speakers", "2", "-o",
                                          "m_spk"], "--min-speakers 5 is more than --max-speakers 2", absent=["m_spk"]),
        Case("minutes-speakers-outside-bounds", ["minutes", "meeting.txt", "--speakers", "4", "--max-speakers", "2",
                                                 "-o", "m_spk2"], "--speakers 4 is outside", absent=["m_spk2"]),
        Case("generate-empty-prompt", ["generate", ""], "The prompt is empty"),
        Case("generate-blank-prompt", ["generate", "  \n "], "The prompt is empty"),
        Case("tokens-compare-comma", ["tokens", "compare", ",", "hello"], "No tokenizers"),
        Case("quantize-existing-output", ["quantize", "smollm2-135m-instruct", "-t", "Q8_0", "-o", "existing.gguf"],
             "already exists"),
        Case("transcribe-existing-output", ["transcribe", jfk, "--format", "txt", "-o", "existing_tx"], "already exists"),
        Case("minutes-existing-output", ["minutes", "meeting.txt", "-o", "existing"], "already exists"),
        Case("tokens-template-missing", ["tokens", "template", "smollm2-135m-instruct", "nothere.json"], "does not exist"),
        Case("synth-source-is-dir", ["synth", "a_dir"], "is a directory"),
        Case("minutes-empty-transcript", ["minutes", "empty.txt", "-o", "m_empty"], "empty", absent=["m_empty"]),
        Case("transcribe-new-dir-removed", ["transcribe", jfk, "--language", "xx", "--format", "txt", "-o",
                                            "tx_new/deeper"], "'xx'", absent=["tx_new"]),
    ]


CASES = _cases()


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, Any], Path]]:
    """Every case run in one child process inside a fresh workspace."""
    work = tmp_path_factory.mktemp("hostile")
    for name, content in FILES.items():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
    for name in DIRS:
        (work / name).mkdir()
    before = {p.relative_to(work) for p in work.rglob("*")}
    payload = [{"argv": c.argv, "stdin": base64.b64encode(c.stdin).decode(), "env": c.env} for c in CASES]
    lines = _run_driver(work, json.dumps(payload))
    after = {p.relative_to(work) for p in work.rglob("*")}
    left = sorted(str(p) for p in after - before)
    assert not left, f"files left behind: {left}"
    return {case.id: (json.loads(line), work) for case, line in zip(CASES, lines, strict=True)}


def _run_driver(work: Path, payload: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "HFKIT_DEBUG": "", "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    child = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fuzz" / "driver.py")], cwd=work, env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed: list[str] = []
    threading.Thread(target=_watch, args=(child, killed), daemon=True).start()
    out, err = child.communicate(payload, timeout=WALL_LIMIT_S * len(CASES))
    assert not killed, killed[0]
    lines = [line for line in out.splitlines() if line.startswith("{")]
    assert len(lines) == len(CASES), f"the driver stopped after {len(lines)} of {len(CASES)} cases: {err[-3000:]}"
    return lines


def _watch(child: subprocess.Popen[str], killed: list[str]) -> None:
    """Kill the child if its resident memory passes the limit (the test then fails instead of the machine)."""
    status = Path(f"/proc/{child.pid}/status")
    while child.poll() is None:
        try:
            rss_kb = next(int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("VmRSS:"))
        except (OSError, StopIteration, ValueError):
            return
        if rss_kb / 1024 > RSS_LIMIT_MB:
            killed.append(f"the child passed {RSS_LIMIT_MB} MB of RSS")
            child.kill()
        time.sleep(0.05)


@pytest.mark.fast
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_is_one_clear_sentence(case: Case, results: dict[str, tuple[dict[str, Any], Path]]) -> None:
    result, work = results[case.id]
    err = result["stderr"]
    assert result["rc"] not in (0, -1), f"exit {result['rc']}: {err}"
    assert "Traceback" not in err and "unexpected" not in err.lower(), err
    errors = [line for line in err.splitlines() if "Error" in line]
    assert len(errors) == 1 and err.strip().startswith("Error: "), err
    assert case.needle in err, err
    assert result["seconds"] < WALL_LIMIT_S and result["peak_rss_mb"] < RSS_LIMIT_MB, result
    for name in case.absent:
        assert not (work / name).exists(), f"{name} was left behind"
