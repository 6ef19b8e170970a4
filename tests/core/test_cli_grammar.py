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


def _leaves(command: object, path: str = "") -> list[tuple[str, object]]:
    subs = getattr(command, "commands", None) or {}
    if not subs:
        return [(path, command)]
    return [leaf for name, sub in subs.items() for leaf in _leaves(sub, f"{path} {name}".strip())]


def _options(command: object) -> dict[str, object]:
    return {name: p for p in command.params if p.param_type_name == "option"  # type: ignore[attr-defined]
            for name in (*p.opts, *p.secondary_opts)}


SECOND_MODELS = {"--llm", "--asr-model", "--allow-model"}  # a command's second model keeps its own name
REPORTS = {"transcribe", "minutes", "synth", "generate", "pipeline", "inspect", "memory", "quantize", "models list",
           "models info", "models pull", "tokens encode", "tokens decode", "tokens pieces", "tokens count",
           "tokens special", "tokens template", "tokens compare"}
WRITERS = {"transcribe", "minutes", "synth", "pipeline", "quantize", "memory", "tokens compare"}


@pytest.mark.fast
def test_every_command_follows_one_grammar() -> None:
    """-m for the main model, -o as --output FILE or --output-dir DIR, --json where results are reported,
    --overwrite where files are written, single boolean flags (no --x/--no-x pairs), examples at the end."""
    _register_commands()
    root = typer.main.get_command(app)
    add_examples_to = __import__("hfkit.cli.examples", fromlist=["add_examples"]).add_examples
    add_examples_to(root)
    leaves = dict(_leaves(root))
    assert set(leaves) >= REPORTS | WRITERS
    for path, command in leaves.items():
        options = _options(command)
        params = [p for p in command.params if p.param_type_name == "option"]  # type: ignore[attr-defined]
        pairs = [p.opts for p in params if p.secondary_opts]
        assert not pairs, f"{path}: boolean pair {pairs}"
        models = [p for p in params if any(o.endswith("model") for o in p.opts) and not set(p.opts) & SECOND_MODELS
                  and not p.hidden]
        for option in models:
            assert "-m" in option.opts and "--model" in option.opts, f"{path}: {option.opts}"
        if "-o" in options:
            out = options["-o"]
            assert ("--output" in out.opts and out.metavar == "FILE") or (  # type: ignore[attr-defined]
                "--output-dir" in out.opts and out.metavar == "DIR"), f"{path}: -o is {out.opts}"  # type: ignore[attr-defined]
        if path in REPORTS:
            assert "--json" in options, f"{path} has no --json"
        if path in WRITERS:
            assert "--overwrite" in options, f"{path} has no --overwrite"
        assert command.epilog and command.epilog.startswith("Examples:"), path  # type: ignore[attr-defined]
    assert "-m" in _options(leaves["minutes"]) and "-m" in _options(leaves["transcribe"])
    assert _options(leaves["minutes"])["--output"].hidden  # type: ignore[attr-defined]  # the old spelling still works


@pytest.mark.fast
def test_json_runs_print_one_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["tokens", "count", "smollm2-135m-instruct", "How many tokens is this?", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tokens"] > 3
    assert main(["models", "list", "--json"]) == 0
    assert any(row["name"] == "whisper-tiny.en" for row in json.loads(capsys.readouterr().out))
    assert main(["synth", "customers", "-n", "5", "--llm", "none", "-o", "c.jsonl", "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["files"][0].endswith("c.jsonl") and report["report"]["delivered"] == 5
    assert captured.err.strip().splitlines()[-1].startswith("Timing: prepare ")
    assert " · total " in captured.err
    assert main(["synth", "customers", "-n", "5", "--llm", "none", "-o", "c.jsonl"]) != 0  # the same overwrite rule
    assert "--overwrite" in capsys.readouterr().err
    assert main(["synth", "customers", "-n", "5", "--llm", "none", "-o", "c.jsonl", "--overwrite"]) == 0


@pytest.mark.fast
def test_models_pull_offline_does_not_send_the_user_to_models_pull(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["models", "pull", "acme/missing-model"]) != 0
    err = capsys.readouterr().err
    assert "HF_HUB_OFFLINE" in err and "models pull" not in err
