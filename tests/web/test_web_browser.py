"""The app in a real browser (headless Debian chromium via Playwright), as a user sees it; screenshots in
test-artifacts/web/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import ARTIFACTS, open_tab, wait_for_text

pytestmark = pytest.mark.slow  # a real browser and real models: about a minute together


def test_chat_one_turn(page: Any) -> None:
    open_tab(page, "Chat")
    page.locator("#chat-max-tokens input[type=number]").fill("12")
    page.locator("#chat-max-tokens input[type=number]").press("Enter")
    page.locator("#chat-message textarea").fill("What is the capital of France?")
    page.locator("#chat-send").click()
    bot = page.locator("#chat-history .bot").last
    bot.wait_for()
    page.wait_for_function("() => !document.querySelector('#chat-history .pending, #chat-history .generating')")
    assert "capital of France" in page.locator("#chat-history .user").first.inner_text()
    assert bot.inner_text().strip()


def test_chat_error_shows_a_message_not_a_traceback(page: Any) -> None:
    open_tab(page, "Chat")
    page.locator("#chat-model input").fill("no-such-model")
    page.locator("#chat-model input").press("Enter")
    page.locator("#chat-message textarea").fill("hello")
    page.locator("#chat-send").click()
    toast = page.locator(".toast-body").first
    toast.wait_for()
    text = toast.inner_text()
    assert "The model 'no-such-model' is not offered by this web app" in text
    assert "Traceback" not in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    toast.wait_for(state="visible")
    page.wait_for_timeout(1000)  # let the message finish sliding in
    page.screenshot(path=str(ARTIFACTS / "chat_error_message.png"))  # the viewport, where the message floats


def test_models_tab_lists_embedded_models(page: Any) -> None:
    open_tab(page, "Models")
    text = wait_for_text(page, "#models-embedded", "smollm2-135m-instruct")
    assert "whisper-tiny.en" in text and "MB" in text


def test_transcribe_jfk(page: Any, shared_testdata: Path) -> None:
    open_tab(page, "Transcribe")
    page.locator("#transcribe-audio input[type=file]").set_input_files(str(shared_testdata / "audio" / "jfk.wav"))
    wait_for_text(page, "#transcribe-audio", "0:11")  # the uploaded recording's length, shown under its waveform
    page.locator("#transcribe-run").click()
    page.locator("#transcribe-files a[download='jfk.srt']").wait_for(timeout=120_000)
    assert "your country" in wait_for_text(page, "#transcribe-table", "ask not")
    with page.expect_download() as download:
        page.locator("#transcribe-files a[download='jfk.srt']").click()
    srt = Path(download.value.path()).read_text()
    assert srt.startswith("1\n00:00:00,000 --> ") and "your country" in srt
