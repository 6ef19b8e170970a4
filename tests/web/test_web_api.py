"""The running app through ``gradio_client``: the same endpoints the browser uses, real models, real files."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import RunningApp

MODEL = "smollm2-135m-instruct"


def chat_args(message: str, *, model: str = MODEL, max_tokens: int = 12, json_mode: bool = False,
              schema: str = '{"type": "object"}') -> tuple[Any, ...]:
    return (message, [], model, "You are a helpful assistant.", 0.0, max_tokens, json_mode, schema)


def reply_text(history: list[dict[str, Any]]) -> str:
    content = history[-1]["content"]
    return content if isinstance(content, str) else "".join(part["text"] for part in content)


def test_chat_one_turn(client: Any) -> None:
    history, box = client.predict(*chat_args("What is the capital of France?"), api_name="/chat")
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert reply_text(history).strip()
    assert box == ""


@pytest.mark.slow  # grammar-constrained decoding on a busy CPU: ~30 s
def test_chat_json_mode_returns_json_valid_for_the_schema(client: Any) -> None:
    from hfkit.generation.structured import validation_errors

    schema = {"type": "object", "properties": {"name": {"type": "string", "maxLength": 8}}, "required": ["name"],
              "additionalProperties": False}
    history, _ = client.predict(*chat_args("Invent a person.", max_tokens=24, json_mode=True,
                                           schema=json.dumps(schema)), api_name="/chat")
    assert validation_errors(schema, json.loads(reply_text(history))) == []


@pytest.mark.parametrize(("args", "needle"), [
    (chat_args("   "), "The message is empty."),
    (chat_args("hi", model="no-such-model"), "The model 'no-such-model' is not offered by this web app"),
    (chat_args("hi", model="gemma3-270m"), "is a base model without a chat template"),
    (chat_args("hi", json_mode=True, schema="{nope"), "The JSON schema does not parse"),
    (chat_args("hi", json_mode=True, schema='{"type": 12}'), "is not valid JSON Schema"),
])
def test_chat_errors_are_messages(client: Any, args: tuple[Any, ...], needle: str) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as info:
        client.predict(*args, api_name="/chat")
    assert needle in str(info.value)
    assert "Traceback" not in str(info.value)


def test_models_lists_embedded_models_with_sizes(client: Any) -> None:
    embedded, cached = client.predict(api_name="/models")
    rows = {row[0]: row for row in embedded["data"]}
    assert {"whisper-tiny.en", "smollm2-135m-instruct", "all-minilm-l6-v2"} <= set(rows)
    assert rows["smollm2-135m-instruct"][3] == "yes"
    assert rows["smollm2-135m-instruct"][4].endswith("MB")
    assert cached["headers"] == ["repo", "size", "path"]


def test_transcribe_jfk_streams_rows_and_writes_files_in_the_app_folder(
        client: Any, web_app: RunningApp, shared_testdata: Path) -> None:
    from gradio_client import handle_file

    table, files = client.predict(handle_file(str(shared_testdata / "audio" / "jfk.wav")), "whisper-tiny.en", "",
                                  api_name="/transcribe")
    text = " ".join(row[3] for row in table["data"]).lower()
    assert "ask not what your country can do for you" in text.replace(",", "")
    assert sorted(Path(f).suffix for f in files) == [".json", ".srt", ".txt", ".vtt"]
    written = {p.name for p in (web_app.workspace / "jobs").rglob("jfk.*")}
    assert written == {"jfk.txt", "jfk.srt", "jfk.vtt", "jfk.json"}
    from hfkit.web.common import gradio_cache

    cached = list(gradio_cache().rglob("jfk.srt"))
    assert cached, "Gradio should serve outputs from the app's own temporary folder"


def test_transcribe_rejects_a_non_audio_upload(client: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    notes = tmp_path / "notes.txt"
    notes.write_text("not audio")
    with pytest.raises(AppError, match="not an accepted recording type"):
        client.predict(handle_file(str(notes)), "whisper-tiny.en", "", api_name="/transcribe")


@pytest.mark.slow
def test_twenty_concurrent_requests_all_complete(client: Any) -> None:
    """20 users at once: the queue runs them two at a time, every one finishes without an error."""
    prompts = [f"Say the number {i}." for i in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        jobs = [pool.submit(client.predict, *chat_args(p, max_tokens=4), api_name="/chat") for p in prompts]
        results = [job.result(timeout=600) for job in jobs]
    assert len(results) == 20
    for prompt, (history, _) in zip(prompts, results, strict=True):
        assert reply_text(history[:1]) == prompt
        assert history[-1]["role"] == "assistant" and reply_text(history).strip()


@pytest.mark.slow  # importing transformers and building the model takes ~20 s on a busy machine
def test_memory_table_of_a_tiny_transformers_model(client: Any, web_app: RunningApp) -> None:
    transformers = pytest.importorskip("transformers")
    config = transformers.GPT2Config(n_layer=2, n_head=2, n_embd=32, vocab_size=500, n_positions=64)
    transformers.GPT2LMHeadModel(config).save_pretrained(web_app.allowed / "tiny-gpt2")  # on the allow-list
    rows = client.predict(str(web_app.allowed / "tiny-gpt2"), False, api_name="/memory")["data"]
    by_dtype = {row[0]: row for row in rows}
    assert set(by_dtype) >= {"fp32", "bf16"}
    assert by_dtype["fp32"][1] == by_dtype["bf16"][1] != "0"
    fp32, bf16 = (float(by_dtype[d][2].split()[0]) for d in ("fp32", "bf16"))
    assert fp32 == pytest.approx(2 * bf16, rel=0.05)


def test_memory_table_errors_are_messages(client: Any, web_app: RunningApp, tmp_path: Path) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="No model was given"):
        client.predict("  ", True, api_name="/memory")
    (web_app.allowed / "empty-folder").mkdir(exist_ok=True)
    with pytest.raises(AppError, match=r"has no config\.json"):
        client.predict(str(web_app.allowed / "empty-folder"), True, api_name="/memory")
    with pytest.raises(AppError, match="is not offered by this web app"):
        client.predict(str(tmp_path), True, api_name="/memory")


def test_only_the_apps_own_files_are_served(web_app: RunningApp, tmp_path: Path) -> None:
    import httpx

    outside = tmp_path / "secret.txt"
    outside.write_text("not for the browser")
    for path in (str(outside), "/etc/passwd", str(Path(__file__))):
        reply = httpx.get(f"{web_app.url}/gradio_api/file={path}", timeout=10)
        assert reply.status_code in (403, 404), path
    inside = web_app.workspace / "jobs" / "check" / "ok.txt"
    inside.parent.mkdir(parents=True, exist_ok=True)
    inside.write_text("served")
    reply = httpx.get(f"{web_app.url}/gradio_api/file={inside}", timeout=10)
    assert (reply.status_code, reply.text) == (200, "served")


def test_a_second_app_in_the_process_leaves_the_first_working(client: Any, tmp_path: Path) -> None:
    """Gradio keeps one file cache per process; building another app must not move the running app's files."""
    import hfkit.web

    other = hfkit.web.build_app(hfkit.web.WebOptions(temp_dir=tmp_path))
    other.hfkit_workspace.cleanup()
    _, records, _, files = client.predict("", "customers", "", 3, "csv", 1, "none (sample every field)",
                                          api_name="/synth")
    assert len(records["data"]) == 3
    assert Path(files[0]).read_text().startswith("customer_id,")
