"""Transcribe: audio in, segments streamed with times, subtitle and transcript files out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from hfkit.core.audio import AUDIO_SUFFIXES, check_file
from hfkit.core.types import Segment
from hfkit.speech import transcribe
from hfkit.speech.writers import WRITERS, timestamp, write_outputs
from hfkit.web.common import WebContext, guard_stream, uploaded

HEADERS = ["start", "end", "speaker", "text"]


def segment_row(segment: Segment) -> list[str]:
    return [timestamp(segment.start, ".", hours=False), timestamp(segment.end, ".", hours=False),
            segment.speaker or "", segment.text.strip()]


def make_run(context: WebContext) -> Any:
    @guard_stream
    def run(audio: str | None, model: str, language: str | None,
            progress: gr.Progress = gr.Progress()) -> Iterator[tuple[list[list[str]], list[str]]]:  # noqa: B008
        """Stream the transcript as a table, then offer the files."""
        path = check_file(uploaded(audio, "recording", AUDIO_SUFFIXES))
        result = transcribe(path, model=context.models.check(model, "speech model"), language=(language or "").strip() or None)
        duration = max(result.info.duration, 0.01)
        progress(0.0, desc="Transcribing")
        segments: list[Segment] = []
        for segment in result:
            segments.append(segment)
            progress(min(segment.end / duration, 1.0), desc="Transcribing")
            yield [segment_row(s) for s in segments], []
        out = context.workspace.job_dir("transcribe")
        files = write_outputs(result.info, segments, list(WRITERS), out, Path(path).stem)
        yield [segment_row(s) for s in segments], [str(f) for f in files]

    return run


def build(context: WebContext) -> None:
    """The Transcribe tab."""
    models = context.models.choices("asr", context.options.asr_models)
    with gr.Row():
        with gr.Column():
            audio = gr.Audio(sources=["upload", "microphone"], type="filepath", label="Audio or video",
                             elem_id="transcribe-audio")
            model = gr.Dropdown(models, value=models[0], label="Model", allow_custom_value=True)
            language = gr.Textbox(label="Language (empty: English with tiny.en, detected with others)", max_lines=1)
            with gr.Row():
                start = gr.Button("Transcribe", variant="primary", elem_id="transcribe-run")
                stop = gr.Button("Stop", variant="stop")
        with gr.Column():
            table = gr.Dataframe(headers=HEADERS, label="Transcript", interactive=False, wrap=True,
                                 elem_id="transcribe-table")
            files = gr.File(label="Downloads (txt, srt, vtt, json)", file_count="multiple", interactive=False,
                            elem_id="transcribe-files")
    event = start.click(make_run(context), [audio, model, language], [table, files], api_name="transcribe")
    stop.click(None, cancels=[event], queue=False)
