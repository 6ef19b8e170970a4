"""The llm engine with the embedded SmolLM2: context checks, verification, and never losing grounded citations."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfkit.core.errors import ContextTooSmallError
from hfkit.minutes.api import minutes
from hfkit.minutes.llm import faithful, supports
from hfkit.minutes.model import MinutesOptions
from tests.helpers import run_cli


@pytest.mark.fast
def test_support_checks() -> None:
    quote = "I'll send the revised budget to the board by Friday."
    assert supports(quote, "Send the revised budget to the board")
    assert not supports(quote, "Approve the vendor contracts")
    assert faithful("Send the revised budget to the board", "Bob sends the revised budget to the board", quote) is False
    assert faithful("Send the revised budget to the board", "Send the board the revised budget", quote)
    assert not faithful("Send the revised budget", "{0. Send the revised budget}, {1. and more", quote)


def test_context_too_small_names_size_and_setting(meeting_txt: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ContextTooSmallError) as info:
        minutes(meeting_txt, options=MinutesOptions(engine="llm", llm="smollm2-135m-instruct", context_size=256))
    assert "256 tokens" in info.value.message and "--context-size" in info.value.hint
    rc = run_cli(["minutes", str(meeting_txt), "--engine", "llm", "--llm", "smollm2-135m-instruct",
                  "--context-size", "256", "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc != 0 and "context of 256 tokens" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_tiny_llm_keeps_every_grounded_citation(meeting_txt: Path) -> None:
    grounded = minutes(meeting_txt, options=MinutesOptions(date="2026-03-02")).minutes
    refined = minutes(meeting_txt, options=MinutesOptions(engine="llm", llm="smollm2-135m-instruct",
                                                          date="2026-03-02")).minutes
    assert refined.engine == "llm:smollm2-135m-instruct"
    talk = meeting_txt.read_text()
    cited = {(i.citation.segment_id, i.citation.quote) for i in [*refined.decisions, *refined.action_items]}
    for item in [*grounded.decisions, *grounded.action_items]:
        assert (item.citation.segment_id, item.citation.quote) in cited
    owners = {a.owner for a in refined.action_items}
    assert owners <= {"Bob", "Dana", "Lee"}
    assert refined.summary
    for item in refined.action_items:
        assert supports(item.citation.quote, item.task, 0.5)
    assert all(w in talk.lower() for w in ("budget", "vendor"))


@pytest.mark.slow
def test_llm_engine_through_an_openai_compatible_server(openai_server: str, meeting_txt: Path) -> None:
    options = MinutesOptions(engine="llm", llm="openai:smollm2-135m-instruct", base_url=openai_server,
                             date="2026-03-02")
    refined = minutes(meeting_txt, options=options).minutes
    assert refined.engine.startswith("llm:")
    assert {a.owner for a in refined.action_items} >= {"Bob", "Dana"}
    talk = meeting_txt.read_text()
    for item in [*refined.decisions, *refined.action_items]:
        assert item.citation.quote.split()[-1] in talk
