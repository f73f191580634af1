"""Which engagement events each story refers to, with the sentence that shows it."""
from __future__ import annotations

from typing import NamedTuple

from site_builder.analysis.text import lowered_text, matches_rule, may_match_rule, sentences
from site_builder.models import Event


class EventMention(NamedTuple):
    event: Event
    evidence: str  # the first sentence of the story that matches one of the event's rules


def events_in(paragraphs, events) -> tuple[EventMention, ...]:
    """Events in date order, each with its first matching sentence.

    A sentence can only match a rule whose every group has a term somewhere in the story, so
    only those rules are tried sentence by sentence.
    """
    lowered = lowered_text("\n".join(paragraphs))
    story_sentences = [s for paragraph in paragraphs for s in sentences(paragraph)]
    mentions = []
    for event in events:
        rules = [r for r in event.match if may_match_rule(lowered, r)]
        found = rules and next((s for s in story_sentences if any(matches_rule(s, r) for r in rules)), None)
        if found:
            mentions.append(EventMention(event, found))
    return tuple(mentions)
