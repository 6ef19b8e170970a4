"""Pipelines: a task picker that shows the right inputs and outputs per task (text; context and question; labels;
languages; audio in and out; image out) and a model picker, running :func:`hfkit.toolkit.pipelines.pipeline`."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import gradio as gr

import hfkit.toolkit.tasks  # noqa: F401  (fills the task registry)
from hfkit.core.audio import AUDIO_SUFFIXES
from hfkit.core.pool import close_model, pooled
from hfkit.toolkit.pipelines import TASKS, DictResult, ListResult, Pipeline, find_task, pipeline, save_output
from hfkit.web.common import WebContext, guard, uploaded
from hfkit.web.policy import ModelPolicy

DEFAULT_MODEL = "(task default)"
SEED_SENTENCE = "My name is Barack Obama and I was president of the United States."
# Which input and output widgets each kind of task shows; tasks not listed take text and give text.
TASK_WIDGETS: dict[str, frozenset[str]] = {
    "ner": frozenset({"text", "entities"}),
    "question-answering": frozenset({"text", "context", "answer"}),
    "zero-shot-classification": frozenset({"text", "labels", "answer"}),
    "translation": frozenset({"text", "languages", "answer"}),
    "automatic-speech-recognition": frozenset({"audio_in", "answer"}),
    "text-to-speech": frozenset({"text", "audio_out"}),
    "text-to-image": frozenset({"text", "image"}),
}
WIDGETS = ("text", "context", "labels", "languages", "audio_in", "answer", "entities", "audio_out", "image")
OUTPUTS = frozenset({"answer", "entities", "audio_out", "image"})
OUTPUT_FILES = {"text-to-speech": "speech.wav", "text-to-image": "image.png"}


class _Guarded:
    """A built pipeline with a lock: one call at a time per pipeline."""

    def __init__(self, built: Pipeline) -> None:
        self.built, self.lock = built, threading.Lock()

    def __call__(self, value: str) -> ListResult | DictResult:
        with self.lock:
            return self.built(value)

    def close(self) -> None:
        close_model(self.built)


class PipelineCache:
    """Built pipelines kept for reuse in the process's model pool (model loads are slow)."""

    def run(self, task: str, model: str | None, value: str, **options: Any) -> ListResult | DictResult:
        key = hashlib.sha256(repr((task, model, sorted(options.items()))).encode()).hexdigest()[:16]
        guarded = pooled("web-pipeline", key, loader=lambda: _Guarded(pipeline(task, model, **options)))
        return guarded(value)


def widgets_of(task: str) -> frozenset[str]:
    return TASK_WIDGETS.get(find_task(task).name, frozenset({"text", "answer"}))


def model_choices(task: str, models: ModelPolicy, chat_models: tuple[str, ...]) -> list[str]:
    """The default, the embedded chat models when the task can use one, and the models the operator allowed
    (hub models are only suggested in the description: the app downloads nothing it was not allowed to)."""
    spec = find_task(task)
    chat = models.choices("chat", chat_models) if "chat" in spec.engines else []
    default = [spec.default[1]] if spec.default and spec.default[1] not in chat else []
    return list(dict.fromkeys([DEFAULT_MODEL, *default, *chat, *models.allowed]))


def answer_text(data: dict[str, Any]) -> str:
    """The main text of a result: generated text, answer or best label."""
    for key in ("text", "answer", "label"):
        if key in data:
            return str(data[key])
    ranked = data.get("labels") or []
    return str(ranked[0]) if ranked else ""


def entities(text: str, data: dict[str, Any]) -> dict[str, Any]:
    """NER results in the form HighlightedText shows."""
    spans = [{"entity": e["label"], "start": e["start"], "end": e["end"]} for e in data.get("entities", [])]
    return {"text": text, "entities": spans}


