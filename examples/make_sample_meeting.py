"""Synthesize examples/sample_meeting.wav from examples/sample_meeting_script.txt with a distinct voice per speaker.

Voices: the embedded Piper voice (joe) and espeak-ng voices with different pitch and speed. Also writes the
speaker timeline (sample_meeting.rttm) and the spoken text (sample_meeting_reference.txt) for tests and the evaluation.
Needs hfkit[tts] and the espeak-ng program (apt-get install espeak-ng).

    .venv/bin/python examples/make_sample_meeting.py
"""

from __future__ import annotations

import functools
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
RATE = 16000
PAUSE = 0.45  # seconds of silence between turns
# Voice specs: "piper:<length scale>" or "espeak:<voice>:<pitch 0-99>:<words per minute>".
VOICES = {
    "Dana": "espeak:en-us+f3:70:165",
    "Bob": "piper:1.0",
    "Priya": "espeak:en-gb+f4:85:155",
    "Sam": "espeak:en-us+m7:30:150",
}
EXTRA_VOICES = ("piper:1.15", "espeak:en-us+m3:45:160", "espeak:en+f2:75:160", "espeak:en-gb+m1:35:150")


def _resample(samples: np.ndarray, rate: int) -> np.ndarray:
    from scipy.signal import resample_poly

    gcd = np.gcd(rate, RATE)
    return resample_poly(samples, RATE // gcd, rate // gcd).astype(np.float32)


def _read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as handle:
        data = np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16).astype(np.float32) / 32768
        return _resample(data, handle.getframerate())


@functools.cache
def _piper_voice() -> Any:
    from piper import PiperVoice

    from hfkit.core.registry import resolve

    return PiperVoice.load(resolve("piper-joe").path)


def speak(text: str, voice: str) -> np.ndarray:
    """16 kHz float32 samples of ``text`` in ``voice``."""
    kind, _, spec = voice.partition(":")
    if kind == "piper":
        from piper import SynthesisConfig

        model = _piper_voice()
        chunks = model.synthesize(text, SynthesisConfig(length_scale=float(spec or 1.0)))
        data = np.concatenate([c.audio_float_array for c in chunks])
        return _resample(data, model.config.sample_rate)
    name, pitch, speed = spec.split(":")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "turn.wav"
        subprocess.run(["espeak-ng", "-v", name, "-p", pitch, "-s", speed, "-w", str(out), "--stdin"], input=text.encode(),
                       check=True)  # on stdin, so text starting with "-" is not read as an option
        return _read_wav(out)


def synthesize(turns: Sequence[tuple[str, str]], voices: dict[str, str]) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """Samples of the whole conversation and its (start, end, speaker) timeline."""
    pieces: list[np.ndarray] = [np.zeros(int(0.5 * RATE), np.float32)]
    timeline = []
    clock = 0.5
    for speaker, text in turns:
        audio = speak(text, voices[speaker])
        audio = 0.8 * audio / (np.abs(audio).max() + 1e-9)
        timeline.append((round(clock, 3), round(clock + len(audio) / RATE, 3), speaker))
        pieces += [audio, np.zeros(int(PAUSE * RATE), np.float32)]
        clock += len(audio) / RATE + PAUSE
    return np.concatenate(pieces), timeline


def write_wav(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes((np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes())


def write_rttm(path: Path, timeline: Sequence[tuple[float, float, str]], uri: str) -> None:
    lines = [f"SPEAKER {uri} 1 {start:.3f} {end - start:.3f} <NA> <NA> {who} <NA> <NA>" for start, end, who in timeline]
    path.write_text("\n".join(lines) + "\n")


def read_script(path: Path) -> list[tuple[str, str]]:
    turns = []
    for line in path.read_text().splitlines():
        if ":" in line:
            speaker, text = line.split(":", 1)
            turns.append((speaker.strip(), text.strip()))
    return turns


def main() -> None:
    turns = read_script(HERE / "sample_meeting_script.txt")
    samples, timeline = synthesize(turns, VOICES)
    write_wav(HERE / "sample_meeting.wav", samples)
    write_rttm(HERE / "sample_meeting.rttm", timeline, "sample_meeting")
    (HERE / "sample_meeting_reference.txt").write_text(" ".join(text for _, text in turns) + "\n")
    print(f"wrote {HERE / 'sample_meeting.wav'} ({len(samples) / RATE:.1f} s, {len(VOICES)} voices)")


if __name__ == "__main__":
    main()
