"""``hfkit serve`` with the official openai client, and hfkit's own openai: backends against it."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import openai
import pytest

from hfkit.backends.base import TranscribeOptions, load_chat_model, load_transcriber
from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions
from hfkit.generation.structured import generate_json, validation_errors
from tests.helpers import normalize, run_cli

SCHEMA = {"type": "object", "properties": {"colour": {"type": "string", "enum": ["red", "green", "blue"]},
                                           "count": {"type": "integer", "minimum": 1, "maximum": 9}},
          "required": ["colour", "count"], "additionalProperties": False}


@pytest.fixture(scope="module")
def client(openai_server: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=openai_server, api_key="unused")


def test_models_endpoint(client: openai.OpenAI) -> None:
    assert {m.id for m in client.models.list()} == {"smollm2-135m-instruct", "whisper-tiny.en"}


def test_chat_completion(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(model="smollm2-135m-instruct", max_tokens=16, seed=1,
                                           messages=[{"role": "user", "content": "Say hello."}])
    assert reply.choices[0].message.content
    assert reply.usage is not None and reply.usage.completion_tokens > 0


def test_streaming_chat(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(model="smollm2-135m-instruct", max_tokens=16, stream=True,
                                            messages=[{"role": "user", "content": "Count to five."}])
    chunks = [c.choices[0] for c in stream if c.choices]
    assert sum(1 for c in chunks if c.delta.content) > 3
    assert chunks[-1].finish_reason in ("stop", "length")


def test_json_schema_response_format(client: openai.OpenAI) -> None:
    for seed in (1, 2, 3):
        reply = client.chat.completions.create(
            model="smollm2-135m-instruct", max_tokens=60, seed=seed,
            messages=[{"role": "user", "content": "Pick a colour and a count."}],
            response_format={"type": "json_schema", "json_schema": {"name": "pick", "schema": SCHEMA}},
        )
        assert validation_errors(SCHEMA, json.loads(reply.choices[0].message.content or "")) == []


def test_unknown_model_is_a_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="not served here"):
        client.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "hi"}])


def test_audio_transcription(client: openai.OpenAI, shared_testdata: Path) -> None:
    with open(shared_testdata / "audio" / "jfk.wav", "rb") as audio:
        result = client.audio.transcriptions.create(model="whisper-tiny.en", file=audio, response_format="verbose_json",
                                                    timestamp_granularities=["word"])
    assert "ask not what your country can do for you" in normalize(result.text)
    assert result.words and result.words[0].start < 1.0


def test_hfkit_openai_chat_backend_against_the_server(openai_server: str) -> None:
    model = load_chat_model("openai:smollm2-135m-instruct", base_url=openai_server)
    text = "".join(model.complete(ChatRequest(messages=[ChatMessage(role="user", content="Say hi.")],
                                              options=GenerationOptions(max_tokens=12))))
    assert text.strip()
    request = ChatRequest(messages=[ChatMessage(role="user", content="Pick a colour and a count.")],
                          options=GenerationOptions(json_schema=SCHEMA, max_tokens=60, seed=2))
    assert validation_errors(SCHEMA, generate_json(model, request)) == []


def test_hfkit_openai_transcriber_against_the_server(openai_server: str, shared_testdata: Path) -> None:
    transcriber = load_transcriber("openai:whisper-tiny.en", base_url=openai_server)
    result = transcriber.transcribe(shared_testdata / "audio" / "jfk.wav", TranscribeOptions())
    segments = list(result)
    assert "fellow americans" in normalize(" ".join(s.text for s in segments))
    assert segments[0].words


def test_cli_transcribe_through_openai_backend(openai_server: str, shared_testdata: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    rc = run_cli(["transcribe", str(shared_testdata / "audio" / "jfk.wav"), "--model", "openai:whisper-tiny.en",
                  "--base-url", openai_server, "-o", str(tmp_path)])  # txt and srt by default, into tmp_path
    assert rc == 0 and "fellow Americans" in capsys.readouterr().out
    assert "fellow Americans" in (tmp_path / "jfk.txt").read_text()


def test_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert run_cli(["serve", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"Port {port} on 127.0.0.1 is already in use" in err and "--port" in err
