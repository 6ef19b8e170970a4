"""Shared fixtures: the shared test data, a running ``hfkit serve`` on a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "testdata"


@pytest.fixture(scope="session")
def shared_testdata() -> Path:
    """../shared/testdata, or skip when this checkout has no ../shared."""
    if not SHARED.is_dir():
        pytest.skip("../shared/testdata is not present (only CI and developer machines have it)")
    return SHARED


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def openai_server() -> Iterator[str]:
    """A real ``hfkit serve`` (embedded SmolLM2 + whisper tiny.en) on 127.0.0.1; yields its /v1 base URL."""
    import uvicorn

    from hfkit.server.app import ServeOptions, create_app

    port = free_port()
    app = create_app(ServeOptions(port=port))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError("hfkit serve did not start")
    yield f"http://127.0.0.1:{port}/v1"
    server.should_exit = True
    thread.join(timeout=10)
