"""Ctrl-C and early exits around the embedded llama.cpp model: exit code 130, never a native crash or a hang.

llama.cpp streams from a native thread that calls back into Python once per token; an interpreter that shut down
while that thread was still running aborted with "FATAL: exception not rethrown", and a Ctrl-C just as the server
finished loading left its destructor waiting forever.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions

STORY = "Write a very long story about the sea."
STREAM_THREAD = "llama.cpp stream"


def _stream_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == STREAM_THREAD and t.is_alive()]


def test_a_stream_closed_early_waits_for_its_llama_cpp_thread() -> None:
    from hfkit.generation.api import get_chat_model

    model = get_chat_model()
    request = ChatRequest(messages=[ChatMessage(role="user", content=STORY)],
                          options=GenerationOptions(max_tokens=2000, seed=1))
    stream = model.complete(request)
    assert next(stream)
    assert _stream_threads()
    started = time.monotonic()
    stream.close()
    assert _stream_threads() == [] and time.monotonic() - started < 10
    short = ChatRequest(messages=[ChatMessage(role="user", content="Say hi.")], options=GenerationOptions(max_tokens=5))
    assert "".join(model.complete(short))


def test_ctrl_c_held_raises_the_interrupt_after_the_block() -> None:
    from hfkit.backends.xllamacpp import ctrl_c_held

    handler = signal.getsignal(signal.SIGINT)
    finished = False
    with pytest.raises(KeyboardInterrupt), ctrl_c_held():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        finished = True
    assert finished and signal.getsignal(signal.SIGINT) is handler


def _default_sigint() -> None:
    """A child started from a shell that ignores SIGINT (a background job) would ignore Ctrl-C too."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _python(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], env={**os.environ, "HFKIT_THREADS": "1"},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_default_sigint)


def _finished(proc: subprocess.Popen[bytes], timeout: float = 60) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"the run hung; stderr: {err.decode(errors='replace')}")
    return proc.returncode, err.decode(errors="replace")


def test_exiting_with_a_stream_still_open_is_clean() -> None:
    script = f"import hfkit\nstream = hfkit.generate({STORY!r}, max_tokens=2000)\nprint(next(stream), flush=True)\n"
    code, err = _finished(_python("-c", script), timeout=120)
    assert code == 0 and "FATAL" not in err and "Traceback" not in err, err


def _has_socket(pid: int) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:") for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:  # an fd closed while we looked
        return False


def _wait_until_loading(proc: subprocess.Popen[bytes]) -> None:
    """llama.cpp's server opens its local HTTP listener just before it loads the weights (about 0.5 s here)."""
    deadline = time.monotonic() + 120
    while proc.poll() is None and not _has_socket(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.005)


def _wait_until_replying(proc: subprocess.Popen[bytes], before_reply: bytes) -> None:
    """Read stdout until the first reply token after ``before_reply``."""
    assert proc.stdout is not None
    seen = b""
    while not _reply_started(seen, before_reply) and (byte := proc.stdout.read(1)):
        seen += byte


def _reply_started(seen: bytes, before_reply: bytes) -> bool:
    at = seen.find(before_reply)
    return at >= 0 and len(seen) > at + len(before_reply)


def _interrupt(proc: subprocess.Popen[bytes], stage: str, after: float, before_reply: bytes) -> tuple[int, str]:
    if stage == "loading":
        _wait_until_loading(proc)
    else:
        _wait_until_replying(proc, before_reply)
    time.sleep(after)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    return _finished(proc)


def _assert_clean_130(code: int, err: str) -> None:
    assert "FATAL" not in err and "Traceback" not in err, err
    assert code == 130 and "Interrupted" in err, (code, err)


LOADING = [("loading", after) for after in (0.0, 0.15, 0.3, 0.45, 0.6)]
REPLYING = [("replying", after) for after in (0.0, 0.05, 0.15, 0.3, 0.6)]


@pytest.mark.slow  # about 60 s: ten real runs of the embedded model, each interrupted
@pytest.mark.parametrize(("stage", "after"), LOADING + REPLYING)
def test_ctrl_c_in_hfkit_generate_exits_cleanly_with_130(stage: str, after: float) -> None:
    proc = _python("-m", "hfkit.cli.main", "generate", STORY, "--max-tokens", "2000")
    _assert_clean_130(*_interrupt(proc, stage, after, before_reply=b""))


@pytest.mark.slow  # about 30 s: five real chat sessions, each interrupted
@pytest.mark.parametrize(("stage", "after"), LOADING[1::2] + REPLYING[::2])
def test_ctrl_c_in_hfkit_chat_exits_cleanly_with_130(stage: str, after: float) -> None:
    proc = _python("-m", "hfkit.cli.main", "chat", "--max-tokens", "2000")
    assert proc.stdin is not None
    proc.stdin.write(f"{STORY}\n".encode())
    proc.stdin.flush()
    _assert_clean_130(*_interrupt(proc, stage, after, before_reply=b"bot> "))
