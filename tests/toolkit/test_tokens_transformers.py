"""hfkit's tokenizers against transformers' own ``AutoTokenizer.from_pretrained(dir, gguf_file=...)`` for the five
families: the same ids, decoded text and rendered chat templates; and the side-by-side template comparison."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hfkit.cli.main import main
from hfkit.core.registry import resolve
from hfkit.toolkit import tokens

pytestmark = pytest.mark.slow  # transformers converts each GGUF vocabulary anew: 10-100 s per family

FILES = {"llama3": "ggml-vocab-llama-bpe.gguf", "phi3": "ggml-vocab-phi-3.gguf", "qwen2": "ggml-vocab-qwen2.gguf",
         "starcoder2": "ggml-vocab-starcoder.gguf"}
TEMPLATES = {"llama3": "meta-llama-Llama-3.1-8B-Instruct.jinja", "phi3": "microsoft-Phi-3.5-mini-instruct.jinja",
             "qwen2": "Qwen-Qwen2.5-7B-Instruct.jinja", "gemma3": "google-gemma-2-2b-it.jinja"}
TEXTS = ["I'm learning about tokenizers!", "naïve café — 東京 👋🏽", "def f(x):\n    return x * 2\n"]
CHAT = [{"role": "user", "content": "What is a token?"}, {"role": "assistant", "content": "A piece of text."},
        {"role": "user", "content": "Thanks!"}]


def _path(family: str, shared: Path) -> Path:
    gguf = resolve("gemma3-270m").path if family == "gemma3" else shared / "tokenizers" / FILES[family]
    assert gguf is not None
    return Path(gguf)


@pytest.fixture(scope="module", params=[*FILES, "gemma3"])
def family(request: pytest.FixtureRequest, shared_testdata: Path) -> tuple[str, Any, str]:
    import transformers

    path = _path(request.param, shared_testdata)
    if request.param == "gemma3":
        # transformers converts Gemma's 262k-piece GGUF vocabulary in 10+ minutes on 2 cores; hfkit caches that same
        # conversion (AutoTokenizer.from_pretrained(dir, gguf_file=...) then save_pretrained), so load it from there
        reference = transformers.AutoTokenizer.from_pretrained(str(tokens.tokenizer_dir("gemma3-270m")))
    else:
        reference = transformers.AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    return request.param, reference, "gemma3-270m" if request.param == "gemma3" else str(path)


def test_ids_and_text_match_transformers(family: tuple[str, Any, str]) -> None:
    name, reference, ours = family
    for text in TEXTS:
        plain = reference.encode(text, add_special_tokens=False)
        assert tokens.encode(ours, text, special=False) == plain, (name, text)
        expected = reference.encode(text)
        if name == "llama3":  # transformers' GGUF converter drops the BOS Llama 3's tokenizer.json adds
            expected = [reference.bos_token_id, *plain]
        assert tokens.encode(ours, text) == expected, (name, text)
        assert tokens.decode(ours, expected) == reference.decode(expected), (name, text)
        assert tokens.batch_decode(ours, [expected, plain]) == reference.batch_decode([expected, plain])
        assert tokens.decode(ours, expected, True) == reference.decode(expected, skip_special_tokens=True)
    if name == "llama3":
        assert tokens.encode(ours, "I'm learning")[:3] == [128000, 40, 2846]  # the seed's ids


def test_templates_render_as_transformers_renders_them(family: tuple[str, Any, str], shared_testdata: Path) -> None:
    name, reference, ours = family
    if name == "starcoder2":
        pytest.skip("StarCoder2 has no chat template (covered by the comparison test)")
    template = (shared_testdata / "tokenizers" / "templates" / TEMPLATES[name]).read_text(encoding="utf-8")
    for generation_prompt in (True, False):
        expected = reference.apply_chat_template(CHAT, chat_template=template, tokenize=False,
                                                 add_generation_prompt=generation_prompt)
        assert tokens.render_template(ours, CHAT, generation_prompt, template) == expected
        ids = tokens.apply_chat_template(ours, CHAT, tokenize=True, add_generation_prompt=generation_prompt,
                                         template=template)
        assert ids == reference.encode(expected, add_special_tokens=False)
    if getattr(reference, "chat_template", None):  # the file's own template, when it has one
        assert tokens.render_template(ours, CHAT) == reference.apply_chat_template(CHAT, tokenize=False,
                                                                                   add_generation_prompt=True)


def test_compare_messages_side_by_side_says_what_each_template_does(
        shared_testdata: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refs = [str(_path(f, shared_testdata)) for f in FILES] + ["gemma3-270m"]
    messages = [{"role": "system", "content": "Answer in one word."}, *CHAT]
    rows = {row.tokenizer: row for row in tokens.compare(refs, messages=messages)}
    llama, phi3, qwen2, starcoder = (rows[r] for r in refs[:4])
    gemma = rows["gemma3-270m"]
    assert llama.template == "llama3.jinja (the file carries none)" and "Answer in one word." in (llama.rendered or "")
    assert phi3.notes == ["drops the system message"] and "Answer in one word." not in (phi3.rendered or "")
    assert qwen2.notes == [] and "<|im_start|>system\nAnswer in one word." in (qwen2.rendered or "")
    assert starcoder.error is not None and "no chat template" in starcoder.error and starcoder.count == 0
    assert gemma.notes and gemma.notes[0].startswith("refuses the system role")
    assert "<start_of_turn>user\nAnswer in one word.\n\nWhat is a token?" in (gemma.rendered or "")
    assert all(rows[r].count > 10 for r in refs if r != refs[3])
    assert main(["tokens", "compare", ",".join(refs), "--messages", json.dumps(messages), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [row["notes"][:1] for row in shown][1:3] == [["drops the system message"], []]
    assert shown[4]["notes"][0].startswith("refuses the system role") and "no chat template" in shown[3]["error"]
