"""Hugging Face causal language models through transformers (AutoModelForCausalLM), in process.

Loading uses ``device_map`` (``"auto"`` spreads a model over the GPUs and CPU through accelerate), a dtype choice
and optional bitsandbytes quantization: 4-bit NF4 with double quantization and bfloat16 compute, or 8-bit.
Replies stream through ``TextIteratorStreamer`` and the prompt is the model's own chat template.

JSON-schema constrained decoding uses **llguidance**: it installs as one small wheel with no compiler and no
torch pin, builds its token trie straight from a fast (Rust) Hugging Face tokenizer, compiles a JSON schema in
milliseconds and computes each step's allowed-token mask on the CPU, so it works with transformers 5 through a plain
``LogitsProcessor``. xgrammar pins older transformers/torch builds and outlines pulls a large dependency tree and
re-wraps the model; llguidance needs neither.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hfkit.backends.base import ChatModel
from hfkit.core.config import cpu_threads
from hfkit.core.errors import GenerationError, InputError, SchemaError, UnsupportedModelError, missing_extra
from hfkit.core.registry import ResolvedModel
from hfkit.core.types import ChatRequest, GenerationOptions, Usage

DTYPES = {"auto": "auto", "fp32": "float32", "float32": "float32", "fp16": "float16", "float16": "float16",
          "bf16": "bfloat16", "bfloat16": "bfloat16"}


def _nf4(torch: Any, transformers: Any) -> Any:
    return transformers.BitsAndBytesConfig(
        load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=torch.bfloat16,
    )


def _int8(torch: Any, transformers: Any) -> Any:
    return transformers.BitsAndBytesConfig(load_in_8bit=True)


QUANTIZATIONS: dict[str, Callable[[Any, Any], Any]] = {"nf4": _nf4, "int8": _int8}

# bytes per parameter as loaded: (nn.Linear weights, everything else). bitsandbytes quantizes only the Linear
# weights (not the input embeddings, not the output head); NF4 with double quantization stores 4 bits plus an 8-bit
# absmax per 64 weights plus an fp32 scale per 256 absmax values.
BYTES_PER_PARAM: dict[str, tuple[float, float]] = {
    "fp32": (4.0, 4.0), "fp16": (2.0, 2.0), "bf16": (2.0, 2.0),
    "int8": (1.0, 2.0), "nf4": (0.5 + (1 + 4 / 256) / 64, 2.0),
}


def weight_bytes(groups: dict[str, int], dtype: str) -> int:
    """Bytes the weights take when loaded as ``dtype`` (fp32, fp16, bf16, int8, nf4)."""
    if dtype not in BYTES_PER_PARAM:
        raise InputError(f"Unknown dtype '{dtype}'.", f"Use any of: {', '.join(BYTES_PER_PARAM)}.")
    linear, rest = BYTES_PER_PARAM[dtype]
    return int(groups["linear"] * linear + (groups["embedding"] + groups["head"] + groups["other"]) * rest)


def available_memory(device: str) -> int:
    """Free bytes on ``device``: GPU memory for cuda, available RAM otherwise."""
    if device == "cuda":
        import torch

        return int(torch.cuda.mem_get_info()[0])
    import os

    return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))


def check_fits(model_dir: str, dtype: str, device: str) -> int:
    """Refuse, before loading, a model whose weights alone would not fit in free memory; return the estimate."""
    needed = weight_bytes(parameter_groups(model_dir), dtype)
    free = available_memory(device)
    if needed > free:
        raise InputError(
            f"The model needs about {needed / 1e9:.1f} GB as {dtype} but only {free / 1e9:.1f} GB is free on {device}.",
            "Pick a smaller dtype (--dtype bf16, --quantize int8/nf4), a smaller model or a GGUF quantization.",
        )
    return needed


def bitsandbytes_problem(quantization: str, device: str) -> str | None:
    """Why bitsandbytes cannot run ``quantization`` on ``device`` here, or None when it can."""
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        return "the bitsandbytes package is not installed (pip install bitsandbytes)"
    if quantization == "nf4" and device != "cuda":
        return "bitsandbytes 4-bit kernels need a CUDA GPU and none is in use"
    return None


def quantization_config(quantization: str | None, device: str) -> Any:
    """A ``BitsAndBytesConfig`` for ``nf4`` / ``int8`` (None for no quantization), or a clear error."""
    if quantization is None:
        return None
    if quantization not in QUANTIZATIONS:
        raise InputError(f"Unknown quantization '{quantization}'.", f"Use one of: {', '.join(QUANTIZATIONS)}.")
    problem = bitsandbytes_problem(quantization, device)
    if problem:
        raise UnsupportedModelError(
            f"{quantization} quantization cannot run here: {problem}.",
            "Use --quantize int8, or a GGUF model (e.g. 'hfkit quantize MODEL.gguf --type Q4_K_M').",
        )
    import torch
    import transformers

    return QUANTIZATIONS[quantization](torch, transformers)


def torch_device(device: str) -> str:
    """'auto' -> cuda when torch sees a GPU, else cpu; 'cuda' without a GPU is a clear error."""
    import torch

    if device not in ("auto", "cpu", "cuda"):
        raise InputError(f"Unknown device '{device}'.", "Use --device auto, cpu or cuda.")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise InputError("--device cuda was asked but torch sees no CUDA GPU here.", "Use --device cpu or auto.")
    return device


def load_causal_lm(model: ResolvedModel, device: str = "auto", dtype: str = "auto",
                   quantization: str | None = None) -> tuple[Any, Any]:
    """Load (model, tokenizer) for a transformers directory with the device/dtype/quantization choices."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise missing_extra("transformers", "transformers") from exc
    if dtype not in DTYPES:
        raise InputError(f"Unknown dtype '{dtype}'.", f"Use one of: {', '.join(DTYPES)}.")
    device = torch_device(device)
    torch.set_num_threads(cpu_threads())
    quiet(transformers)
    kwargs: dict[str, Any] = {"dtype": DTYPES[dtype], "device_map": "auto" if device == "cuda" else {"": "cpu"}}
    config = quantization_config(quantization, device)
    check_fits(str(model.path), quantization or _dtype_name(DTYPES[dtype], model), device)
    if config is not None:
        kwargs["quantization_config"] = config
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(model.path))
        lm: Any = transformers.AutoModelForCausalLM.from_pretrained(str(model.path), **kwargs)
    except ValueError as exc:
        raise UnsupportedModelError(f"'{model.name}' is not a causal language model ({exc}).",
                                    "Pick a text-generation model.") from exc
    return lm.eval(), tokenizer


