"""Running many items at once: one executor interface, run here (``local``) or on a Ray cluster (``ray``).

``executor.py`` holds the interface and the in-process executor, ``batch.py`` many recordings with a manifest,
``synth.py`` synthetic records in shards; the Ray code lives in ``hfkit.backends.ray_cluster`` and is imported only
when ``--ray`` asks for it.
"""

from hfkit.scale.executor import Executor, Failure, Job, LocalExecutor, ScaleOptions, make_executor

__all__ = ["Executor", "Failure", "Job", "LocalExecutor", "ScaleOptions", "make_executor"]
