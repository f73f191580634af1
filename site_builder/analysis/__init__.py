"""The analysis stage: pure functions from validated content to findings, story by story and across stories."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NamedTuple

from site_builder.analysis.events import EventFinder, EventMention
from site_builder.analysis.framing import FramingCounter
from site_builder.analysis.names import AliasIndex
from site_builder.analysis.quotes import Quote, QuoteFinder
from site_builder.analysis.shared import Item, shared_quotes
from site_builder.analysis.sources import SourceFinder, SourceMention


class Named(NamedTuple):
    item: object  # Person or Place
    count: int


class FindingsText:
    """What is worked out from a story's quotes (needs `quotes`)."""
    __slots__ = ()

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.text for q in self.quotes if q.is_term))


@dataclass(frozen=True)
class StoryFindings(FindingsText):
    quotes: tuple[Quote, ...]  # statements and terms, in story order
    sources: tuple[SourceMention, ...]
    photo_credits: tuple[str, ...]
    events: tuple[EventMention, ...]
    people: tuple[Named, ...]  # most mentioned first
    places: tuple[Named, ...]
    framing: tuple[int, ...] = ()  # matches of each lexicon term, group by group, in lexicon order

    @property
    def statements(self) -> tuple[Quote, ...]:
        return tuple(q for q in self.quotes if not q.is_term)


class Analyser:
    """Built from the gazetteer, events and lexicon; analyses one story at a time."""

    def __init__(self, gazetteer, events, lexicon: tuple = ()):
        self.events = EventFinder(events)
        self.lexicon = lexicon
        self.framing = FramingCounter(lexicon)
        self.quotes = QuoteFinder(gazetteer)
        self.sources = SourceFinder(gazetteer)
        self.people = self.quotes.people  # one index of people's names for both
        self.places = AliasIndex(gazetteer.places)

    def story(self, paragraphs, credit: str, wires) -> StoryFindings:
        people_in = [self.people.find(paragraph) for paragraph in paragraphs]  # the quotes' speakers need them too
        return StoryFindings(
            quotes=tuple(self.quotes.find(paragraphs, people_in)),
            sources=tuple(self.sources.cited(paragraphs, wires)),
            photo_credits=tuple(self.sources.credits(credit)),
            events=self.events.find(paragraphs),
            people=_counted(people_in),
            places=_counted([self.places.find(paragraph) for paragraph in paragraphs]),
            framing=self.framing.counts(paragraphs),
        )


def _counted(mentions_in) -> tuple[Named, ...]:
    """The items named, most mentioned first, from the mentions (names.Mention) in each paragraph."""
    counts: dict = {}
    for mentions in mentions_in:
        for mention in mentions:
            counts[mention.item] = counts.get(mention.item, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].name))
    return tuple(Named(item, count) for item, count in ranked)


class SiteFindings(NamedTuple):
    stories: dict  # slug -> StoryFindings
    shared_quotes: tuple  # shared.Pair of quote Items, across outlets
    reused_passages: tuple  # shared.Pair of sentence Items, across outlets


def analyse(articles, findings: dict, reused_passages, find_shared_quotes=None) -> SiteFindings:
    """What stories of different outlets share. `findings` (slug -> StoryFindings) come from
    each story's own analysis (stories.py); reused_passages() gives those of passages.PassageIndex,
    asked for once the shared quotes are found: the index may be at work in a process of its own
    (passage_keeper.py), and has that much longer to answer. find_shared_quotes(articles,
    findings) gives the shared quotes (by default shared_quotes_among; a build remembers them:
    pipeline.py)."""
    quotes = tuple((find_shared_quotes or shared_quotes_among)(articles, findings))
    return SiteFindings(findings, quotes, tuple(reused_passages()))


def shared_quotes_among(articles, findings: dict) -> list:
    """shared.shared_quotes of the statements of `articles` (in that order)."""
    return shared_quotes(*quote_items(articles, findings))


def quote_items(articles, findings: dict) -> tuple[list[Item], list[bytes]]:
    """Each statement of `articles` (in that order) as a shared.Item, and its packed shingles."""
    statements = [(a, q) for a in articles for q in findings[a.slug].statements]
    return [Item(a.slug, a.outlet, q.text, q.speaker) for a, q in statements], [q.shingles for _, q in statements]


def statements_key(slug: str, outlet: str, statements) -> bytes:
    """A digest (16 bytes) of a story's statements as the shared quotes see them (its slug and
    outlet, each statement's text and its speaker's id), made as the story is prepared; empty
    when it has none. The site's, one after the other, stand for all its statements (pipeline.py)."""
    if not statements:
        return b""
    described = [slug, outlet]
    for q in statements:
        speaker = q.speaker.id if q.speaker else ""
        described += (str(len(q.text)), q.text, speaker)
    return hashlib.blake2b("\0".join(described).encode(), digest_size=16).digest()
