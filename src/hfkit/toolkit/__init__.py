"""The open-model toolkit: task pipelines, tokenizers, model inspection, memory estimates and quantization.

Stable Python API (the CLI and the web app use these):

- ``hfkit.toolkit.pipelines.pipeline(task, model=None, **options) -> Pipeline``; ``Pipeline(input) ->
  PipelineResult(task, model, engine, data)`` with ``to_dict()`` / ``to_json()``. ``task_names()`` lists tasks;
  options are the fields of ``PipelineOptions`` (device, max_tokens, src, tgt, context, labels, output, steps, size,
  seed).
- ``hfkit.toolkit.tokens``: ``load_tokenizer(ref)`` (hub id, directory, ``.gguf`` or embedded name; GGUF
  tokenizers converted once into the cache), ``encode``, ``decode``, ``pieces``, ``count``, ``special_tokens``,
  ``load_messages``, ``render_template(tok, messages, add_generation_prompt=True, template=None)`` and
  ``compare(refs, text=None, messages=None) -> list[Comparison]``.
- ``hfkit.toolkit.memory``: ``estimate(ref, dtypes=("fp32", "bf16", "int8", "nf4"), measure=True, device="cpu")
  -> list[MemoryRow]`` from config.json alone, measured where the weights are present and fit.
- ``hfkit.toolkit.inspection.inspect_model(ref) -> ModelReport`` (module tree, facts, per-type parameter counts).
- ``hfkit.toolkit.quantize``: ``requantize_gguf(src, dst, "Q8_0")`` and ``save_bitsandbytes(src, dst, "int8")``.
"""

from hfkit.toolkit.pipelines import Pipeline, PipelineOptions, PipelineResult, pipeline, task_names

__all__ = ["Pipeline", "PipelineOptions", "PipelineResult", "pipeline", "task_names"]
