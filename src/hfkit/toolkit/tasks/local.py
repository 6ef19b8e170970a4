"""Task engines that run embedded models, a lexicon or any chat model (GGUF, openai:, transformers) with a prompt."""

from __future__ import annotations

import string
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hfkit.core.errors import InputError, missing_extra
from hfkit.core.registry import ResolvedModel
from hfkit.toolkit.pipelines import PipelineOptions, Runner

PROMPTS = Path(__file__).resolve().parents[2] / "prompts" / "toolkit"
LANGUAGES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
             "nl": "Dutch", "ru": "Russian", "zh": "Chinese", "ja": "Japanese", "ar": "Arabic", "hi": "Hindi"}


def prompt(name: str, **values: str) -> str:
    """Fill the task prompt template ``prompts/toolkit/<name>.txt``."""
    return string.Template((PROMPTS / f"{name}.txt").read_text(encoding="utf-8")).substitute(values).strip()


def _need_model(model: ResolvedModel | None) -> ResolvedModel:
    if model is None or (model.path is None and model.format != "openai"):
        raise InputError("This engine needs a model.", "Pass --model.")
    return model


def spacy_ner(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    try:
        import spacy
    except ImportError as exc:
        raise missing_extra("spacy", "minutes") from exc
    nlp = spacy.load(str(_need_model(model).path))

    def run(text: str) -> dict[str, Any]:
        doc = nlp(text)
        return {"entities": [{"text": e.text, "label": e.label_, "start": e.start_char, "end": e.end_char}
                             for e in doc.ents]}

    return run


def lexicon_sentiment(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError as exc:
        raise missing_extra("vaderSentiment", "transformers") from exc
    analyzer = SentimentIntensityAnalyzer()

    def run(text: str) -> dict[str, Any]:
        scores = analyzer.polarity_scores(text)
        compound = float(scores["compound"])
        label = "POSITIVE" if compound >= 0.05 else "NEGATIVE" if compound <= -0.05 else "NEUTRAL"
        return {"label": label, "score": abs(compound), "method": "lexicon (VADER), not a model",
                "scores": {k: float(v) for k, v in scores.items()}}

    return run


def piper_tts(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    from hfkit.backends.piper_tts import load_speaker

    output = wav_output(options)
    speaker = load_speaker(str(_need_model(model).path), "cuda" if options.device == "cuda" else "cpu")

    def run(text: str) -> dict[str, Any]:
        speaker.speak(text, output)
        with wave.open(str(output), "rb") as handle:
            seconds = handle.getnframes() / handle.getframerate()
        return {"path": str(output), "sample_rate": speaker.sample_rate, "seconds": round(seconds, 3)}

    return run


def wav_output(options: PipelineOptions) -> Path:
    """The WAV file speech goes to (default speech.wav); refuse other extensions before any work."""
    output = options.output or Path("speech.wav")
    if output.suffix.lower() != ".wav":
        raise InputError(f"Speech is written as WAV, but the output '{output}' is not a .wav file.",
                         "Pass --output NAME.wav.")
    return output


def whisper_asr(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    from hfkit.backends.base import TranscribeOptions
    from hfkit.speech import get_transcriber

    transcriber = get_transcriber(_need_model(model).name, options.device)

    def run(audio: str) -> dict[str, Any]:
        from hfkit.core.audio import check_file

        path = check_file(Path(audio))
        segments = list(transcriber.transcribe(path, TranscribeOptions(word_timestamps=False)))
        return {"text": " ".join(s.text.strip() for s in segments).strip(),
                "segments": [{"start": s.start, "end": s.end, "text": s.text.strip()} for s in segments]}

    return run


def sentence_features(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    from hfkit.backends.sentence_transformers import load_embedder

    embedder = load_embedder(_need_model(model).name, "cpu" if options.device == "auto" else options.device)

    def run(text: str) -> dict[str, Any]:
        vector = embedder.encode([text])[0]
        return {"dimension": len(vector), "vector": [round(float(x), 6) for x in vector]}

    return run


def embedding_zero_shot(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    from hfkit.backends.sentence_transformers import load_embedder

    labels = _labels(options)
    embedder = load_embedder(_need_model(model).name, "cpu" if options.device == "auto" else options.device)
    hypotheses = embedder.encode([prompt("zero-shot-hypothesis", label=label) for label in labels])

    def run(text: str) -> dict[str, Any]:
        similarity = hypotheses @ embedder.encode([text])[0]
        ranked = sorted(zip(labels, (float(s) for s in similarity), strict=True), key=lambda p: -p[1])
        return {"labels": [label for label, _ in ranked], "scores": [round(s, 4) for _, s in ranked],
                "method": "cosine similarity of sentence embeddings"}

    return run


def _labels(options: PipelineOptions) -> list[str]:
    labels = [label.strip() for label in options.labels if label.strip()]
    if len(labels) < 2:
        raise InputError("Zero-shot classification needs at least two candidate labels.",
                         "Pass them with --labels sports,politics,music.")
    return labels


def _language(code: str | None, which: str) -> str:
    if not code:
        raise InputError(f"Translation with a chat model needs the {which} language.", f"Pass --{which} (e.g. en, fr).")
    return LANGUAGES.get(code.lower(), code)


def _chat_model(model: ResolvedModel | None, options: PipelineOptions) -> Any:
    from hfkit.backends.base import load_chat_model

    return load_chat_model(_need_model(model), chat=False, device=options.device)


def _can_chat(chat_model: Any, model: ResolvedModel | None) -> bool:
    return bool(chat_model.has_chat_template)


def _ask(chat_model: Any, text: str, options: PipelineOptions, schema: dict[str, Any] | None = None) -> str:
    from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions

    settings = GenerationOptions(max_tokens=options.max_tokens, temperature=0.0, seed=options.seed,
                                 json_schema=schema)
    request = ChatRequest(messages=[ChatMessage(role="user", content=text)], options=settings)
    return "".join(chat_model.complete(request)).strip()


def chat_generation(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    from hfkit.core.types import GenerationOptions

    chat_model = _chat_model(model, options)
    chat = _can_chat(chat_model, model)

    def run(text: str) -> dict[str, Any]:
        if chat:
            return {"text": _ask(chat_model, text, options)}
        settings = GenerationOptions(max_tokens=options.max_tokens, temperature=0.0, seed=options.seed)
        return {"text": text + "".join(chat_model.complete_raw(text, settings))}

    return run


def chat_task(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    """Summarization, translation, QA, sentiment or zero-shot through a chat model and the task's prompt."""
    chat_model = _chat_model(model, options)
    if not _can_chat(chat_model, model):
        from hfkit.core.errors import UnsupportedModelError

        raise UnsupportedModelError(f"'{chat_model.name}' is a base model without a chat template, so it cannot be "
                                    f"prompted for {task}.", "Pass an instruct model, e.g. smollm2-135m-instruct.")
    return CHAT_TASKS[task](chat_model, options)


def _summarize(chat_model: Any, options: PipelineOptions) -> Runner:
    return lambda text: {"text": _ask(chat_model, prompt("summarization", text=text), options)}


def _translate(chat_model: Any, options: PipelineOptions) -> Runner:
    src, tgt = _language(options.src, "src"), _language(options.tgt, "tgt")
    return lambda text: {"text": _ask(chat_model, prompt("translation", text=text, src=src, tgt=tgt), options)}


def _answer(chat_model: Any, options: PipelineOptions) -> Runner:
    context = _context(options)
    return lambda text: {"answer": _ask(chat_model, prompt("question-answering", text=text, context=context), options)}


def _choose(chat_model: Any, options: PipelineOptions, template: str, labels: list[str]) -> Runner:
    import json

    schema = {"type": "object", "properties": {"label": {"enum": labels}}, "required": ["label"],
              "additionalProperties": False}

    def run(text: str) -> dict[str, Any]:
        reply = _ask(chat_model, prompt(template, text=text, labels=", ".join(labels)), options, schema)
        return {"label": json.loads(reply)["label"], "method": "chat model with a constrained answer"}

    return run


def _context(options: PipelineOptions) -> str:
    """The context text, used as given: it is data, never opened as a file (the CLI reads --context FILE)."""
    if not options.context or not options.context.strip():
        raise InputError("Question answering needs a context to find the answer in.",
                         "Pass --context TEXT (or --context FILE.txt).")
    return options.context


CHAT_TASKS: dict[str, Callable[[Any, PipelineOptions], Runner]] = {
    "summarization": _summarize,
    "translation": _translate,
    "question-answering": _answer,
    "zero-shot-classification": lambda m, o: _choose(m, o, "zero-shot-classification", _labels(o)),
    "sentiment-analysis": lambda m, o: _choose(m, o, "sentiment-analysis", ["positive", "negative", "neutral"]),
}
