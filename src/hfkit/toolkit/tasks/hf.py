"""Task engines for Hugging Face models: transformers pipelines where transformers 5 has them, the model classes
(extractive QA from start/end logits, seq2seq generation) where it does not, and diffusers for text-to-image."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hfkit.core.config import cpu_threads
from hfkit.core.errors import InputError, UnsupportedModelError, missing_extra
from hfkit.core.registry import ResolvedModel
from hfkit.toolkit.pipelines import PipelineOptions, Runner

# architecture name endings -> the tasks a model with that head can do
HEADS: dict[str, tuple[str, ...]] = {
    "ForSequenceClassification": ("sentiment-analysis", "zero-shot-classification"),
    "ForTokenClassification": ("ner",),
    "ForQuestionAnswering": ("question-answering",),
    "ForCausalLM": ("text-generation", "summarization", "translation", "question-answering"),
    "LMHeadModel": ("text-generation", "summarization", "translation", "question-answering"),
    "ForConditionalGeneration": ("summarization", "translation", "text-generation"),
    "MTModel": ("translation",),
    "ForCTC": ("automatic-speech-recognition",),
    "WhisperForConditionalGeneration": ("automatic-speech-recognition",),
    "ForSpeechSeq2Seq": ("automatic-speech-recognition",),
    "VitsModel": ("text-to-speech",),
    "ForTextToSpeech": ("text-to-speech",),
    "ForTextToWaveform": ("text-to-speech",),
    "ForMaskedLM": ("feature-extraction",),
    "Model": ("feature-extraction",),
}


def _transformers() -> Any:
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise missing_extra("transformers", "transformers") from exc
    from hfkit.backends.transformers import quiet

    quiet(transformers)
    torch.set_num_threads(cpu_threads())
    return transformers


def architecture(model: ResolvedModel) -> str:
    """The model class named in config.json (``architectures[0]``), or '' when it names none."""
    config = Path(str(model.path)) / "config.json"
    try:
        names = json.loads(config.read_text(encoding="utf-8")).get("architectures") or [""]
    except (OSError, json.JSONDecodeError):
        return ""
    return str(names[0])


def tasks_of(arch: str) -> tuple[str, ...]:
    """Tasks a model architecture is made for (longest matching head wins)."""
    for head in sorted(HEADS, key=len, reverse=True):
        if arch.endswith(head):
            return HEADS[head]
    return ()


def check_head(model: ResolvedModel, task: str) -> str:
    """Refuse a model whose head is made for another task; return its architecture."""
    arch = architecture(model)
    made_for = tasks_of(arch)
    if arch and task not in made_for:
        other = made_for[0] if made_for else "another task"
        raise UnsupportedModelError(
            f"'{model.name}' is a {arch}, made for {other}, not for {task}.",
            f"Use it with 'hfkit pipeline {other}', or pass a model made for {task}.",
        )
    return arch


def _device(options: PipelineOptions) -> str:
    from hfkit.backends.transformers import torch_device

    return torch_device(options.device)


def transformers_task(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    """Dispatch a transformers model to the builder for its task and head."""
    if model is None or model.path is None:
        raise InputError("A transformers task needs a model directory or hub id.", "Pass --model.")
    arch = check_head(model, task)
    if task in ("summarization", "translation", "question-answering") and tasks_of(arch) == HEADS["ForCausalLM"]:
        from hfkit.toolkit.tasks.local import chat_task

        return chat_task(model, options, task)
    return BUILDERS[task](model, options, task)


def _hf_pipeline(model: ResolvedModel, options: PipelineOptions, name: str, **kwargs: Any) -> Any:
    transformers = _transformers()
    return transformers.pipeline(name, model=str(model.path), device=_device(options), **kwargs)


def _classify(model: ResolvedModel, options: PipelineOptions, task: str) -> Runner:
    classifier = _hf_pipeline(model, options, "text-classification")

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        scores = classifier(text, top_k=None)
        best = max(scores, key=lambda s: s["score"])
        return {"label": best["label"], "score": round(float(best["score"]), 4),
                "scores": {s["label"]: round(float(s["score"]), 4) for s in scores}}

    return run


def _token_classes(model: ResolvedModel, options: PipelineOptions, task: str) -> Runner:
    tagger = _hf_pipeline(model, options, "token-classification", aggregation_strategy="simple")

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        return {"entities": [{"text": e["word"], "label": e["entity_group"], "start": int(e["start"]),
                              "end": int(e["end"]), "score": round(float(e["score"]), 4)} for e in tagger(text)]}

    return run


def _zero_shot(model: ResolvedModel, options: PipelineOptions, task: str) -> Runner:
    from hfkit.toolkit.tasks.local import _labels, prompt

    template = prompt("zero-shot-hypothesis", label="{}")
    try:
        classifier = _hf_pipeline(model, options, "zero-shot-classification")
    except ValueError as exc:
        raise UnsupportedModelError(f"'{model.name}' is not an NLI model, so it cannot do zero-shot ({exc}).",
                                    "Use an NLI model such as facebook/bart-large-mnli.") from exc

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        out = classifier(text, candidate_labels=_labels(call), hypothesis_template=template)
        return {"labels": list(out["labels"]), "scores": [round(float(s), 4) for s in out["scores"]]}

    return run


def _features(model: ResolvedModel, options: PipelineOptions, task: str) -> Runner:
    extractor = _hf_pipeline(model, options, "feature-extraction")

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        import numpy as np

        tokens = np.asarray(extractor(text))[0]
        vector = tokens.mean(axis=0)
        return {"dimension": int(vector.shape[0]), "tokens": int(tokens.shape[0]), "pooling": "mean",
                "vector": [round(float(x), 6) for x in vector]}

    return run


def _generation(model: ResolvedModel, options: PipelineOptions, task: str) -> Runner:
    from hfkit.toolkit.tasks.local import chat_generation

    return chat_generation(model, options, task)


def _extractive_qa(model: ResolvedModel, options: PipelineOptions, task: str) -> Runner:
    """Question answering from start/end logits: the best-scoring span inside the context."""
    transformers = _transformers()
    import torch

    from hfkit.toolkit.tasks.local import _context

    tokenizer = transformers.AutoTokenizer.from_pretrained(str(model.path))
    qa = transformers.AutoModelForQuestionAnswering.from_pretrained(str(model.path)).eval()

    def run(question: str, call: PipelineOptions) -> dict[str, Any]:
        context = _context(call)
        enc = tokenizer(question, context, truncation="only_second", return_offsets_mapping=True,
                        return_tensors="pt", max_length=min(512, tokenizer.model_max_length))
        offsets = enc.pop("offset_mapping")[0].tolist()
        in_context = torch.tensor([s == 1 for s in enc.sequence_ids(0)])
        with torch.inference_mode():
            out = qa(**{k: v for k, v in enc.items() if k in ("input_ids", "attention_mask", "token_type_ids")})
        start = out.start_logits[0].masked_fill(~in_context, float("-inf")).log_softmax(-1)
        end = out.end_logits[0].masked_fill(~in_context, float("-inf")).log_softmax(-1)
        pair = start[:, None] + end[None, :]
        pair = pair.masked_fill(~torch.ones_like(pair, dtype=torch.bool).triu().tril(30), float("-inf"))
        best = int(pair.argmax())
        i, j = divmod(best, pair.shape[1])
        first, last = offsets[i][0], offsets[j][1]
        return {"answer": context[first:last], "score": round(float(pair.flatten()[best].exp()), 4),
                "start": first, "end": last}

    return run


def _seq2seq(model: ResolvedModel, options: PipelineOptions, task: str) -> Runner:
    """Summarization or translation with an encoder-decoder model (Marian, T5, BART...)."""
    transformers = _transformers()
    import torch

    tokenizer = transformers.AutoTokenizer.from_pretrained(str(model.path))
    lm = transformers.AutoModelForSeq2SeqLM.from_pretrained(str(model.path)).eval()
    prefix = _t5_prefix(lm.config, task, options)

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        enc = tokenizer(prefix + text, return_tensors="pt", truncation=True)
        with torch.inference_mode():
            out = lm.generate(**enc, max_new_tokens=call.max_tokens, num_beams=1, do_sample=False)
        return {"text": str(tokenizer.decode(out[0], skip_special_tokens=True)).strip()}

    return run


def _t5_prefix(config: Any, task: str, options: PipelineOptions) -> str:
    """T5 checkpoints expect a task prefix; others take the text as it is."""
    params = getattr(config, "task_specific_params", None) or {}
    if task == "summarization" and "summarization" in params:
        return str(params["summarization"].get("prefix", ""))
    if getattr(config, "model_type", "") not in ("t5", "mt5", "umt5"):
        return ""
    if task == "summarization":
        return "summarize: "
    from hfkit.toolkit.tasks.local import _language

    return f"translate {_language(options.src, 'src')} to {_language(options.tgt, 'tgt')}: "


def _speech_to_text(model: ResolvedModel, options: PipelineOptions, task: str) -> Runner:
    """Speech recognition with a transformers model (CTC such as wav2vec2, or Whisper); audio decoded by hfkit."""
    recognizer = _hf_pipeline(model, options, "automatic-speech-recognition")

    def run(audio: str, call: PipelineOptions) -> dict[str, Any]:
        from hfkit.core.audio import check_file, decode

        samples = decode(check_file(Path(audio)))
        out = recognizer({"raw": samples, "sampling_rate": 16000})
        seconds = round(len(samples) / 16000, 3)
        text = str(out["text"]).strip()
        return {"text": text, "seconds": seconds, "segments": [{"start": 0.0, "end": seconds, "text": text}]}

    return run


def _text_to_speech(model: ResolvedModel, options: PipelineOptions, task: str) -> Runner:
    """Speech from a transformers text-to-audio model (VITS/MMS-TTS and similar) as float32 mono samples."""
    speaker = _hf_pipeline(model, options, "text-to-audio")

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        import numpy as np

        out = speaker(text)
        samples = np.asarray(out["audio"], dtype=np.float32).reshape(-1)
        rate = int(out["sampling_rate"])
        return {"audio": samples, "sampling_rate": rate, "seconds": round(samples.size / rate, 3)}

    return run


BUILDERS = {
    "sentiment-analysis": _classify,
    "ner": _token_classes,
    "zero-shot-classification": _zero_shot,
    "feature-extraction": _features,
    "text-generation": _generation,
    "question-answering": _extractive_qa,
    "summarization": _seq2seq,
    "translation": _seq2seq,
    "automatic-speech-recognition": _speech_to_text,
    "text-to-speech": _text_to_speech,
}


def diffusers_image(model: ResolvedModel | None, options: PipelineOptions, task: str) -> Runner:
    """Text to image with any diffusers pipeline directory; returns a PIL image (``hfkit pipeline -o`` saves it)."""
    try:
        import diffusers
        import torch
    except ImportError as exc:
        raise missing_extra("diffusers", "transformers") from exc
    if model is None or model.path is None:
        raise InputError("Text to image needs a diffusers model.", "Pass --model.")
    device = _device(options)
    loader: Any = diffusers.DiffusionPipeline
    pipe = loader.from_pretrained(str(model.path)).to(device)
    pipe.set_progress_bar_config(disable=True)

    def run(text: str, call: PipelineOptions) -> dict[str, Any]:
        size = {"height": call.size, "width": call.size} if call.size else {}
        generator = torch.Generator(device=device).manual_seed(call.seed)
        image = pipe(text, num_inference_steps=call.steps, generator=generator, **size).images[0]
        return {"image": image, "width": image.width, "height": image.height, "steps": call.steps}

    return run
