"""``hfkit.minutes(...)`` and ``hfkit.synth(...)`` work even after their subpackages were imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CODE = """
import json, sys
import hfkit
from hfkit.minutes.model import MinutesOptions
from hfkit.synth.api import SynthOptions
result = hfkit.minutes(sys.argv[1], options=MinutesOptions(date="2026-03-02"))
data = hfkit.synth("customers", 3, options=SynthOptions(seed=1, llm=None))
print(json.dumps({"owners": [a.owner for a in result.minutes.action_items], "records": len(data.records)}))
"""


def test_package_names_stay_callable_after_submodule_imports(tmp_path: Path) -> None:
    transcript = tmp_path / "meeting.txt"
    transcript.write_text("Dana: Good morning, I'm Dana.\nBob: I'll send the revised budget to the board by Friday.\n")
    proc = subprocess.run([sys.executable, "-c", CODE, str(transcript)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"owners": ["Bob"], "records": 3}
