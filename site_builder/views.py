"""What templates see of a story: the article plus everything derived for display."""
from __future__ import annotations

from dataclasses import dataclass

from site_builder import dates, urls
from site_builder.markdown import RenderedBody
from site_builder.models import Article, Outlet


@dataclass(frozen=True)
class StoryView:
    article: Article
    outlet: Outlet
    body: RenderedBody
    url: str
    previous: "StoryLink | None" = None
    next: "StoryLink | None" = None

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


def story_views(articles, outlets, bodies) -> list[StoryView]:
    """One view per article, oldest first, each linked to its chronological neighbours."""
    outlet_by_key = {o.key: o for o in outlets}
    plain = [StoryView(a, outlet_by_key[a.outlet], bodies[a.slug], urls.story(a.slug)) for a in articles]
    links = [StoryLink(v.article.title, v.url, v.outlet.name, v.published_short) for v in plain]
    return [
        StoryView(v.article, v.outlet, v.body, v.url,
                  previous=links[i - 1] if i > 0 else None,
                  next=links[i + 1] if i + 1 < len(links) else None)
        for i, v in enumerate(plain)
    ]
