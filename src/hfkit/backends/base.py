"""The capability interfaces and the registry of engines behind them."""

from __future__ import annotations

import contextlib
import importlib
import itertools
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hfkit.core import audio as audio_io
from hfkit.core import hallucination
from hfkit.core.audio import SAMPLE_RATE
from hfkit.core.errors import InputError, UnsupportedModelError
from hfkit.core.registry import ResolvedModel, resolve
from hfkit.core.types import ChatRequest, GenerationOptions, Segment, TranscriptionInfo, Usage
from hfkit.core.validation import check_language

if TYPE_CHECKING:
    from typing import TypeAlias

    import numpy as np

    Audio: TypeAlias = Path | np.ndarray

WINDOW_SECONDS = 300.0  # whisper windows, cut at pauses: bounded memory (mel features, VAD) on long recordings


class TranscribeOptions(BaseModel):
    """Options for speech to text."""

    model_config = ConfigDict(extra="forbid")

    language: str | None = None
    task: str = Field(default="transcribe", pattern="^(transcribe|translate)$")
    vad: bool = True
    word_timestamps: bool = True
    beam_size: int = Field(default=5, ge=1, le=20)
    batch_size: int = Field(default=0, ge=0, le=256)
    initial_prompt: str | None = None
    hotwords: str | None = None
    temperature: float = Field(default=0.0, ge=0.0, le=1.0)
    drop_hallucinations: bool = Field(default=True, description="drop words whisper made up on noise or silence")
    window_seconds: float = Field(default=WINDOW_SECONDS, ge=20.0, le=3600.0,
                                  description="long recordings are decoded in windows of about this length")

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        return check_language(value)


class Transcription:
    """Lazy result of a transcription: ``info`` now, ``segments`` as they are decoded."""

    def __init__(self, info: TranscriptionInfo, segments: Iterator[Segment]) -> None:
        self.info = info
        self.segments = segments
        self.warnings: list[str] = []  # filled as decoding goes, e.g. when a file turns out to be truncated

    def __iter__(self) -> Iterator[Segment]:
        return self.segments


@dataclass
class Window:
    """One stretch of the recording transcribed on its own: ``[start, end)`` seconds, segments on the recording's
    clock (decoded lazily), and the language it was decoded in. Windows are independent: no decoder state passes
    from one to the next except the language, so replaying a window gives the same segments."""

    start: float
    end: float
    language: str
    language_probability: float
    segments: Iterator[Segment]


