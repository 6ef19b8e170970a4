"""transformers-compatible pipelines: the seed's examples run verbatim after ``from hfkit import pipeline`` and give
transformers' output shapes; hfkit's extras ride along as attributes."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

import hfkit
from hfkit import pipeline
from hfkit.cli.main import main
from hfkit.core.errors import InputError
from hfkit.toolkit.tasks.calibration import positive_probability, valence_slope

SENTENCE = "My name is Wolfgang and I live in Berlin. Barack Obama was the 44th president of the United States."


def test_seed_sentiment_example_gives_a_label_and_a_probability() -> None:
    classifier = pipeline("sentiment-analysis")
    result = classifier("I love learning AI!")[0]
    assert result["label"] == "POSITIVE" and 0.9 < result["score"] <= 1.0
    assert set(result) == {"label", "score"}
    both = classifier(["I love learning AI!", "This is a terrible, awful mess."])
    assert [r["label"] for r in both] == ["POSITIVE", "NEGATIVE"]
    every = classifier("It was fine.", top_k=None)
    assert {r["label"] for r in every} == {"POSITIVE", "NEGATIVE"}
    assert sum(r["score"] for r in every) == pytest.approx(1.0, abs=1e-3)
    assert classifier("I love learning AI!").engine == "lexicon"  # hfkit's extras are attributes


@pytest.mark.fast
def test_sentiment_probability_is_calibrated_on_the_lexicon_ratings() -> None:
    slope = valence_slope()
    assert 1.0 < slope < 4.0  # fitted to the raters' votes, not a hand-set constant
    assert positive_probability(0.0) == pytest.approx(0.5)
    scores = [positive_probability(c) for c in (-0.9, -0.3, 0.0, 0.3, 0.9)]
    assert scores == sorted(scores) and scores[0] < 0.05 and scores[-1] > 0.95
    assert positive_probability(0.6696) != pytest.approx(0.6696, abs=0.05)  # not VADER's compound


def test_seed_ner_example_groups_entities_with_scores() -> None:
    ner = pipeline("ner", aggregation_strategy="simple")
    entities = ner(SENTENCE)
    assert all(set(e) == {"entity_group", "score", "word", "start", "end"} for e in entities)
    found = {e["word"]: e for e in entities}
    assert found["Barack Obama"]["entity_group"] == "PERSON" and found["Berlin"]["entity_group"] == "GPE"
    assert all(SENTENCE[e["start"]:e["end"]] == e["word"] and 0.0 < e["score"] <= 1.0 for e in entities)
    words = ner(SENTENCE, aggregation_strategy="none")
    assert {"B-PERSON", "I-PERSON"} <= {w["entity"] for w in words}
    batch = ner(["Ann lives in Paris.", "Bob works at Google."])
    assert len(batch) == 2 and all(isinstance(item, list) for item in batch)


def test_seed_generation_example_takes_transformers_keywords() -> None:
    generator = pipeline("text-generation")
    out = generator("Once upon a time", max_new_tokens=30)
    assert isinstance(out, list) and set(out[0]) == {"generated_text"}
    assert out[0]["generated_text"].startswith("Once upon a time") and len(out[0]["generated_text"]) > 20
    new = generator("Once upon a time", max_new_tokens=8, return_full_text=False)[0]["generated_text"]
    assert not new.startswith("Once upon a time") and new.strip()
    chat = generator([{"role": "user", "content": "Say hello."}], max_new_tokens=8)[0]["generated_text"]
    assert chat[0]["role"] == "user" and chat[-1]["role"] == "assistant" and chat[-1]["content"]
    sampled = generator("Once upon a time", max_new_tokens=8, do_sample=True, temperature=0.9, seed=3)
    assert sampled[0]["generated_text"].startswith("Once upon a time")


def test_question_answering_and_translation_shapes() -> None:
    context = "My name is Wolfgang and I live in Berlin."
    qa = pipeline("question-answering")
    answer = qa(question="Where do I live?", context=context)
    assert set(answer) == {"score", "start", "end", "answer"}
    assert context[answer["start"]:answer["end"]] == answer["answer"] and 0.0 <= answer["score"] <= 1.0
    assert qa({"question": "What is my name?", "context": context})["answer"]
    translated = pipeline("translation_en_to_fr")("Hello", max_new_tokens=16)
    assert isinstance(translated, list) and set(translated[0]) == {"translation_text"}


def test_speech_returns_audio_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  shared_testdata: Path) -> None:
    monkeypatch.chdir(tmp_path)
    speech = pipeline("text-to-speech")("Hello from hfkit.")
    assert set(speech) == {"audio", "sampling_rate"} and isinstance(speech["audio"], np.ndarray)
    assert speech["audio"].dtype == np.float32 and speech["audio"].size / speech["sampling_rate"] > 0.5
    assert list(tmp_path.iterdir()) == []  # only the CLI writes files
    heard = pipeline("automatic-speech-recognition")(str(shared_testdata / "audio" / "jfk.wav"))
    assert "ask not what your country" in heard["text"].lower().replace(",", "")
    assert heard["chunks"] and all(len(c["timestamp"]) == 2 and c["text"] for c in heard["chunks"])


def test_cli_writes_speech_only_where_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "speech.wav").write_bytes(b"a user's file")
    assert main(["pipeline", "tts", "hello"]) == 2
    assert "already exists" in capsys.readouterr().err and (tmp_path / "speech.wav").read_bytes() == b"a user's file"
    assert main(["pipeline", "tts", "hello there", "-o", "hi.wav", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    with wave.open(str(tmp_path / "hi.wav"), "rb") as handle:
        assert handle.getnframes() / handle.getframerate() == pytest.approx(report["output"]["seconds"], abs=0.01)


@pytest.mark.fast
def test_public_api_is_listed_and_bad_options_are_one_sentence() -> None:
    listed = dir(hfkit)
    assert {"pipeline", "transcribe", "minutes", "synth", "generate", "AutoTokenizer", "__version__"} <= set(listed)
    with pytest.raises(InputError, match="no option 'colour'"):
        pipeline("sentiment-analysis", colour="red")
