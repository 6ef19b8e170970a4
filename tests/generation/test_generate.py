"""Text generation with the embedded GGUF models: streaming, seeds, JSON schema, base-model refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import hfkit
from hfkit.core.errors import SchemaError, UnsupportedModelError
from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions, Usage
from hfkit.generation.api import get_chat_model
from hfkit.generation.structured import generate_json, validation_errors
from tests.helpers import run_cli

PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 2, "maxLength": 40},
        "age": {"type": "integer", "minimum": 0, "maximum": 120},
        "city": {"type": "string", "enum": ["Berlin", "Paris", "Rome"]},
        "email": {"type": "string", "format": "email"},
    },
    "required": ["name", "age", "city"],
    "additionalProperties": False,
}


def test_tokens_stream_one_by_one_with_usage() -> None:
    usage = Usage()
    pieces = list(hfkit.generate("Write one sentence about the sea.", max_tokens=24, seed=1, usage=usage))
    assert len(pieces) > 3
    assert usage.completion_tokens == len(pieces) or usage.completion_tokens >= len(pieces) - 1
    assert usage.prompt_tokens > 5 and usage.finish_reason in ("stop", "length")


def test_same_seed_same_text() -> None:
    first = "".join(hfkit.generate("Name three fruits.", max_tokens=20, seed=7, temperature=0.9))
    second = "".join(hfkit.generate("Name three fruits.", max_tokens=20, seed=7, temperature=0.9))
    assert first == second and first.strip()


def test_chat_history_goes_through_the_chat_template() -> None:
    messages = [{"role": "system", "content": "You answer briefly."},
                {"role": "user", "content": "What colour is the sky on a clear day?"}]
    reply = "".join(hfkit.chat(messages, max_tokens=10, temperature=0))
    assert "sky" in reply.lower()
    assert "<|im_start|>" not in reply and "assistant" not in reply.lower()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_json_schema_output_always_parses_and_validates(seed: int) -> None:
    model = get_chat_model()
    request = ChatRequest(messages=[ChatMessage(role="user", content="Describe a person as JSON.")],
                          options=GenerationOptions(json_schema=PERSON, seed=seed, max_tokens=120, temperature=0.8))
    value = generate_json(model, request)
    assert validation_errors(PERSON, value) == []


@pytest.mark.fast
def test_base_model_is_refused_for_chat_with_the_reason() -> None:
    with pytest.raises(UnsupportedModelError, match="base model without a chat template"):
        hfkit.chat([{"role": "user", "content": "hi"}], model="gemma3-270m")


def test_base_model_completes_raw_text() -> None:
    text = "".join(hfkit.generate("1, 2, 3, 4, 5,", model="gemma3-270m", raw=True, max_tokens=8, temperature=0))
    assert text.split(",")[0].strip() == "6"


def test_cli_json_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "person.json"
    schema.write_text(json.dumps(PERSON))
    assert run_cli(["generate", "Describe a person.", "--json-schema", str(schema), "--seed", "3"]) == 0
    assert validation_errors(PERSON, json.loads(capsys.readouterr().out)) == []


def test_cli_invalid_schema_says_where(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "bad.json"
    schema.write_text(json.dumps({"type": "object", "properties": {"age": {"type": "int"}}}))
    assert run_cli(["generate", "x", "--json-schema", str(schema)]) == 2
    err = capsys.readouterr().err
    assert "not valid JSON Schema at 'properties/age/type'" in err and "Traceback" not in err
    schema.write_text("{not json")
    assert run_cli(["generate", "x", "--json-schema", str(schema)]) == 2
    assert "is not valid JSON (line 1" in capsys.readouterr().err


def test_schema_check_rejects_non_objects() -> None:
    from hfkit.generation.structured import check_schema

    with pytest.raises(SchemaError):
        check_schema([1, 2])


@pytest.mark.fast
def test_cli_base_model_chat_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["generate", "hello", "--model", "gemma3-270m"]) == 1
    err = capsys.readouterr().err
    assert "base model" in err and "--raw" in err


def test_context_too_small_names_the_size() -> None:
    from hfkit.backends.base import load_chat_model
    from hfkit.core.errors import ContextTooSmallError

    model = load_chat_model("smollm2-135m-instruct", context_size=256)
    request = ChatRequest(messages=[ChatMessage(role="user", content="word " * 600)])
    with pytest.raises(ContextTooSmallError, match="context holds 256"):
        list(model.complete(request))


def test_interactive_chat_keeps_history_and_streams() -> None:
    import subprocess
    import sys

    script = "My name is Ada.\n/reset\nhello\n/exit\n"
    proc = subprocess.run([sys.executable, "-m", "hfkit.cli.main", "chat", "--max-tokens", "12", "--seed", "1"],
                          input=script, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("you> ") == 4 and proc.stdout.count("bot> ") == 2
    assert "Chatting with smollm2-135m-instruct" in proc.stderr
