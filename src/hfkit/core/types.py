"""Plain data types shared by every layer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


@dataclass(frozen=True)
class Word:
    """One recognised word with its time span (seconds) and probability."""

    start: float
    end: float
    word: str
    probability: float = 1.0
    speaker: str | None = None


@dataclass(frozen=True)
class Segment:
    """One transcribed stretch of speech."""

    id: int
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    speaker: str | None = None
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0

    def shifted(self, offset: float, index: int | None = None) -> Segment:
        """This segment (and its words) moved ``offset`` seconds later, optionally renumbered."""
        words = tuple(replace(w, start=w.start + offset, end=w.end + offset) for w in self.words)
        return replace(self, id=self.id if index is None else index, start=self.start + offset,
                       end=self.end + offset, words=words)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["words"] = [asdict(w) for w in self.words]
        return data


@dataclass
class TranscriptionInfo:
    """What is known about a transcription before its segments are decoded."""

    path: str
    language: str
    language_probability: float
    duration: float
    model: str
    settings: dict[str, Any] = field(default_factory=dict)


Role = Literal["system", "user", "assistant"]
MAX_TOKENS = 131_072  # the most tokens any request may ask for


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    content: str


class GenerationOptions(BaseModel):
    """Sampling and output options shared by every chat backend."""

    model_config = ConfigDict(extra="forbid")

    max_tokens: int = Field(default=512, ge=1, le=MAX_TOKENS)
    temperature: float = Field(default=0.7, ge=0.0, le=2.0)
    top_p: float = Field(default=0.95, gt=0.0, le=1.0)
    seed: int | None = Field(default=None, ge=-(2**63), le=2**63 - 1)
    json_schema: dict[str, Any] | None = None
    stop: list[str] = Field(default_factory=list)


class ChatRequest(BaseModel):
    """A conversation to continue."""

    model_config = ConfigDict(extra="forbid")

    messages: list[ChatMessage]
    options: GenerationOptions = Field(default_factory=GenerationOptions)


@dataclass
class Usage:
    """Token counts and timing of one completion, filled in as it runs."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None
    decode_tokens_per_second: float | None = None
