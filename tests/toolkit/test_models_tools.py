"""hfkit inspect, memory and quantize, the transformers chat backend, and the bad inputs of section 6."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from hfkit.backends.base import load_chat_model
from hfkit.cli.main import main
from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions, Usage

TinyModel = Callable[[str], str]
LLAMA_31_8B = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 128256, "hidden_size": 4096,
    "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
    "max_position_embeddings": 131072, "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "tie_word_embeddings": False,
    "torch_dtype": "bfloat16", "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                                "original_max_position_embeddings": 8192, "rope_type": "llama3"},
}


def _config_dir(tmp_path: Path, **changes: object) -> Path:
    directory = tmp_path / "llama-3.1-8b"
    directory.mkdir()
    (directory / "config.json").write_text(json.dumps(LLAMA_31_8B | changes))
    return directory


def test_memory_of_llama31_8b_from_its_config_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["memory", str(_config_dir(tmp_path)), "--json"]) == 0
    rows = {r["dtype"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["fp32"]["parameters"] == 8_030_261_248
    assert 31.5e9 < rows["fp32"]["estimate_bytes"] < 32.5e9
    assert 15.8e9 < rows["bf16"]["estimate_bytes"] < 16.3e9
    assert 5.5e9 < rows["nf4"]["estimate_bytes"] < 5.8e9
    assert all(r["measured_bytes"] is None and r["note"] == "no weights here" for r in rows.values())


def test_memory_measured_column_matches_the_estimate(tiny_model: TinyModel, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["memory", tiny_model("llama-chat"), "--dtypes", "fp32,bf16", "--json"]) == 0
    for row in json.loads(capsys.readouterr().out):
        assert row["measured_bytes"] == pytest.approx(row["estimate_bytes"], rel=0.01)


def test_memory_resolves_embedded_names_through_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["memory", "all-minilm-l6-v2", "--dtypes", "fp32", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert 22_000_000 < row["parameters"] < 23_000_000
    assert row["measured_bytes"] == pytest.approx(row["estimate_bytes"], rel=0.02)
    assert main(["memory", "all-minilm", "--json"]) == 1
    assert "Did you mean all-minilm-l6-v2" in capsys.readouterr().err
    assert main(["memory", "smollm2"]) == 2
    assert "see 'hfkit inspect'" in capsys.readouterr().err


def test_inspect_transformers_and_gguf(tiny_model: TinyModel, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", tiny_model("llama-chat"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["architecture"] == "LlamaForCausalLM"
    assert report["facts"] | {"layers": 2, "heads": 4, "kv_heads": 2, "vocab_size": 49152} == report["facts"]
    assert "[0-1] x2: LlamaDecoderLayer" in report["tree"]
    assert main(["inspect", "smollm2", "--json"]) == 0
    gguf = json.loads(capsys.readouterr().out)
    assert (gguf["architecture"], gguf["facts"]["layers"], gguf["facts"]["file_type"]) == ("llama", 30, "Q4_1")
    assert {"Q4_1", "F32"} <= set(gguf["tensor_types"])


MINILM_BERT_MODEL_PARAMETERS = 22_713_216  # BertModel with its pooler; BertLMHeadModel has a head and no pooler


def test_memory_and_inspect_load_an_encoder_as_itself_not_as_a_causal_lm(capfd: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "all-minilm-l6-v2", "--json"]) == 0
    report = json.loads(capfd.readouterr().out)
    assert report["tree"].startswith("BertModel: BertModel") and "pooler: BertPooler" in report["tree"]
    assert (report["parameters"], report["tensor_types"]["head"]) == (MINILM_BERT_MODEL_PARAMETERS, 0)
    assert main(["memory", "all-minilm-l6-v2", "--dtypes", "fp32", "--json"]) == 0
    out, err = capfd.readouterr()
    [row] = json.loads(out)
    assert row["parameters"] == MINILM_BERT_MODEL_PARAMETERS
    assert 0 <= row["measured_bytes"] - 4 * MINILM_BERT_MODEL_PARAMETERS <= 8192  # plus the position id buffers
    assert "BertLMHeadModel" not in err and "is_decoder" not in err, err


@pytest.mark.slow  # about 30 s: dequantizes and re-quantizes all 272 tensors of SmolLM2
def test_quantize_gguf_to_q8_0_runs_in_llama_cpp(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "smollm2-q8_0.gguf"
    assert main(["quantize", "smollm2", "--type", "Q8_0", "--output", str(out)]) == 0
    assert main(["inspect", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["facts"]["file_type"] == "Q8_0" and "Q4_1" not in report["tensor_types"]
    model = load_chat_model(str(out), device="cpu", context_size=512)
    request = ChatRequest(messages=[ChatMessage(role="user", content="Say hello.")],
                          options=GenerationOptions(max_tokens=8, temperature=0))
    assert "".join(model.complete(request)).strip()


def test_k_quants_and_nf4_on_cpu_say_why_and_what_instead(tmp_path: Path, tiny_model: TinyModel,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quantize", "smollm2", "--type", "Q4_K_M", "--output", str(tmp_path / "x.gguf")]) == 1
    assert "llama-quantize" in capsys.readouterr().err
    assert main(["quantize", tiny_model("llama-chat"), "--type", "nf4", "-o", str(tmp_path / "nf4"),
                 "--device", "cpu"]) == 1
    err = capsys.readouterr().err
    assert "need a CUDA GPU" in err and "int8" in err and "GGUF" in err
    assert list(tmp_path.iterdir()) == []


def test_bitsandbytes_int8_model_is_saved_and_reloads(tmp_path: Path, tiny_model: TinyModel) -> None:
    out = tmp_path / "int8"
    assert main(["quantize", tiny_model("llama-chat"), "--type", "int8", "-o", str(out), "--device", "cpu"]) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["quantization_config"]["load_in_8bit"] is True
    model = load_chat_model(str(out), device="cpu")
    request = ChatRequest(messages=[ChatMessage(role="user", content="Hi")], options=GenerationOptions(max_tokens=3))
    assert isinstance("".join(model.complete(request)), str)


def test_an_encoder_is_quantized_as_itself_into_a_folder_with_usual_permissions(tmp_path: Path) -> None:
    import os

    import torch
    import transformers

    out = tmp_path / "minilm-int8"
    assert main(["quantize", "all-minilm-l6-v2", "--type", "int8", "-o", str(out), "--device", "cpu"]) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["architectures"] == ["BertModel"] and config["quantization_config"]["load_in_8bit"] is True
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~mask
    assert {f.stat().st_mode & 0o777 for f in out.iterdir()} == {0o666 & ~mask}
    model = transformers.AutoModel.from_pretrained(str(out), device_map={"": "cpu"})
    inputs = transformers.AutoTokenizer.from_pretrained(str(out))("Hello world", return_tensors="pt")
    with torch.no_grad():
        assert tuple(model(**inputs).last_hidden_state.shape) == (1, 4, 384)


def test_quantizing_an_unsupported_architecture_names_the_supported_ones(
        tmp_path: Path, tiny_model: TinyModel, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quantize", tiny_model("wav2vec2"), "--type", "int8", "-o", str(tmp_path / "q"),
                 "--device", "cpu"]) == 1
    err = capsys.readouterr().err
    assert "'Wav2Vec2ForCTC' model, which hfkit cannot quantize" in err and "encoders (e.g. BERT, MiniLM)" in err
    assert list(tmp_path.iterdir()) == []


def test_a_model_too_big_for_memory_is_refused_before_loading(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    huge = _config_dir(tmp_path, num_hidden_layers=400, torch_dtype="float32")
    rc = main(["pipeline", "text-generation", "hi", "--model", str(huge), "--device", "cpu"])
    err = capsys.readouterr().err
    assert rc == 2 and "needs about" in err and "GB as fp32" in err and "is free" in err


def test_transformers_chat_streams_and_keeps_to_a_json_schema(tiny_model: TinyModel) -> None:
    model = load_chat_model(tiny_model("llama-chat"), device="cpu")
    usage = Usage()
    pieces = list(model.complete(ChatRequest(messages=[ChatMessage(role="user", content="Hi")],
                                             options=GenerationOptions(max_tokens=12, temperature=0)), usage))
    assert len(pieces) > 1 and usage.completion_tokens == 12 and usage.prompt_tokens > 5
    schema = {"type": "object", "properties": {"name": {"type": "string", "maxLength": 10},
                                               "age": {"type": "integer", "minimum": 0, "maximum": 120}},
              "required": ["name", "age"], "additionalProperties": False}
    for seed in (1, 2):
        options = GenerationOptions(max_tokens=60, temperature=1.0, seed=seed, json_schema=schema)
        reply = "".join(model.complete(ChatRequest(messages=[ChatMessage(role="user", content="JSON")],
                                                   options=options)))
        jsonschema.validate(json.loads(reply), schema)


def test_misspelt_task_names_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pipeline", "sentimnt-analysis", "good"]) == 2
    err = capsys.readouterr().err
    assert "Unknown task 'sentimnt-analysis'" in err and "Did you mean 'sentiment-analysis'?" in err


def test_a_task_without_a_local_hub_model_runs_on_the_embedded_chat_model_and_says_so(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    assert main(["pipeline", "summarization", "The council met on Monday and agreed to repair the bridge."]) == 0
    said = capsys.readouterr()
    assert "summarization · smollm2-135m-instruct (chat)" in said.err and said.out.strip()
    assert main(["pipeline", "translation", "Bonjour", "--src", "fr", "--tgt", "de"]) == 0
    assert "translation · smollm2-135m-instruct (chat)" in capsys.readouterr().err


def test_hfkit_generate_runs_on_a_transformers_model(tiny_model: TinyModel, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}))
    assert main(["generate", "A number", "--model", tiny_model("llama-chat"), "--max-tokens", "20",
                 "--json-schema", str(schema)]) == 0
    assert isinstance(json.loads(capsys.readouterr().out)["n"], int)


def test_cuda_asked_without_a_gpu_is_one_clear_line(tiny_model: TinyModel, capsys: pytest.CaptureFixture[str]) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    assert main(["pipeline", "sentiment", "good", "--model", tiny_model("bert-sentiment"), "--device", "cuda"]) == 2
    assert "no CUDA GPU is visible" in capsys.readouterr().err