def make_run(context: WebContext) -> Any:
    cache = PipelineCache()

    @guard
    def run(task: str, model: str | None, text: str | None, question_context: str | None, labels: str | None,
            src: str | None, tgt: str | None, audio: str | None) -> tuple[Any, ...]:
        """Run the task; fill the output widgets it has."""
        name = find_task(task).name
        text = context.text(text, "text")
        options: dict[str, Any] = {}
        if name == "question-answering":  # the context is text to search, never a path to open
            options["context"] = context.text(question_context, "context") or None
        if name == "zero-shot-classification":
            options["labels"] = [label.strip() for label in (labels or "").split(",") if label.strip()]
        if name == "translation":
            options |= {"src": (src or "").strip() or None, "tgt": (tgt or "").strip() or None}
        value = str(uploaded(audio, "recording", AUDIO_SUFFIXES)) if name == "automatic-speech-recognition" else text
        chosen = None if not model or model == DEFAULT_MODEL else context.models.check(model)
        result = cache.run(name, chosen, value or "", **options)
        data = dict(result.data)
        saved = None
        if name in OUTPUT_FILES:
            saved = str(save_output(result, context.workspace.job_dir("pipeline") / OUTPUT_FILES[name]))
        audio_out = saved if name == "text-to-speech" else None
        image_out = saved if name == "text-to-image" else None
        summary = result.to_dict()
        return answer_text(data), entities(text or "", data), audio_out, image_out, summary

    return run


def build(context: WebContext) -> None:
    """The Pipelines tab."""
    tasks = sorted(TASKS)
    first = "ner"
    shown = widgets_of(first)
    with gr.Row():
        with gr.Column():
            task = gr.Dropdown(tasks, value=first, label="Task", elem_id="pipelines-task")
            description = gr.Markdown(TASKS[first].description)
            model = gr.Dropdown(model_choices(first, context.models, context.options.chat_models), value=DEFAULT_MODEL,
                                label="Model", allow_custom_value=True,
                                elem_id="pipelines-model")
            text = gr.Textbox(SEED_SENTENCE, label="Text", lines=4, visible="text" in shown, elem_id="pipelines-text")
            question_context = gr.Textbox(label="Context (the answer is looked for here)", lines=4,
                                          visible="context" in shown)
            labels = gr.Textbox(label="Candidate labels, comma separated", visible="labels" in shown)
            with gr.Row(visible="languages" in shown) as languages:
                src = gr.Textbox(label="From (e.g. en)", max_lines=1)
                tgt = gr.Textbox(label="To (e.g. fr)", max_lines=1)
            audio_in = gr.Audio(sources=["upload", "microphone"], type="filepath", label="Audio",
                                visible="audio_in" in shown)
            start = gr.Button("Run", variant="primary", elem_id="pipelines-run")
        with gr.Column():
            answer = gr.Textbox(label="Result", lines=4, visible="answer" in shown, elem_id="pipelines-answer")
            found = gr.HighlightedText(label="Entities", visible="entities" in shown, elem_id="pipelines-entities")
            audio_out = gr.Audio(label="Speech", type="filepath", interactive=False, visible="audio_out" in shown)
            image = gr.Image(label="Image", type="filepath", interactive=False, visible="image" in shown)
            details = gr.JSON(label="Details", elem_id="pipelines-details")
    widgets = [text, question_context, labels, languages, audio_in, answer, found, audio_out, image]

    @guard
    def pick(name: str) -> list[Any]:
        """Show the task's widgets, offer its models (a chat model when it has no default) and clear old results."""
        spec, visible = find_task(name), widgets_of(name)
        choices = model_choices(name, context.models, context.options.chat_models)
        chosen = DEFAULT_MODEL if spec.default or len(choices) == 1 else choices[1]
        return [gr.update(value=spec.description), gr.update(choices=choices, value=chosen), None,
                *[gr.update(visible=w in visible, value=None) if w in OUTPUTS else gr.update(visible=w in visible)
                  for w in WIDGETS]]

    task.change(pick, task, [description, model, details, *widgets], queue=False, api_visibility="private")
    start.click(make_run(context), [task, model, text, question_context, labels, src, tgt, audio_in],
                [answer, found, audio_out, image, details], api_name="pipeline")
