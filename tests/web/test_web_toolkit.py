"""Pipelines and Tokenizers tabs: through gradio_client (fast) and in a real browser (slow)."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import ARTIFACTS, open_tab, wait_for_text

SEED = "My name is Barack Obama and I was president of the United States."
DEFAULT = "(task default)"


def pipe_args(task: str, text: str = "", model: str = DEFAULT, context: str = "", labels: str = "",
              audio: Any = None) -> tuple[Any, ...]:
    return (task, model, text, context, labels, "", "", audio)


def test_ner_on_the_seed_sentence(client: Any) -> None:
    _, entities, _, _, details = client.predict(*pipe_args("ner", SEED), api_name="/pipeline")
    found = {(e["text"], e["label"]) for e in details["data"]["entities"]}
    assert ("Barack Obama", "PERSON") in found
    assert any(label == "GPE" and "United States" in text for text, label in found)
    tagged = {t["token"]: t["class_or_confidence"] for t in entities}
    assert tagged["Barack Obama"] == "PERSON"


def test_sentiment_and_zero_shot(client: Any) -> None:
    answer, *_ = client.predict(*pipe_args("sentiment-analysis", "I love this wonderful phone."), api_name="/pipeline")
    assert answer == "POSITIVE"
    answer, *_, details = client.predict(*pipe_args("zero-shot-classification", "The striker scored twice tonight.",
                                                    labels="sports, politics, cooking"), api_name="/pipeline")
    assert answer == "sports" and details["data"]["labels"][0] == "sports"


def test_text_to_speech_gives_a_wav(client: Any) -> None:
    _, _, speech, _, details = client.predict(*pipe_args("text-to-speech", "Hello from hfkit."), api_name="/pipeline")
    with wave.open(speech, "rb") as handle:
        assert handle.getnframes() / handle.getframerate() > 0.5
    assert details["engine"] == "piper"


def test_speech_recognition_from_audio(client: Any, shared_testdata: Path) -> None:
    from gradio_client import handle_file

    answer, *_ = client.predict(*pipe_args("automatic-speech-recognition",
                                           audio=handle_file(str(shared_testdata / "audio" / "jfk.wav"))),
                                api_name="/pipeline")
    assert "ask not what your country can do for you" in answer.lower().replace(",", "")


@pytest.mark.parametrize(("args", "needle"), [
    (pipe_args("ner", "   "), "The input for 'ner' is empty."),
    (pipe_args("question-answering", "Who?"), "Question answering needs a context"),
    (pipe_args("automatic-speech-recognition"), "No recording was given."),
    (pipe_args("ner", SEED, model="no-such-model"), "The model 'no-such-model' is not offered by this web app"),
    (pipe_args("text-generation", "Hi", model="en-core-web-sm"), "cannot do 'text-generation'"),
])
def test_pipeline_errors_are_messages(client: Any, args: tuple[Any, ...], needle: str) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as info:
        client.predict(*args, api_name="/pipeline")
    assert needle in str(info.value) and "Traceback" not in str(info.value)


def test_compare_two_tokenizers(client: Any, shared_testdata: Path) -> None:
    llama = str(shared_testdata / "tokenizers" / "ggml-vocab-llama-bpe.gguf")
    shown, counts = client.predict(["smollm2-135m-instruct", llama], "Text", "Hello", "", True, api_name="/tokenize")
    rows = {row[0]: row for row in counts["data"]}
    assert rows[llama][1] == 128257 and rows[llama][2] == 1
    assert rows["smollm2-135m-instruct"][1] == 49152
    assert "<sub>9906</sub>" in shown  # Llama 3 encodes "Hello" as 9906


def test_chat_templates_render_and_say_where_they_come_from(client: Any) -> None:
    messages = '[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]'
    shown, counts = client.predict(["smollm2-135m-instruct", "gemma3-270m"], "Chat messages", "", messages, True,
                                   api_name="/tokenize")
    assert "&lt;|im_start|&gt;user" in shown
    assert "Template: gemma.jinja (the file carries none)" in shown  # the base model gets Gemma's template
    assert "Note: the template refuses the system role" in shown
    assert counts["data"][0][2] > 5


@pytest.mark.parametrize(("args", "needle"), [
    (([], "Text", "Hello", "", True), "No tokenizer was picked."),
    ((["smollm2-135m-instruct"], "Text", "  ", "", True), "The text is empty."),
    ((["smollm2-135m-instruct"], "Chat messages", "", "[{nope", True), "The messages are not valid JSON"),
    ((["/nowhere/tok.gguf"], "Text", "Hello", "", True), "The tokenizer '/nowhere/tok.gguf' is not offered"),
])
def test_tokenizer_errors_are_messages(client: Any, args: tuple[Any, ...], needle: str) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=needle.replace("(", r"\(").replace("[", r"\[")):
        client.predict(*args, api_name="/tokenize")


@pytest.mark.slow
def test_browser_ner_on_the_seed_sentence_then_question_answering(page: Any) -> None:
    open_tab(page, "Pipelines")
    page.locator("#pipelines-text textarea").fill(SEED)
    page.locator("#pipelines-run").click()
    shown = wait_for_text(page, "#pipelines-entities", "Barack Obama", timeout=120_000)
    assert "PERSON" in shown and "GPE" in shown
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pipelines_ner_seed_sentence.png"))
    page.locator("#pipelines-task input").click()
    page.get_by_role("option", name="question-answering", exact=True).click()
    page.get_by_label("Context (the answer is looked for here)").fill("Barack Obama was president of the United States.")
    assert not page.locator("#pipelines-entities").is_visible()
    assert page.locator("#pipelines-model input").input_value() == "smollm2-135m-instruct"
    page.locator("#pipelines-text textarea").fill("Who was president?")
    page.locator("#pipelines-run").click()
    wait_for_text(page, "#pipelines-details", "question-answering", timeout=120_000)
    assert "Obama" in page.locator("#pipelines-answer textarea").input_value()


@pytest.mark.slow
def test_browser_compare_two_tokenizers(page: Any) -> None:
    open_tab(page, "Tokenizers")
    page.locator("#tokenizers-text textarea").fill("Hello world")
    page.locator("#tokenizers-run").click()
    shown = wait_for_text(page, "#tokenizers-tokens", "gemma3-270m", timeout=120_000)
    assert "smollm2-135m-instruct" in shown and "19556" in shown and "9259" in shown
    assert "49152" in wait_for_text(page, "#tokenizers-counts", "262144")
