"""Batches of recordings without Ray: a folder per recording, a manifest, failures recorded, reruns resume."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hfkit.scale.batch import Manifest, folder_names

NO_RAY = ("import sys; from hfkit.cli.main import main; rc = main(sys.argv[1:]); "
          "print('RAY-IMPORTED' if 'ray' in sys.modules else 'NO-RAY'); sys.exit(rc)")


@pytest.mark.fast
def test_manifest_resume_rules(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "a.txt").write_text("hello")
    ok = {"input": "/x/a.wav", "output_dir": "a", "settings": "s1", "status": "ok", "outputs": ["a/a.txt"]}
    failed = {"input": "/x/b.wav", "output_dir": "b", "settings": "s1", "status": "failed", "outputs": []}
    gone = {"input": "/x/c.wav", "output_dir": "c", "settings": "s1", "status": "ok", "outputs": ["c/c.txt"]}
    text = "".join(json.dumps(line) + "\n" for line in (ok, failed, gone)) + '{"input": "/x/d.w'  # cut by a kill
    (tmp_path / "manifest.jsonl").write_text(text)
    manifest = Manifest(tmp_path)
    assert manifest.complete("/x/a.wav", "s1")
    assert not manifest.complete("/x/a.wav", "s2")  # other settings: made again
    assert not manifest.complete("/x/b.wav", "s1")  # failed: tried again
    assert not manifest.complete("/x/c.wav", "s1")  # its file was deleted
    assert not manifest.complete("/x/d.wav", "s1")  # the cut line is ignored
    manifest.compact(["/x/c.wav", "/x/a.wav"])
    assert [json.loads(t)["input"] for t in (tmp_path / "manifest.jsonl").read_text().splitlines()] == [
        "/x/c.wav", "/x/a.wav", "/x/b.wav"]


@pytest.mark.fast
def test_repeated_stems_get_their_own_folders(tmp_path: Path) -> None:
    files = [tmp_path / "x" / "talk.wav", tmp_path / "y" / "talk.wav", tmp_path / "talk.mp3", tmp_path / "other.wav"]
    names = folder_names(files, Manifest(tmp_path))
    assert list(names.values()) == ["talk", "talk-2", "talk-3", "other"]


def test_cli_batch_records_a_corrupt_file_exits_non_zero_and_resumes(shared_testdata: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("jfk.wav", "hotwords.mp3"):
        (inputs / name).symlink_to(shared_testdata / "audio" / name)
    (inputs / "broken.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(200)))
    out = tmp_path / "out"
    command = [sys.executable, "-c", NO_RAY, "transcribe", str(inputs), "-o", str(out), "--format", "txt"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert first.returncode == 1 and "NO-RAY" in first.stdout
    assert "1 of 3 recordings failed" in first.stderr and "Traceback" not in first.stderr
    lines = {Path(line["input"]).name: line for line in map(json.loads, (out / "manifest.jsonl").read_text().splitlines())}
    assert lines["broken.wav"]["status"] == "failed" and "could not be decoded" in lines["broken.wav"]["error"]
    assert lines["jfk.wav"]["outputs"] == ["jfk/jfk.txt"] and lines["jfk.wav"]["seconds"] > 0
    assert "fellow americans" in (out / "jfk" / "jfk.txt").read_text().lower()
    before = (out / "jfk" / "jfk.txt").stat().st_mtime_ns
    (inputs / "broken.wav").unlink()
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "2 already complete (skipped)" in again.stderr
    assert (out / "jfk" / "jfk.txt").stat().st_mtime_ns == before
