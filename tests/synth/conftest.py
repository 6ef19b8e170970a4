"""Fixtures of the synth tests: one thread per model (the CI cores are shared), a CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """llama.cpp slows down ~10x when its threads compete with other processes for 2 cores."""
    monkeypatch.setenv("HFKIT_THREADS", "1")


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def cli(args: list[str]) -> int:
    from hfkit.cli.main import main

    return main(args)
