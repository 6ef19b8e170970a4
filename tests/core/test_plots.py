"""Charts render to real PNGs with the right number of bars and lanes (checked in the matplotlib artists and in the
pixels)."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from hfkit.core import plots

pytestmark = pytest.mark.fast


def pixels(png: bytes) -> np.ndarray:
    from matplotlib.image import imread

    return np.asarray(imread(io.BytesIO(png), format="png"))[..., :3]


def colour_rows(image: np.ndarray, hex_colour: str, column_share: float = 0.005) -> int:
    """How many separate horizontal bands of ``hex_colour`` the image has (rows holding that colour, grouped)."""
    target = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    hits = (np.abs(image - target).sum(axis=2) < 0.05).mean(axis=1) > column_share
    return int(np.sum(hits[1:] & ~hits[:-1]) + hits[0])


def test_speaker_timeline_has_one_lane_and_one_talk_bar_per_speaker(tmp_path: Path) -> None:
    turns = [("Ana", 0, 10), ("Raj", 10, 25), ("Ana", 25, 30), ("Lee", 31, 60), ("Raj", 61, 70)]
    figure = plots.speaker_timeline(turns)
    lanes, totals = figure.axes
    assert [t.get_text() for t in lanes.get_yticklabels()] == ["Ana", "Raj", "Lee"]
    assert len(lanes.collections) == 3 and len(totals.patches) == 3
    assert [round(p.get_width() * 60) for p in totals.patches] == [15, 24, 29]  # seconds of talk each
    png = plots.save_png(figure, tmp_path / "speakers.png").read_bytes()
    image = pixels(png)
    assert image.shape[0] > 300 and image.shape[1] >= 800 and image.std() > 0.1  # not blank
    for index in range(3):  # each speaker's colour: its lane and its talk-time bar, two bands
        assert colour_rows(image, plots.PALETTE[index]) == 2


def test_bar_charts_draw_one_bar_per_value() -> None:
    counts = plots.token_counts_chart([("llama3", 12), ("phi3", 15), ("qwen2", 11), ("starcoder2", 13)])
    assert len(counts.axes[0].patches) == 4
    assert [p.get_width() for p in counts.axes[0].patches] == [12, 15, 11, 13]
    mood = plots.sentiment_chart([("I love it", "POSITIVE", 0.99), ("awful", "NEGATIVE", 0.97)])
    image = pixels(plots.png_bytes(mood))
    assert colour_rows(image, "#2ca02c") == 1 and colour_rows(image, "#d62728") == 1
    rows = [SimpleNamespace(dtype=d, estimate_bytes=e, measured_bytes=m)
            for d, e, m in [("fp32", 4e8, 4.1e8), ("bf16", 2e8, None), ("int8", 1e8, 1.2e8)]]
    memory = plots.memory_chart(rows, "Weights")
    assert len(memory.axes[0].patches) == 5  # 3 estimates + 2 measured
    quantized = plots.quantize_chart(253_100_000, 157_500_000, "Q4_0", "gemma")
    assert [round(p.get_width(), 1) for p in quantized.axes[0].patches] == [253.1, 157.5]
    assert plots.data_uri(quantized).startswith("data:image/png;base64,iVBOR")
