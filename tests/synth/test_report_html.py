"""report.html beside report.json: the run and field statistics as tables, one distribution chart per field."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

import hfkit
from hfkit.synth.api import SynthOptions


def test_report_html_has_tables_and_a_chart_per_field(tmp_path: Path) -> None:
    from matplotlib.image import imread

    result = hfkit.synth("customers", 40, options=SynthOptions(llm="none", seed=1), output=tmp_path / "c.jsonl")
    page = (tmp_path / "c.report.html").read_text(encoding="utf-8")
    assert tmp_path / "c.report.html" in result.paths
    assert "<h2>Run</h2>" in page and "<td>records delivered</td><td>40</td>" in page
    fields = result.report["fields"]
    for name in fields:
        assert f"<td>{name}</td>" in page
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+) distribution">', page)
    chartable = [n for n, s in fields.items() if "counts" in s or "mean" in s
                 or all(isinstance(r.get(n), str | type(None)) for r in result.records)]
    assert [alt for _, alt in images] == chartable and len(images) >= 3
    first = imread(io.BytesIO(base64.b64decode(images[0][0])), format="png")
    assert first.shape[0] > 200 and first[..., :3].std() > 0.05
