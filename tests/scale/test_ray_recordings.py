"""Many recordings on a real Ray cluster: same minutes as one by one, a corrupt file recorded, a killed worker
retried by Ray, a killed driver resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

# four_speakers_overlap.wav is left out: whisper falls back to sampling on its overlapped speech, and its transcript
# differs from run to run even within one process (ctranslate2's sampling generator is not reset per recording).
SIX = ["jfk.flac", "jfk.wav", "stereo_diarization.wav", "two_speakers.wav", "hotwords.mp3", "multilingual.mp3"]


def _manifest(out: Path) -> list[dict[str, object]]:
    path = out / "manifest.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def _host_workers() -> list[int]:
    """Pids of the pool's worker processes on this test's cluster (descendants of this process: never another's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if cmdline.startswith("ray::_Host") and _descends_from(int(entry.name), os.getpid()):
                found.append(int(entry.name))
    return found


def _descends_from(pid: int, ancestor: int) -> bool:
    while pid > 1:
        try:
            pid = int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            return False
        if pid == ancestor:
            return True
    return False


def _kill_a_worker_once_one_is_done(out: Path, killed: list[int], stop: threading.Event) -> None:
    while not stop.is_set() and not _manifest(out):
        time.sleep(0.2)
    while not stop.is_set() and not killed:
        pids = _host_workers()
        if pids:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])
        time.sleep(0.2)


def test_minutes_of_six_recordings_match_one_by_one_despite_a_corrupt_file_and_a_killed_worker(
        ray_cluster: str, shared_testdata: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hfkit
    from hfkit.minutes.model import MinutesOptions
    from hfkit.scale import ScaleOptions, make_executor
    from hfkit.scale.batch import MinutesSettings, run_batch

    monkeypatch.setenv("HFKIT_THREADS", "1")  # like the Ray workers (one CPU each), so the numbers are computed alike
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in SIX:
        (inputs / name).symlink_to(shared_testdata / "audio" / name)
    (inputs / "corrupt.m4a").write_bytes(b"\x00\x00\x00\x18ftypM4A " + os.urandom(4000))
    options = MinutesOptions(diarize=False, date="2026-03-02", resume=False)
    out = tmp_path / "out"
    killed: list[int] = []
    stop = threading.Event()
    killer = threading.Thread(target=_kill_a_worker_once_one_is_done, args=(out, killed, stop), daemon=True)
    killer.start()
    executor = make_executor(ScaleOptions(ray=True, workers=2))
    try:
        files = sorted(inputs.iterdir())
        result = run_batch("minutes", files, out, MinutesSettings(options=options.model_dump()), executor)
    finally:
        stop.set()
        executor.close()
    assert killed, "no Ray worker was killed mid-run"
    lines = {Path(str(line["input"])).name: line for line in result.lines}
    assert lines["corrupt.m4a"]["status"] == "failed"
    assert "could not be decoded" in str(lines["corrupt.m4a"]["error"])
    assert (lines["jfk.flac"]["output_dir"], lines["jfk.wav"]["output_dir"]) == ("jfk", "jfk-2")  # same stem twice
    for name in SIX:
        line = lines[name]
        assert line["status"] == "ok", line
        folder = str(line["output_dir"])
        assert sorted(line["outputs"]) == sorted(f"{folder}/{f}" for f in  # type: ignore[arg-type]
                                                 ["minutes.md", "minutes.json", "transcript.json", "transcript.srt",
                                                  "transcript.vtt", "transcript.txt"])
        alone = hfkit.minutes(inputs / name, options=options)
        assert json.loads((out / folder / "minutes.json").read_text()) == json.loads(alone.to_json()), name
    assert [json.loads(t)["input"] for t in (out / "manifest.jsonl").read_text().splitlines()] == [
        str(p.resolve()) for p in files]  # one line per input, in input order


def test_killed_driver_resumes_and_skips_what_is_complete(ray_cluster: str, shared_testdata: Path,
                                                          tmp_path: Path) -> None:
    audio = shared_testdata / "audio"
    files = [str(audio / n) for n in ["jfk.wav", "hotwords.mp3", "stereo_diarization.wav", "two_speakers.wav"]]
    out = tmp_path / "out"
    command = [sys.executable, "-m", "hfkit.cli.main", "transcribe", *files, "-o", str(out), "--format", "txt,json",
               "--ray", "--ray-address", ray_cluster, "--ray-workers", "1", "--beam-size", "1"]
    driver = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and not _manifest(out) and driver.poll() is None:
        time.sleep(0.1)
    driver.kill()  # SIGKILL: no cleanup at all
    driver.wait()
    first = _manifest(out)
    assert first and len(first) < len(files), "the driver finished before it could be killed"
    kept = {str(line["input"]): (out / str(line["outputs"][0])).stat().st_mtime_ns for line in first}  # type: ignore[index]
    again = subprocess.run(command, capture_output=True, text=True, timeout=400)
    assert again.returncode == 0, again.stderr
    assert f"{len(first)} already complete (skipped)" in again.stderr
    final = _manifest(out)
    assert [line["status"] for line in final] == ["ok"] * len(files)
    for line in final:
        assert all((out / str(name)).stat().st_size > 0 for name in line["outputs"])  # type: ignore[attr-defined]
        if line["input"] in kept:  # finished before the kill: not made again
            assert (out / str(line["outputs"][0])).stat().st_mtime_ns == kept[str(line["input"])]  # type: ignore[index]
    assert "jfk" in {line["output_dir"] for line in final}
    assert "fellow americans" in (out / "jfk" / "jfk.txt").read_text().lower()
