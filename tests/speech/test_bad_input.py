"""Every bad input gets one sentence, a non-zero exit, no traceback and no partial output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import run_cli, write_wav


def _fails_cleanly(args: list[str], out: Path, capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    rc = run_cli([*args, "--format", "json,srt", "-o", str(out)])
    err = capsys.readouterr().err
    assert rc != 0
    assert "Traceback" not in err
    assert err.startswith("Error: ") and err.count("\n") == 1
    for needle in needles:
        assert needle in err
    assert not out.exists() or not any(out.iterdir())
    return err


def test_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fails_cleanly(["transcribe", str(tmp_path / "nope.wav")], tmp_path / "o", capsys, "does not exist")


def test_directory_without_audio(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "readme.txt").write_text("hi")
    _fails_cleanly(["transcribe", str(tmp_path / "d")], tmp_path / "o", capsys, "no audio or video files")


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty.wav").write_bytes(b"")
    _fails_cleanly(["transcribe", str(tmp_path / "empty.wav")], tmp_path / "o", capsys, "is empty")


def test_text_file_named_mp3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "song.mp3").write_text("this is not an mp3 file at all\n" * 50)
    _fails_cleanly(["transcribe", str(tmp_path / "song.mp3")], tmp_path / "o", capsys, "could not be decoded")


def test_truncated_audio(tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_testdata: Path) -> None:
    data = (shared_testdata / "audio" / "jfk.flac").read_bytes()
    (tmp_path / "cut.flac").write_bytes(data[:60])
    _fails_cleanly(["transcribe", str(tmp_path / "cut.flac")], tmp_path / "o", capsys, "cut.flac")


def test_unknown_model_lists_closest(tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_testdata: Path) -> None:
    err = _fails_cleanly(["transcribe", str(shared_testdata / "audio" / "jfk.wav"), "--model", "whisper-tiny.eng"],
                         tmp_path / "o", capsys, "Unknown model")
    assert "whisper-tiny.en" in err


def test_unknown_format(tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_testdata: Path) -> None:
    rc = run_cli(["transcribe", str(shared_testdata / "audio" / "jfk.wav"), "--format", "docx", "-o", str(tmp_path)])
    assert rc == 2 and "Unknown output format 'docx'" in capsys.readouterr().err


def test_debug_shows_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "HFKIT_DEBUG": "1"}
    proc = subprocess.run([sys.executable, "-m", "hfkit.cli.main", "transcribe", str(tmp_path / "x.wav")],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 2 and "Traceback" in proc.stderr and "does not exist" in proc.stderr


def test_ctrl_c_stops_cleanly_and_leaves_no_files(tmp_path: Path, shared_testdata: Path) -> None:
    from hfkit.core.audio import decode

    speech = decode(shared_testdata / "audio" / "jfk.wav")
    long_audio = write_wav(tmp_path / "long.wav", np.tile(speech, 30))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "hfkit.cli.main", "transcribe", str(long_audio), "--format",
                             "json,srt", "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.readline()  # the first segment is out: the job is running
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "Interrupted" in err and "Traceback" not in err
    assert not out.exists()  # the folder this run created is removed again (issue 10: no empty output folders)
    time.sleep(0.1)
