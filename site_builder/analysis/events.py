"""Which engagement events each story refers to, with the sentence that shows it."""
from __future__ import annotations

from typing import NamedTuple

from site_builder.analysis.text import TermFinder, lowered_terms, lowered_text, matches_rule, sentences
from site_builder.models import Event


class EventMention(NamedTuple):
    event: Event
    evidence: str  # the first sentence of the story that matches one of the event's rules


class EventFinder:
    """Which events a story refers to: events_in for one list of events.

    A sentence can only match a rule whose every group has a term somewhere in the story (in
    any case), so only those rules are tried sentence by sentence. Which terms are in the story
    is found for all the rules' terms at once (TermFinder)."""

    def __init__(self, events):
        self.events = events
        lowered = {group: _lowered_terms(group) for event in events for rule in event.match for group in rule}
        self.finder = TermFinder(term for terms in lowered.values() if terms is not None for term in terms)
        self.rules = [[(rule, [lowered[group] for group in rule]) for rule in event.match] for event in events]

    def find(self, paragraphs) -> tuple[EventMention, ...]:
        """Events in date order, each with its first matching sentence."""
        lowered = lowered_text("\n".join(paragraphs))
        found = self.finder.found_in(lowered) if lowered is not None else None  # None: any rule may match
        story_sentences = [s for paragraph in paragraphs for s in sentences(paragraph)]
        mentions = []
        for event, rules in zip(self.events, self.rules):
            possible = [rule for rule, groups in rules
                        if found is None or all(terms is None or not found.isdisjoint(terms) for terms in groups)]
            sentence = possible and next((s for s in story_sentences if any(matches_rule(s, r) for r in possible)),
                                         None)
            if sentence:
                mentions.append(EventMention(event, sentence))
        return tuple(mentions)


def events_in(paragraphs, events) -> tuple[EventMention, ...]:
    """Events in date order, each with its first matching sentence."""
    return EventFinder(events).find(paragraphs)


def _lowered_terms(group: tuple[str, ...]) -> frozenset[str] | None:
    """The group's terms as a search of lowered text looks for them (text.lowered_terms), or None
    where a term has letters beyond ASCII (then the group is taken to be in every story)."""
    terms = lowered_terms(group)
    return frozenset(terms) if terms is not None else None
