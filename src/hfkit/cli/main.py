"""The ``hfkit`` command: sub-commands live in sibling modules, each with ``register(app)``."""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import Annotated

import click
import typer

from hfkit.cli.examples import add_examples
from hfkit.core.config import debug_enabled
from hfkit.core.errors import HfkitError, invalid_value
from hfkit.core.privacy import no_telemetry

COMMAND_MODULES = ("transcribe", "generate", "models", "serve", "minutes", "synth", "toolkit", "web")

app = typer.Typer(
    name="hfkit",
    help="Meeting minutes, synthetic data and an open-model toolkit that run on your own machine.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        from hfkit import __version__

        click.echo(f"hfkit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print hfkit's version and exit.")] = False,
) -> None:
    """Meeting minutes, synthetic data and an open-model toolkit that run on your own machine."""


def _register_commands() -> None:
    for name in COMMAND_MODULES:
        module_name = f"hfkit.cli.{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        module.register(app)


def report(exc: BaseException) -> int:
    """Print one clear line for ``exc`` (and the traceback with HFKIT_DEBUG=1); return the exit code."""
    if debug_enabled():
        traceback.print_exception(exc)
    if isinstance(exc, HfkitError):
        hint = f" {exc.hint}" if exc.hint else ""
        click.secho(f"Error: {exc.message}{hint}", err=True, fg="red")
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        click.secho("Interrupted; partial output was removed.", err=True, fg="yellow")
        return 130
    if _is_validation_error(exc):
        return report(invalid_value(exc))  # type: ignore[arg-type]
    click.secho(f"Error: unexpected {type(exc).__name__}: {exc}. Run again with HFKIT_DEBUG=1 and report it.",
                err=True, fg="red")
    return 1


def _is_validation_error(exc: BaseException) -> bool:
    """A pydantic ValidationError from an options model: the user's value broke one of its rules."""
    from pydantic import ValidationError

    return isinstance(exc, ValidationError)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    no_telemetry()
    try:
        _register_commands()  # inside the try: Ctrl-C while the command modules import exits 130 too
        command = typer.main.get_command(app)
        add_examples(command)
        result = command.main(args=argv if argv is not None else sys.argv[1:], prog_name="hfkit", standalone_mode=False)
        if result == 130:  # Typer turns Ctrl-C into an exit code of 130
            return report(KeyboardInterrupt())
    except (HfkitError, KeyboardInterrupt) as exc:
        return report(exc)
    except Exception as exc:
        return _click_exit(exc)
    return 0


def _click_exit(exc: Exception) -> int:
    """Handle click's and Typer's own exceptions (Typer vendors click, so match them by shape)."""
    name = type(exc).__name__
    if name == "Exit":
        return int(getattr(exc, "exit_code", 0) or 0)
    if name == "Abort":
        return report(KeyboardInterrupt())
    show = getattr(exc, "show", None)
    if callable(show) and hasattr(exc, "exit_code"):
        show()
        return int(exc.exit_code)
    return report(exc)


if __name__ == "__main__":
    sys.exit(main())