class Transcriber:
    """Speech to text. ``transcribe`` is the one entry point; engines implement one window (or one file).

    Capabilities are class attributes, checked in :meth:`check`:
    ``supports_samples``: the engine decodes 16 kHz samples in memory, so long recordings are cut into windows at
    pauses (bounded memory, resumable at window boundaries); otherwise it takes a whole file (remote engines).
    ``word_timestamps``: segments carry per-word times. ``languages``: the codes it knows (None: any).
    """

    name: str = ""
    supports_samples: ClassVar[bool] = True
    word_timestamps: ClassVar[bool] = True
    languages: tuple[str, ...] | None = None

    def transcribe(self, audio: Audio, options: TranscribeOptions | None = None, offset: float = 0.0) -> Transcription:
        """Transcribe ``audio`` (a file, or 16 kHz mono float32 samples) from ``offset`` seconds on.

        ``info`` is known at once (the first window is started); segments are decoded lazily as you iterate,
        numbered from 0, with times on the recording's clock.
        """
        options = options or TranscribeOptions()
        return self.from_windows(audio, options, self.windows(audio, options, offset))

    def from_windows(self, audio: Audio, options: TranscribeOptions, windows: Iterator[Window]) -> Transcription:
        """A lazy transcription of ``windows`` (info from the first one, segments renumbered from 0)."""
        label = str(audio) if isinstance(audio, Path) else "<audio>"
        total = _duration(audio)
        first = next(windows, None)
        language, probability = (first.language, first.language_probability) if first else (options.language or "", 0.0)
        info = TranscriptionInfo(label, language, probability, total or (first.end if first else 0.0), self.name,
                                 self.settings(options))
        result = Transcription(info, iter(()))
        result.segments = _numbered(first, windows, audio, result) if first else iter(())
        return result

    def windows(self, audio: Audio, options: TranscribeOptions, offset: float = 0.0) -> Iterator[Window]:
        """The windows of ``audio`` that end after ``offset``, in order.

        Windows are always cut on the same grid from the start of the recording (at pauses, about
        ``window_seconds`` long), so a run resumed at a window boundary decodes exactly the windows an uninterrupted
        run would. The language detected in the first decoded window is passed to the later ones.
        """
        self.check(options)
        if not self.supports_samples:
            yield from self._whole_file(audio, options, offset)
            return
        for first, samples in _grid(audio, options.window_seconds):
            start, end = first / SAMPLE_RATE, (first + len(samples)) / SAMPLE_RATE
            if end <= offset:
                continue
            skip = max(0, round((offset - start) * SAMPLE_RATE))
            window = self._filtered(self.transcribe_window(samples[skip:], options, (first + skip) / SAMPLE_RATE, end),
                                    samples[skip:], options)
            options = options if options.language else options.model_copy(update={"language": window.language})
            yield window

    def speech_spans(self, samples: np.ndarray, start: float) -> list[tuple[float, float]] | None:
        """(start, end) seconds of speech in ``samples`` on the recording's clock, or None when unknown."""
        return None

    def _filtered(self, window: Window, samples: np.ndarray | None, options: TranscribeOptions) -> Window:
        """``window`` without hallucinated segments (when asked); with VAD off, speech is found here for the check."""
        if not options.drop_hallucinations:
            return window
        speech = None if options.vad or samples is None else self.speech_spans(samples, window.start)
        return replace(window, segments=hallucination.keep_speech(window.segments, speech))

    def check(self, options: TranscribeOptions) -> None:
        """Fail with one sentence when ``options`` ask for what this engine cannot do."""
        if self.languages is not None and options.language and options.language not in self.languages:
            known = "English" if self.languages == ("en",) else ", ".join(self.languages)
            raise InputError(
                f"Model '{self.name}' only knows {known}, but language '{options.language}' was "
                "asked for.",
                "Use --model whisper-base (multilingual) or drop --language.",
            )
        if options.word_timestamps and not self.word_timestamps:
            raise UnsupportedModelError(f"Model '{self.name}' gives no word timestamps.",
                                        "Pick a Whisper model, or turn word timestamps off.")

    def settings(self, options: TranscribeOptions) -> dict[str, Any]:
        """Every setting that changes the words (for ``info.settings`` and checkpoint keys)."""
        return {"model": self.name, **options.model_dump()}

    def transcribe_window(self, samples: np.ndarray, options: TranscribeOptions, start: float,
                          end: float) -> Window:
        """Transcribe one window of samples that begins ``start`` seconds into the recording."""
        raise UnsupportedModelError(f"Model '{self.name}' cannot transcribe samples in memory.", "Pass a file.")

    def transcribe_file(self, path: Path, options: TranscribeOptions) -> Transcription:
        """Transcribe a whole file at once (engines with ``supports_samples = False``)."""
        raise UnsupportedModelError(f"Model '{self.name}' cannot transcribe a whole file.", "Pass samples.")

    def _whole_file(self, audio: Audio, options: TranscribeOptions, offset: float) -> Iterator[Window]:
        """One window: the whole recording (a file as it is; samples as a temporary WAV file)."""
        with _as_file(audio) as path:
            result = self.transcribe_file(path, options)
            segments = [s for s in result.segments if s.end > offset]
        window = Window(0.0, result.info.duration or _duration(audio), result.info.language,
                        result.info.language_probability, iter(segments))
        yield self._filtered(window, None, options)


def _duration(audio: Audio) -> float:
    if isinstance(audio, Path):
        return audio_io.duration(audio) or 0.0
    return len(audio) / SAMPLE_RATE


def _grid(audio: Audio, seconds: float) -> Iterator[tuple[int, np.ndarray]]:
    """(first sample, samples) windows cut at pauses: streamed from a file (bounded memory) or cut from samples."""
    if isinstance(audio, Path):
        for start, samples in audio_io.stream(audio, seconds):
            yield round(start * SAMPLE_RATE), samples
        return
    if audio.size:
        yield from audio_io.cut_at_pauses([audio], seconds)


def _numbered(first: Window, rest: Iterator[Window], audio: Audio, result: Transcription) -> Iterator[Segment]:
    """The windows' segments numbered from 0; at the end, a truncated file is noted in ``result.warnings``."""
    count, end = 0, first.end
    for window in itertools.chain([first], rest):
        end = window.end
        for segment in window.segments:
            yield replace(segment, id=count)
            count += 1
    note = audio_io.shortfall(audio, end) if isinstance(audio, Path) else None
    if note:
        result.warnings.append(note)


@contextlib.contextmanager
def _as_file(audio: Audio) -> Iterator[Path]:
    if isinstance(audio, Path):
        yield audio
        return
    with tempfile.TemporaryDirectory(prefix="hfkit-audio-") as folder:
        path = Path(folder) / "audio.wav"
        audio_io.write_wav(path, audio)
        yield path


