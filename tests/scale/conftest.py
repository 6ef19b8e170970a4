"""A real local Ray cluster (started by this test process, 4 logical CPUs) for the module's tests, stopped after.

``ray.shutdown()`` ends only the processes this cluster started. Drivers in subprocesses (the CLI runs) join it
with its address.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

OBJECT_STORE = 200 * 1024 * 1024  # 8 people share this machine's memory


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[str]:
    """Yields the cluster's address; this test process is connected to it as a driver."""
    ray = pytest.importorskip("ray")
    ray.init(address="local", num_cpus=4, object_store_memory=OBJECT_STORE, include_dashboard=False,
             log_to_driver=False, logging_level="ERROR")
    address = ray.get_runtime_context().gcs_address
    os.environ["RAY_ADDRESS"] = address  # for the CLI runs in subprocesses
    try:
        yield address
    finally:
        os.environ.pop("RAY_ADDRESS", None)
        ray.shutdown()
