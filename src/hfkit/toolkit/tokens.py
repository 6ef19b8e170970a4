"""Tokenizers from hub ids, local directories and GGUF files: encode, decode, pieces, special tokens, chat templates.

A GGUF file's tokenizer is converted by transformers once (``AutoTokenizer.from_pretrained(dir, gguf_file=...)``,
which takes seconds to a minute for large vocabularies) and saved under ``cache_dir()/tokenizers`` so later loads are
instant.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hfkit.core.atomic import build_once
from hfkit.core.config import cache_dir
from hfkit.core.errors import InputError, UnsupportedModelError, missing_extra
from hfkit.core.pool import pooled


def _transformers() -> Any:
    try:
        import transformers
    except ImportError as exc:
        raise missing_extra("transformers", "transformers") from exc
    from hfkit.backends.transformers import quiet

    quiet(transformers)
    return transformers


def _locate(reference: str) -> Path:
    """A local path (GGUF file or tokenizer directory) for an embedded name, path or hub id."""
    from hfkit.core.registry import embedded, resolve

    path = Path(reference).expanduser()
    if path.exists():
        return path
    looks_like_hub = "/" in reference and not reference.startswith((".", "/", "~"))
    if embedded(reference) is None and looks_like_hub and ":" not in reference:
        return _hub_tokenizer(reference)
    if embedded(reference) is not None or looks_like_hub:
        resolved = resolve(reference)
        if resolved.path is None:
            raise UnsupportedModelError(f"'{reference}' has no local tokenizer.", "Pass a hub id, directory or GGUF.")
        return resolved.path
    raise InputError(f"Tokenizer '{reference}' is neither a file, a directory, an embedded model nor a hub id.",
                     "Pass a .gguf file, a directory with tokenizer files, a hub id (org/name) or smollm2.")


TOKENIZER_FILES = ["tokenizer*", "*.json", "*.model", "*.tiktoken", "vocab*", "merges.txt", "*.jinja"]


def _hub_tokenizer(repo: str) -> Path:
    """Only the tokenizer files of a hub repo (from the cache, or downloaded), never the weights."""
    import huggingface_hub as hf

    from hfkit.core.config import hub_offline
    from hfkit.core.errors import HubUnavailableError

    for local_only in (True, False):
        if not local_only and hub_offline():
            break
        try:
            return Path(hf.snapshot_download(repo, allow_patterns=TOKENIZER_FILES, local_files_only=local_only))
        except Exception:
            continue
    raise HubUnavailableError(f"The tokenizer of '{repo}' is not in the local cache and the hub cannot be reached.",
                              f"Run 'hfkit models pull {repo}' while online, or pass a local directory or .gguf file.")


def _gguf_cache(path: Path) -> Path:
    stat = path.stat()
    key = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    return cache_dir() / "tokenizers" / f"{path.stem}-{key}"


def _convert_gguf(path: Path) -> Path:
    """Convert a GGUF tokenizer once into a Hugging Face tokenizer directory in the cache."""

    def build(staging: Path) -> Path:
        try:
            tokenizer = _transformers().AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
        except Exception as exc:
            raise InputError(f"'{path}' holds no tokenizer transformers can read ({exc}).",
                             "Pass a GGUF from a supported model family.") from exc
        tokenizer.save_pretrained(str(staging))
        return staging

    return build_once(_gguf_cache(path), build)


def tokenizer_dir(reference: str) -> Path:
    """The Hugging Face tokenizer directory for ``reference`` (converting a GGUF file once)."""
    path = _locate(reference)
    if path.is_dir():
        ggufs = sorted(path.glob("*.gguf"))
        has_hf = any((path / f).exists() for f in ("tokenizer.json", "tokenizer_config.json", "vocab.json"))
        if ggufs and not has_hf:
            if len(ggufs) > 1:
                raise InputError(f"'{path}' holds several GGUF files.", "Pass the .gguf file itself.")
            path = ggufs[0]
    return _convert_gguf(path) if path.suffix == ".gguf" else path


def load_tokenizer(reference: str) -> Any:
    """A Hugging Face tokenizer for an embedded model name, a hub id, a local directory or a ``.gguf`` file."""
    return pooled("tokenizer", reference, loader=lambda: _load_tokenizer(reference))


def _load_tokenizer(reference: str) -> Any:
    directory = tokenizer_dir(reference)
    try:
        tokenizer = _transformers().AutoTokenizer.from_pretrained(str(directory))
    except (OSError, ValueError) as exc:
        raise InputError(f"'{reference}' has no tokenizer transformers can load ({exc}).",
                         "Pass a model directory with tokenizer files, or a GGUF file.") from exc
    tokenizer.hfkit_reference = reference
    return tokenizer


def _tokenizer(tokenizer: Any) -> Any:
    return load_tokenizer(tokenizer) if isinstance(tokenizer, str) else tokenizer


def encode(tokenizer: Any, text: str, special: bool = False) -> list[int]:
    """Token ids of ``text``; ``special=True`` adds the model's BOS/EOS tokens."""
    return list(_tokenizer(tokenizer).encode(text, add_special_tokens=special))


def decode(tokenizer: Any, ids: list[int]) -> str:
    """Text of ``ids``, exactly as the tokens spell it (special tokens kept, no clean-up)."""
    tok = _tokenizer(tokenizer)
    size = len(tok)
    bad = [i for i in ids if not 0 <= i < size]
    if bad:
        raise InputError(f"Token id {bad[0]} is outside the vocabulary (0-{size - 1}).",
                         "Pass ids from this tokenizer.")
    return _decode_ids(tok, ids)


