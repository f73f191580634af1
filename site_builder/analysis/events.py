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
    is found for all the rules' terms at once (TermFinder), and which rules they make possible
    from the groups each term is in (_possible)."""

    def __init__(self, events):
        self.events = events
        self.rules = [(place, rule) for place, event in enumerate(events) for rule in event.match]  # (event's place, rule)
        lowered = {group: _lowered_terms(group) for _, rule in self.rules for group in rule}
        self.finder = TermFinder(term for terms in lowered.values() if terms is not None for term in terms)
        # term -> (rule's number, group's number) of each group it is a term of, and how many groups
        # of each rule have terms to look for (a group with a term beyond ASCII is in every story)
        self.groups_of: dict[str, list[tuple[int, int]]] = {}
        self.groups_needed: list[int] = []
        for number, (_, rule) in enumerate(self.rules):
            searched = [terms for terms in map(lowered.get, rule) if terms is not None]
            self.groups_needed.append(len(searched))
            for group, terms in enumerate(searched):
                for term in terms:
                    self.groups_of.setdefault(term, []).append((number, group))
        self.always_possible = {number for number, needed in enumerate(self.groups_needed) if needed == 0}

    def find(self, paragraphs) -> tuple[EventMention, ...]:
        """Events in date order, each with its first matching sentence."""
        lowered = lowered_text("\n".join(paragraphs))
        possible = self._possible(self.finder.found_in(lowered)) if lowered is not None else range(len(self.rules))
        if not possible:
            return ()
        by_event: dict[int, list] = {}  # event's place -> the rules of it that may match, in order
        for number in sorted(possible):
            place, rule = self.rules[number]
            by_event.setdefault(place, []).append(rule)
        story_sentences = [s for paragraph in paragraphs for s in sentences(paragraph)]
        mentions = []
        for place, rules in by_event.items():  # in the events' order, as the rules are
            sentence = next((s for s in story_sentences if any(matches_rule(s, r) for r in rules)), None)
            if sentence:
                mentions.append(EventMention(self.events[place], sentence))
        return tuple(mentions)

    def _possible(self, found: set[str]) -> set[int]:
        """The numbers of the rules whose every group has a term among those `found` in the story:
        the groups each found term is in, counted (a story has a dozen of the terms, where the
        events have some 30 rules to go through group by group)."""
        groups_found: dict[int, set[int]] = {}
        for term in found:
            for number, group in self.groups_of.get(term, ()):
                groups_found.setdefault(number, set()).add(group)
        return {number for number, groups in groups_found.items()
                if len(groups) == self.groups_needed[number]}.union(self.always_possible)


def events_in(paragraphs, events) -> tuple[EventMention, ...]:
    """Events in date order, each with its first matching sentence."""
    return EventFinder(events).find(paragraphs)


def _lowered_terms(group: tuple[str, ...]) -> frozenset[str] | None:
    """The group's terms as a search of lowered text looks for them (text.lowered_terms), or None
    where a term has letters beyond ASCII (then the group is taken to be in every story)."""
    terms = lowered_terms(group)
    return frozenset(terms) if terms is not None else None