def quiet(transformers: Any) -> None:
    """Silence transformers' info logs and progress bars (hfkit shows its own progress)."""
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def _dtype_name(dtype: str, model: ResolvedModel) -> str:
    """The dtype a load will use: the one asked, or for 'auto' the one config.json names (fp32 if none)."""
    if dtype == "auto":
        import json

        config = json.loads((Path(str(model.path)) / "config.json").read_text(encoding="utf-8"))
        dtype = str(config.get("dtype") or config.get("torch_dtype") or "float32")
    return {"float32": "fp32", "float16": "fp16", "bfloat16": "bf16"}.get(dtype, "fp32")


class TransformersChatModel(ChatModel):
    """A causal LM loaded once; ``complete`` streams replies, ``complete_raw`` continues plain text."""

    supports_raw = True

    def __init__(self, model: ResolvedModel, device: str = "auto", dtype: str = "auto",
                 quantization: str | None = None, context_size: int | None = None, **_: Any) -> None:
        self.name = model.name
        self.model, self.tokenizer = load_causal_lm(model, device, dtype, quantization)
        trained = int(getattr(self.model.config, "max_position_embeddings", 0) or 2048)
        self.context_size = context_size or trained
        self.has_chat_template = bool(getattr(self.tokenizer, "chat_template", None))
        self._lock = threading.Lock()
        self._guide: Any = None

    def complete(self, request: ChatRequest, usage: Usage | None = None) -> Iterator[str]:
        if not self.has_chat_template:
            raise UnsupportedModelError(f"'{self.name}' has no chat template, so it cannot chat.",
                                        "Use plain completion (hfkit generate --raw) or an instruct model.")
        messages = [m.model_dump() for m in request.messages]
        prompt = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        return self._generate(prompt, request.options, usage, special=False)

    def complete_raw(self, prompt: str, options: GenerationOptions, usage: Usage | None = None) -> Iterator[str]:
        """Plain text continuation, for base models without a chat template."""
        return self._generate(prompt, options, usage, special=True)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def _generate(self, prompt: str, options: GenerationOptions, usage: Usage | None, special: bool) -> Iterator[str]:
        import torch
        import transformers

        inputs = self.tokenizer(prompt, return_tensors="pt", add_special_tokens=special).to(self.model.device)
        n_prompt = int(inputs["input_ids"].shape[1])
        if n_prompt + 1 > self.context_size:
            from hfkit.core.errors import ContextTooSmallError

            raise ContextTooSmallError(f"The input needs {n_prompt} tokens but the model's context holds "
                                       f"{self.context_size}.", "Shorten the input.")
        streamer: Any = transformers.TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        kwargs = _sampling(options) | {"max_new_tokens": options.max_tokens, "streamer": streamer}
        if options.seed is not None:
            torch.manual_seed(options.seed)
        processors = self._processors(options)
        if processors:
            kwargs["logits_processor"] = transformers.LogitsProcessorList(processors)
        if options.stop:
            kwargs |= {"stop_strings": options.stop, "tokenizer": self.tokenizer}
        if self.tokenizer.pad_token_id is None:
            kwargs["pad_token_id"] = self.tokenizer.eos_token_id
        failure: list[BaseException] = []
        output: list[Any] = []

        def run() -> None:
            try:
                with self._lock, torch.inference_mode():
                    output.append(self.model.generate(**inputs, **kwargs))
            except BaseException as exc:  # re-raised in the caller's thread
                failure.append(exc)
                streamer.end()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        yield from _stream(streamer, options.stop)
        thread.join()
        if failure:
            raise GenerationError(f"transformers failed to generate: {failure[0]}.")
        if usage is not None and output:
            usage.prompt_tokens = n_prompt
            usage.completion_tokens = int(output[0].shape[1]) - n_prompt
            usage.finish_reason = "length" if usage.completion_tokens >= options.max_tokens else "stop"

    def _processors(self, options: GenerationOptions) -> list[Any]:
        if options.json_schema is None:
            return []
        return [JsonSchemaLogitsProcessor(self._ll_tokenizer(), options.json_schema, self.tokenizer.eos_token_id)]

    def _ll_tokenizer(self) -> Any:
        if self._guide is None:
            try:
                import llguidance.hf
            except ImportError as exc:
                raise missing_extra("llguidance", "transformers") from exc
            self._guide = llguidance.hf.from_tokenizer(self.tokenizer)
        return self._guide

    def close(self) -> None:
        self.model = None


