"""The typed minutes: what a meeting decided, who does what by when, each item citing the words said."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hfkit.core.errors import InputError
from hfkit.core.validation import check_device, check_language, check_range

Engine = Literal["grounded", "llm"]


class Citation(BaseModel):
    """Where an item was said: the segment, its time span, the speaker and the quoted words."""

    model_config = ConfigDict(extra="forbid")

    segment_id: int
    start: float
    end: float
    speaker: str | None = None
    quote: str
    segment_ids: list[int] = Field(default_factory=list, description="every segment the item draws on")


class KeyPoint(BaseModel):
    """One discussion topic with its time range and the sentence that sums it up best."""

    model_config = ConfigDict(extra="forbid")

    text: str
    start: float
    end: float
    citations: list[Citation] = Field(default_factory=list)


class Decision(BaseModel):
    """Something the meeting agreed on."""

    model_config = ConfigDict(extra="forbid")

    text: str
    citation: Citation


class ActionItem(BaseModel):
    """A task someone took on or was given, with its owner and due date when said."""

    model_config = ConfigDict(extra="forbid")

    owner: str | None = None
    task: str
    due: str | None = Field(default=None, description="ISO date when it could be resolved, else the words said")
    due_said: str | None = Field(default=None, description="the due date in the words said")
    citation: Citation


class Question(BaseModel):
    """A question raised and left open."""

    model_config = ConfigDict(extra="forbid")

    text: str
    citation: Citation


class Minutes(BaseModel):
    """Meeting minutes; every decision, action item and open question cites the transcript."""

    model_config = ConfigDict(extra="forbid")

    title: str
    date: str | None = None
    location: str | None = None
    attendees: list[str] = Field(default_factory=list)
    summary: str = ""
    key_points: list[KeyPoint] = Field(default_factory=list)
    takeaways: list[str] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    open_questions: list[Question] = Field(default_factory=list)
    problems: list[Question] = Field(default_factory=list, description="open issues and risks raised")
    warnings: list[str] = Field(default_factory=list, description="parts of the minutes made differently than asked, and why")
    timed: bool = Field(default=True, description="False when the transcript had no times: items show turn numbers")
    duration: float = 0.0
    no_speech: bool = False
    engine: str = "grounded"


class MinutesOptions(BaseModel):
    """Everything that changes how minutes are made (the CLI flags and web form map onto these)."""

    model_config = ConfigDict(extra="forbid")

    engine: Engine = "grounded"
    llm: str | None = Field(default=None, description="chat model for the llm engine (registry name, path, openai:)")
    base_url: str | None = None
    context_size: int | None = Field(default=None, ge=256, le=1_048_576)
    llm_chunk_seconds: float = Field(default=120.0, gt=0, le=3600,
                                     description="wall-time bound per chunk for the llm engine; past it the part stays grounded")
    title: str | None = None
    date: str | None = Field(default=None, description="meeting date, YYYY-MM-DD; due dates are resolved against it")
    language: str | None = None
    asr_model: str | None = None
    device: str = "auto"
    beam_size: int = Field(default=5, ge=1, le=20, description="whisper beam width; 1 (greedy) is faster")
    window_seconds: float = Field(default=300.0, ge=20.0, le=3600.0,
                                  description="speech is decoded in windows of about this length, cut at pauses")
    diarize: bool = True
    num_speakers: int | None = Field(default=None, ge=1, le=32)
    min_speakers: int | None = Field(default=None, ge=1, le=32)
    max_speakers: int | None = Field(default=None, ge=1, le=32)
    speaker_names: dict[str, str] = Field(default_factory=dict)
    auto_names: bool = True
    resume: bool = Field(default=True, description="continue an interrupted transcription of the same recording")
    detector: Literal["learned", "rules"] = Field(
        default="learned", description="how items are found: the detectors trained on AMI, or cue-word rules (the baseline)")
    summary_sentences: int = Field(default=0, ge=0, le=50, description="0 picks a length from the meeting's size")
    seed: int = 0

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        return check_language(value)

    @field_validator("device")
    @classmethod
    def _present_device(cls, value: str) -> str:
        return check_device(value)

    @model_validator(mode="after")
    def _speaker_bounds(self) -> MinutesOptions:
        check_range("speakers", self.min_speakers, self.max_speakers)
        low, high, count = self.min_speakers or 1, self.max_speakers or 32, self.num_speakers
        if count is not None and not low <= count <= high:
            raise InputError(f"--speakers {count} is outside --min-speakers {low} to --max-speakers {high}.",
                             "Pass --speakers alone, or bounds that include it.")
        return self
