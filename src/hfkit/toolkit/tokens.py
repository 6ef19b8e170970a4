"""Tokenizers from hub ids, local directories and GGUF files: encode, decode, pieces, special tokens, chat templates.

A GGUF file's tokenizer is converted by transformers once (``AutoTokenizer.from_pretrained(dir, gguf_file=...)``,
which takes seconds to a minute for large vocabularies) and saved under ``cache_dir()/tokenizers`` so later loads are
instant. The conversion keeps the file's BOS rule as llama.cpp applies it (``tokenizer.ggml.add_bos_token``, else
llama.cpp's default for the vocabulary), so Llama 3 encodes with ``<|begin_of_text|>`` (128000) first, as its own
``tokenizer.json`` does. Encoding adds special tokens by default, as ``tokenizer.encode`` does.
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


CONVERSION_VERSION = 2  # bump when the conversion changes, so old cached conversions are not reused


def _gguf_cache(path: Path) -> Path:
    stat = path.stat()
    identity = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|v{CONVERSION_VERSION}"
    key = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return cache_dir() / "tokenizers" / f"{path.stem}-{key}"


def _convert_gguf(path: Path) -> Path:
    """Convert a GGUF tokenizer once into a Hugging Face tokenizer directory in the cache."""

    def build(staging: Path) -> Path:
        try:
            tokenizer = _transformers().AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
        except Exception as exc:
            raise InputError(f"'{path}' holds no tokenizer transformers can read ({exc}).",
                             "Pass a GGUF from a supported model family.") from exc
        if gguf_adds_bos(path) and not _adds_bos(tokenizer):
            tokenizer.add_bos_token = True  # transformers' converter drops it for BPE vocabularies (Llama 3)
        tokenizer.save_pretrained(str(staging))
        return staging

    return build_once(_gguf_cache(path), build)


LLAMA_CPP_BOS_PRE = frozenset({"llama-bpe", "llama3", "llama-v3"})  # BPE vocabularies llama.cpp starts with BOS


def _gguf_fields(path: Path) -> dict[str, Any]:
    from hfkit.core.gguf import reader

    wanted = ("general.architecture", "tokenizer.ggml.pre", "tokenizer.ggml.model", "tokenizer.ggml.add_bos_token")
    fields = reader(path).fields
    return {key: fields[key].contents() for key in wanted if key in fields}


def gguf_adds_bos(path: Path) -> bool:
    """Whether llama.cpp starts this GGUF's token sequences with BOS: the file's flag, else its vocabulary default
    (SentencePiece vocabularies and Llama 3's BPE yes, other BPE vocabularies no)."""
    fields = _gguf_fields(path)
    if "tokenizer.ggml.add_bos_token" in fields:
        return bool(fields["tokenizer.ggml.add_bos_token"])
    return fields.get("tokenizer.ggml.model") == "llama" or fields.get("tokenizer.ggml.pre") in LLAMA_CPP_BOS_PRE


def _adds_bos(tokenizer: Any) -> bool:
    bos = getattr(tokenizer, "bos_token_id", None)
    ids = tokenizer.encode("a", add_special_tokens=True)
    return bos is not None and bool(ids) and ids[0] == bos


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


class AutoTokenizer:
    """``hfkit.AutoTokenizer.from_pretrained(ref)``: transformers' tokenizer for an embedded name, hub id, directory
    or ``.gguf`` file (GGUF converted once, with llama.cpp's BOS rule)."""

    @staticmethod
    def from_pretrained(reference: str | Path) -> Any:
        return load_tokenizer(str(reference))


def encode(tokenizer: Any, text: str, special: bool = True) -> list[int]:
    """Token ids of ``text``, with the model's BOS/EOS tokens as ``tokenizer.encode`` adds them (``special=False``
    leaves them out)."""
    return list(_tokenizer(tokenizer).encode(text, add_special_tokens=special))


def _check_ids(tok: Any, ids: list[int]) -> None:
    size = len(tok)
    bad = [i for i in ids if not 0 <= i < size]
    if bad:
        raise InputError(f"Token id {bad[0]} is outside the vocabulary (0-{size - 1}).",
                         "Pass ids from this tokenizer.")


def decode(tokenizer: Any, ids: list[int], skip_special_tokens: bool = False) -> str:
    """Text of ``ids``, exactly as the tokens spell it (special tokens kept unless ``skip_special_tokens``)."""
    tok = _tokenizer(tokenizer)
    _check_ids(tok, ids)
    return _decode_ids(tok, ids, skip_special_tokens)


def batch_decode(tokenizer: Any, sequences: list[list[int]] | list[int], skip_special_tokens: bool = False) -> list[str]:
    """Text of each sequence of ids, like ``tokenizer.batch_decode``; a flat list of ids gives each token's text
    alone (the list of pieces)."""
    tok = _tokenizer(tokenizer)
    rows = [[item] if isinstance(item, int) else list(item) for item in sequences]
    for row in rows:
        _check_ids(tok, row)
    return [_decode_ids(tok, row, skip_special_tokens) for row in rows]


def _decode_ids(tok: Any, ids: list[int], skip_special_tokens: bool = False) -> str:
    return str(tok.decode(ids, skip_special_tokens=skip_special_tokens, clean_up_tokenization_spaces=False))


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
    ids = encode(tok, text, special=False)
    return list(zip(ids, _token_texts(tok, ids), strict=True))


def count(tokenizer: Any, text: str, special: bool = False) -> int:
    """Number of tokens in ``text`` (without BOS/EOS unless ``special``)."""
    return len(encode(tokenizer, text, special))


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


def _file_or_text(source: str | Path, what: str) -> str:
    """The UTF-8 text of ``source`` when it names a file (or looks like a file name), else ``source`` itself."""
    from hfkit.core.paths import read_text

    value = str(source)
    looks_like_file = isinstance(source, Path) or (not value.lstrip().startswith(("[", "{", "<", "{%", "{{"))
                                                   and "\n" not in value and value.endswith((".json", ".jinja", ".j2", ".txt")))
    if Path(value).is_file() or looks_like_file:
        return read_text(Path(value), what)
    return value


def load_messages(source: str | Path) -> list[dict[str, Any]]:
    """Chat messages from a JSON file or JSON text (see :func:`parse_messages`); for trusted callers (the CLI)."""
    return parse_messages(_file_or_text(source, "Messages file"))


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


TEMPLATES = Path(__file__).resolve().parents[1] / "prompts" / "chat_templates"
# (GGUF architecture or pre-tokenizer, the packaged template for files of that family that carry none)
FAMILY_TEMPLATES = (("llama-bpe", "llama3"), ("llama3", "llama3"), ("gemma", "gemma"))


def fallback_template(tokenizer: Any, folder: Path | None = None) -> Path | None:
    """The chat template to use for a tokenizer that carries none: from ``folder`` (a .jinja whose name names the
    family) or hfkit's packaged ones (Llama 3, Gemma); None for families without a chat template (StarCoder2)."""
    reference = str(getattr(tokenizer, "hfkit_reference", "") or "")
    path = Path(reference)
    fields = _gguf_fields(path) if path.suffix == ".gguf" and path.is_file() else {}
    keys = [str(fields.get("tokenizer.ggml.pre", "")), str(fields.get("general.architecture", "")),
            reference.lower(), str(getattr(tokenizer, "name_or_path", "")).lower()]
    family = next((name for marker, name in FAMILY_TEMPLATES if any(marker in key for key in keys)), None)
    if family is None:
        return None
    if folder is not None:
        words = {"llama3": ("llama-3",), "gemma": ("gemma",)}[family]
        found = sorted(p for p in folder.glob("*.jinja") if any(w in p.name.lower() for w in words))
        if found:
            return found[0]
    packaged = TEMPLATES / f"{family}.jinja"
    return packaged if packaged.exists() else None


def _is_file(value: str | Path) -> bool:
    """Whether ``value`` names an existing file (a long or multi-line text, such as a template, never does)."""
    text = str(value)
    return len(text) < 4096 and "\n" not in text and Path(text).is_file()


def _template_text(template: str | Path) -> str:
    return Path(template).read_text(encoding="utf-8") if _is_file(template) else str(template)


def render_template(tokenizer: Any, messages: list[dict[str, Any]], add_generation_prompt: bool = True,
                    template: str | Path | None = None, templates: Path | None = None) -> str:
    """Render a chat template for ``messages``, as ``apply_chat_template(tokenize=False)`` does: ``template`` (a
    Jinja file or text) overrides the tokenizer's; a tokenizer without one uses :func:`fallback_template`."""
    tok = _tokenizer(tokenizer)
    chosen = _choose_template(tok, template, templates)
    try:
        return str(tok.apply_chat_template(messages, chat_template=chosen, tokenize=False,
                                           add_generation_prompt=add_generation_prompt))
    except Exception as exc:
        raise InputError(f"The chat template failed on these messages ({exc}).",
                         "Check the roles and order the template expects.") from exc


def _choose_template(tok: Any, template: str | Path | None, templates: Path | None) -> str | None:
    if template is not None:
        return _template_text(template)
    if getattr(tok, "chat_template", None):
        return None
    fallback = fallback_template(tok, templates)
    if fallback is not None:
        return fallback.read_text(encoding="utf-8")
    name = getattr(tok, "hfkit_reference", "") or getattr(tok, "name_or_path", "") or "this tokenizer"
    raise UnsupportedModelError(f"'{name}' has no chat template (it is probably a base or code model).",
                                "Pass one with --chat-template FILE.jinja, or use an instruct model's tokenizer.")


def apply_chat_template(tokenizer: Any, messages: list[dict[str, Any]], tokenize: bool = False,
                        add_generation_prompt: bool = True, template: str | Path | None = None) -> str | list[int]:
    """``tokenizer.apply_chat_template``: the rendered text, or its ids with ``tokenize=True`` (no extra BOS: the
    template writes it)."""
    rendered = render_template(tokenizer, messages, add_generation_prompt, template)
    return encode(tokenizer, rendered, special=False) if tokenize else rendered


def template_source(tokenizer: Any, template: str | Path | None = None, templates: Path | None = None) -> str:
    """Where the chat template used for ``tokenizer`` comes from, in words."""
    tok = _tokenizer(tokenizer)
    if template is not None:
        return str(template) if _is_file(template) else "given template"
    if getattr(tok, "chat_template", None):
        return "the tokenizer's own"
    fallback = fallback_template(tok, templates)
    return f"{fallback.name} (the file carries none)" if fallback else "none"


def role_notes(messages: list[dict[str, Any]], rendered: str) -> list[str]:
    """Say which messages the rendering left out (a template that drops a role silently)."""
    return [f"drops the {m['role']} message" for m in messages
            if str(m.get("content") or "").strip() and str(m["content"]).strip() not in rendered]


def fold_system(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The conversation with system messages put at the start of the first user message (for templates that refuse
    a system role, as Gemma's does)."""
    system = "\n\n".join(str(m["content"]) for m in messages if m["role"] == "system")
    rest = [dict(m) for m in messages if m["role"] != "system"]
    first_user = next((m for m in rest if m["role"] == "user"), None)
    if system and first_user is not None:
        first_user["content"] = f"{system}\n\n{first_user['content']}"
    return rest


@dataclass
class Comparison:
    """One tokenizer's view of the same input."""

    tokenizer: str
    vocab_size: int
    count: int
    pieces: list[tuple[int, str]] = field(default_factory=list)
    rendered: str | None = None
    error: str | None = None
    template: str | None = None
    notes: list[str] = field(default_factory=list)


def compare(references: list[str], text: str | None = None, messages: list[dict[str, Any]] | None = None,
            add_generation_prompt: bool = True, templates: Path | None = None) -> list[Comparison]:
    """Run the same text (or the rendered chat ``messages``) through several tokenizers. With messages, each row
    says where its template comes from and whether the template dropped or refused a role."""
    if not references:
        raise InputError("No tokenizers were given to compare.", "Pass names separated by commas, e.g. 'smollm2,gemma3-270m'.")
    if (text is None) == (messages is None):
        raise InputError("Compare needs either a text or messages, not both.", "Pass TEXT or --messages FILE.")
    rows = []
    for reference in references:
        tok = load_tokenizer(reference)
        row = Comparison(reference, len(tok), 0)
        source = text
        if messages is not None:
            source = _render_row(tok, row, messages, add_generation_prompt, templates)
            if source is None:
                rows.append(row)
                continue
        row.pieces = pieces(tok, source or "")
        row.count = len(row.pieces)
        rows.append(row)
    return rows


def _render_row(tok: Any, row: Comparison, messages: list[dict[str, Any]], add_generation_prompt: bool,
                templates: Path | None) -> str | None:
    """Render ``messages`` for one comparison row, noting a dropped or refused role; None when there is no template."""
    try:
        row.template = template_source(tok, templates=templates)
        row.rendered = render_template(tok, messages, add_generation_prompt, templates=templates)
    except UnsupportedModelError as exc:
        row.error = exc.message
        return None
    except InputError as exc:
        if not any(m["role"] == "system" for m in messages):
            row.error = exc.message
            return None
        row.notes.append(f"refuses the system role ({exc.message.removeprefix('The chat template failed on these messages ')});"
                         " rendered with the system message folded into the first user message")
        row.rendered = render_template(tok, fold_system(messages), add_generation_prompt, templates=templates)
        return row.rendered
    row.notes.extend(role_notes(messages, row.rendered))
    return row.rendered
