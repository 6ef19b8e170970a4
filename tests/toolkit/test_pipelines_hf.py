"""Every transformers/diffusers path of the pipelines, on tiny random-weight models built by the tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hfkit.cli.main import main
from hfkit.core.errors import UnsupportedModelError
from hfkit.toolkit.pipelines import pipeline, save_output

TinyModel = Callable[[str], str]


@pytest.mark.fast
def test_sequence_classification_gives_a_label_of_the_model(tiny_model: TinyModel) -> None:
    result = pipeline("sentiment-analysis", tiny_model("bert-sentiment"), device="cpu")("a great movie")
    assert result.engine == "transformers"
    assert result.data["label"] in {"NEGATIVE", "POSITIVE"}
    assert sum(result.data["scores"].values()) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.fast
def test_token_classification_returns_spans_of_the_input(tiny_model: TinyModel) -> None:
    text = "barack obama was in paris"
    entities = pipeline("ner", tiny_model("bert-ner"), device="cpu")(text).data["entities"]
    for entity in entities:
        assert entity["label"] in {"PER", "LOC"}
        assert text[entity["start"]:entity["end"]].strip()


@pytest.mark.fast
def test_extractive_qa_answers_with_a_span_of_the_context(tiny_model: TinyModel) -> None:
    context = "barack obama was the president of the united states"
    result = pipeline("qa", tiny_model("bert-qa"), device="cpu", context=context)("who was the president ?")
    data = result.data
    assert data["answer"] == context[data["start"]:data["end"]]
    assert data["answer"] and 0.0 < data["score"] <= 1.0


@pytest.mark.fast
@pytest.mark.parametrize("name", ["t5", "marian"])
def test_seq2seq_translation_generates_text(tiny_model: TinyModel, name: str) -> None:
    result = pipeline("translation", tiny_model(name), device="cpu", src="en", tgt="fr", max_tokens=6)("hello world")
    assert isinstance(result.data["text"], str)
    assert len(result.data["text"].split()) <= 6


@pytest.mark.fast
def test_t5_summarizes_and_marian_is_refused_for_summaries(tiny_model: TinyModel) -> None:
    summary = pipeline("summarization", tiny_model("t5"), device="cpu", max_tokens=6)("the meeting budget was good")
    assert len(summary.data["text"].split()) <= 6
    with pytest.raises(UnsupportedModelError, match="MarianMTModel, made for translation"):
        pipeline("summarization", tiny_model("marian"))


@pytest.mark.fast
def test_zero_shot_with_an_nli_model_ranks_every_label(tiny_model: TinyModel) -> None:
    data = pipeline("zero-shot", tiny_model("bert-nli"), device="cpu", labels=["sports", "music"])("a great film").data
    assert sorted(data["labels"]) == ["music", "sports"]
    assert sum(data["scores"]) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.fast
def test_feature_extraction_mean_pools_to_the_hidden_size(tiny_model: TinyModel) -> None:
    data = pipeline("feature-extraction", tiny_model("bert-base"), device="cpu")("hello world").data
    assert data["dimension"] == 32 and len(data["vector"]) == 32


@pytest.mark.fast
def test_text_generation_with_a_base_model_continues_the_prompt(tiny_model: TinyModel) -> None:
    out = pipeline("text-generation", tiny_model("gpt2"), device="cpu", max_new_tokens=5)("hello world")
    assert out[0]["generated_text"] == "hello world" + out.data["text"] and out.data["text"]  # prompt + continuation


def test_chat_model_summarizes_through_the_task_prompt(tiny_model: TinyModel) -> None:
    result = pipeline("summarization", tiny_model("llama-chat"), device="cpu", max_tokens=8)("the meeting was good")
    assert result.engine == "transformers" and isinstance(result.data["text"], str)


def test_text_to_image_writes_a_png_of_the_asked_size(tiny_model: TinyModel, tmp_path: Path) -> None:
    out = tmp_path / "cat.png"
    result = pipeline("text-to-image", tiny_model("diffusion"), device="cpu", steps=2, size=32)("a cat")
    assert result["image"].size == (32, 32) and result.data["steps"] == 2
    assert not out.exists()
    save_output(result, out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_ctc_speech_recognition_reads_a_wav_the_test_writes(tiny_model: TinyModel, tmp_path: Path) -> None:
    import wave

    import numpy as np

    tone = (np.sin(np.linspace(0, 2 * np.pi * 440 * 1.5, 24000)) * 8000).astype(np.int16)
    wav = tmp_path / "tone.wav"
    with wave.open(str(wav), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16000)
        handle.writeframes(tone.tobytes())
    data = pipeline("asr", tiny_model("wav2vec2"), device="cpu")(str(wav)).data
    assert data["seconds"] == 1.5
    assert set(data["text"]) <= set("abcdefghijklmnopqrstuvwxyz' ")


def test_vits_text_to_speech_writes_a_wav(tiny_model: TinyModel, tmp_path: Path) -> None:
    import wave

    out = tmp_path / "hello.wav"
    speech = pipeline("tts", tiny_model("vits"), device="cpu")("hello world")
    assert speech["sampling_rate"] == 16000 and speech["audio"].ndim == 1
    data = speech.data
    save_output(speech, out)
    with wave.open(str(out), "rb") as handle:
        assert (handle.getnchannels(), handle.getsampwidth(), handle.getframerate()) == (1, 2, 16000)
        assert data["seconds"] == round(handle.getnframes() / 16000, 3) > 0


@pytest.mark.fast
def test_a_model_made_for_another_task_is_refused(tiny_model: TinyModel) -> None:
    with pytest.raises(UnsupportedModelError, match="ForTokenClassification, made for ner"):
        pipeline("sentiment-analysis", tiny_model("bert-ner"))


def test_cli_pipeline_json_on_a_tiny_model(tiny_model: TinyModel, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["pipeline", "sentiment-analysis", "bad film", "--model", tiny_model("bert-sentiment"), "--json",
               "--device", "cpu"])
    assert rc == 0
    data = json.loads(capsys.readouterr().out)
    assert data["task"] == "sentiment-analysis" and data["data"]["label"] in {"NEGATIVE", "POSITIVE"}


def test_cli_base_model_asked_for_qa_is_one_line(tiny_model: TinyModel, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["pipeline", "qa", "who?", "--model", tiny_model("gpt2"), "--context", "obama", "--device", "cpu"])
    err = capsys.readouterr().err.strip()
    assert rc != 0
    assert "without a chat template" in err and "Traceback" not in err and len(err.splitlines()) == 1
