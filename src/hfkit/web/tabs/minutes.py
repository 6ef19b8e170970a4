"""Meeting minutes: a recording, a transcript file or pasted text in; staged progress, the speaker-labelled
transcript, rendered minutes with cited moments that seek the audio player, speaker renaming and downloads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from hfkit.core.atomic import write_text
from hfkit.core.audio import AUDIO_SUFFIXES
from hfkit.core.clock import parse_clock
from hfkit.core.errors import InputError
from hfkit.core.types import Segment
from hfkit.minutes.api import STAGES, MinutesResult, minutes, minutes_from_segments
from hfkit.minutes.model import Minutes, MinutesOptions
from hfkit.minutes.render import clock
from hfkit.minutes.transcript import TEXT_SUFFIXES
from hfkit.web.common import Background, WebContext, guard, guard_stream, uploaded
from hfkit.web.tabs.transcribe import HEADERS, segment_row

TRANSCRIPT_SUFFIXES = frozenset({".json", *TEXT_SUFFIXES})
STAGE_LABELS = {"decode": "Reading the audio", "speech": "Transcribing", "speakers": "Finding who spoke",
                "minutes": "Writing the minutes"}
MOMENT_HEADERS = ["time", "kind", "what was said"]
MINUTES_FORMATS = ("md", "json", "docx")
TRANSCRIPT_FORMATS = ("srt", "vtt", "json")
Outputs = tuple[str, str, list[list[str]], list[list[str]], list[list[str]], list[str], Any]


def source_file(audio: str | None, transcript_file: str | None, pasted: str | None, job: Path) -> Path:
    """The one input to use: the recording, else the transcript file, else the pasted text (saved as a file)."""
    if audio:
        return uploaded(audio, "recording", AUDIO_SUFFIXES)
    if transcript_file:
        return uploaded(transcript_file, "transcript", TRANSCRIPT_SUFFIXES)
    if (pasted or "").strip():
        target = job / "pasted-transcript.txt"
        write_text(target, pasted or "")
        return target
    return uploaded(None, "recording or transcript")


def stage_report(reported: dict[str, tuple[float, float]]) -> str:
    """Markdown checklist of the stages reported so far: done ones ticked, the running one with its progress."""
    lines = []
    for stage, (done, total) in reported.items():
        finished = bool(total) and done >= total
        detail = f" ({done:.0f}/{total:.0f} s of audio)" if stage == "speech" and not finished else ""
        lines.append(f"- {'✅' if finished else '⏳'} {STAGE_LABELS.get(stage, stage)}{detail}")
    return "\n".join(lines)


def moments(m: Minutes) -> list[list[str]]:
    """Every cited moment of the minutes, in time order: clock time, kind, text."""
    rows: list[tuple[float, str, str]] = [(k.start, "key point", k.text) for k in m.key_points]
    rows += [(d.citation.start, "decision", d.text) for d in m.decisions]
    rows += [(a.citation.start, "action", f"{a.owner + ': ' if a.owner else ''}{a.task}") for a in m.action_items]
    rows += [(q.citation.start, "question", q.text) for q in m.open_questions]
    return [[clock(start), kind, text] for start, kind, text in sorted(rows, key=lambda r: r[0])]


def speakers_of(segments: list[Segment]) -> list[list[str]]:
    labels = dict.fromkeys(s.speaker for s in segments if s.speaker)
    return [[label, label] for label in labels]


def outputs(context: WebContext, result: MinutesResult, status: str) -> Outputs:
    """What the tab shows for a finished result, with its files written to a fresh job folder."""
    files = result.write(context.workspace.job_dir("minutes"), MINUTES_FORMATS, TRANSCRIPT_FORMATS)
    return (status, result.to_markdown(), moments(result.minutes), [segment_row(s) for s in result.segments],
            speakers_of(result.segments), [str(f) for f in files], result)


def options_from_form(context: WebContext, title: str | None, date: str | None, engine: str, llm: str | None,
                      diarize: bool, speakers: float | None) -> MinutesOptions:
    """The minutes options set in the form (fields of a closed accordion may arrive as None); the chat model must
    be one the app offers."""
    chat_model = context.models.check(llm, "chat model") if engine == "llm" and (llm or "").strip() else None
    return MinutesOptions(title=(title or "").strip() or None, date=(date or "").strip() or None,
                          engine=engine or "grounded", llm=chat_model, diarize=bool(diarize),  # type: ignore[arg-type]
                          num_speakers=int(speakers or 0) or None)


def make_run(context: WebContext) -> Any:
    @guard_stream
    def run(audio: str | None, transcript_file: str | None, pasted: str, title: str, date: str, engine: str, llm: str,
            diarize: bool, speakers: float, progress: gr.Progress = gr.Progress()) -> Iterator[Any]:  # noqa: B008
        """Make minutes, reporting each stage and streaming the transcript; the minutes fill in at the end."""
        options = options_from_form(context, title, date, engine, llm, diarize, speakers)
        source = source_file(audio, transcript_file, context.text(pasted, "pasted transcript"),
                             context.workspace.job_dir("input"))
        job = Background(lambda report: minutes(source, options=options, on_progress=report,
                                                on_segment=lambda segment: report("segment", segment)))
        skip = gr.skip()
        reported: dict[str, tuple[float, float]] = {}
        lines: list[list[str]] = []
        for event in job.progress():
            if len(event) == 2:  # a transcript segment, streamed as soon as it is decoded
                lines.append(segment_row(event[1]))
                yield stage_report(reported), skip, skip, lines, skip, skip, skip
                continue
            if event:
                stage, done, total = event
                reported[stage] = (done, total)
                progress(STAGES.index(stage) / len(STAGES) + (done / total if total else 0) / len(STAGES),
                         desc=STAGE_LABELS.get(stage, stage))
            yield stage_report(reported), skip, skip, skip, skip, skip, skip
        assert job.result is not None
        yield outputs(context, job.result, stage_report(reported))

    return run


def make_rename(context: WebContext) -> Any:
    @guard
    def rename(result: MinutesResult | None, names: Any, title: str, date: str, engine: str, llm: str, diarize: bool,
               speakers: float) -> Outputs:
        """Remake the minutes with the speakers' new names (no new transcription)."""
        if result is None:
            raise InputError("There are no minutes to rename speakers in yet.", "Make minutes first.")
        rows = names.values.tolist() if hasattr(names, "values") else list(names or [])
        mapping = {str(old): str(new).strip() for old, new in rows if str(new).strip() and str(new).strip() != old}
        options = options_from_form(context, title, date, engine, llm, diarize, speakers)
        options = options.model_copy(update={"speaker_names": mapping, "auto_names": False})
        remade = minutes_from_segments(result.segments, options, result.info)
        return outputs(context, remade, f"Renamed {len(mapping)} speaker(s).")

    return rename


