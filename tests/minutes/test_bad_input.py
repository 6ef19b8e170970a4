"""Bad input to ``hfkit minutes``: one sentence, non-zero exit, no traceback, no partial output."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import run_cli, write_wav


def _fails(args: list[str], out: Path, capsys: pytest.CaptureFixture[str], *needles: str) -> None:
    rc = run_cli(["minutes", *args, "-o", str(out)])
    err = capsys.readouterr().err
    assert rc != 0
    assert "Traceback" not in err
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    for needle in needles:
        assert needle in err
    assert not out.exists()


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fails([str(tmp_path / "nope.wav")], tmp_path / "out", capsys, "does not exist")


def test_wrong_json_shape_names_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "t.json"
    bad.write_text(json.dumps({"segments": [{"start": 0, "end": 1}]}))
    _fails([str(bad)], tmp_path / "out", capsys, "no 'text' field")


def test_invalid_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "t.json"
    bad.write_text("{oops")
    _fails([str(bad)], tmp_path / "out", capsys, "not valid JSON")


@pytest.mark.parametrize(("args", "needle"), [
    (["--engine", "magic"], "grounded, llm"),
    (["--format", "pdf"], "md, json, html, docx"),
    (["--date", "next tuesday"], "YYYY-MM-DD"),
    (["--speaker-names", "Bob"], "LABEL=Name"),
    (["--engine", "llm", "--llm", "no-such-model"], "Unknown model"),
])
def test_bad_options(args: list[str], needle: str, meeting_txt: Path, tmp_path: Path,
                     capsys: pytest.CaptureFixture[str]) -> None:
    _fails([str(meeting_txt), *args], tmp_path / "out", capsys, needle)


def test_undecodable_audio(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.wav"
    bad.write_bytes(b"RIFF not really a wav file" * 10)
    _fails([str(bad)], tmp_path / "out", capsys, "could not be decoded")


def test_silence_says_no_speech(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    silent = write_wav(tmp_path / "silent.wav", np.zeros(16000 * 3, dtype=np.float32))
    out = tmp_path / "out"
    rc = run_cli(["minutes", str(silent), "-o", str(out)])
    captured = capsys.readouterr()
    assert rc == 0
    assert "No speech was found" in (out / "minutes.md").read_text()
    data = json.loads((out / "minutes.json").read_text())
    assert data["no_speech"] is True and data["action_items"] == [] and data["decisions"] == []
    assert "No speech found" in captured.err
