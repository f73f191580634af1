"""The analysis stage: pure functions from validated content to findings, story by story and across stories."""
from __future__ import annotations

from dataclasses import dataclass

from site_builder.analysis.events import EventMention, events_in
from site_builder.analysis.names import AliasIndex
from site_builder.analysis.quotes import Quote, QuoteFinder
from site_builder.analysis.shared import Item, passage_items, reused_passages, shared_quotes
from site_builder.analysis.sources import SourceFinder, SourceMention


@dataclass(frozen=True)
class Named:
    item: object  # Person or Place
    count: int


@dataclass(frozen=True)
class StoryFindings:
    quotes: tuple[Quote, ...]  # statements and terms, in story order
    sources: tuple[SourceMention, ...]
    photo_credits: tuple[str, ...]
    events: tuple[EventMention, ...]
    people: tuple[Named, ...]  # most mentioned first
    places: tuple[Named, ...]

    @property
    def statements(self) -> tuple[Quote, ...]:
        return tuple(q for q in self.quotes if not q.is_term)

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.text for q in self.quotes if q.is_term))


class Analyser:
    """Built once per build from the gazetteer and events; analyses one story at a time."""

    def __init__(self, content):
        self.events = content.events
        self.quotes = QuoteFinder(content.gazetteer)
        self.sources = SourceFinder(content.gazetteer)
        self.people = AliasIndex(content.gazetteer.people)
        self.places = AliasIndex(content.gazetteer.places)

    def story(self, article, body) -> StoryFindings:
        paragraphs = body.paragraphs
        credit = article.image.credit if article.image else ""
        return StoryFindings(
            quotes=tuple(self.quotes.find(paragraphs)),
            sources=tuple(self.sources.cited(paragraphs, article.wires)),
            photo_credits=tuple(self.sources.credits(credit)),
            events=events_in(paragraphs, self.events),
            people=_counted(self.people, paragraphs),
            places=_counted(self.places, paragraphs),
        )


def _counted(index: AliasIndex, paragraphs) -> tuple[Named, ...]:
    counts: dict = {}
    for paragraph in paragraphs:
        for mention in index.find(paragraph):
            counts[mention.item] = counts.get(mention.item, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].name))
    return tuple(Named(item, count) for item, count in ranked)


@dataclass(frozen=True)
class SiteFindings:
    stories: dict  # slug -> StoryFindings
    shared_quotes: tuple  # shared.Pair of quote Items, across outlets
    reused_passages: tuple  # shared.Pair of sentence Items, across outlets


def analyse(content, bodies) -> SiteFindings:
    """Every story on its own, then what stories of different outlets share."""
    analyser = Analyser(content)
    stories = {a.slug: analyser.story(a, bodies[a.slug]) for a in content.articles}
    quote_items = [Item(a.slug, a.outlet, q.text, q.speaker)
                   for a in content.articles for q in stories[a.slug].statements]
    passage_list = [item for a in content.articles
                    for item in passage_items(a.slug, a.outlet, bodies[a.slug].paragraphs)]
    return SiteFindings(stories, tuple(shared_quotes(quote_items)), tuple(reused_passages(passage_list)))
