"""One CLI grammar: --version, examples at the end of every command's help, pipeline --help lists the tasks with
their defaults, transcribe's defaults and whisper's spellings, --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

from hfkit.cli.examples import EXAMPLES, missing_examples
from hfkit.cli.main import _register_commands, app, main


@pytest.mark.fast
def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from hfkit import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"hfkit {__version__}"


@pytest.mark.fast
def test_every_command_ends_its_help_with_two_to_four_examples(capsys: pytest.CaptureFixture[str]) -> None:
    _register_commands()
    assert missing_examples(typer.main.get_command(app)) == []
    assert all(2 <= len(lines) <= 4 and all("hfkit " in line for line in lines) for lines in EXAMPLES.values())
    for command in (["tokens", "compare"], ["models", "pull"], ["transcribe"]):
        assert main([*command, "--help"]) == 0
        shown = capsys.readouterr().out
        tail = shown[shown.rindex("Examples:"):]
        assert EXAMPLES[" ".join(command)][-1].split("#")[0].strip()[:60] in " ".join(tail.split())


@pytest.mark.fast
def test_pipeline_help_lists_every_task_with_its_default(capsys: pytest.CaptureFixture[str]) -> None:
    import hfkit.toolkit.tasks  # noqa: F401
    from hfkit.toolkit.pipelines import TASKS

    assert main(["pipeline", "--help"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    for name in TASKS:
        assert f"{name}:" in shown
    assert "Default: en-core-web-sm" in shown and "Default: piper-joe" in shown


def test_transcribe_writes_txt_and_srt_by_default_and_takes_whisper_spellings(
        tmp_path: Path, shared_testdata: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    jfk = str(shared_testdata / "audio" / "jfk.wav")
    monkeypatch.chdir(tmp_path)
    assert main(["transcribe", jfk, "-q", "-t", "2"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jfk.srt", "jfk.txt"]
    assert "ask not what your country" in (tmp_path / "jfk.txt").read_text().lower()
    assert main(["transcribe", jfk, "--output_format", "vtt", "--output_dir", "subs", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == [str(Path("subs") / "jfk.vtt")] and (tmp_path / "subs" / "jfk.vtt").exists()
    assert "ask not what your country" in report["text"].lower() and report["segments"][0]["start"] >= 0
    assert main(["transcribe", "--help"]) == 0
    assert "--output_format" not in capsys.readouterr().out  # hidden aliases
