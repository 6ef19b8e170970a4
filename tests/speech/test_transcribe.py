"""Speech to text on real recordings, with the embedded Whisper models."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import hfkit
from hfkit.core.errors import InputError
from tests.helpers import normalize, run_cli, wer, write_wav

JFK = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."


def test_jfk_flac_matches_reference_with_word_times(shared_testdata: Path) -> None:
    result = hfkit.transcribe(shared_testdata / "audio" / "jfk.flac")
    assert result.info.duration == pytest.approx(11.0, abs=0.1)
    assert result.info.language == "en"
    segments = list(result)
    assert normalize(" ".join(s.text for s in segments)) == normalize(JFK)
    words = [w for s in segments for w in s.words]
    americans = next(w for w in words if "Americans" in w.word)
    assert americans.start <= 1.8 <= americans.end + 0.3
    assert all(0 <= w.probability <= 1 and w.start <= w.end for w in words)


def test_transcription_is_lazy(shared_testdata: Path) -> None:
    result = hfkit.transcribe(shared_testdata / "audio" / "jfk.wav")
    assert not isinstance(result.segments, list)
    first = next(iter(result))
    assert first.start == pytest.approx(0.0, abs=0.5) and first.text


def _stm_text(path: Path) -> str:
    return " ".join(line.split(maxsplit=5)[5] for line in path.read_text().splitlines() if line.strip())


def test_two_speakers_word_error_rate(shared_testdata: Path) -> None:
    audio = shared_testdata / "audio" / "two_speakers.wav"
    hypothesis = " ".join(s.text for s in hfkit.transcribe(audio))
    error = wer(_stm_text(audio.with_suffix(".stm")), hypothesis)
    print(f"two_speakers WER with whisper-tiny.en: {error:.3f}")
    assert error <= 0.25


@pytest.mark.fast
@pytest.mark.parametrize("kind", ["silence", "noise"])
def test_silence_and_noise_give_no_words(tmp_path: Path, kind: str) -> None:
    rng = np.random.default_rng(0)
    samples = np.zeros(16000 * 60) if kind == "silence" else rng.uniform(-0.5, 0.5, 16000 * 60)
    path = write_wav(tmp_path / f"{kind}.wav", samples)
    assert [s.text for s in hfkit.transcribe(path)] == []


def test_video_container_is_decoded(tmp_path: Path, shared_testdata: Path) -> None:
    import av

    from hfkit.core.audio import decode

    samples = decode(shared_testdata / "audio" / "jfk.wav")
    target = tmp_path / "jfk.mp4"
    with av.open(str(target), "w") as container:
        stream = container.add_stream("aac", rate=16000)
        frame = av.AudioFrame.from_ndarray((samples[None, :] * 32767).astype(np.int16), format="s16", layout="mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    text = " ".join(s.text for s in hfkit.transcribe(target))
    assert "fellow americans" in normalize(text)


def test_cli_writes_every_format(tmp_path: Path, shared_testdata: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert run_cli(["transcribe", str(shared_testdata / "audio" / "jfk.wav"), "--format", "txt,srt,vtt,json",
                    "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"\[00:00\.\d{3} -> 00:\d\d\.\d{3}\] And so", printed)
    assert sorted(p.name for p in out.iterdir()) == ["jfk.json", "jfk.srt", "jfk.txt", "jfk.vtt"]
    srt = (out / "jfk.srt").read_text()
    assert srt.startswith("1\n00:00:00,000 --> 00:00:")
    assert (out / "jfk.vtt").read_text().startswith("WEBVTT\n\n00:00:00.000 --> ")
    data = json.loads((out / "jfk.json").read_text())
    assert data["language"] == "en" and data["model"] == "whisper-tiny.en"
    assert data["duration"] == pytest.approx(11.0, abs=0.1)
    assert data["settings"]["compute_type"] == "int8" and data["settings"]["vad"] is True
    assert data["segments"][0]["words"][0].keys() >= {"start", "end", "word", "probability"}


def test_cli_accepts_several_files_and_directories(tmp_path: Path, shared_testdata: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.wav").write_bytes((shared_testdata / "audio" / "jfk.wav").read_bytes())
    (folder / "notes.txt").write_text("not audio")
    out = tmp_path / "out"
    rc = run_cli(["transcribe", str(folder), str(shared_testdata / "audio" / "hotwords.mp3"), "--format", "txt",
                  "-o", str(out), "-q"])
    assert rc == 0
    assert sorted(p.name for p in out.iterdir()) == ["a", "hotwords", "manifest.jsonl"]  # a folder per recording
    assert (out / "a" / "a.txt").read_text().strip() and (out / "hotwords" / "hotwords.txt").read_text().strip()


@pytest.mark.fast
def test_english_only_model_refuses_other_language(shared_testdata: Path) -> None:
    with pytest.raises(InputError, match="only knows English"):
        hfkit.transcribe(shared_testdata / "audio" / "jfk.wav", model="whisper-tiny.en", language="de")


@pytest.mark.slow
def test_multilingual_model_detects_german(shared_testdata: Path) -> None:
    from hfkit.speech.transcribe import default_model

    assert default_model("de") == "whisper-base"
    result = hfkit.transcribe(shared_testdata / "audio" / "multilingual.mp3", model="whisper-base", language="de")
    text = " ".join(s.text for s in result)
    assert result.info.language == "de" and len(text.split()) > 20
