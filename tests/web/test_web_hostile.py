"""The web app under hostile input: no text field is opened as a file, no model outside the offered list runs.

Every text field of every endpoint gets the paths of /etc/passwd, /proc/self/environ and a canary JSON file
(valid as chat messages, as a JSON schema and as QA context); whatever comes back (outputs or the error message)
must hold none of their contents.
"""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CANARY = f"CANARY-{uuid.uuid4().hex[:12]}"
CHAT = "smollm2-135m-instruct"
NO_MODEL = "none (sample every field)"


@pytest.fixture(scope="module")
def canary_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file that would leak CANARY if read as messages, a schema, a context or a transcript."""
    path = tmp_path_factory.mktemp("secret") / "secret.json"
    path.write_text(
        json.dumps(
            {
                "messages": [{"role": "user", "content": f"The password is {CANARY}"}],
                "title": CANARY,
                "type": "object",
                "required": [CANARY],
                "properties": {CANARY: {"type": "string", "const": CANARY}},
            }
        )
    )
    return path


def secrets_in(text: str) -> list[str]:
    """Contents of the probed files that appear in ``text``."""
    found = [CANARY] if CANARY in text else []
    if "root:x:0:0" in text or "/bin/bash\n" in text:
        found.append("/etc/passwd")
    environ = Path("/proc/self/environ").read_bytes().decode(errors="replace").split("\0")
    found += [entry for entry in environ if "=" in entry and len(entry.split("=", 1)[1]) >= 12 and entry in text]
    return found


def call(client: Any, api_name: str, args: tuple[Any, ...]) -> str:
    """The endpoint's outputs, or its error message, as one string."""
    from gradio_client.exceptions import AppError

    try:
        return json.dumps(client.predict(*args, api_name=api_name), default=str)
    except AppError as exc:
        assert "Traceback" not in str(exc)
        return str(exc)


# endpoint -> (default arguments, {text field name: index}); every text input of the app is listed
ENDPOINTS: dict[str, tuple[tuple[Any, ...], dict[str, int]]] = {
    "/chat": (("Hello", [], CHAT, "Be brief.", 0.0, 4, False, '{"type": "object"}'), {"message": 0, "model": 2, "system": 3}),
    "/chat#json": (("Hello", [], CHAT, "Be brief.", 0.0, 8, True, '{"type": "object"}'), {"schema": 7}),
    "/minutes": (
        (None, None, "Ann: We ship on Friday.", "Sync", "2026-11-27", "grounded", "", False, 0),
        {"pasted": 2, "title": 3, "date": 4},
    ),
    "/minutes#llm": ((None, None, "Ann: We ship on Friday.", "Sync", "2026-11-27", "llm", CHAT, False, 0), {"llm": 6}),
    "/synth_schema": (("", "customers"), {"description": 0, "template": 1}),
    "/synth_preview": (("", "orders", "", 0, NO_MODEL), {"description": 0, "schema": 2, "model": 4}),
    "/synth_preview#description": (("people", "(from the description)", "", 0, NO_MODEL), {"description2": 0}),
    "/pipeline": (("ner", "(task default)", "Ann lives in Paris.", "", "", "", "", None), {"task": 0, "model": 1, "text": 2}),
    "/pipeline#qa": (("question-answering", CHAT, "What is the password?", "Ann came.", "", "", "", None), {"context": 3}),
    "/pipeline#zero-shot": (("zero-shot-classification", "(task default)", "Goal!", "", "sports, food", "", "", None), {"labels": 4}),
    "/pipeline#translation": (("translation", CHAT, "Hello", "", "", "en", "fr", None), {"src": 5, "tgt": 6}),
    "/tokenize": (([CHAT], "Text", "Hello", "[]", True), {"text": 2}),
    "/tokenize#messages": (([CHAT], "Chat messages", "", '[{"role": "user", "content": "Hi"}]', True), {"messages": 3}),
    "/memory": (("all-minilm-l6-v2", False), {"reference": 0}),
}
CASES = [(endpoint, field) for endpoint, (_, fields) in ENDPOINTS.items() for field in fields]


@pytest.mark.parametrize(("endpoint", "field"), CASES, ids=[f"{e}:{f}" for e, f in CASES])
def test_no_text_field_is_read_as_a_file(client: Any, canary_file: Path, endpoint: str, field: str) -> None:
    defaults, fields = ENDPOINTS[endpoint]
    for probe in ("/etc/passwd", "/proc/self/environ", str(canary_file)):
        args = list(defaults)
        args[fields[field]] = probe
        shown = call(client, endpoint.split("#")[0], tuple(args))
        assert secrets_in(shown) == [], f"{endpoint} field {field} = {probe} leaked: {shown[:300]}"


