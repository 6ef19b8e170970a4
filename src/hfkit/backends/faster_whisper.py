"""Speech to text with faster-whisper (CTranslate2): int8 on CPU, float16 on CUDA, Silero VAD."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hfkit.backends.base import TranscribeOptions, Transcriber, Window
from hfkit.core.config import cpu_threads, resolve_device
from hfkit.core.errors import missing_extra
from hfkit.core.privacy import quiet_onnxruntime
from hfkit.core.registry import ResolvedModel
from hfkit.core.types import Segment, Word

SAMPLING_SEED = 0  # whisper's temperature fallback samples; every window starts from this seed (see _fresh_decoder)


class FasterWhisperTranscriber(Transcriber):
    """Whisper through faster-whisper; the model is loaded once per instance. Windows come from the base class."""

    def __init__(self, model: ResolvedModel, device: str = "auto", compute_type: str | None = None, **_: Any) -> None:
        quiet_onnxruntime()  # Silero VAD runs in onnxruntime: its telemetry must be off before it is imported
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:  # pragma: no cover - core dependency
            raise missing_extra("faster-whisper", "all") from exc
        import ctranslate2

        ctranslate2.set_random_seed(SAMPLING_SEED)  # read by each decoding thread when it first samples
        self.name = model.name
        self.device = resolve_device(device)
        self.compute_type = compute_type or ("float16" if self.device == "cuda" else "int8")
        self._path = str(model.path)
        self._model = WhisperModel(self._path, device=self.device, compute_type=self.compute_type,
                                   cpu_threads=cpu_threads())
        self.languages = None if self._model.model.is_multilingual else ("en",)
        self._batched: Any = None
        self._sampled = False  # whether the decoder's random generators may have moved since they were seeded

    def settings(self, options: TranscribeOptions) -> dict[str, Any]:
        return {**super().settings(options), "device": self.device, "compute_type": self.compute_type}

    def transcribe_window(self, samples: Any, options: TranscribeOptions, start: float, end: float) -> Window:
        """Transcribe one window of 16 kHz mono float32 samples (language detection runs now, decoding lazily)."""
        if self._sampled:
            self._fresh_decoder()
        kwargs = _kwargs(options)
        if options.batch_size > 1:
            segments, info = self._batched_pipeline().transcribe(samples, batch_size=options.batch_size, **kwargs)
        else:
            segments, info = self._model.transcribe(samples, **kwargs)
        return Window(start, end, info.language, info.language_probability, self._tracked(segments, start))

    def _tracked(self, segments: Any, start: float) -> Iterator[Segment]:
        """The window's segments; notes when whisper's temperature fallback sampled (or the window was left midway)."""
        self._sampled = True
        sampled = False
        for segment in segments:
            sampled = sampled or (segment.temperature or 0.0) > 0
            yield _segment(segment, start)
        self._sampled = sampled

    def _fresh_decoder(self) -> None:
        """A new CTranslate2 decoder, whose new threads seed their random generators from SAMPLING_SEED again.

        CTranslate2 keeps one generator per decoding thread, seeded once, so after a window that sampled, the next
        window would depend on every window before it and a resumed run would decode it differently. Loading the
        decoder again (about 0.1 s for tiny.en) makes each window decode as it would first thing in a fresh process.
        """
        import ctranslate2

        ctranslate2.set_random_seed(SAMPLING_SEED)
        self._model.model = ctranslate2.models.Whisper(self._path, device=self.device, compute_type=self.compute_type,
                                                       intra_threads=cpu_threads())
        self._sampled = False

    def speech_spans(self, samples: Any, start: float) -> list[tuple[float, float]] | None:
        """Speech found by faster-whisper's Silero VAD (default settings), on the recording's clock."""
        from faster_whisper.vad import get_speech_timestamps

        return [(start + ts["start"] / 16000, start + ts["end"] / 16000) for ts in get_speech_timestamps(samples)]

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


def _segment(seg: Any, offset: float) -> Segment:
    words = tuple(Word(w.start + offset, w.end + offset, w.word, w.probability) for w in (seg.words or ()))
    return Segment(id=seg.id, start=seg.start + offset, end=seg.end + offset, text=seg.text.strip(), words=words,
                   avg_logprob=seg.avg_logprob, no_speech_prob=seg.no_speech_prob)
