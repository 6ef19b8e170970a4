"""The learned detectors on real AMI meetings (../shared/testdata/meetings/ami, CC BY 4.0): the shipped weights load,
a known action act is found and a known non-act is not, and the training script reproduces its stored retrain."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from hfkit.minutes import detect
from hfkit.minutes.extract import imperative, outcome
from tests.minutes.conftest import ROOT


@pytest.mark.fast
def test_shipped_weights_load_with_their_attribution() -> None:
    detectors = detect.load()
    assert detectors.classes == detect.CLASSES
    assert detectors.weights.shape == (detect.FEATURES, len(detect.CLASSES))
    assert all(0.0 < t < 1.0 for t in detectors.thresholds.values())
    with np.load(detect.WEIGHTS) as data:
        assert "AMI Meeting Corpus" in str(data["attribution"]) and "CC BY 4.0" in str(data["attribution"])
    assert detect.WEIGHTS.stat().st_size < 4 * 2**20


@pytest.mark.fast
def test_features_see_the_neighbours() -> None:
    vectors = np.eye(5, 384, dtype=np.float32)
    rows = detect.features(vectors, ["Okay.", "I'll send it.", "Good.", "Can you check?", "Yes."], list("ABABA"))
    assert rows.shape == (5, detect.FEATURES)
    base = len(detect.SCALARS) + len(detect.CUES)
    before, after = rows[2, base + 384 : base + 768], rows[2, base + 768 : base + 1152]
    assert before[0] == before[1] == 0.5 and after[3] == after[4] == 0.5  # the two acts either side, averaged
    cue = base - len(detect.CUES) + list(detect.CUES).index("i_commit")
    assert rows[1, cue] == 1 and rows[0, cue] == 0


@pytest.mark.fast
def test_tasks_become_imperatives_and_decisions_outcomes() -> None:
    assert imperative("So we'll have to try and decide on some of the basic functionality, um") == (
        "Decide on some of the basic functionality"
    )
    assert (
        imperative("as the industrial designer, you're gonna be working on you know the actual working design of it")
        == "Work on the actual working design"
    )
    assert imperative("Dana, can you review the vendor contracts before March 10th?") == ("Review the vendor contracts before March 10th")
    assert outcome("so we'll go with the yellow one") == "The group will go with the yellow one."
    assert outcome("I think we should have two batteries") == "The group will have two batteries."


@pytest.mark.slow
def test_training_script_reproduces_its_stored_retrain(shared_testdata: Path, tmp_path: Path) -> None:
    """The script's small retrain (abstract salience on one train meeting, embedded afresh) matches the shipped copy."""
    pytest.importorskip("sklearn", reason="the training script needs scikit-learn")
    sys.path.insert(0, str(ROOT / "training"))
    import train_minutes_detectors as training
    from ami_data import AMI, embeddings, load_meeting

    meeting = load_meeting(AMI / "train" / f"{training.CHECK_MEETING}.json")
    [vectors] = embeddings([meeting], tmp_path)
    with np.load(detect.WEIGHTS) as data:
        shipped = data["check"]
    np.testing.assert_allclose(training.check_weights(meeting, vectors), shipped, atol=2e-3)


# A real AMI dev meeting's last 100 acts: the Project Manager hands out tasks; the act just before is no action.
KNOWN_MEETING, KNOWN_WINDOW = "dev/ES2003c.json", (690, 790)
KNOWN_ACTION = "ES2003c.B.dialog-act.vkaraisk.229"  # "Um you're gonna look at product evaluation ."
KNOWN_NON_ACT = "ES2003c.B.dialog-act.vkaraisk.228"  # "International would make sense ."


def _ami_window(shared: Path, meeting: str, first: int, last: int) -> tuple[object, list[dict]]:
    from hfkit.core.types import Segment
    from hfkit.minutes.api import minutes_from_segments
    from hfkit.minutes.model import MinutesOptions

    data = json.loads((shared / "meetings/ami" / meeting).read_text())
    acts = data["dialogue_acts"][first:last]
    segments = [Segment(i, a["start"], max(a["end"], a["start"]), a["text"], speaker=a["role"]) for i, a in enumerate(acts)]
    return minutes_from_segments(segments, MinutesOptions(auto_names=False)).minutes, acts


@pytest.mark.slow
def test_a_known_action_act_is_found_and_a_known_non_act_is_not(shared_testdata: Path) -> None:
    m, acts = _ami_window(shared_testdata, KNOWN_MEETING, *KNOWN_WINDOW)
    cited = {i for a in m.action_items for i in a.citation.segment_ids}  # type: ignore[attr-defined]
    known = next(i for i, a in enumerate(acts) if a["id"] == KNOWN_ACTION)
    assert acts[known]["action"] and known in cited
    non_act = next(i for i, a in enumerate(acts) if a["id"] == KNOWN_NON_ACT)
    assert not acts[non_act]["action"] and non_act not in cited
