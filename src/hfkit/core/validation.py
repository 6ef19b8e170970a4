"""Checks shared by the options models, run before any model loads: languages, devices, counts and ranges."""

from __future__ import annotations

import difflib

from hfkit.core.errors import InputError

# The language codes Whisper models (and OpenAI's whisper-1) know, in their order.
WHISPER_LANGUAGES = (
    "en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta no th ur hr bg lt la mi ml "
    "cy sk te fa lv bn sr az sl kn et mk br eu is hy ne mn bs kk sq sw gl mr pa si km sn yo so af oc ka be tg sd gu am "
    "yi lo uz fo ht ps tk nn mt sa lb my bo tl mg as tt haw ln ha ba jw su yue"
).split()
LANGUAGE_NAMES = {
    "english": "en", "chinese": "zh", "german": "de", "spanish": "es", "russian": "ru", "korean": "ko", "french": "fr",
    "japanese": "ja", "portuguese": "pt", "turkish": "tr", "polish": "pl", "catalan": "ca", "dutch": "nl",
    "arabic": "ar", "swedish": "sv", "italian": "it", "indonesian": "id", "hindi": "hi", "finnish": "fi",
    "vietnamese": "vi", "hebrew": "he", "ukrainian": "uk", "greek": "el", "czech": "cs", "romanian": "ro",
    "danish": "da", "hungarian": "hu", "norwegian": "no", "thai": "th", "urdu": "ur", "croatian": "hr",
}


def check_language(language: str | None) -> str | None:
    """A Whisper language code, lower-cased; a name like 'German' becomes 'de'; anything else is refused with the
    closest codes."""
    if language is None:
        return None
    code = language.strip().lower()
    if code in WHISPER_LANGUAGES:
        return code
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    close = difflib.get_close_matches(code, [*WHISPER_LANGUAGES, *LANGUAGE_NAMES], n=3, cutoff=0.5)
    hint = f"Did you mean {' or '.join(repr(LANGUAGE_NAMES.get(c, c)) for c in close)}?" if close else \
        "Use a two-letter code such as en, de, fr or es."
    raise InputError(f"'{language}' is not a language the speech models know.", hint)


def check_device(device: str) -> str:
    """``device`` when it is auto, cpu, or cuda with a CUDA GPU visible; otherwise one sentence."""
    from hfkit.core.config import cuda_available

    if device not in ("auto", "cpu", "cuda"):
        close = difflib.get_close_matches(device.lower(), ["auto", "cpu", "cuda"], n=1)
        raise InputError(f"Unknown device '{device}'.", f"Did you mean {close[0]}?" if close else "Use auto, cpu or cuda.")
    if device == "cuda" and not cuda_available():
        raise InputError("--device cuda was asked for, but no CUDA GPU is visible.", "Use --device cpu or auto.")
    return device


def check_range(name: str, low: int | None, high: int | None) -> None:
    """Refuse a lower bound above its upper bound, naming both options."""
    if low is not None and high is not None and low > high:
        raise InputError(f"--min-{name} {low} is more than --max-{name} {high}.", f"Pass --min-{name} <= --max-{name}.")
