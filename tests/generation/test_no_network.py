"""No network by default: real commands run in a child process that records every connection it attempts.

Two observers: an audit hook (``sys.addaudithook`` on ``socket.connect`` and ``socket.getaddrinfo``), installed by a
``sitecustomize`` put first on PYTHONPATH, sees every Python-level connect and name lookup; ``strace -f -e connect``
(where installed) also sees native code (onnxruntime, llama.cpp). Any connect to an address that is not loopback,
and any lookup of a name other than localhost, fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.slow

SITECUSTOMIZE = """
import os, sys

_LOG = os.environ["HFKIT_NET_LOG"]
_LOCAL = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "", None)
_LOOKUPS = ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo")


def _note(line):
    with open(_LOG, "a", encoding="utf-8") as handle:
        handle.write(line + "\\n")


def _hook(event, args):
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and not str(address[0]).startswith(("127.", "::1", "::ffff:127.")):
            _note(f"connect {address!r}")
    elif event in _LOOKUPS and args and args[0] not in _LOCAL and not str(args[0]).startswith("127."):
        _note(f"{event} {args[0]!r}")


sys.addaudithook(_hook)
"""
STRACE = shutil.which("strace")
REMOTE_CONNECT = re.compile(
    r'connect\(\d+, \{sa_family=AF_INET6?, [^}]*(?:inet_addr\("(?P<v4>[^"]+)"\)|'
    r'inet_pton\(AF_INET6, "(?P<v6>[^"]+)")'
)


def observed(tmp_path: Path, args: list[str]) -> tuple[list[str], dict[str, str]]:
    """The command line that runs ``hfkit ARGS`` observed, and its environment."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(ROOT / "src"), str(ROOT)]),
        "HFKIT_NET_LOG": str(tmp_path / "python-connects.log"),
    }
    for name in ("GRADIO_ANALYTICS_ENABLED", "HF_HUB_DISABLE_TELEMETRY", "HF_HUB_OFFLINE", "DO_NOT_TRACK"):
        env.pop(name, None)  # hfkit itself must switch telemetry off
    command = [sys.executable, "-m", "hfkit.cli.main", *args]
    if STRACE:
        command = [
            STRACE,
            "-f",
            "-qq",
            "-e",
            "trace=connect,sendto,sendmmsg",
            "-e",
            "signal=none",
            "-s",
            "80",
            "-o",
            str(tmp_path / "strace.log"),
            *command,
        ]
    return command, env


def attempts(tmp_path: Path) -> list[str]:
    """Every non-loopback connect or lookup the observers saw."""
    log = tmp_path / "python-connects.log"
    found = log.read_text().splitlines() if log.exists() else []
    trace = tmp_path / "strace.log"
    for line in trace.read_text().splitlines() if trace.exists() else []:
        match = REMOTE_CONNECT.search(line)
        address = match and (match.group("v4") or match.group("v6"))
        if address and not address.startswith(("127.", "::1", "::ffff:127.")):
            found.append(line.strip())
        elif found and ("sendto(" in line or "sendmmsg(" in line) and "htons(53)" not in line:
            found.append(line.strip()[:200])  # what was sent after a remote connect (a DNS query names the host)
    return found


def hfkit_pid(process: subprocess.Popen[str]) -> int:
    """The pid of the hfkit process itself (strace's child when it runs under strace)."""
    if not STRACE:
        return process.pid
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    return int(children[0]) if children else process.pid


def test_the_observers_see_a_connection(tmp_path: Path) -> None:
    """The harness catches an attempted connection (else the tests below could not fail)."""
    command, env = observed(tmp_path, [])
    probe = "import socket; s = socket.socket(); s.settimeout(0.2)\ntry: s.connect(('192.0.2.1', 80))\nexcept OSError: pass"
    command = [*command[: command.index("-m")], "-c", probe]
    subprocess.run(command, env=env, timeout=60, check=False)
    assert any("192.0.2.1" in line for line in attempts(tmp_path))


@pytest.mark.parametrize(
    "args",
    [
        ["transcribe", "{jfk}", "--output-dir", "{out}", "--format", "txt"],
        ["generate", "Say hi.", "--max-tokens", "4", "--seed", "1"],
        ["synth", "customer profiles for a bike shop", "-n", "5", "--llm", "none", "-o", "{out}/people.jsonl"],
    ],
    ids=["transcribe", "generate", "synth"],
)
def test_commands_attempt_no_outbound_connection(tmp_path: Path, shared_testdata: Path, args: list[str]) -> None:
    args = [a.format(jfk=shared_testdata / "audio" / "jfk.wav", out=tmp_path / "out") for a in args]
    command, env = observed(tmp_path, args)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert attempts(tmp_path) == []


def test_web_start_up_attempts_no_outbound_connection_and_ctrl_c_exits_130(tmp_path: Path) -> None:
    port = free_port()
    command, env = observed(tmp_path, ["web", "--port", str(port)])
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 300
        while time.time() < deadline and process.poll() is None:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                break
            except OSError:
                time.sleep(1)
        time.sleep(10)  # analytics and version checks run in threads shortly after start-up
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        os.kill(hfkit_pid(process), signal.SIGINT)  # the Python process, not strace around it
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert attempts(tmp_path) == []
