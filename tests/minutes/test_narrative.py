"""The summary's writing: condensed spoken sentences, roles and names, topic sentences grounded in the talk."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hfkit.minutes.condense import condense
from hfkit.minutes.llm import supports
from hfkit.minutes.narrative import summary_budget, who


def test_condense_drops_false_starts_repeats_and_hedges() -> None:
    assert condense("we don't we don't we do think it's w which prefers") == "we don't we do think it's which prefers"
    assert condense("the design of the th technical fun functions") == "the design of the th technical functions"
    assert condense("It's sort of self-intuitive, you know, for everyone.") == "It's self-intuitive, for everyone."
    assert condense("I mean, it works, you know.") == "it works."


def test_condense_keeps_what_is_meant() -> None:
    assert condense("What kind of remote do you know of?") == "What kind of remote do you know of?"
    assert condense("you know what I mean") == "you know what I mean"
    assert condense("I want to go into town today.") == "I want to go into town today."


def test_roles_take_an_article_names_do_not() -> None:
    assert who("Project Manager") == "the Project Manager"
    assert who("Industrial Designer") == "the Industrial Designer"
    assert who("Ed Evans") == "Ed Evans"
    assert who("Dana") == "Dana"
    assert who("SPEAKER_00") == "SPEAKER_00"


def test_summary_length_grows_with_the_meeting() -> None:
    assert summary_budget(500) < summary_budget(3000) < summary_budget(9000) <= 250


def test_qmsum_summary_tells_topics_in_order_from_the_talk(shared_testdata: Path) -> None:
    from hfkit.minutes.api import minutes_from_segments
    from hfkit.minutes.transcript import parse_json

    data = json.loads((shared_testdata / "meetings/qmsum/TS3011d.json").read_text())
    summary = minutes_from_segments(parse_json(data)).minutes.summary
    talk = " ".join(t["content"] for t in data["meeting_transcripts"]).lower()
    sentences = re.split(r"(?<=[.?!]) (?=[A-Z])", summary)
    assert sentences[0].startswith("The meeting of the Industrial Designer, the Marketing, the Project Manager and ")
    topics = [s for s in sentences if re.match(r"(?:First|Then|Finally),? (?:the group|the [A-Z])", s)]
    assert len(topics) >= 3 and topics[0].startswith("First") and topics[-1].startswith("Finally")
    for sentence in topics:  # every topic phrase was said in the meeting
        phrases = re.sub(r"^.*?(?:discussed|talked about) ", "", sentence).rstrip(".")
        for phrase in re.split(r", | and ", phrases):
            assert phrase.removeprefix("the ").lower() in talk, phrase
    for sentence in sentences:  # statements are reported, third person, from the words said
        if " said that " in sentence:
            said = re.sub(r"\b(?:the group|they|their|them|themselves)(?:'\w+)?\b", "", sentence.partition(" said that ")[2])
            assert supports(talk, said, 0.9), sentence
    assert 80 <= len(summary.split()) <= 160


def test_reported_speech_keeps_verbs_in_agreement_with_the_group() -> None:
    from hfkit.core.types import Segment
    from hfkit.minutes.narrative import reported
    from hfkit.minutes.nlp import split_sentences

    def told(text: str) -> str:
        return reported(split_sentences([Segment(id=0, start=0.0, end=5.0, text=text, speaker="Bob")])[0])

    assert told("If we fix the mobile test this week, we can ship on March 20.") == (
        "Bob said that if the group fixes the mobile test this week, the group can ship on March 20.")
    assert told("We are ready and we have the budget.") == "Bob said that the group is ready and the group has the budget."
    assert told("We decided to try, so we try it.") == "Bob said that the group decided to try, so the group tries it."
    assert "they're" in told("I think we're done.")
