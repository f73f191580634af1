"""Which engagement events each story refers to, with the sentence that shows it."""
from __future__ import annotations

from dataclasses import dataclass

from site_builder.analysis.text import matches_rule, sentences
from site_builder.models import Event


@dataclass(frozen=True)
class EventMention:
    event: Event
    evidence: str  # the first sentence of the story that matches one of the event's rules


def events_in(paragraphs, events) -> tuple[EventMention, ...]:
    """Events in date order, each with its first matching sentence."""
    story_sentences = [s for paragraph in paragraphs for s in sentences(paragraph)]
    mentions = []
    for event in events:
        found = next((s for s in story_sentences if any(matches_rule(s, r) for r in event.match)), None)
        if found:
            mentions.append(EventMention(event, found))
    return tuple(mentions)
