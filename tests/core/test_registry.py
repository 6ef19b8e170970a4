"""The model registry: embedded names, local paths, hub ids, openai: references and errors."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from hfkit.core import embedded as embedded_models
from hfkit.core.errors import HubUnavailableError, InputError, ModelNotFoundError
from hfkit.core.registry import EMBEDDED, resolve, resolve_local
from tests.helpers import run_cli


def test_embedded_names_resolve_to_existing_files() -> None:
    for name, fmt in [("whisper-tiny.en", "ct2"), ("smollm2-135m-instruct", "gguf"), ("all-minilm-l6-v2",
                      "sentence-transformers"), ("en-core-web-sm", "spacy"), ("piper-joe", "piper")]:
        model = resolve(name)
        assert model.format == fmt
        assert model.path is not None and model.path.exists()


def test_chat_template_decides_chat_capability() -> None:
    assert resolve("smollm2-135m-instruct").can("chat")
    gemma = resolve("gemma3-270m")
    assert gemma.can("completion") and not gemma.can("chat")


@pytest.mark.fast
def test_split_weights_are_assembled_once_and_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HFKIT_CACHE", str(tmp_path))
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(resolve("whisper-base").path)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    target = tmp_path / "models" / "whisper-base"
    assert set(results) == {target}
    assert (target / "model.bin").stat().st_size > 100_000_000
    assert {"config.json", "tokenizer.json"} <= {p.name for p in target.iterdir()}
    assert not [p for p in (tmp_path / "models").iterdir() if p.name.startswith(".")]
    mtime = (target / "model.bin").stat().st_mtime
    assert resolve("whisper-base").path == target
    assert (target / "model.bin").stat().st_mtime == mtime


@pytest.mark.fast
def test_gemma_assembly_checks_sha256(tmp_path: Path) -> None:
    parts = [tmp_path / "a", tmp_path / "b"]
    for p in parts:
        p.write_bytes(b"x" * 10)
    with pytest.raises(ModelNotFoundError, match="checksum"):
        embedded_models.assemble(tmp_path / "out.gguf", parts, sha256="0" * 64)
    assert not (tmp_path / "out.gguf").exists()


def test_unknown_name_suggests_closest() -> None:
    with pytest.raises(ModelNotFoundError) as info:
        resolve("whisper-tiny")
    assert "whisper-tiny.en" in str(info.value)


def test_missing_local_path() -> None:
    with pytest.raises(InputError, match="does not exist"):
        resolve("./no/such/model.gguf")


def test_local_paths_are_detected(tmp_path: Path) -> None:
    gguf_path = resolve("smollm2-135m-instruct").path
    assert resolve(str(gguf_path)).format == "gguf"
    assert resolve(str(resolve("whisper-tiny.en").path)).format == "ct2"
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama"}))
    assert resolve_local(tmp_path).format == "transformers"
    with pytest.raises(InputError, match="not a model"):
        resolve_local(tmp_path / "config.json")


@pytest.mark.fast
def test_hub_id_offline_names_model_and_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(HubUnavailableError) as info:
        resolve("Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M")
    assert "Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M" in info.value.message
    assert "hfkit models pull" in info.value.hint


@pytest.mark.fast
def test_hub_id_is_loaded_from_the_standard_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A model placed in the huggingface_hub cache layout resolves offline, without network."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    repo = tmp_path / "hub" / "models--acme--tiny-whisper"
    snapshot = repo / "snapshots" / ("a" * 40)
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40)
    source = resolve("whisper-tiny.en").path
    assert source is not None
    for f in ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt"):
        os.symlink(source / f, snapshot / f)
    model = resolve("acme/tiny-whisper")
    assert model.format == "ct2" and model.path == snapshot


def test_openai_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    model = resolve("openai:gpt-4o-mini", base_url="http://127.0.0.1:9/v1")
    assert model.format == "openai" and model.remote_id == "http://127.0.0.1:9/v1"
    with pytest.raises(InputError):
        resolve("openai:")


@pytest.mark.fast
def test_models_cli_list_and_info(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["models", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    names = {r["name"] for r in rows}
    assert set(EMBEDDED) <= names
    assert all(r["installed"] and r["size"] > 1_000_000 for r in rows if r["name"] in EMBEDDED)
    assert run_cli(["models", "info", "smollm2", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert Path(info["path"]).is_file() and info["format"] == "gguf"


@pytest.mark.fast
def test_models_cli_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["models", "info", "smollm3"]) == 1
    err = capsys.readouterr().err
    assert "Unknown model 'smollm3'" in err and "smollm2" in err and "Traceback" not in err


@pytest.mark.fast
def test_cli_usage_errors_are_one_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["transcrib"]) == 2
    err = capsys.readouterr().err
    assert "No such command 'transcrib'" in err and "transcribe" in err and "unexpected" not in err
    assert run_cli(["transcribe", "x.wav", "--beam-size", "0"]) == 2
    assert "--beam-size" in capsys.readouterr().err


def test_atomic_outputs_get_normal_permissions(tmp_path: Path) -> None:
    from hfkit.core.atomic import write_text

    target = tmp_path / "out.txt"
    old = os.umask(0o022)
    try:
        write_text(target, "hello")
    finally:
        os.umask(old)
    assert target.read_text() == "hello" and (target.stat().st_mode & 0o777) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_build_once_folders_get_normal_permissions(tmp_path: Path) -> None:
    from hfkit.core.atomic import build_once

    def build_in_the_staging_folder(staging: Path) -> Path:
        (staging / "model.bin").write_bytes(b"x")
        return staging

    old = os.umask(0o022)
    try:
        target = build_once(tmp_path / "models" / "tiny", build_in_the_staging_folder)
    finally:
        os.umask(old)
    assert (target.stat().st_mode & 0o777) == 0o755
    assert ((target / "model.bin").stat().st_mode & 0o777) == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["tiny", "tiny.lock"]