def _sampling(options: GenerationOptions) -> dict[str, Any]:
    if options.temperature <= 0:
        return {"do_sample": False}
    return {"do_sample": True, "temperature": options.temperature, "top_p": options.top_p}


def _stream(streamer: Any, stop: list[str]) -> Iterator[str]:
    """Yield streamed text up to (not including) the first stop string."""
    text, sent = "", 0
    for piece in streamer:
        text += piece
        cut = min((text.find(s) for s in stop if s in text), default=-1)
        end = cut if cut >= 0 else len(text)
        if end > sent:
            yield text[sent:end]
            sent = end
        if cut >= 0:
            return


class JsonSchemaLogitsProcessor:
    """Masks every token that would break the JSON schema (llguidance), then forces EOS once the value is done."""

    def __init__(self, ll_tokenizer: Any, schema: dict[str, Any], eos_token_id: int | None) -> None:
        import llguidance

        grammar = llguidance.LLMatcher.grammar_from_json_schema(schema, defaults={"whitespace_flexible": False})
        self.matcher = llguidance.LLMatcher(ll_tokenizer, grammar, log_level=0)
        if self.matcher.is_error():
            raise SchemaError(f"The JSON schema cannot be compiled: {self.matcher.get_error()}.", "Fix the schema.")
        self.vocab = ll_tokenizer.vocab_size
        self.eos = eos_token_id
        self.prompt_length: int | None = None

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import numpy as np
        import torch

        if self.prompt_length is None:
            self.prompt_length = int(input_ids.shape[1])
        elif not self.matcher.consume_token(int(input_ids[0, -1])):
            raise GenerationError(f"Constrained decoding failed: {self.matcher.get_error()}.")
        mask = np.full(((self.vocab + 31) // 32,), -1, dtype=np.int32)
        self.matcher.unsafe_compute_mask_ptr(mask.ctypes.data, mask.nbytes)
        allowed = np.unpackbits(mask.view(np.uint8), bitorder="little")[: self.vocab].astype(bool)
        width = scores.shape[-1]
        keep = torch.zeros(width, dtype=torch.bool)
        keep[: min(width, self.vocab)] = torch.from_numpy(allowed[:width])
        if self.matcher.is_stopped() and self.eos is not None:
            keep[self.eos] = True
        return scores.masked_fill(~keep.to(scores.device), float("-inf"))


def parameter_groups(model_dir: str) -> dict[str, int]:
    """Parameter counts of a transformers model built from its config.json alone, on the meta device (no weights):
    ``embedding`` (input embeddings), ``head`` (an untied output layer), ``linear`` (other nn.Linear weights, the
    ones bitsandbytes quantizes) and ``other`` (norms, biases...)."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise missing_extra("transformers", "transformers") from exc
    try:
        config = transformers.AutoConfig.from_pretrained(model_dir)
    except (OSError, ValueError) as exc:
        raise InputError(f"'{model_dir}' has no config.json transformers understands ({exc}).",
                         "Pass a model directory or hub id with a config.json.") from exc
    with torch.device("meta"):
        model = _from_config(transformers, config)
    return _groups(model, torch)


# (architecture names in transformers' modeling_auto, the Auto class that loads them), the first match wins
AUTO_CLASSES = (
    ("MODEL_FOR_CAUSAL_LM_MAPPING_NAMES", "AutoModelForCausalLM"),
    ("MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES", "AutoModelForSeq2SeqLM"),
    ("MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES", "AutoModelForSequenceClassification"),
    ("MODEL_FOR_TOKEN_CLASSIFICATION_MAPPING_NAMES", "AutoModelForTokenClassification"),
    ("MODEL_FOR_QUESTION_ANSWERING_MAPPING_NAMES", "AutoModelForQuestionAnswering"),
    ("MODEL_FOR_MASKED_LM_MAPPING_NAMES", "AutoModelForMaskedLM"),
    ("MODEL_MAPPING_NAMES", "AutoModel"),
)


def config_architecture(config: Any) -> str:
    """The first architecture config.json names ('' when it names none)."""
    return str((getattr(config, "architectures", None) or [""])[0])


def architecture_auto_class(transformers: Any, config: Any) -> Any | None:
    """The Auto class whose mapping lists ``config``'s architecture (AutoModel for a bare encoder such as BertModel,
    AutoModelForCausalLM for a causal LM), or None when config.json names none that these Auto classes load."""
    from transformers.models.auto import modeling_auto

    architecture = config_architecture(config)
    for mapping, auto in AUTO_CLASSES:
        names = getattr(modeling_auto, mapping, {}).values()
        if any(architecture == n or (isinstance(n, tuple) and architecture in n) for n in names):
            return getattr(transformers, auto)
    return None


def auto_class(transformers: Any, config: Any) -> Any:
    """The Auto class that builds ``config``'s architecture with its head; a config that names no known
    architecture gets a causal or seq2seq LM when its model type has one, else the bare model."""
    by_architecture = architecture_auto_class(transformers, config)
    if by_architecture is not None:
        return by_architecture
    for auto in (transformers.AutoModelForCausalLM, transformers.AutoModelForSeq2SeqLM):
        if type(config) in auto._model_mapping:
            return auto
    return transformers.AutoModel


def _from_config(transformers: Any, config: Any) -> Any:
    try:
        return auto_class(transformers, config).from_config(config)
    except ValueError as exc:
        raise UnsupportedModelError(f"transformers cannot build a '{config.model_type}' model ({exc}).",
                                    "Upgrade transformers.") from exc


def _groups(model: Any, torch: Any) -> dict[str, int]:
    groups = {"embedding": 0, "head": 0, "linear": 0, "other": 0}
    seen: set[int] = set()
    embedding = model.get_input_embeddings()
    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    for module in model.modules():
        kind = "embedding" if module is embedding else "head" if module is head else \
            "linear" if isinstance(module, torch.nn.Linear) else "other"
        for name, param in module.named_parameters(recurse=False):
            if id(param) in seen:
                continue
            seen.add(id(param))
            groups["linear" if kind == "linear" and name == "weight" else kind if kind != "linear" else "other"] += \
                param.numel()
    return groups
