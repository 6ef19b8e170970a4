"""Tokenizers: text or chat messages in; each tokenizer's tokens coloured with their ids, side by side; the
rendered chat templates; counts. Runs :func:`hfkit.toolkit.tokens.compare`."""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from hfkit.core.errors import InputError
from hfkit.core.registry import EMBEDDED
from hfkit.toolkit.tokens import Comparison, compare, parse_messages
from hfkit.web.common import WebContext, guard

COLOURS = ("#fde68a", "#bfdbfe", "#bbf7d0", "#fecaca", "#ddd6fe", "#fbcfe8", "#a5f3fc", "#fed7aa")
DEFAULT_TEXT = "Hello world! Tokenizers split text into pieces: naïve café, 12345, and emoji 🙂."
DEFAULT_MESSAGES = '[\n  {"role": "system", "content": "You are brief."},\n  {"role": "user", "content": "Hi!"}\n]'
COUNT_HEADERS = ["tokenizer", "vocabulary", "tokens", "characters per token"]


def tokenizer_choices(context: WebContext) -> list[str]:
    """The embedded models that carry a tokenizer (GGUF files), then the models the operator allowed."""
    gguf = [m.name for m in EMBEDDED.values() if m.format == "gguf" and m.installed()]
    return list(dict.fromkeys([*gguf, *context.models.allowed]))


def token_html(row: Comparison) -> str:
    """One tokenizer's column: its name and count, the rendered template, the coloured tokens with ids."""
    head = f"<h4>{html.escape(row.tokenizer)}</h4>"
    if row.error:
        return f"{head}<p class='hfkit-error'>{html.escape(row.error)}</p>"
    spans = "".join(
        f"<span class='tok' style='background:{COLOURS[i % len(COLOURS)]}' title='id {tid}'>"
        f"{html.escape(text).replace(chr(10), '↵<br>')}<sub>{tid}</sub></span>"
        for i, (tid, text) in enumerate(row.pieces)
    )
    rendered = f"<details><summary>Rendered chat template</summary><pre>{html.escape(row.rendered)}</pre></details>" \
        if row.rendered is not None else ""
    source = f"<p class='hfkit-template'>Template: {html.escape(row.template)}</p>" if row.template else ""
    notes = "".join(f"<p class='hfkit-note'>Note: the template {html.escape(note)}.</p>" for note in row.notes)
    return (f"{head}<p><b>{row.count}</b> tokens · vocabulary {row.vocab_size:,}</p>{source}{notes}{rendered}"
            f"<div>{spans}</div>")


def page_html(rows: list[Comparison]) -> str:
    columns = "".join(f"<div style='flex:1;min-width:260px'>{token_html(r)}</div>" for r in rows)
    return f"<div class='hfkit-tokens' style='display:flex;gap:16px;flex-wrap:wrap'>{columns}</div>"


def counts(rows: list[Comparison], characters: int) -> list[list[Any]]:
    return [[r.tokenizer, r.vocab_size, r.count if not r.error else "", round(characters / r.count, 2) if r.count
             else ""] for r in rows]


def make_run(context: WebContext) -> Any:
    @guard
    def run(tokenizers: list[str] | None, mode: str, text: str | None, messages: str | None,
            generation_prompt: bool) -> tuple[str, list[list[Any]]]:
        """Compare the tokenizers on the text, or on the chat messages (JSON text, never a file) rendered by each
        one's template."""
        names = [context.models.check(t, "tokenizer") for t in tokenizers or [] if t and t.strip()]
        if not names:
            raise InputError("No tokenizer was picked.", "Pick one or more from the list.")
        if mode == "Chat messages":
            chat = parse_messages(context.text(messages, "chat messages"))
            rows = compare(names, messages=chat, add_generation_prompt=generation_prompt)
            size = max((len(r.rendered or "") for r in rows), default=0)
        else:
            source = context.text(text, "text")
            if not source.strip():
                raise InputError("The text is empty.", "Type some text to tokenize.")
            rows = compare(names, text=source)
            size = len(source)
        return page_html(rows), counts(rows, size)

    return run


def build(context: WebContext) -> None:
    """The Tokenizers tab."""
    choices = tokenizer_choices(context)
    with gr.Row():
        with gr.Column(scale=1):
            tokenizers = gr.Dropdown(choices, value=choices[:2], multiselect=True, allow_custom_value=True,
                                     label="Tokenizers",
                                     elem_id="tokenizers-pick")
            mode = gr.Radio(["Text", "Chat messages"], value="Text", label="Input", elem_id="tokenizers-mode")
            text = gr.Textbox(DEFAULT_TEXT, label="Text", lines=4, elem_id="tokenizers-text")
            messages = gr.Code(DEFAULT_MESSAGES, language="json", label="Chat messages (JSON)", visible=False,
                               elem_id="tokenizers-messages")
            generation_prompt = gr.Checkbox(True, label="Add the generation prompt", visible=False)
            start = gr.Button("Compare", variant="primary", elem_id="tokenizers-run")
        with gr.Column(scale=2):
            table = gr.Dataframe(headers=COUNT_HEADERS, label="Counts", interactive=False, elem_id="tokenizers-counts")
            shown = gr.HTML(elem_id="tokenizers-tokens")
    mode.change(lambda m: (gr.update(visible=m == "Text"), gr.update(visible=m != "Text"),
                           gr.update(visible=m != "Text")),
                mode, [text, messages, generation_prompt], queue=False, api_visibility="private")
    start.click(make_run(context), [tokenizers, mode, text, messages, generation_prompt], [shown, table], api_name="tokenize")
