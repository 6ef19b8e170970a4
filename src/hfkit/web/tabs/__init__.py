"""One module per tab; each exposes ``build(context)`` and calls hfkit's Python API."""
