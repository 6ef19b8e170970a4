"""``hfkit generate`` and ``hfkit chat``: text generation with streaming."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from hfkit.cli.common import console, emit, emit_json, stdout
from hfkit.core.paths import read_stdin
from hfkit.core.types import ChatMessage, ChatRequest, GenerationOptions, Usage
from hfkit.generation.api import DEFAULT_CHAT_MODEL, check_prompt, generate, get_chat_model
from hfkit.generation.structured import generate_json, load_schema

ModelOpt = Annotated[str, typer.Option("--model", "-m", help="Embedded name, .gguf path, hub id or openai:<model>.")]
MaxTokens = Annotated[int, typer.Option(min=1, help="Most tokens to generate.")]
Temperature = Annotated[float, typer.Option(min=0.0, max=2.0)]
Seed = Annotated[int | None, typer.Option(help="Seed for reproducible sampling.")]
System = Annotated[str | None, typer.Option(help="System prompt.")]
BaseUrl = Annotated[str | None, typer.Option(help="Base URL for openai: models.")]


def generate_command(
    prompt: Annotated[str, typer.Argument(help="The prompt ('-' reads standard input).")],
    model: ModelOpt = DEFAULT_CHAT_MODEL,
    max_tokens: MaxTokens = 256,
    temperature: Temperature = 0.7,
    seed: Seed = None,
    system: System = None,
    json_schema: Annotated[Path | None, typer.Option(help="JSON Schema file; the output will validate against it.")] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Plain continuation without a chat template (base models).")] = False,
    base_url: BaseUrl = None,
    stats: Annotated[bool, typer.Option("--stats", help="Print token counts and speed to stderr.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document (model, text or data, usage) "
                                                        "instead of streaming.")] = False,
) -> None:
    """Generate text from a prompt, streaming tokens as they come."""
    if prompt == "-":
        prompt = read_stdin()
    options: dict[str, Any] = {"max_tokens": max_tokens, "temperature": temperature, "seed": seed}
    usage = Usage()
    if json_schema is not None:
        data = _json_reply(prompt, model, system, base_url, load_schema(json_schema), options, usage)
        if as_json:
            emit_json({"model": model, "data": data, "usage": _usage(usage)})
        else:
            stdout.print(json.dumps(data, ensure_ascii=False, indent=2), markup=False)
    elif as_json:
        text = "".join(generate(prompt, model=model, system=system, raw=raw, base_url=base_url, usage=usage, **options))
        emit_json({"model": model, "text": text, "usage": _usage(usage)})
    else:
        for piece in generate(prompt, model=model, system=system, raw=raw, base_url=base_url, usage=usage, **options):
            emit(piece, end="")
        stdout.print()
    if stats:
        console.print(f"prompt {usage.prompt_tokens} tokens, completion {usage.completion_tokens} tokens, "
                      f"{usage.decode_tokens_per_second or 0:.1f} tokens/s, finish: {usage.finish_reason}")


def _usage(usage: Usage) -> dict[str, Any]:
    return {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
            "tokens_per_second": usage.decode_tokens_per_second, "finish_reason": usage.finish_reason}


def _json_reply(prompt: str, model: str, system: str | None, base_url: str | None, schema: dict[str, Any],
                options: dict[str, Any], usage: Usage) -> Any:
    check_prompt(prompt)
    messages = ([ChatMessage(role="system", content=system)] if system else []) + [ChatMessage(role="user", content=prompt)]
    request = ChatRequest(messages=messages, options=GenerationOptions(json_schema=schema, **options))
    return generate_json(get_chat_model(model, base_url=base_url), request, usage=usage)


def chat_command(
    model: ModelOpt = DEFAULT_CHAT_MODEL,
    max_tokens: MaxTokens = 512,
    temperature: Temperature = 0.7,
    seed: Seed = None,
    system: System = None,
    base_url: BaseUrl = None,
) -> None:
    """Chat in the terminal with history and streaming (/reset clears, /exit or Ctrl-D quits)."""
    chat_model = get_chat_model(model, base_url=base_url)
    history = [ChatMessage(role="system", content=system)] if system else []
    options = GenerationOptions(max_tokens=max_tokens, temperature=temperature, seed=seed)
    console.print(f"Chatting with [bold]{chat_model.name}[/bold]. /reset clears the history, /exit quits.")
    while (line := _read_line()) is not None:
        if line.strip() in ("/exit", "/quit"):
            break
        if line.strip() == "/reset":
            history = history[:1] if system else []
            continue
        if not line.strip():
            continue
        history.append(ChatMessage(role="user", content=line))
        reply = "".join(_stream(chat_model.complete(ChatRequest(messages=history, options=options))))
        history.append(ChatMessage(role="assistant", content=reply))


def _read_line() -> str | None:
    try:
        return input("you> ")
    except EOFError:
        return None


def _stream(pieces: Any) -> Any:
    stdout.print("bot> ", end="", markup=False)
    for piece in pieces:
        emit(piece, end="")
        yield piece
    stdout.print()


def register(app: typer.Typer) -> None:
    app.command("generate")(generate_command)
    app.command("chat")(chat_command)
