"""The embedded defaults on real inputs: spaCy NER, the VADER lexicon, Piper TTS -> whisper ASR, MiniLM, SmolLM2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hfkit.cli.main import main
from hfkit.toolkit.pipelines import pipeline

SEED_SENTENCE = "My name is Wolfgang and I live in Berlin. Barack Obama was the 44th president of the United States."


def test_ner_finds_obama_as_a_person_and_the_united_states_as_a_place() -> None:
    result = pipeline("ner")(SEED_SENTENCE)
    found = {e["text"]: e["label"] for e in result.data["entities"]}
    assert result.engine == "spacy"
    assert found["Barack Obama"] == "PERSON"
    place = next(label for text, label in found.items() if text.endswith("United States"))
    assert place in {"GPE", "LOC"}


def test_default_sentiment_is_a_lexicon_and_says_so() -> None:
    run = pipeline("sentiment-analysis")
    good, bad = run("I love this wonderful, great library!"), run("This is a terrible, awful mess.")
    assert (good.data["label"], bad.data["label"]) == ("POSITIVE", "NEGATIVE")
    assert good.engine == "lexicon" and "lexicon" in good.data["method"]


def test_speech_from_tts_transcribes_back_to_the_same_words(tmp_path: Path) -> None:
    jiwer = pytest.importorskip("jiwer")
    sentence = "The quick brown fox jumps over the lazy dog."
    wav = tmp_path / "fox.wav"
    assert main(["pipeline", "text-to-speech", sentence, "-o", str(wav)]) == 0
    heard = pipeline("automatic-speech-recognition")(str(wav)).data["text"]

    def norm(text: str) -> str:
        return re.sub(r"[^a-z ]", "", text.lower()).strip()

    assert jiwer.wer(norm(sentence), norm(heard)) <= 0.2, heard


def test_feature_extraction_and_zero_shot_use_minilm() -> None:
    vector = pipeline("feature-extraction")("hello world").data
    assert vector["dimension"] == 384
    assert sum(x * x for x in vector["vector"]) == pytest.approx(1.0, abs=1e-3)
    ranked = pipeline("zero-shot", labels=["cooking", "football", "taxes"])("The striker scored a late goal.").data
    assert ranked["labels"][0] == "football"


def test_text_generation_with_smollm2_answers(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["pipeline", "text-generation", "What is the capital of France? One word.", "--max-tokens", "12",
               "--json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0 and data["engine"] == "chat" and data["model"] == "smollm2-135m-instruct"
    assert data["data"]["text"].strip()


def test_cli_ner_prints_readable_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pipeline", "ner", SEED_SENTENCE]) == 0
    assert re.search(r"^Barack Obama\s+PERSON\s+[01]\.\d{4}$", capsys.readouterr().out, re.MULTILINE)


def test_tts_refuses_a_non_wav_output_without_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["pipeline", "tts", "hello", "--output", str(tmp_path / "speech.mp3")])
    assert rc == 2
    assert "not a .wav file" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
