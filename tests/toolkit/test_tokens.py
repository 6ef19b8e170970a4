"""Tokenizers of five model families (shared GGUF vocabularies + the embedded Gemma 3), on known facts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hfkit.cli.main import main
from hfkit.core.errors import UnsupportedModelError
from hfkit.toolkit import tokens

CORPUS = [
    "Hello world",
    "naïve café, Zürich — 東京 и Москва; ½ ≠ ∞",
    "def add(a, b):\n    return a + b  # sum\n\n\tif x != 0: print(f'{x:>4}')",
    "emoji: 👋🏽 🚀✨ 👨‍👩‍👧 done",
    "  leading and trailing spaces  ",
]
FAMILIES = {
    "llama3": "ggml-vocab-llama-bpe.gguf",
    "phi3": "ggml-vocab-phi-3.gguf",
    "qwen2": "ggml-vocab-qwen2.gguf",
    "starcoder2": "ggml-vocab-starcoder.gguf",
}
# converting a GGUF vocabulary takes 5-90 s the first time (cached afterwards); Llama 3 runs by default
SLOW_FAMILIES = {"phi3", "qwen2", "starcoder2", "gemma3"}


def _reference(family: str, shared: Path) -> str:
    return "gemma3-270m" if family == "gemma3" else str(shared / "tokenizers" / FAMILIES[family])


@pytest.fixture(scope="module")
def llama3(shared_testdata: Path) -> str:
    return str(shared_testdata / "tokenizers" / FAMILIES["llama3"])


def test_llama3_encodes_hello_as_9906_after_begin_of_text(llama3: str) -> None:
    assert tokens.encode(llama3, "Hello") == [128000, 9906]  # as Llama 3's tokenizer.json adds it
    assert tokens.encode(llama3, "Hello", special=False) == [9906]
    assert tokens.decode(llama3, [128000, 9906]) == "<|begin_of_text|>Hello"
    assert tokens.decode(llama3, [128000, 9906], skip_special_tokens=True) == "Hello"
    assert tokens.batch_decode(llama3, [40, 2846, 6975]) == ["I", "'m", " learning"]


def test_llama31_template_renders_the_header_tokens(llama3: str, shared_testdata: Path) -> None:
    template = shared_testdata / "tokenizers" / "templates" / "meta-llama-Llama-3.1-8B-Instruct.jinja"
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    rendered = tokens.render_template(llama3, messages, True, template)
    assert rendered.startswith("<|begin_of_text|><|start_header_id|>system<|end_header_id|>")
    assert rendered.endswith("<|start_header_id|>assistant<|end_header_id|>\n\n")
    bare = tokens.render_template(llama3, messages, False, template)
    assert not bare.endswith("assistant<|end_header_id|>\n\n")


@pytest.mark.parametrize("family", [pytest.param(f, marks=pytest.mark.slow) if f in SLOW_FAMILIES else f
                                    for f in [*FAMILIES, "gemma3"]])
def test_decode_of_encode_gives_the_text_back(family: str, shared_testdata: Path) -> None:
    reference = _reference(family, shared_testdata)
    for text in CORPUS:
        ids = tokens.encode(reference, text, special=False)
        assert tokens.decode(reference, ids) == text, (family, text)
        assert tokens.decode(reference, tokens.encode(reference, text), skip_special_tokens=True) == text
    assert tokens.count(reference, CORPUS[0]) >= 2


def test_pieces_concatenate_to_the_text_for_byte_level_bpe(llama3: str) -> None:
    text = CORPUS[2]
    found = tokens.pieces(llama3, text)
    assert "".join(piece for _, piece in found) == text
    assert [i for i, _ in found] == tokens.encode(llama3, text, special=False)


def test_pieces_give_a_split_character_to_the_token_that_completes_it(llama3: str) -> None:
    found = tokens.pieces(llama3, CORPUS[3])
    assert "".join(piece for _, piece in found) == CORPUS[3]
    assert "\ufffd" not in "".join(piece for _, piece in found)
    assert len(found) > len(CORPUS[3].split())


@pytest.mark.parametrize("family", [pytest.param(f, marks=pytest.mark.slow) if f in SLOW_FAMILIES else f
                                    for f in [*FAMILIES, "gemma3"]])
def test_pieces_concatenate_to_the_text_in_every_family(family: str, shared_testdata: Path) -> None:
    reference = _reference(family, shared_testdata)
    for text in [*CORPUS, "Tokenizers split naïve text differently."]:
        found = tokens.pieces(reference, text)
        assert "".join(piece for _, piece in found) == text, (family, text)
        assert [i for i, _ in found] == tokens.encode(reference, text, special=False)


@pytest.mark.slow
def test_sentencepiece_pieces_keep_their_word_spaces(shared_testdata: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    phi3 = _reference("phi3", shared_testdata)
    text = "Tokenizers split naïve text differently."
    found = [piece for _, piece in tokens.pieces(phi3, text)]
    assert found == ["Token", "izers", " split", " na", "ï", "ve", " text", " differently", "."]
    assert main(["tokens", "pieces", phi3, text]) == 0
    assert capsys.readouterr().out.strip() == text
    assert main(["tokens", "compare", f"{phi3},gemma3-270m", text, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert ["".join(piece for _, piece in row["pieces"]) for row in rows] == [text, text]


def test_special_tokens_of_smollm2() -> None:
    special = tokens.special_tokens("smollm2")
    assert special["eos"] == ("<|im_end|>", 2)
    assert tokens.render_template("smollm2", [{"role": "user", "content": "Hi"}]).endswith("<|im_start|>assistant\n")


@pytest.mark.slow
def test_template_of_a_code_tokenizer_without_one_is_a_clear_error(shared_testdata: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    starcoder = _reference("starcoder2", shared_testdata)
    with pytest.raises(UnsupportedModelError, match="has no chat template"):
        tokens.render_template(starcoder, [{"role": "user", "content": "Hi"}])
    rc = main(["tokens", "template", starcoder, '[{"role": "user", "content": "Hi"}]'])
    err = capsys.readouterr().err
    assert rc == 1 and "has no chat template" in err and "--chat-template" in err


def test_cli_template_of_a_vocabulary_without_one_uses_the_packaged_template(
        llama3: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tokens", "template", llama3, '[{"role": "user", "content": "Hi"}]', "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["template"] == "llama3.jinja (the file carries none)"
    assert shown["rendered"].startswith("<|begin_of_text|><|start_header_id|>")
    assert shown["ids"][0] == 128000 and shown["ids"].count(128000) == 1  # the template writes BOS, once


def test_cli_encode_decode_and_compare(llama3: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tokens", "encode", llama3, "Hello"]) == 0
    assert capsys.readouterr().out.strip() == "128000 9906"
    assert main(["tokens", "encode", llama3, "Hello", "--no-special", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [9906]
    assert main(["tokens", "decode", llama3, "9906,1917"]) == 0
    assert capsys.readouterr().out.strip() == "Hello world"
    assert main(["tokens", "compare", f"{llama3},smollm2", "Hello world", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["count"] for r in rows] == [2, 2]
    assert rows[0]["pieces"] == [[9906, "Hello"], [1917, " world"]]


def test_cli_bad_token_ids_and_bad_messages_are_one_line(llama3: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tokens", "decode", llama3, "99999999"]) == 2
    assert "outside the vocabulary" in capsys.readouterr().err
    assert main(["tokens", "template", "smollm2", "{not json"]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_hub_id_tokenizer_comes_from_the_cache_or_names_the_pull(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tiny_model: Callable[[str], str]) -> None:
    import shutil

    import huggingface_hub.constants

    snapshot = tmp_path / "models--acme--tiny-words" / "snapshots" / ("0" * 40)
    shutil.copytree(tiny_model("bert-base"), snapshot, ignore=shutil.ignore_patterns("*.safetensors"))
    (tmp_path / "models--acme--tiny-words" / "refs").mkdir()
    (tmp_path / "models--acme--tiny-words" / "refs" / "main").write_text("0" * 40)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert tokens.encode("acme/tiny-words", "hello world", special=False) == [24, 25]
    assert main(["tokens", "count", "acme/missing-model", "hello"]) == 1
    err = capsys.readouterr().err
    assert "not in the local cache" in err and "hfkit models pull acme/missing-model" in err
