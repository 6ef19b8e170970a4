"""Typed errors. Each carries a one-sentence message and a fix hint; the CLI and web show both."""

from __future__ import annotations


class HfkitError(Exception):
    """Base class of every error a user can cause or fix."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class InputError(HfkitError):
    """A file, value or option given by the user cannot be used."""

    exit_code = 2


class AudioError(InputError):
    """An audio or video file cannot be decoded."""


class ModelNotFoundError(HfkitError):
    """A model reference names nothing the registry knows."""


class HubUnavailableError(HfkitError):
    """A hub model is needed but not cached and the hub cannot be reached."""


class MissingDependencyError(HfkitError):
    """An optional extra is not installed."""


class UnsupportedModelError(HfkitError):
    """A model exists but cannot do what was asked (e.g. chat with a base model)."""


class SchemaError(InputError):
    """A JSON Schema or data spec is invalid or uses an unsupported feature."""


class GenerationError(HfkitError):
    """A model failed to produce valid output."""


class ContextTooSmallError(HfkitError):
    """The model's context window cannot hold the input."""


class ServerError(HfkitError):
    """A server cannot start or a remote server answered with an error."""


class Cancelled(HfkitError):
    """The user interrupted a job."""

    exit_code = 130


def missing_extra(module: str, extra: str) -> MissingDependencyError:
    """Build the error raised when an optional dependency cannot be imported."""
    return MissingDependencyError(
        f"This feature needs the '{module}' package, which is not installed.",
        f"Install it with: pip install 'hfkit[{extra}]'",
    )


def invalid_value(exc: Exception) -> InputError:
    """One sentence for a pydantic ``ValidationError`` of an options model: the first field, its rule, the value."""
    errors = getattr(exc, "errors", None)
    first = errors()[0] if callable(errors) and errors() else {}
    field = ".".join(str(part) for part in first.get("loc", ())) or "a value"
    option = "--" + field.replace("_", "-")
    got = first.get("input")
    shown = f" (got {got!r})" if isinstance(got, int | float | str) and len(repr(got)) < 60 else ""
    message = str(first.get("msg", exc)).removeprefix("Value error, ").rstrip(".")
    return InputError(f"Invalid {field}{shown}: {message}.", f"Check {option} (see --help).")
