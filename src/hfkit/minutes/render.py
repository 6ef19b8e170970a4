"""Minutes as markdown (the seed's layout), JSON, HTML and Word files, each written atomically."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from hfkit.core.atomic import atomic_path, write_text
from hfkit.core.errors import InputError, missing_extra
from hfkit.core.types import Segment
from hfkit.minutes.model import ActionItem, Citation, KeyPoint, Minutes

NO_SPEECH = "No speech was found in the recording, so there is nothing to summarise."


def clock(seconds: float) -> str:
    """mm:ss, or h:mm:ss past the hour."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def _quote(citation: Citation) -> str:
    who = f"{citation.speaker}: " if citation.speaker else ""
    return f'  > {who}"{citation.quote}"'


def when(citation: Citation, timed: bool = True) -> str:
    """Where an item was said: its clock time, or its turn number when the transcript had no times."""
    return clock(citation.start) if timed else f"turn {citation.segment_id + 1}"


def action_line(item: ActionItem, timed: bool = True) -> str:
    """'**Owner**: task (due ...) [mm:ss]' (or [turn n] for transcripts without times)."""
    due = ""
    if item.due:
        due = f" (due {item.due})" if item.due == item.due_said or not item.due_said else f" (due {item.due}, \"{item.due_said}\")"
    owner = f"**{item.owner}**: " if item.owner else ""
    return f"- {owner}{item.task}{due} [{when(item.citation, timed)}]"


def _bullets(lines: list[str]) -> list[str]:
    return [f"- {line}" for line in lines] or ["- None recorded."]


def to_markdown(m: Minutes) -> str:
    """The minutes in the seed's markdown layout."""
    out = [f"# Meeting Minutes - {m.title}", ""]
    out += [f"**Date:** {m.date or 'not stated'}  "]
    if m.location:
        out += [f"**Location:** {m.location}  "]
    out += [f"**Attendees:** {', '.join(m.attendees) or 'not identified'}  "]
    out += [f"**Duration:** {clock(m.duration)}", ""] if m.timed else ["**Duration:** not stated (the transcript has no times)", ""]
    if m.warnings:
        out += [f"> **Note:** {w}" for w in m.warnings] + [""]
    out += ["## Summary", "", NO_SPEECH if m.no_speech else (m.summary or "Nothing to summarise."), ""]
    out += ["## Key Discussion Points", ""]
    out += [_key_point(k, m.timed) for k in m.key_points] or ["- None recorded."]
    if m.takeaways:
        out += ["", "## Takeaways", "", *_bullets(m.takeaways)]
    out += ["", "## Decisions", ""]
    for d in m.decisions:
        out += [f"- {d.text} [{when(d.citation, m.timed)}]", _quote(d.citation)]
    out += [] if m.decisions else ["- None recorded."]
    out += ["", "## Action Items", ""]
    for a in m.action_items:
        out += [action_line(a, m.timed), _quote(a.citation)]
    out += [] if m.action_items else ["- None recorded."]
    out += ["", "## Next Steps", "", *_bullets(m.next_steps)]
    if m.problems:
        out += ["", "## Problems and Risks", ""]
        out += [f"- {q.text} [{when(q.citation, m.timed)}]" for q in m.problems]
    if m.open_questions:
        out += ["", "## Open Questions", ""]
        out += [f"- {q.text} [{when(q.citation, m.timed)}]" for q in m.open_questions]
    return "\n".join(out) + "\n"


def _key_point(point: KeyPoint, timed: bool) -> str:
    if timed or not point.citations:
        return f"- **[{clock(point.start)}–{clock(point.end)}]** {point.text}"
    return f"- **[turn {point.citations[0].segment_id + 1}]** {point.text}"


def to_json(m: Minutes) -> str:
    return m.model_dump_json(indent=2) + "\n"


def to_html(m: Minutes, chart: bytes | None = None) -> str:
    """The minutes as a standalone HTML page (with the speaker chart embedded when given)."""
    import base64

    import markdown

    body = markdown.markdown(to_markdown(m), extensions=["extra"])
    if chart is not None:
        uri = "data:image/png;base64," + base64.b64encode(chart).decode("ascii")
        body += f'\n<h2>{SPEAKERS_HEADING}</h2>\n<p><img src="{uri}" alt="{SPEAKERS_ALT}" style="max-width:100%"></p>'
    return (f"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Meeting Minutes - {m.title}</title></head>"
            f"<body>\n{body}\n</body></html>\n")


SPEAKERS_HEADING = "Speakers"
SPEAKERS_ALT = "Who spoke when, and talk time per speaker"
CHART_FILE = "speakers.png"


def speaker_chart(segments: Sequence[Segment]) -> bytes | None:
    """A PNG of who spoke when and each speaker's talk time; None without speakers or without matplotlib."""
    from hfkit.core import plots

    turns = [(s.speaker, s.start, s.end) for s in segments if s.speaker and s.end > s.start]
    if not turns or not plots.available():
        return None
    return plots.png_bytes(plots.speaker_timeline(turns, "Who spoke when"))


def write_docx(m: Minutes, target: Path, chart: bytes | None = None) -> None:
    try:
        import docx
    except ImportError as exc:
        raise missing_extra("python-docx", "minutes") from exc
    document = docx.Document()
    for line in to_markdown(m).splitlines():
        if line.startswith("# "):
            document.add_heading(line[2:], level=1)
        elif line.startswith("## "):
            document.add_heading(line[3:], level=2)
        elif line.startswith("- "):
            document.add_paragraph(line[2:].replace("**", ""), style="List Bullet")
        elif line.strip():
            document.add_paragraph(line.strip().replace("**", ""))
    if chart is not None:
        import io

        from docx.shared import Inches

        document.add_heading(SPEAKERS_HEADING, level=2)
        document.add_picture(io.BytesIO(chart), width=Inches(6.5))
    with atomic_path(target) as tmp:
        document.save(str(tmp))


def _text_writer(render: Callable[[Minutes], str]) -> Callable[[Minutes, Path], None]:
    return lambda m, target: write_text(target, render(m))


def _markdown_with_chart(m: Minutes, target: Path, chart: bytes | None) -> None:
    link = f"\n## {SPEAKERS_HEADING}\n\n![{SPEAKERS_ALT}]({CHART_FILE})\n" if chart is not None else ""
    write_text(target, to_markdown(m) + link)


# writers that show the speaker chart: markdown links the PNG beside it, HTML and Word embed it
CHART_WRITERS: dict[str, Callable[[Minutes, Path, bytes | None], None]] = {
    "md": _markdown_with_chart,
    "html": lambda m, target, chart: write_text(target, to_html(m, chart)),
    "docx": write_docx,
}

WRITERS: dict[str, Callable[[Minutes, Path], None]] = {
    "md": _text_writer(to_markdown),
    "json": _text_writer(to_json),
    "html": _text_writer(to_html),
    "docx": write_docx,
}


def parse_formats(spec: str) -> list[str]:
    """'md,json' as format names, or fail naming the unknown one."""
    formats = [f.strip().lower() for f in spec.split(",") if f.strip()]
    unknown = [f for f in formats if f not in WRITERS]
    if unknown or not formats:
        raise InputError(f"Unknown minutes format '{unknown[0] if unknown else spec}'.", f"Choose from {', '.join(WRITERS)}.")
    return formats