def test_tokenizer_pick_and_transcribe_fields_read_no_files(client: Any, canary_file: Path, shared_testdata: Path) -> None:
    from gradio_client import handle_file

    jfk = handle_file(str(shared_testdata / "audio" / "jfk.wav"))
    for probe in ("/etc/passwd", "/proc/self/environ", str(canary_file), str(canary_file.parent)):
        shown = call(client, "/tokenize", ([probe], "Text", "Hello", "[]", True))
        assert "is not offered by this web app" in shown and secrets_in(shown) == []
        shown = call(client, "/transcribe", (jfk, probe, ""))
        assert "is not offered by this web app" in shown and secrets_in(shown) == []
    shown = call(client, "/transcribe", (jfk, "whisper-tiny.en", "/etc/passwd"))
    assert secrets_in(shown) == []


def test_a_path_given_as_an_upload_must_be_an_upload(client: Any, canary_file: Path) -> None:
    """An API caller that sends a server path where a file upload belongs gets a refusal, not the file."""
    from gradio_client import handle_file

    for probe in (str(canary_file), "/etc/passwd"):
        shown = call(client, "/minutes", (None, handle_file(probe), "", "", "", "grounded", "", False, 0))
        assert secrets_in(shown) == []


@pytest.fixture
def openai_sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], int]]:
    """OPENAI_BASE_URL pointed at a local socket that counts connections: a refused model must never reach it."""
    sink = socket.socket()
    sink.bind(("127.0.0.1", 0))
    sink.listen(8)
    sink.settimeout(0.2)
    connections: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connections.append(sink.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{sink.getsockname()[1]}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-server-secret")
    yield lambda: len(connections)
    stop.set()
    thread.join(timeout=2)
    sink.close()
    for connection in connections:
        connection.close()


REFUSED = [
    ("/chat", ("Hello", [], "openai:gpt-4o", "", 0.0, 4, False, "{}"), "The model 'openai:gpt-4o'"),
    ("/minutes", (None, None, "Ann: We ship on Friday.", "", "", "llm", "openai:gpt-4o", False, 0), "The chat model 'openai:gpt-4o'"),
    ("/synth_preview", ("", "orders", "", 0, "openai:gpt-4o"), "The model 'openai:gpt-4o'"),
    ("/pipeline", ("summarization", "openai:gpt-4o", "A long text.", "", "", "", "", None), "The model 'openai:gpt-4o'"),
    ("/pipeline", ("ner", "dslim/bert-base-NER", "Ann lives in Paris.", "", "", "", "", None), "The model 'dslim/bert-base-NER'"),
    ("/tokenize", (["Qwen/Qwen2.5-0.5B-Instruct"], "Text", "Hello", "[]", True), "The tokenizer 'Qwen/Qwen2.5-0.5B-Instruct'"),
    ("/memory", ("openai-community/gpt2", False), "The model 'openai-community/gpt2'"),
]


@pytest.mark.parametrize(("endpoint", "args", "sentence"), REFUSED, ids=[f"{e}:{i}" for i, (e, _, _) in enumerate(REFUSED)])
def test_models_outside_the_offered_list_are_refused_in_one_sentence(
    client: Any, openai_sink: Callable[[], int], endpoint: str, args: tuple[Any, ...], sentence: str
) -> None:
    shown = call(client, endpoint, args)
    assert f"{sentence} is not offered by this web app; pick one from the list." in shown, shown
    assert "sk-server-secret" not in shown
    assert openai_sink() == 0, "a refused model must not reach OPENAI_BASE_URL"


@pytest.mark.fast
def test_model_policy_offers_embedded_and_allowed_models_only() -> None:
    from hfkit.web.policy import ModelPolicy, ModelRefusedError

    policy = ModelPolicy(("openai:gpt-4o-mini", "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"))
    assert policy.choices("chat")[:1] == ["smollm2-135m-instruct"]
    assert policy.choices("chat")[-2:] == ["openai:gpt-4o-mini", "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M"]
    assert "whisper-tiny.en" in policy.choices("asr") and "whisper-tiny.en" not in policy.choices("chat")
    assert policy.check(" openai:gpt-4o-mini ") == "openai:gpt-4o-mini"
    assert policy.check("whisper-tiny.en") == "whisper-tiny.en"
    for refused in ("openai:gpt-4o", "/etc/passwd", "gpt2", "", "../models/x.gguf"):
        with pytest.raises(ModelRefusedError, match="is not offered by this web app"):
            policy.check(refused)


@pytest.mark.fast
def test_allow_model_flag_reaches_the_options() -> None:
    from hfkit.cli.web import options_from_cli

    options = options_from_cli("127.0.0.1", 7860, None, False, "2GB", 2, ["openai:gpt-4o-mini", " ", "a/b"])
    assert options.allowed_models == ("openai:gpt-4o-mini", "a/b")
