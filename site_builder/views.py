"""What templates see of a story: the article plus everything derived for display."""
from __future__ import annotations

from dataclasses import dataclass

from collections import Counter

from site_builder import dates, urls
from site_builder.analysis.events import EventMention
from site_builder.markdown import RenderedBody
from site_builder.models import Article, Outlet

RELATED_LIMIT = 5


@dataclass(frozen=True)
class StoryView:
    article: Article
    outlet: Outlet
    body: RenderedBody
    url: str
    events: tuple[EventMention, ...] = ()
    previous: "StoryLink | None" = None
    next: "StoryLink | None" = None
    related: tuple["StoryLink", ...] = ()  # other stories that refer to the same events

    @property
    def summary(self) -> str:
        """The article's own summary, else the start of its first paragraph."""
        return self.article.summary or self.body.excerpt()

    @property
    def published_iso(self) -> str:
        return dates.iso(self.article.published)

    @property
    def published_long(self) -> str:
        return dates.long_id(self.article.published)

    @property
    def published_short(self) -> str:
        return dates.short_id(self.article.published)


@dataclass(frozen=True)
class StoryLink:
    title: str
    url: str
    outlet_name: str
    published_short: str


def story_views(articles, outlets, bodies, mentions) -> list[StoryView]:
    """One view per article, oldest first, linked to its neighbours and to stories on its events."""
    outlet_by_key = {o.key: o for o in outlets}
    plain = [StoryView(a, outlet_by_key[a.outlet], bodies[a.slug], urls.story(a.slug), mentions[a.slug])
             for a in articles]
    links = [StoryLink(v.article.title, v.url, v.outlet.name, v.published_short) for v in plain]
    related = _related(plain)
    return [
        StoryView(v.article, v.outlet, v.body, v.url, v.events,
                  previous=links[i - 1] if i > 0 else None,
                  next=links[i + 1] if i + 1 < len(links) else None,
                  related=tuple(links[j] for j in related[i]))
        for i, v in enumerate(plain)
    ]


def _related(stories: list[StoryView]) -> list[list[int]]:
    """For each story, the stories sharing most events with it (ties: newest first).

    Uses an index from event to stories, so the cost follows the number of mentions,
    not the number of pairs of stories.
    """
    by_event: dict[str, list[int]] = {}
    for index, story in enumerate(stories):
        for mention in story.events:
            by_event.setdefault(mention.event.id, []).append(index)
    result = []
    for index, story in enumerate(stories):
        shared = Counter(other for m in story.events for other in by_event[m.event.id] if other != index)
        ranked = sorted(shared, key=lambda other: (-shared[other], -other))
        result.append(ranked[:RELATED_LIMIT])
    return result
