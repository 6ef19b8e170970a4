"""Text to speech with Piper voices (ONNX, CPU), embedded default: the ``piper-joe`` voice."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

from hfkit.core.atomic import atomic_path
from hfkit.core.errors import InputError, UnsupportedModelError, missing_extra
from hfkit.core.pool import pooled
from hfkit.core.privacy import quiet_onnxruntime
from hfkit.core.registry import ResolvedModel, resolve

DEFAULT_VOICE = "piper-joe"


class PiperSpeaker:
    """A Piper voice loaded once; ``speak`` writes a WAV file."""

    def __init__(self, model: ResolvedModel, device: str = "cpu") -> None:
        quiet_onnxruntime()
        try:
            from piper import PiperVoice
        except ImportError as exc:
            raise missing_extra("piper-tts", "tts") from exc
        if model.format != "piper" or model.path is None:
            raise UnsupportedModelError(f"'{model.name}' is not a Piper voice.",
                                        f"Use {DEFAULT_VOICE} or a Piper .onnx voice.")
        self.name = model.name
        self._voice: Any = PiperVoice.load(model.path, use_cuda=device == "cuda")
        self.sample_rate = int(self._voice.config.sample_rate)

    def speak(self, text: str, output: Path) -> Path:
        """Synthesise ``text`` into a 16-bit mono WAV at ``output`` (written atomically)."""
        if not text.strip():
            raise InputError("There is no text to speak.", "Pass a non-empty sentence.")
        with atomic_path(output) as tmp, wave.open(str(tmp), "wb") as handle:
            self._voice.synthesize_wav(text, handle)
        return output

    def samples(self, text: str) -> Any:
        """Synthesise ``text`` into float32 mono samples in -1..1 at ``sample_rate`` (nothing is written)."""
        import numpy as np

        if not text.strip():
            raise InputError("There is no text to speak.", "Pass a non-empty sentence.")
        chunks = [chunk.audio_float_array for chunk in self._voice.synthesize(text)]
        return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, dtype=np.float32)


def load_speaker(reference: str = DEFAULT_VOICE, device: str = "cpu") -> PiperSpeaker:
    """A Piper voice for ``reference`` (embedded name or path to an ``.onnx`` voice), loaded once per process."""
    return pooled("speaker", reference, device, loader=lambda: PiperSpeaker(_voice_model(reference), device))


def _voice_model(reference: str) -> ResolvedModel:
    path = Path(reference)
    if path.suffix == ".onnx" and path.exists():
        return ResolvedModel(reference, "piper", path, ("tts",))
    return resolve(reference)
