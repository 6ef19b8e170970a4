"""No network unless asked: switch off the telemetry of the libraries hfkit runs on.

Gradio's analytics and version check, huggingface_hub's telemetry and onnxruntime's telemetry are all off;
a value the user set in the environment is kept. The hub itself is reached only when a hub id is asked for.
"""

from __future__ import annotations

import functools
import os

QUIET_ENVIRONMENT = {
    "GRADIO_ANALYTICS_ENABLED": "False",  # gradio: no analytics posts, no version check at start-up
    "HF_HUB_DISABLE_TELEMETRY": "1",  # huggingface_hub: no usage pings
    "ORT_DISABLE_TELEMETRY": "1",  # onnxruntime (Silero VAD, Piper): read once, when onnxruntime is imported
}


def no_telemetry() -> None:
    """Set the environment switches that keep libraries from phoning home (before they are imported)."""
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


@functools.cache
def quiet_onnxruntime() -> None:
    """Turn off onnxruntime's telemetry; call before onnxruntime is first imported (Silero VAD, Piper).

    onnxruntime's Linux build posts events to a Microsoft collector unless ``ORT_DISABLE_TELEMETRY`` is set when it
    is imported; ``disable_telemetry_events()`` alone does not stop that, so both are used.
    """
    no_telemetry()
    try:
        import onnxruntime
    except ImportError:
        return
    disable = getattr(onnxruntime, "disable_telemetry_events", None)
    if disable is not None:
        disable()
