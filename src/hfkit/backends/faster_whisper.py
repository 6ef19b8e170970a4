"""Speech to text with faster-whisper (CTranslate2): int8 on CPU, float16 on CUDA, Silero VAD."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hfkit.backends.base import TranscribeOptions, Transcriber, Transcription
from hfkit.core import audio
from hfkit.core.config import cpu_threads, resolve_device
from hfkit.core.errors import InputError, missing_extra
from hfkit.core.registry import ResolvedModel
from hfkit.core.types import Segment, TranscriptionInfo, Word

CHUNK_SECONDS = 120.0  # Silero VAD memory grows with the chunk: 10 min took ~650 MB, 2 min ~130 MB


class FasterWhisperTranscriber(Transcriber):
    """Whisper through faster-whisper; the model is loaded once per instance."""

    def __init__(self, model: ResolvedModel, device: str = "auto", compute_type: str | None = None, **_: Any) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:  # pragma: no cover - core dependency
            raise missing_extra("faster-whisper", "all") from exc
        self.name = model.name
        self.device = resolve_device(device)
        self.compute_type = compute_type or ("float16" if self.device == "cuda" else "int8")
        self._model = WhisperModel(
            str(model.path), device=self.device, compute_type=self.compute_type, cpu_threads=cpu_threads()
        )
        self.english_only = not self._model.model.is_multilingual
        self._batched: Any = None

    def transcribe(self, audio_path: Path, options: TranscribeOptions) -> Transcription:
        """Decode and transcribe chunk by chunk (cut at pauses), so memory stays bounded on long recordings."""
        chunks = audio.stream(audio_path, CHUNK_SECONDS)
        _, first = next(chunks)
        result = self.transcribe_samples(first, options, str(audio_path))
        result.info.duration = audio.duration(audio_path) or result.info.duration
        rest = options.model_copy(update={"language": options.language or result.info.language})
        return Transcription(result.info, self._chain(result.segments, chunks, rest))

    def _chain(self, first: Iterator[Segment], chunks: Iterator[tuple[float, Any]],
               options: TranscribeOptions) -> Iterator[Segment]:
        count = 0
        for segment in first:
            count += 1
            yield segment
        for offset, samples in chunks:
            for segment in self.transcribe_samples(samples, options).segments:
                yield segment.shifted(offset, count)
                count += 1

    def transcribe_samples(self, samples: Any, options: TranscribeOptions, label: str = "<audio>") -> Transcription:
        """Transcribe 16 kHz mono float32 samples already in memory."""
        if self.english_only and options.language not in (None, "en"):
            raise InputError(
                f"Model '{self.name}' only knows English, but language '{options.language}' was asked for.",
                "Use --model whisper-base (multilingual) or drop --language.",
            )
        kwargs = _kwargs(options)
        if options.batch_size > 1:
            segments, info = self._batched_pipeline().transcribe(samples, batch_size=options.batch_size, **kwargs)
        else:
            segments, info = self._model.transcribe(samples, **kwargs)
        meta = TranscriptionInfo(
            path=label,
            language=info.language,
            language_probability=info.language_probability,
            duration=info.duration,
            model=self.name,
            settings={"device": self.device, "compute_type": self.compute_type, **options.model_dump()},
        )
        return Transcription(meta, _convert(segments))

    def _batched_pipeline(self) -> Any:
        if self._batched is None:
            from faster_whisper import BatchedInferencePipeline

            self._batched = BatchedInferencePipeline(model=self._model)
        return self._batched


def _kwargs(options: TranscribeOptions) -> dict[str, Any]:
    return {
        "language": options.language,
        "task": options.task,
        "vad_filter": options.vad,
        "word_timestamps": options.word_timestamps,
        "beam_size": options.beam_size,
        "initial_prompt": options.initial_prompt,
        "hotwords": options.hotwords,
        "temperature": options.temperature if options.temperature > 0 else [0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
    }


def _convert(segments: Any) -> Iterator[Segment]:
    for index, seg in enumerate(segments):
        words = tuple(Word(w.start, w.end, w.word, w.probability) for w in (seg.words or ()))
        yield Segment(
            id=index,
            start=seg.start,
            end=seg.end,
            text=seg.text.strip(),
            words=words,
            avg_logprob=seg.avg_logprob,
            no_speech_prob=seg.no_speech_prob,
        )