def seek(table: Any, event: gr.SelectData) -> Any:
    """Clicking a cited moment or a transcript line moves the audio player to its time."""
    rows = table.values.tolist() if hasattr(table, "values") else table
    row = event.index[0] if isinstance(event.index, list | tuple) else event.index
    return gr.update(playback_position=parse_clock(str(rows[row][0])))


def build(context: WebContext) -> None:
    """The Meeting minutes tab."""
    models = context.models.choices("chat", context.options.chat_models)
    result = gr.State(None)
    with gr.Row():
        with gr.Column(scale=2):
            audio = gr.Audio(sources=["upload", "microphone"], type="filepath", label="Recording (audio or video)",
                             elem_id="minutes-audio")
            transcript_file = gr.File(label="…or a transcript file (.json from hfkit transcribe, or Speaker: text)",
                                      file_types=sorted(TRANSCRIPT_SUFFIXES), elem_id="minutes-transcript-file")
            pasted = gr.Textbox(label="…or paste a transcript (one 'Speaker: text' line per turn)", lines=5,
                                elem_id="minutes-pasted")
            with gr.Accordion("Options", open=False):
                title = gr.Textbox(label="Title", max_lines=1)
                date = gr.Textbox(label="Meeting date (YYYY-MM-DD; due dates are resolved against it)", max_lines=1)
                engine = gr.Radio(["grounded", "llm"], value="grounded", label="Engine")
                llm = gr.Dropdown(models, value=models[0], label="Chat model (llm engine)", allow_custom_value=True)
                diarize = gr.Checkbox(value=True, label="Find who spoke (speaker diarization)",
                                      elem_id="minutes-diarize")
                speakers = gr.Number(value=0, precision=0, minimum=0, maximum=32, label="Speakers (0: detect)")
            with gr.Row():
                start = gr.Button("Make minutes", variant="primary", elem_id="minutes-run")
                stop = gr.Button("Stop", variant="stop")
            status = gr.Markdown(elem_id="minutes-status")
        with gr.Column(scale=3):
            rendered = gr.Markdown(label="Minutes", elem_id="minutes-rendered")
            cited = gr.Dataframe(headers=MOMENT_HEADERS, label="Cited moments (click one to play it)",
                                 interactive=False, wrap=True, elem_id="minutes-moments")
            transcript = gr.Dataframe(headers=HEADERS, label="Transcript (click a line to play it)", interactive=False, wrap=True,
                                      elem_id="minutes-transcript")
            with gr.Accordion("Rename speakers", open=False):
                names = gr.Dataframe(headers=["label", "name"], label="Speakers", interactive=True,
                                     elem_id="minutes-names")
                apply = gr.Button("Apply names")
            files = gr.File(label="Downloads (md, json, docx, srt, vtt; speakers.png)", file_count="multiple", interactive=False,
                            elem_id="minutes-files")
    form = [title, date, engine, llm, diarize, speakers]
    shown = [status, rendered, cited, transcript, names, files, result]
    event = start.click(make_run(context), [audio, transcript_file, pasted, *form], shown, api_name="minutes")
    stop.click(None, cancels=[event], queue=False)
    apply.click(make_rename(context), [result, names, *form], shown, api_name="rename_speakers")
    cited.select(seek, cited, audio, queue=False, api_visibility="private")
    transcript.select(seek, transcript, audio, queue=False, api_visibility="private")
