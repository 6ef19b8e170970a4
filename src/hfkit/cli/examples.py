"""Examples shown at the end of every command's ``--help`` (2-4 each), kept in one place so every command has them."""

from __future__ import annotations

from typing import Any

EXAMPLES: dict[str, tuple[str, ...]] = {
    "transcribe": (
        "hfkit transcribe meeting.m4a                      # meeting.txt and meeting.srt here",
        "hfkit transcribe talk.mp4 recordings/ -f all -o out/",
        "hfkit transcribe interview.mp3 -m whisper-base --language de -t 4",
        "hfkit transcribe jfk.wav --json -f json",
    ),
    "minutes": (
        "hfkit minutes examples/sample_meeting.wav --date 2026-03-02 --output-dir out/",
        "hfkit minutes board.mp4 -m whisper-base --speakers 5 -f md,json,docx,html",
        "hfkit minutes transcript.json --title \"Budget review\" --json -o out/ --overwrite",
    ),
    "synth": (
        "hfkit synth customers -n 20 --llm none --seed 1 -o customers.csv",
        "hfkit synth ticket.schema.json -n 100 -o tickets.parquet",
        "hfkit synth \"a list of employees of a Berlin start-up\" -n 5 --llm none -f text",
        "hfkit synth customers -n 100 --llm none -o customers.jsonl --overwrite --json",
    ),
    "generate": (
        "hfkit generate \"Write a haiku about CPUs\" --max-tokens 60 --seed 1",
        "hfkit generate \"Describe a customer\" --json-schema customer.schema.json",
        "hfkit generate \"1, 2, 3,\" -m gemma3-270m --raw --json",
    ),
    "chat": (
        "hfkit chat",
        "hfkit chat --system \"You are terse.\"",
        "hfkit chat -m Qwen/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M",
    ),
    "serve": (
        "hfkit serve",
        "hfkit serve --port 8000 --model smollm2-135m-instruct --asr-model whisper-tiny.en",
    ),
    "web": (
        "hfkit web",
        "hfkit web --port 7861",
    ),
    "models list": (
        "hfkit models list",
        "hfkit models list --json",
    ),
    "models info": (
        "hfkit models info whisper-tiny.en",
        "hfkit models info gemma3-270m --json",
    ),
    "models pull": (
        "hfkit models pull Systran/faster-whisper-small",
        "hfkit models pull Qwen/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M --json",
    ),
    "pipeline": (
        "hfkit pipeline sentiment-analysis \"I love learning AI!\"",
        "hfkit pipeline ner \"My name is Wolfgang and I live in Berlin.\" --json",
        "hfkit pipeline text-generation \"Once upon a time\" --max-new-tokens 30",
        "hfkit pipeline tts \"Hello there\" -o hello.wav",
    ),
    "tokens encode": (
        "hfkit tokens encode ggml-vocab-llama-bpe.gguf \"I'm learning\"     # 128000 40 2846 6975",
        "hfkit tokens encode smollm2-135m-instruct \"Hello\" --no-special --json",
    ),
    "tokens decode": (
        "hfkit tokens decode ggml-vocab-llama-bpe.gguf 128000 9906",
        "hfkit tokens decode smollm2-135m-instruct 19556,905 --pieces --json",
    ),
    "tokens pieces": (
        "hfkit tokens pieces smollm2-135m-instruct \"Tokenizers split words\"",
        "hfkit tokens pieces ggml-vocab-qwen2.gguf \"naïve café\" --json",
    ),
    "tokens count": (
        "hfkit tokens count smollm2-135m-instruct \"How many tokens is this?\"",
        "cat notes.txt | hfkit tokens count ggml-vocab-llama-bpe.gguf - --json",
    ),
    "tokens special": (
        "hfkit tokens special ggml-vocab-phi-3.gguf",
        "hfkit tokens special gemma3-270m --json",
    ),
    "tokens template": (
        "hfkit tokens template ggml-vocab-qwen2.gguf '[{\"role\": \"user\", \"content\": \"Hi\"}]'",
        "hfkit tokens template ggml-vocab-llama-bpe.gguf chat.json --json",
        "hfkit tokens template gemma3-270m chat.json --chat-template my.jinja",
    ),
    "tokens compare": (
        "hfkit tokens compare smollm2-135m-instruct,ggml-vocab-llama-bpe.gguf \"Hello world\"",
        "hfkit tokens compare llama.gguf,phi-3.gguf,qwen2.gguf,starcoder.gguf,gemma3-270m --messages chat.json",
        "hfkit tokens compare a.gguf,b.gguf \"Some text\" --json --chart counts.png",
    ),
    "inspect": (
        "hfkit inspect gemma3-270m",
        "hfkit inspect ./my-model --depth 2 --json",
    ),
    "memory": (
        "hfkit memory ./bert-base-uncased",
        "hfkit memory Qwen/Qwen2.5-0.5B --dtypes fp32,bf16,int8 --chart memory.png",
    ),
    "quantize": (
        "hfkit quantize gemma3-270m -t Q4_0 -o gemma3-270m-q4_0.gguf",
        "hfkit quantize ./opt-125m -t int8 -o opt-125m-int8 --device cuda --json",
    ),
}


def epilog(lines: tuple[str, ...]) -> str:
    """The help text's closing block: 'Examples:' and one example per paragraph (so the help keeps the lines)."""
    return "Examples:\n\n" + "\n\n".join(f"  {line}" for line in lines)


def add_examples(command: Any, path: str = "") -> None:
    """Set the examples as the epilog of every command in the click tree under ``command``."""
    if path in EXAMPLES:
        command.epilog = epilog(EXAMPLES[path])
    for name, sub in (getattr(command, "commands", None) or {}).items():
        add_examples(sub, f"{path} {name}".strip())


def missing_examples(command: Any, path: str = "") -> list[str]:
    """Commands (leaves of the tree) without examples: the test keeps this empty."""
    subs = getattr(command, "commands", None) or {}
    if not subs:
        return [] if path in EXAMPLES else [path]
    return [m for name, sub in subs.items() for m in missing_examples(sub, f"{path} {name}".strip())]