CHAT_CAPABILITIES: dict[str, tuple[str, str]] = {
    "raw": ("has no raw completion mode", "Drop --raw, or use a local GGUF or transformers model."),
    "chat_template": ("has no chat template, so it cannot chat", "Use plain completion (--raw) or an instruct model."),
    "json_schema": ("cannot be held to a JSON schema", "Drop the schema, or use a GGUF, transformers or openai: model."),
    "streaming": ("cannot stream its reply", "Ask for the whole reply at once."),
}


class ChatModel(ABC):
    """Text generation from a conversation.

    Capabilities are attributes, checked in one place (:meth:`require`): ``supports_raw`` (``complete_raw``
    continues plain text without a template), ``supports_json_schema`` (replies held to a JSON schema),
    ``supports_streaming`` (pieces arrive as they are generated) and ``has_chat_template`` (set per model).
    """

    name: str = ""
    context_size: int = 0
    supports_raw: ClassVar[bool] = False
    supports_json_schema: ClassVar[bool] = True
    supports_streaming: ClassVar[bool] = True
    has_chat_template: bool = True

    @abstractmethod
    def complete(self, request: ChatRequest, usage: Usage | None = None) -> Iterator[str]:
        """Stream the assistant's reply as text pieces; fill ``usage`` when given."""

    def complete_raw(self, prompt: str, options: GenerationOptions, usage: Usage | None = None) -> Iterator[str]:
        """Continue ``prompt`` as plain text (engines with ``supports_raw``)."""
        self.require("raw")
        raise NotImplementedError  # pragma: no cover - require() raised

    def can(self, capability: str) -> bool:
        """Whether this model has ``capability`` (a key of :data:`CHAT_CAPABILITIES`)."""
        flags = {"raw": self.supports_raw, "chat_template": self.has_chat_template,
                 "json_schema": self.supports_json_schema, "streaming": self.supports_streaming}
        return flags[capability]

    def require(self, capability: str) -> None:
        """Raise :class:`UnsupportedModelError` naming the model, what it lacks and what to do instead."""
        if not self.can(capability):
            problem, fix = CHAT_CAPABILITIES[capability]
            raise UnsupportedModelError(f"'{self.name}' {problem}.", fix)

    def count_tokens(self, text: str) -> int:
        """Approximate token count (backends override with their tokenizer)."""
        return max(1, len(text) // 4)

    def close(self) -> None:  # noqa: B027 - optional hook, most backends hold nothing to release
        """Release the model."""


_TRANSCRIBERS: dict[str, str] = {
    "ct2": "hfkit.backends.faster_whisper:FasterWhisperTranscriber",
    "openai": "hfkit.backends.openai_compat:OpenAITranscriber",
}
_CHAT_MODELS: dict[str, str] = {
    "gguf": "hfkit.backends.xllamacpp:LlamaCppChatModel",
    "openai": "hfkit.backends.openai_compat:OpenAIChatModel",
    "transformers": "hfkit.backends.transformers:TransformersChatModel",
}


def register_transcriber(fmt: str, target: str) -> None:
    _TRANSCRIBERS[fmt] = target


def register_chat_model(fmt: str, target: str) -> None:
    _CHAT_MODELS[fmt] = target


def _load_class(target: str) -> Any:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def load_transcriber(reference: str | ResolvedModel, **kwargs: Any) -> Transcriber:
    """Build a transcriber for a model reference (name, path, hub id or openai:)."""
    model = reference if isinstance(reference, ResolvedModel) else resolve(reference, base_url=kwargs.get("base_url"))
    target = _TRANSCRIBERS.get(model.format)
    if target is None or not model.can("asr"):
        raise UnsupportedModelError(
            f"'{model.name}' is not a speech-to-text model.", "Use whisper-tiny.en, whisper-base or a Whisper model."
        )
    return _load_class(target)(model, **kwargs)  # type: ignore[no-any-return]


def load_chat_model(reference: str | ResolvedModel, *, chat: bool = True, **kwargs: Any) -> ChatModel:
    """Build a chat model; ``chat=False`` allows completion-only (base) models."""
    model = reference if isinstance(reference, ResolvedModel) else resolve(reference, base_url=kwargs.get("base_url"))
    target = _CHAT_MODELS.get(model.format)
    if target is None:
        raise UnsupportedModelError(f"'{model.name}' is not a text-generation model.", "Use a GGUF, HF or openai: model.")
    if chat and not model.can("chat"):
        raise UnsupportedModelError(
            f"'{model.name}' is a base model without a chat template, so it cannot chat.",
            "Use it with 'hfkit generate --raw' for plain completion, or pick an instruct model such as "
            "smollm2-135m-instruct.",
        )
    return _load_class(target)(model, **kwargs)  # type: ignore[no-any-return]
