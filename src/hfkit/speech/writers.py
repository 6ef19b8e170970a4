"""Transcript files: txt, srt, vtt and json, each written atomically."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from hfkit.core.atomic import write_text
from hfkit.core.errors import InputError
from hfkit.core.types import Segment, TranscriptionInfo


def timestamp(seconds: float, separator: str = ",", hours: bool = True) -> str:
    millis = max(0, round(seconds * 1000))
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    head = f"{h:02d}:" if hours or h else ""
    return f"{head}{m:02d}:{s:02d}{separator}{ms:03d}"


def _label(segment: Segment) -> str:
    return f"{segment.speaker}: " if segment.speaker else ""


def to_txt(info: TranscriptionInfo, segments: Sequence[Segment]) -> str:
    return "".join(f"{_label(s)}{s.text}\n" for s in segments)


def to_srt(info: TranscriptionInfo, segments: Sequence[Segment]) -> str:
    blocks = [
        f"{i}\n{timestamp(s.start)} --> {timestamp(s.end)}\n{_label(s)}{s.text}\n"
        for i, s in enumerate(segments, start=1)
    ]
    return "\n".join(blocks)


def to_vtt(info: TranscriptionInfo, segments: Sequence[Segment]) -> str:
    cues = [
        f"{timestamp(s.start, '.')} --> {timestamp(s.end, '.')}\n"
        + (f"<v {s.speaker}>{s.text}" if s.speaker else s.text) + "\n"
        for s in segments
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def to_json(info: TranscriptionInfo, segments: Sequence[Segment]) -> str:
    data = {
        **asdict(info),
        "text": " ".join(s.text for s in segments),
        "segments": [s.to_dict() for s in segments],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


WRITERS: dict[str, Callable[[TranscriptionInfo, Sequence[Segment]], str]] = {
    "txt": to_txt,
    "srt": to_srt,
    "vtt": to_vtt,
    "json": to_json,
}


def parse_formats(spec: str) -> list[str]:
    """Split 'txt,srt' into known format names, or fail naming the unknown one."""
    formats = [f.strip().lower() for f in spec.split(",") if f.strip()]
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise InputError(f"Unknown output format '{unknown[0]}'.", f"Choose from {', '.join(WRITERS)}.")
    return formats


def write_outputs(info: TranscriptionInfo, segments: Sequence[Segment], formats: Sequence[str],
                  output_dir: Path, stem: str) -> list[Path]:
    """Write one file per format as ``output_dir/stem.<format>``; return their paths."""
    written = []
    for fmt in formats:
        target = output_dir / f"{stem}.{fmt}"
        write_text(target, WRITERS[fmt](info, segments))
        written.append(target)
    return written
