"""``hfkit web`` options and command line: bad values fail with one clear line; the real command serves the app."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from hfkit.cli.main import main
from hfkit.web.options import WebOptions, parse_auth, parse_size
from tests.conftest import free_port


@pytest.mark.parametrize(("spec", "size"), [("2GB", 2 * 1024**3), ("500mb", 500 * 1024**2), ("1048576", 1048576),
                                             ("1.5 kb", 1536)])
def test_parse_size(spec: str, size: int) -> None:
    assert parse_size(spec) == size


def test_parse_auth() -> None:
    assert parse_auth("alice:se:cret") == ("alice", "se:cret")
    assert parse_auth(None) is None


@pytest.mark.parametrize(("args", "needle"), [
    (["--auth", "alice"], "--auth 'alice' is not of the form user:password"),
    (["--auth", ":secret"], "is not of the form user:password"),
    (["--max-file-size", "12XB"], "'12XB' is not a file size"),
    (["--max-file-size", "0"], "'0' is not a file size"),
    (["--port", "70000"], "Port 70000 is out of range"),
])
def test_bad_options_fail_with_one_line(args: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["web", *args])
    err = capsys.readouterr().err
    assert rc == 2
    assert needle in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_launch_settings_default_to_local_and_private() -> None:
    from hfkit.web.app import launch_kwargs

    kwargs = launch_kwargs(WebOptions())
    assert (kwargs["server_name"], kwargs["server_port"], kwargs["share"], kwargs["auth"]) == (
        "127.0.0.1", 7860, False, None)
    assert kwargs["max_file_size"] == 2 * 1024**3
    assert launch_kwargs(WebOptions(share=True, auth=("a", "b")))["share"] is True


def test_options_reject_unknown_fields() -> None:
    with pytest.raises(ValueError, match="extra"):
        WebOptions(sharee=True)  # type: ignore[call-arg]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _wait_for(url: str, proc: subprocess.Popen[str], seconds: float = 120) -> int:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            return _get(url)
        except OSError:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else "hfkit web exited"
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def test_command_serves_app_behind_login() -> None:
    """The real ``hfkit web --auth`` process: the page needs a login, the login works, the upload cap is set."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hfkit.cli.main", "web", "--port", str(port), "--auth", "alice:secret",
         "--max-file-size", "10MB"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        status = _wait_for(base + "/config", proc)
        assert status == 401
        data = b"username=alice&password=secret"
        with urllib.request.urlopen(urllib.request.Request(base + "/login", data=data), timeout=10) as response:
            assert response.status == 200
            cookie = response.headers["set-cookie"].split(";")[0]
        request = urllib.request.Request(base + "/config", headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=10) as response:
            config = response.read().decode()
        assert '"max_file_size":10485760' in config.replace(" ", "")
        assert '"Chat"' in config and '"Models"' in config
        import httpx

        too_big, small = b"\0" * (11 * 1024 * 1024), b"RIFF"
        for payload, expected in ((too_big, 413), (small, 200)):
            reply = httpx.post(base + "/gradio_api/upload", files={"files": ("a.wav", payload)},
                               headers={"Cookie": cookie}, timeout=30)
            assert reply.status_code == expected, reply.text
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_build_app_has_every_tab_and_is_not_started(tmp_path: Path) -> None:
    import hfkit.web
    from hfkit.web.app import TABS

    demo = hfkit.web.build_app(hfkit.web.WebOptions(temp_dir=tmp_path))
    try:
        labels = {block.label for block in demo.blocks.values() if type(block).__name__ == "Tab"}
        assert labels == set(TABS)
        assert not demo.is_running  # built, not launched
        assert str(demo.hfkit_workspace.root).startswith(str(tmp_path))
    finally:
        demo.hfkit_workspace.cleanup()
