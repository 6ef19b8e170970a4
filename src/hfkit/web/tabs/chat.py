"""Chat: streaming replies with model picker, system prompt, temperature and JSON mode."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import gradio as gr

from hfkit.core.errors import InputError
from hfkit.core.types import ChatMessage
from hfkit.generation.api import chat
from hfkit.generation.limits import check_decodable
from hfkit.web.common import WebContext, guard_stream

History = list[dict[str, Any]]
DEFAULT_SCHEMA = '{"type": "object"}'


def _text(content: Any) -> str:
    """Text of a Chatbot message content (a string, or a list of parts in newer Gradio)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(_text(part) for part in content)
    if isinstance(content, dict):
        return str(content.get("text") or content.get("value") or "")
    return str(content or "")


def conversation(history: History, system: str | None) -> list[ChatMessage]:
    """The Chatbot history (plus system prompt) as hfkit chat messages."""
    system = (system or "").strip()
    messages = [ChatMessage(role="system", content=system)] if system else []
    return messages + [ChatMessage(role=m["role"], content=_text(m["content"])) for m in history
                       if m.get("role") in ("user", "assistant")]


def json_schema(enabled: bool, text: str, max_tokens: int) -> dict[str, Any] | None:
    """The schema for JSON mode (checked to be decodable within ``max_tokens``), or None when JSON mode is off."""
    if not enabled:
        return None
    try:
        schema = json.loads(text or DEFAULT_SCHEMA)
    except RecursionError:
        raise InputError("The JSON schema nests too deeply.", "Flatten the schema.") from None
    except json.JSONDecodeError as exc:
        where = f"{exc.msg} at line {exc.lineno}"
        raise InputError(f"The JSON schema does not parse ({where}).", "Fix the schema.") from exc
    check_decodable(schema, max_tokens)
    return schema  # type: ignore[no-any-return]


def token_budget(value: float | None, limit: int) -> int:
    """The reply's max tokens: a whole number from 1 to the app's limit."""
    tokens = int(value or 0)
    if not 1 <= tokens <= limit:
        raise InputError(f"Max tokens must be between 1 and {limit}.", f"Pick at most {limit} tokens.")
    return tokens


def make_respond(context: WebContext) -> Any:
    @guard_stream
    def respond(message: str | None, history: History | None, model: str, system: str | None, temperature: float,
                max_tokens: float, json_mode: bool, schema_text: str) -> Iterator[tuple[History, str]]:
        """Add the user's turn and stream the assistant's reply into the history."""
        text = context.text(message, "message")
        if not text.strip():
            raise InputError("The message is empty.", "Type something to send.")
        chosen = context.models.check(model)
        tokens = token_budget(max_tokens, context.options.max_chat_tokens)
        schema = json_schema(json_mode, context.text(schema_text, "JSON schema"), tokens)
        history = [*(history or []), {"role": "user", "content": text}]
        pieces = chat(conversation(history, context.text(system, "system prompt")), model=chosen,
                      temperature=temperature, max_tokens=tokens, json_schema=schema)
        reply = ""
        for piece in pieces:
            reply += piece
            yield [*history, {"role": "assistant", "content": reply}], ""
        yield [*history, {"role": "assistant", "content": reply}], ""

    return respond


def build(context: WebContext) -> None:
    """The Chat tab."""
    models = context.models.choices("chat", context.options.chat_models)
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="Conversation", height=420, elem_id="chat-history")
            message = gr.Textbox(label="Message", placeholder="Ask something and press Enter", elem_id="chat-message")
            with gr.Row():
                send = gr.Button("Send", variant="primary", elem_id="chat-send")
                stop = gr.Button("Stop", variant="stop")
                clear = gr.Button("Clear")
        with gr.Column(scale=1):
            model = gr.Dropdown(models, value=models[0], label="Model", allow_custom_value=True, elem_id="chat-model")
            system = gr.Textbox(label="System prompt", lines=3, value="You are a helpful assistant.")
            temperature = gr.Slider(0.0, 2.0, value=0.7, step=0.05, label="Temperature")
            max_tokens = gr.Slider(1, context.options.max_chat_tokens, value=256, step=1, label="Max tokens", elem_id="chat-max-tokens")
            json_mode = gr.Checkbox(label="JSON mode (reply is JSON valid for the schema)")
            schema = gr.Code(DEFAULT_SCHEMA, language="json", label="JSON schema", visible=False)
    json_mode.change(lambda on: gr.update(visible=on), json_mode, schema, queue=False, api_visibility="private")
    inputs = [message, chatbot, model, system, temperature, max_tokens, json_mode, schema]
    respond = make_respond(context)
    events: list[Any] = [
        send.click(respond, inputs, [chatbot, message], api_name="chat"),
        message.submit(respond, inputs, [chatbot, message], api_visibility="private"),
    ]
    stop.click(None, cancels=events, queue=False)
    clear.click(lambda: ([], ""), None, [chatbot, message], queue=False, api_visibility="private")
