"""The ``hfkit`` command: sub-commands live in sibling modules, each with ``register(app)``."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C before the command runs (the imports below take seconds on a busy machine): nothing was written yet,
    so say so in one line and exit 130 (a KeyboardInterrupt here would escape as a traceback and exit -2)."""
    sys.stderr.write("Interrupted before anything was written.\n")
    sys.stderr.flush()
    os._exit(130)


def _guard_start() -> object:
    """Install :func:`_interrupted_while_starting` for the imports; return the handler to put back afterwards."""
    try:
        previous = signal.getsignal(signal.SIGINT)
        if previous is signal.default_int_handler:  # a SIGINT the caller ignores (a background job) stays ignored
            signal.signal(signal.SIGINT, _interrupted_while_starting)
        return previous
    except ValueError:  # imported from a thread other than the main one: signals are not ours to handle
        return None


_PREVIOUS_SIGINT = _guard_start()

import importlib  # noqa: E402
import traceback  # noqa: E402
from typing import Annotated  # noqa: E402

import click  # noqa: E402
import typer  # noqa: E402

from hfkit.cli.examples import add_examples  # noqa: E402
from hfkit.core.config import debug_enabled  # noqa: E402
from hfkit.core.errors import HfkitError, invalid_value  # noqa: E402
from hfkit.core.privacy import no_telemetry  # noqa: E402

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
    try:
        _restore_sigint()  # from here on Ctrl-C is a KeyboardInterrupt: the command removes its partial output
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        no_telemetry()
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


def _restore_sigint() -> None:
    """Put back the SIGINT handler that was there before this module's imports (KeyboardInterrupt, or ignored)."""
    if signal.getsignal(signal.SIGINT) is _interrupted_while_starting and _PREVIOUS_SIGINT is not None:
        signal.signal(signal.SIGINT, _PREVIOUS_SIGINT)  # type: ignore[arg-type]


_restore_sigint()  # imported as a library: the caller's Ctrl-C handling is back once the imports are done


if __name__ == "__main__":
    sys.exit(main())
