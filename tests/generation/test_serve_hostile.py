"""``hfkit serve`` under hostile requests: a real server process on 127.0.0.1 with the embedded SmolLM2.

Client mistakes are 400/413 in well under a second with an OpenAI-style JSON error and no server paths; the server's
peak RSS stays bounded; a client that leaves stops its reply; Ctrl-C exits 130; an unknown model refuses to start.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.slow
MESSAGES = [{"role": "user", "content": "hi"}]
LONG_SCHEMA = {"type": "array", "items": {"type": "integer"}, "minItems": 400}  # forces 800+ tokens


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def peak_rss_mb(self) -> float:
        """The server's peak resident memory so far (VmHWM)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmHWM")

    def running(self) -> int:
        return int(httpx.get(f"{self.url}/health", timeout=10).json()["replies_running"])


def hfkit_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "hfkit.cli.main", *args]


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            hfkit_command("serve", "--port", str(port), "--max-body", "1MB"), stdout=sink, stderr=subprocess.STDOUT, env=child_env()
        )
    running = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            running.running()
            break
        except httpx.HTTPError:
            assert process.poll() is None, log.read_text()
            time.sleep(0.5)
    assert chat(running, {"messages": MESSAGES, "max_tokens": 2})[0].status_code == 200  # the model is loaded
    yield running
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)


def chat(server: Server, body: Any = None, raw: bytes | None = None, **kwargs: Any) -> tuple[httpx.Response, float]:
    start = time.monotonic()
    content = raw if raw is not None else json.dumps(body).encode()
    reply = httpx.post(
        f"{server.url}/v1/chat/completions", content=content, headers={"content-type": "application/json"}, timeout=120, **kwargs
    )
    return reply, time.monotonic() - start


def schema_format(schema: Any) -> dict[str, Any]:
    return {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}


