"""Fixtures of the web tests: the app served in process on a free port, a headless Debian chromium, artifacts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SHARED, free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = ROOT / "test-artifacts" / "web"


@dataclass
class RunningApp:
    url: str
    demo: Any
    workspace: Path
    allowed: Path  # models under this folder are on the app's --allow-model list (see ALLOWED_MODELS)


ALLOWED_MODELS = ("tiny-gpt2", "empty-folder")
ALLOWED_TOKENIZERS = (SHARED / "tokenizers" / "ggml-vocab-llama-bpe.gguf",)  # shared data, if present


@pytest.fixture(scope="session")
def web_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """``hfkit web`` built by ``build_app`` and served on 127.0.0.1 in this process."""
    pytest.importorskip("gradio")
    from hfkit.web.app import launch
    from hfkit.web.options import WebOptions

    allowed = tmp_path_factory.mktemp("allowed-models")
    options = WebOptions(port=free_port(), temp_dir=tmp_path_factory.mktemp("web"), concurrency_limit=2,
                         allowed_models=(*(str(allowed / name) for name in ALLOWED_MODELS),
                                         *(str(path) for path in ALLOWED_TOKENIZERS)))
    demo = launch(options, block=False)
    yield RunningApp(demo.local_url.rstrip("/"), demo, demo.hfkit_workspace.root, allowed)
    demo.close()
    demo.hfkit_workspace.cleanup()


@pytest.fixture(scope="session")
def client(web_app: RunningApp) -> Any:
    """A ``gradio_client.Client`` connected to the running app."""
    from gradio_client import Client

    return Client(web_app.url + "/", verbose=False, download_files=str(web_app.workspace.parent / "client"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian chromium driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("PLAYWRIGHT_BROWSERS_PATH", "0")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, web_app: RunningApp, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page on the app; its screenshot is saved under test-artifacts/web/<test>.png at the end."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(web_app.url + "/")
    page.wait_for_selector("button[role=tab]")
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def open_tab(page: Any, title: str) -> None:
    """Click the tab called ``title``."""
    page.get_by_role("tab", name=title).click()


def wait_for_text(page: Any, selector: str, text: str, timeout: float = 60_000) -> str:
    """Wait until the element's rendered text contains ``text``; return that text."""
    page.wait_for_function("([s, t]) => (document.querySelector(s)?.innerText || '').includes(t)", arg=[selector, text],
                           timeout=timeout)
    return str(page.locator(selector).inner_text())
