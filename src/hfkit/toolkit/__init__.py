"""The open-model toolkit: task pipelines, tokenizers, model inspection, memory estimates and quantization.

Stable Python API (the CLI and the web app use these):

- ``hfkit.toolkit.pipelines.pipeline(task, model=None, **options) -> Pipeline``; ``Pipeline(inputs, **options)``
  returns transformers' output shape for the task as a ``ListResult``/``DictResult`` (a list/dict with ``task``,
  ``model``, ``engine``, ``data`` attributes and ``to_dict()`` / ``to_json()``). ``task_names()`` lists tasks;
  options are the fields of ``PipelineOptions`` (transformers' names accepted); ``save_output(result, path)`` writes
  speech (WAV) or an image.
- ``hfkit.toolkit.tokens``: ``load_tokenizer(ref)`` (hub id, directory, ``.gguf`` or embedded name; GGUF
  tokenizers converted once into the cache), ``encode`` (special tokens by default), ``decode``, ``batch_decode``,
  ``apply_chat_template``, ``pieces``, ``count``, ``special_tokens``,
  ``load_messages``, ``render_template(tok, messages, add_generation_prompt=True, template=None)`` and
  ``compare(refs, text=None, messages=None) -> list[Comparison]``.
- ``hfkit.toolkit.memory``: ``estimate(ref, dtypes=("fp32", "bf16", "int8", "nf4"), measure=True, device="cpu")
  -> list[MemoryRow]`` from config.json alone, measured where the weights are present and fit.
- ``hfkit.toolkit.inspection.inspect_model(ref) -> ModelReport`` (module tree, facts, per-type parameter counts).
- ``hfkit.toolkit.quantize``: ``requantize_gguf(src, dst, "Q8_0")`` and ``save_bitsandbytes(src, dst, "int8")``.
"""

from hfkit.toolkit.pipelines import (
    DictResult,
    ListResult,
    Pipeline,
    PipelineOptions,
    PipelineResult,
    pipeline,
    save_output,
    task_names,
)

__all__ = ["DictResult", "ListResult", "Pipeline", "PipelineOptions", "PipelineResult", "pipeline", "save_output",
           "task_names"]