def chunks(total: int, size: int = 1 << 20) -> Iterator[bytes]:
    """A body sent without Content-Length (chunked), so the cap must count the bytes as they come."""
    yield b'{"messages": [{"role": "user", "content": "'
    for _ in range(total // size):
        yield b"x" * size
    yield b'"}]}'


HOSTILE: list[tuple[str, Any, int, str]] = [
    ("response_format a string", {"messages": MESSAGES, "response_format": "json"}, 400, "'response_format'"),
    ("deeply nested JSON", b"[" * 100_000 + b"]" * 100_000, 400, "nests deeper than"),
    ("nested messages", b'{"messages": ' + b"[" * 500 + b"]" * 500 + b"}", 400, "nests deeper than"),
    ("seed 1e23", {"messages": MESSAGES, "seed": 1e23}, 400, "seed must be a whole number"),
    (
        "$ref loop",
        {"messages": MESSAGES, "response_format": schema_format({"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"})},
        400,
        "requires itself again",
    ),
    ("empty messages", {"messages": []}, 400, "has no messages"),
    ("no messages", {"model": "smollm2-135m-instruct"}, 400, "has no 'messages'"),
    (
        "invalid regex",
        {"messages": MESSAGES, "response_format": schema_format({"type": "string", "pattern": "(("})},
        400,
        "is not a 'regex'",
    ),
    (
        "minLength > maxLength",
        {"messages": MESSAGES, "response_format": schema_format({"type": "string", "minLength": 3, "maxLength": 2})},
        400,
        "'minLength' 3 is greater than 'maxLength' 2",
    ),
    (
        "minItems > maxItems",
        {"messages": MESSAGES, "response_format": schema_format({"type": "array", "minItems": 5, "maxItems": 1})},
        400,
        "'minItems' 5 is greater than 'maxItems' 1",
    ),
    (
        "optional minLength > maxLength",
        {
            "messages": MESSAGES,
            "response_format": schema_format({"type": "object", "properties": {"s": {"type": "string", "minLength": 3, "maxLength": 2}}}),
        },
        400,
        "minLength 3 above maxLength 2 at '#/properties/s'",
    ),
    (
        "minLength beyond max_tokens",
        {"messages": MESSAGES, "max_tokens": 16, "response_format": schema_format({"type": "string", "minLength": 1000})},
        400,
        "more than the 16 tokens",
    ),
    ("max_tokens 131072", {"messages": MESSAGES, "max_tokens": 131072}, 400, "max_tokens 131072 is more than"),
    ("max_tokens 0", {"messages": MESSAGES, "max_tokens": 0}, 400, "'max_tokens'"),
    ("temperature 9", {"messages": MESSAGES, "temperature": 9}, 400, "'temperature'"),
    ("tool role", {"messages": [{"role": "tool", "content": "x"}]}, 400, "'messages.0.role'"),
    ("unknown model", {"model": "gpt-4o", "messages": MESSAGES}, 400, "not served here"),
    ("not JSON", b"\xff\xfe{", 400, "not JSON"),
    ("a JSON list", b"[1, 2]", 400, "must be a JSON object"),
    ("50 MB body", {"messages": [{"role": "user", "content": "x" * (50 << 20)}]}, 413, "larger than this server"),
    ("20 MB chunked body", "chunked", 413, "larger than this server"),
]


@pytest.mark.parametrize(("case", "body", "status", "needle"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_client_errors_are_quick_4xx_json_without_paths(server: Server, case: str, body: Any, status: int, needle: str) -> None:
    if body == "chunked":
        reply, seconds = _chunked(server)
    elif isinstance(body, bytes):
        reply, seconds = chat(server, raw=body)
    else:
        reply, seconds = chat(server, body)
    assert reply.status_code == status, reply.text[:300]
    error = reply.json()["error"]
    assert needle in error["message"] and error["code"] == status
    assert "/tmp" not in reply.text and str(ROOT) not in reply.text and "Traceback" not in reply.text
    assert seconds < 10, f"{case} took {seconds:.1f} s"


def _chunked(server: Server) -> tuple[httpx.Response, float]:
    start = time.monotonic()
    reply = httpx.post(
        f"{server.url}/v1/chat/completions", content=chunks(20 << 20), headers={"content-type": "application/json"}, timeout=120
    )
    return reply, time.monotonic() - start


def test_peak_memory_stays_bounded_under_the_hostile_requests(server: Server) -> None:
    reply, _ = chat(server, {"messages": MESSAGES, "max_tokens": 2, "seed": 1})
    assert reply.status_code == 200
    before = server.peak_rss_mb()  # model loaded, one reply made
    for _, body, _, _ in HOSTILE * 2:
        if body == "chunked":
            _chunked(server)
        else:
            chat(server, raw=body if isinstance(body, bytes) else json.dumps(body).encode())
    after = server.peak_rss_mb()
    print(f"serve peak RSS: {before:.0f} MB after one reply, {after:.0f} MB after {2 * len(HOSTILE)} hostile requests")
    assert after - before < 150 and after < 2048


def _wait_until_idle(server: Server, seconds: float) -> float:
    start = time.monotonic()
    while server.running() and time.monotonic() - start < seconds:
        time.sleep(0.25)
    return time.monotonic() - start


def test_a_dropped_stream_stops_its_reply_and_frees_the_model(server: Server) -> None:
    body = {
        "messages": [{"role": "user", "content": "List numbers."}],
        "max_tokens": 3000,
        "stream": True,
        "response_format": schema_format(LONG_SCHEMA),
    }
    with httpx.stream("POST", f"{server.url}/v1/chat/completions", json=body, timeout=120) as reply:
        events = 0
        for line in reply.iter_lines():
            events += line.startswith("data:")
            if events >= 4:
                break
    assert server.running() <= 1
    idle = _wait_until_idle(server, 30)
    print(f"dropped stream: model free {idle:.1f} s after the client left")
    assert idle < 30, "the abandoned reply kept running"
    reply, _ = chat(server, {"messages": MESSAGES, "max_tokens": 4})
    assert reply.status_code == 200
    assert "cannot join current thread" not in server.log.read_text()


def test_a_client_that_times_out_stops_its_non_streaming_reply(server: Server) -> None:
    body = {"messages": [{"role": "user", "content": "List numbers."}], "max_tokens": 3000, "response_format": schema_format(LONG_SCHEMA)}
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{server.url}/v1/chat/completions", json=body, timeout=4)
    idle = _wait_until_idle(server, 45)
    print(f"abandoned non-streaming reply: model free {idle:.1f} s after the client timed out")
    assert idle < 45, "the abandoned reply kept running"
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused")
    reply = client.chat.completions.create(model="smollm2-135m-instruct", messages=MESSAGES, max_tokens=4)  # type: ignore[arg-type]
    assert reply.choices[0].message.content


def test_the_openai_client_gets_bad_request_errors(server: Server) -> None:
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)
    with pytest.raises(openai.BadRequestError, match="'minLength' 3 is greater than 'maxLength' 2"):
        client.chat.completions.create(
            model="smollm2-135m-instruct",
            messages=MESSAGES,  # type: ignore[arg-type]
            response_format=schema_format({"type": "string", "minLength": 3, "maxLength": 2}),
        )  # type: ignore[arg-type]
    with pytest.raises(openai.BadRequestError, match="has no messages"):
        client.chat.completions.create(model="smollm2-135m-instruct", messages=[])


def test_ctrl_c_stops_the_server_with_exit_code_130(server: Server) -> None:
    """Last in this module: it stops the module's server."""
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=60) == 130


def test_serve_refuses_to_start_on_an_unknown_model() -> None:
    start = time.monotonic()
    result = subprocess.run(
        hfkit_command("serve", "-m", "nonexistent-llm", "--port", str(free_port())),
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(),
    )
    assert result.returncode != 0
    assert "Unknown model 'nonexistent-llm'" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "hfkit serve on" not in result.stdout
    assert time.monotonic() - start < 60