def _decode_ids(tok: Any, ids: list[int]) -> str:
    return str(tok.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False))


PIECE_CONTEXT_TOKENS = 8
UNFINISHED_CHARACTER = "\ufffd"


def _token_texts(tok: Any, ids: list[int]) -> list[str]:
    """Each token's text as it reads inside the sequence, so the texts concatenate back to the decoded text.

    A token decoded alone loses what its neighbours give it: SentencePiece's '▁' word marker is dropped as the
    first token's prefix space (' text' -> 'text'), and one byte of a multi-byte character decodes to U+FFFD.
    So each token's text is what it adds to the decoding of the tokens before it (a few tokens of context keep
    this linear); the bytes of an unfinished character add '' and the token that completes it adds the character.
    """
    texts: list[str] = []
    attributed = 0
    for end in range(1, len(ids) + 1):
        start = max(0, attributed - PIECE_CONTEXT_TOKENS)
        before = _decode_ids(tok, ids[start:attributed])
        after = _decode_ids(tok, ids[start:end])
        if end < len(ids) and after.endswith(UNFINISHED_CHARACTER):
            texts.append("")
            continue
        texts.append(after[len(before):] if after.startswith(before) else _decode_ids(tok, ids[attributed:end]))
        attributed = end
    return texts


def pieces(tokenizer: Any, text: str) -> list[tuple[int, str]]:
    """(id, text) of each token of ``text``; the texts concatenate back to ``text`` (see ``_token_texts``)."""
    tok = _tokenizer(tokenizer)
    ids = encode(tok, text)
    return list(zip(ids, _token_texts(tok, ids), strict=True))


def count(tokenizer: Any, text: str) -> int:
    """Number of tokens in ``text`` (without BOS/EOS)."""
    return len(encode(tokenizer, text))


def special_tokens(tokenizer: Any) -> dict[str, tuple[str, int]]:
    """The tokenizer's special tokens: role (bos, eos, ..., or 'added') -> (token, id)."""
    tok = _tokenizer(tokenizer)
    found: dict[str, tuple[str, int]] = {}
    for role in ("bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token", "mask_token"):
        token = getattr(tok, role, None)
        if token:
            found[role.removesuffix("_token")] = (str(token), int(tok.convert_tokens_to_ids(str(token))))
    for token_id, added in sorted(getattr(tok, "added_tokens_decoder", {}).items()):
        if getattr(added, "special", False) and all(t != added.content for t, _ in found.values()):
            found[f"added:{token_id}"] = (str(added.content), int(token_id))
    return found


def load_messages(source: str | Path) -> list[dict[str, Any]]:
    """Chat messages from a JSON file or JSON text (see :func:`parse_messages`); for trusted callers (the CLI)."""
    text = Path(source).read_text(encoding="utf-8") if Path(str(source)).is_file() else str(source)
    return parse_messages(text)


def parse_messages(text: str) -> list[dict[str, Any]]:
    """Chat messages from JSON text, never a file: a list of {role, content} (or {"messages": [...]})."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"The messages are not valid JSON ({exc.msg} at line {exc.lineno}).",
                         'Pass a JSON list such as [{"role": "user", "content": "Hi"}].') from exc
    messages = data.get("messages") if isinstance(data, dict) else data
    if not isinstance(messages, list) or not all(isinstance(m, dict) and "role" in m for m in messages):
        raise InputError("The messages JSON must be a list of objects with 'role' and 'content'.",
                         'Pass e.g. [{"role": "user", "content": "Hi"}].')
    return messages


def render_template(tokenizer: Any, messages: list[dict[str, Any]], add_generation_prompt: bool = True,
                    template: str | Path | None = None) -> str:
    """Render a chat template for ``messages``; ``template`` (a Jinja file or text) overrides the tokenizer's."""
    tok = _tokenizer(tokenizer)
    if template is not None:
        template = Path(template).read_text(encoding="utf-8") if Path(str(template)).is_file() else str(template)
    elif not getattr(tok, "chat_template", None):
        name = getattr(tok, "hfkit_reference", "") or getattr(tok, "name_or_path", "") or "this tokenizer"
        raise UnsupportedModelError(f"'{name}' has no chat template (it is probably a base or code model).",
                                    "Pass one with --chat-template FILE.jinja, or use an instruct model's tokenizer.")
    try:
        return str(tok.apply_chat_template(messages, chat_template=template, tokenize=False,
                                           add_generation_prompt=add_generation_prompt))
    except Exception as exc:
        raise InputError(f"The chat template failed on these messages ({exc}).",
                         "Check the roles and order the template expects.") from exc


@dataclass
class Comparison:
    """One tokenizer's view of the same input."""

    tokenizer: str
    vocab_size: int
    count: int
    pieces: list[tuple[int, str]] = field(default_factory=list)
    rendered: str | None = None
    error: str | None = None


def compare(references: list[str], text: str | None = None, messages: list[dict[str, Any]] | None = None,
            add_generation_prompt: bool = True) -> list[Comparison]:
    """Run the same text (or the rendered chat ``messages``) through several tokenizers."""
    if (text is None) == (messages is None):
        raise InputError("Compare needs either a text or messages, not both.", "Pass TEXT or --messages FILE.")
    rows = []
    for reference in references:
        tok = load_tokenizer(reference)
        row = Comparison(reference, len(tok), 0)
        source = text
        if messages is not None:
            try:
                row.rendered = source = render_template(tok, messages, add_generation_prompt)
            except UnsupportedModelError as exc:
                row.error = exc.message
                rows.append(row)
                continue
        row.pieces = pieces(tok, source or "")
        row.count = len(row.pieces)
        rows.append(row)
    return rows
