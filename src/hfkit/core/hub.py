"""Hugging Face hub access through ``huggingface_hub`` (its standard cache, HF_TOKEN, HF_HOME)."""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

from hfkit.core.config import hub_offline
from hfkit.core.errors import HubUnavailableError, InputError, ModelNotFoundError


def hub_cache_dir() -> Path:
    """The hub cache, read from the environment at call time (HF_HUB_CACHE, then HF_HOME/hub)."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]) / "hub"
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}(:[A-Za-z0-9_.-]+)?$")


def check_hub_id(reference: str) -> str:
    """``reference`` when it has the shape of a hub id (org/name[:QUANT], no '..'); otherwise one sentence."""
    if not HUB_ID.match(reference) or ".." in reference:
        raise InputError(f"'{reference}' is not a hub model id.", "Pass org/name (optionally :QUANT) or an embedded name.")
    return reference


def split_reference(reference: str) -> tuple[str, str | None]:
    """Split ``org/name:QUANT`` into the repo id and the GGUF quantization (if any)."""
    if ":" in reference:
        repo, quant = reference.rsplit(":", 1)
        return repo, quant or None
    return reference, None


def fetch(reference: str, *, progress: bool = False, pulling: bool = False) -> Path:
    """Return a local path for a hub model, from the cache or by downloading it. ``pulling``: the caller is
    ``hfkit models pull`` itself, so the offline hint must not send the user back to it."""
    repo, quant = split_reference(reference)
    try:
        return _download(repo, quant, local_only=True)
    except _NotCached:
        if hub_offline():
            raise _offline_error(reference, pulling, offline_mode=True) from None
    try:
        return _download(repo, quant, local_only=False, progress=progress)
    except _NotCached as exc:
        raise _offline_error(reference, pulling) from exc


class _NotCached(Exception):
    pass


def _download(repo: str, quant: str | None, *, local_only: bool, progress: bool = False) -> Path:
    import huggingface_hub as hf
    from huggingface_hub import errors as hf_errors

    try:
        if quant:
            filename = _gguf_file(repo, quant, local_only)
            return Path(hf.hf_hub_download(repo, filename, local_files_only=local_only, cache_dir=hub_cache_dir()))
        return Path(hf.snapshot_download(repo, local_files_only=local_only, cache_dir=hub_cache_dir()))
    except hf_errors.RepositoryNotFoundError as exc:
        raise ModelNotFoundError(
            f"The hub has no model '{repo}'.", "Check the repo id, or set HF_TOKEN for a private or gated model."
        ) from exc
    except (hf_errors.LocalEntryNotFoundError, OSError) as exc:
        raise _NotCached(str(exc)) from exc


def _gguf_file(repo: str, quant: str, local_only: bool) -> str:
    files = _cached_files(repo) if local_only else _remote_files(repo)
    wanted = [f for f in files if f.endswith(".gguf") and fnmatch.fnmatch(f.lower(), f"*{quant.lower()}*")]
    if not wanted:
        if local_only:
            raise _NotCached(repo)
        raise ModelNotFoundError(f"'{repo}' has no GGUF file for '{quant}'.", f"Files: {', '.join(files[:20])}")
    return sorted(wanted, key=len)[0]


def _remote_files(repo: str) -> list[str]:
    import huggingface_hub as hf

    try:
        return list(hf.list_repo_files(repo))
    except Exception as exc:
        raise _NotCached(str(exc)) from exc


def _cached_files(repo: str) -> list[str]:
    import huggingface_hub as hf

    try:
        info = hf.scan_cache_dir(hub_cache_dir())
    except Exception:
        return []
    for cached in info.repos:
        if cached.repo_id == repo:
            return [f.file_name for rev in cached.revisions for f in rev.files]
    return []


def _offline_error(reference: str, pulling: bool = False, offline_mode: bool = False) -> HubUnavailableError:
    if offline_mode:
        reason = "HF_HUB_OFFLINE is set"
        fix = "Unset HF_HUB_OFFLINE (or set it to 0) to download it"
    else:
        reason = "the hub cannot be reached"
        fix = "Check the network connection (and any proxy: HTTPS_PROXY) and try again"
    if not pulling:
        fix = f"Run 'hfkit models pull {reference}' while online"
    return HubUnavailableError(f"Model '{reference}' is not in the local Hugging Face cache and {reason}.",
                               f"{fix}, or pass a local path to the model.")


def cached_models() -> list[tuple[str, int, Path]]:
    """Models in the Hugging Face cache: (repo id, size in bytes, path)."""
    import huggingface_hub as hf

    try:
        info = hf.scan_cache_dir(hub_cache_dir())
    except Exception:
        return []
    return [(r.repo_id, r.size_on_disk, Path(r.repo_path)) for r in info.repos if r.repo_type == "model"]
