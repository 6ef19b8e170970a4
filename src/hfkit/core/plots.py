"""Charts as PNG images, drawn with matplotlib (the ``plots`` extra, imported lazily, Agg backend, no pyplot so it is
safe in threads): speaker timelines, bars of values, grouped bars and distributions.

Each chart function returns a matplotlib ``Figure``; :func:`png_bytes`, :func:`save_png` and :func:`data_uri` turn it
into an image. Every chart has a title, labelled axes and one colour per series/lane.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hfkit.core.errors import missing_extra

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#7f7f7f")
DPI = 100


def available() -> bool:
    """Whether matplotlib is installed (charts are skipped, with a hint, when it is not)."""
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise missing_extra("matplotlib", "plots") from exc
    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def png_bytes(figure: Any) -> bytes:
    """The chart as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def save_png(figure: Any, path: Path) -> Path:
    """Write the chart as a PNG file, atomically."""
    from hfkit.core.atomic import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_bytes(png_bytes(figure))
    return path


def data_uri(figure: Any) -> str:
    """The chart as a ``data:image/png;base64,...`` URI, for HTML pages that stand alone."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(figure)).decode("ascii")


def clock(seconds: float) -> str:
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def speaker_timeline(turns: Sequence[tuple[str, float, float]], title: str = "Who spoke when") -> Any:
    """Two panels: one lane per speaker with a bar for each turn (start, end in seconds), and each speaker's total
    talk time (minutes, with the share of all speech). Speakers are ordered by first turn."""
    order = list(dict.fromkeys(speaker for speaker, _, _ in sorted(turns, key=lambda t: t[1])))
    figure = _figure(10, 1.6 + 0.45 * max(1, len(order)) * 2)
    lanes, totals = figure.subplots(2, 1, height_ratios=[1.2, 1])
    talk = {s: sum(max(0.0, end - start) for who, start, end in turns if who == s) for s in order}
    end_time = max((end for _, _, end in turns), default=1.0)
    for lane, speaker in enumerate(order):
        spans = [(start, max(0.01, end - start)) for who, start, end in turns if who == speaker]
        lanes.broken_barh(spans, (lane - 0.4, 0.8), facecolors=PALETTE[lane % len(PALETTE)], label=speaker)
    lanes.set_yticks(range(len(order)), labels=order)
    lanes.set_ylim(len(order) - 0.5, -0.5)
    lanes.set_xlim(0, end_time)
    ticks = lanes.get_xticks()
    lanes.set_xticks(ticks, labels=[clock(t) for t in ticks])
    lanes.set_xlim(0, end_time)
    lanes.set_xlabel("time (m:ss)")
    lanes.set_title(title)
    speech = sum(talk.values()) or 1.0
    bars = totals.barh(order, [talk[s] / 60 for s in order], color=[PALETTE[i % len(PALETTE)] for i in range(len(order))])
    totals.bar_label(bars, labels=[f"{talk[s] / 60:.1f} min ({talk[s] / speech:.0%})" for s in order], padding=3)
    totals.invert_yaxis()
    totals.set_xlabel("talk time (minutes)")
    totals.set_title("Talk time per speaker")
    totals.margins(x=0.25)
    return figure


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str, xlabel: str,
              value_format: str = "{:.2f}", colors: Sequence[str] | None = None, limit: float | None = None) -> Any:
    """Horizontal bars, one per label (top to bottom in the given order), each labelled with its value."""
    figure = _figure(8, 1.2 + 0.42 * max(1, len(labels)))
    axes = figure.subplots()
    shown = [_short(label) for label in labels]
    palette = list(colors) if colors else [PALETTE[i % len(PALETTE)] for i in range(len(labels))]
    bars = axes.barh(range(len(labels)), list(values), color=palette)
    axes.set_yticks(range(len(labels)), labels=shown)
    axes.bar_label(bars, labels=[value_format.format(v) for v in values], padding=3)
    axes.invert_yaxis()
    axes.set_xlabel(xlabel)
    axes.set_title(title)
    if limit is not None:
        axes.set_xlim(0, limit)
    else:
        axes.margins(x=0.2)
    return figure


def grouped_bars(categories: Sequence[str], series: dict[str, Sequence[float | None]], title: str, ylabel: str,
                 value_format: str = "{:.2f}") -> Any:
    """Vertical bars grouped by category, one colour per series (a missing value draws no bar)."""
    figure = _figure(8, 4.5)
    axes = figure.subplots()
    width = 0.8 / max(1, len(series))
    for index, (name, values) in enumerate(series.items()):
        positions = [i + (index - (len(series) - 1) / 2) * width for i, v in enumerate(values) if v is not None]
        present = [float(v) for v in values if v is not None]
        bars = axes.bar(positions, present, width, label=name, color=PALETTE[index % len(PALETTE)])
        axes.bar_label(bars, labels=[value_format.format(v) for v in present], padding=2, fontsize=8)
    axes.set_xticks(range(len(categories)), labels=list(categories))
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.legend()
    axes.margins(y=0.15)
    return figure


def histogram(values: Sequence[float], title: str, xlabel: str, bins: int = 20) -> Any:
    """A histogram of numbers."""
    figure = _figure(6, 3.2)
    axes = figure.subplots()
    axes.hist(list(values), bins=min(bins, max(1, len(set(values)))), color=PALETTE[0], edgecolor="white")
    axes.set_xlabel(xlabel)
    axes.set_ylabel("records")
    axes.set_title(title)
    return figure


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


# ------------------------------------------------------------------ the charts hfkit draws


def token_counts_chart(rows: Sequence[tuple[str, int]], title: str = "Tokens per tokenizer") -> Any:
    """Token counts of the same input across tokenizers."""
    return bar_chart([name for name, _ in rows], [count for _, count in rows], title, "tokens", "{:.0f}")


def sentiment_chart(rows: Sequence[tuple[str, str, float]], title: str = "Sentiment") -> Any:
    """One bar per text: its label's probability, green for POSITIVE, red for NEGATIVE, grey otherwise."""
    colours = {"POSITIVE": "#2ca02c", "NEGATIVE": "#d62728"}
    labels = [f"{label}: {text}" for text, label, _ in rows]
    return bar_chart(labels, [score for _, _, score in rows], title, "probability of the label",
                     colors=[colours.get(label.upper(), "#7f7f7f") for _, label, _ in rows], limit=1.15)


def memory_chart(rows: Sequence[Any], title: str) -> Any:
    """Weight memory per dtype: the estimate from the config and, where loaded, the measured size (GB)."""
    dtypes = [row.dtype for row in rows]
    series: dict[str, Sequence[float | None]] = {"estimate": [row.estimate_bytes / 1e9 for row in rows]}
    if any(row.measured_bytes is not None for row in rows):
        series["measured"] = [row.measured_bytes / 1e9 if row.measured_bytes is not None else None for row in rows]
    return grouped_bars(dtypes, series, title, "GB of weights", "{:.3f}")


def quantize_chart(source_bytes: int, output_bytes: int, qtype: str, title: str) -> Any:
    """File size before and after quantization (MB)."""
    return bar_chart(["before", f"after ({qtype})"], [source_bytes / 1e6, output_bytes / 1e6], title, "MB",
                     "{:.1f} MB", colors=[PALETTE[0], PALETTE[2]])
