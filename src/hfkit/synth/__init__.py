"""Synthetic data: exactly N valid, varied records from a template, schema, pydantic class or description.

Public API (used by the CLI ``hfkit synth`` and the web app)::

    from hfkit.synth.api import synth, preview, generate_synthetic_data, SynthOptions
    result = synth("customers", 100, options=SynthOptions(seed=1, llm=None))   # sampled fields only, fast
    result = synth("product_reviews", 20, options=SynthOptions(seed=1))        # text by the embedded SmolLM2
    result.records, result.report                                              # list of dicts, report dict
    result.write(Path("reviews.csv"))                                          # + reviews.report.json
    synth("orders", 1000, output=Path("orders.parquet"), resume=True)          # checkpointed, resumable
    preview("a list of employees of a Berlin start-up", n=10)                  # quick, no language model
    generate_synthetic_data("customers", 10, "csv")                            # the seed's wrapper -> text

    from hfkit.synth.templates import list_templates, load_template            # built-in JSON Schemas
    from hfkit.synth.multitable import synth_tables                            # customers -> orders -> lines

Schema hints (optional ``x-`` keywords, ignored by validators): ``x-faker`` (Faker provider), ``x-llm`` (text the
model writes, with an instruction), ``x-id`` (prefix of sequential ids), ``x-unique``, ``x-weights`` (enum weights),
``x-distribution`` (uniform/normal/lognormal/poisson), ``x-decimals``, ``x-min``/``x-max`` (date ranges),
``x-probability`` (booleans), ``x-null-probability`` and ``x-derive`` (email from a name, product, sum, scale).
"""

from hfkit.core.modules import make_callable

make_callable(__name__, "hfkit.synth.api:synth")
