"""hfkit's task data -> the output shapes of transformers' pipelines, one small function per task."""

from __future__ import annotations

from typing import Any

from hfkit.toolkit.pipelines import PipelineOptions


def sentiment(data: dict[str, Any], value: Any, call: PipelineOptions) -> list[dict[str, Any]]:
    """``[{"label", "score"}]``: the best label, or every label best first with ``top_k=None`` (or k > 1)."""
    scores: dict[str, float | None] = data.get("scores") or {data["label"]: data.get("score")}
    ranked = sorted(scores.items(), key=lambda item: -(item[1] or 0.0))
    keep = ranked if call.top_k is None else ranked[: call.top_k]
    return [{"label": label, "score": score} for label, score in keep]


def entities(data: dict[str, Any], value: Any, call: PipelineOptions) -> list[dict[str, Any]]:
    """Grouped entities ``[{"entity_group", "score", "word", "start", "end"}]`` (``aggregation_strategy`` other than
    "none"), or one item per word with B-/I- tags (``"none"``)."""
    found = data["entities"]
    if call.aggregation_strategy != "none":
        return [{"entity_group": e["label"], "score": e["score"], "word": e["text"], "start": e["start"],
                 "end": e["end"]} for e in found]
    words: list[dict[str, Any]] = []
    for e in found:
        offset = e["start"]
        for position, word in enumerate(e["text"].split()):
            start = value.index(word, offset)
            offset = start + len(word)
            words.append({"entity": f"{'I' if position else 'B'}-{e['label']}", "score": e["score"],
                          "index": len(words) + 1, "word": word, "start": start, "end": offset})
    return words


def generated(data: dict[str, Any], value: Any, call: PipelineOptions) -> list[dict[str, Any]]:
    """``[{"generated_text"}]``: the prompt and what follows (``return_full_text=False``: only the new text); for
    chat messages, the conversation with the assistant's reply appended."""
    new = data["text"]
    if isinstance(value, list):
        reply = {"role": "assistant", "content": new}
        return [{"generated_text": [*value, reply] if call.return_full_text else new}]
    if not call.return_full_text:
        return [{"generated_text": new}]
    joiner = " " if data.get("chat") and not value.endswith((" ", "\n")) else ""
    return [{"generated_text": value + joiner + new}]


def answer(data: dict[str, Any], value: Any, call: PipelineOptions) -> dict[str, Any]:
    """``{"score", "start", "end", "answer"}``."""
    return {key: data[key] for key in ("score", "start", "end", "answer")}


def translation(data: dict[str, Any], value: Any, call: PipelineOptions) -> list[dict[str, Any]]:
    return [{"translation_text": data["text"]}]


def summary(data: dict[str, Any], value: Any, call: PipelineOptions) -> list[dict[str, Any]]:
    return [{"summary_text": data["text"]}]


def speech(data: dict[str, Any], value: Any, call: PipelineOptions) -> dict[str, Any]:
    """``{"audio": float32 ndarray, "sampling_rate"}``; nothing is written (``hfkit pipeline -o`` writes a WAV)."""
    return {"audio": data["audio"], "sampling_rate": data["sampling_rate"]}


def transcript(data: dict[str, Any], value: Any, call: PipelineOptions) -> dict[str, Any]:
    """``{"text", "chunks": [{"timestamp": (start, end), "text"}]}``."""
    chunks = [{"timestamp": (s["start"], s["end"]), "text": s["text"]} for s in data.get("segments", [])]
    return {"text": data["text"], "chunks": chunks}


def features(data: dict[str, Any], value: Any, call: PipelineOptions) -> list[list[list[float]]]:
    """``[[vector]]`` (one input, one pooled sentence vector), so ``np.array(out)[0].mean(0)`` is the vector."""
    return [[data["vector"]]]


def zero_shot(data: dict[str, Any], value: Any, call: PipelineOptions) -> dict[str, Any]:
    """``{"sequence", "labels", "scores"}``, best label first."""
    labels = data.get("labels") or [data["label"]]
    return {"sequence": value, "labels": labels, "scores": data.get("scores") or [None] * len(labels)}


def image(data: dict[str, Any], value: Any, call: PipelineOptions) -> dict[str, Any]:
    """``{"image": PIL.Image}`` (``hfkit pipeline -o`` writes it)."""
    return {"image": data["image"]}
