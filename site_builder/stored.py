"""A prepared story as the story store keeps it (cache.StoryStore), in two parts.

The site-wide work (listings, the outlet comparison, the chart, shared quotes, links between
stories) needs of every story only its front matter, word count, lead, statements, sources,
photo credits, events and framing counts. Those are the story's *facts*, loaded for every stored
story; its Markdown is not among them (only the stories events quote as evidence keep it: three
quarters of the facts' bytes at 10,000 stories, read for nothing). The rest (the body's HTML and
paragraphs, all its quotes, the people and places it names) is loaded only when asked for: when
its page is rendered again, its line of articles.json made again or its paragraphs read for a
reused passage. At 10,000 stories, editing one, that is a handful of stories instead of all of
them. A story just prepared is held the same way once the store has its rest (stories.prepare_stories).

StoredBody and StoredFindings answer the questions markdown.RenderedBody and
analysis.StoryFindings answer, so nothing else needs to know which it has.
"""
from __future__ import annotations

from typing import NamedTuple

from site_builder.analysis import FindingsText, StoryFindings
from site_builder.markdown import BodyText, RenderedBody


class RestParts(NamedTuple):
    """What a stored story loads only when asked for."""
    html: str
    paragraphs: tuple[str, ...]
    quotes: tuple
    people: tuple
    places: tuple


class Rests:
    """The rests (RestParts) of a build's stored stories, by their key, each loaded when first
    asked for: `fetch(key)` gives its bytes from the store, `read` makes it of them; `redo(key)`
    makes it again from the story's file should the store not give it back. One for all the
    stories of a build, which each hold it beside their key: at 10,000 stories, three objects
    made for each stored story to reach its rest took an edit about 0.01 s."""
    __slots__ = ("fetch", "read", "redo", "values")

    def __init__(self, fetch, read, redo):
        self.fetch, self.read, self.redo = fetch, read, redo
        self.values: dict[str, RestParts] = {}

    def get(self, key: str) -> RestParts:
        value = self.values.get(key)
        if value is None:
            data = self.fetch(key)
            value = self.values[key] = (self.read(data) if data is not None else None) or self.redo(key)
        return value


class StoredBody(BodyText):
    __slots__ = ("words", "lead", "key", "rests")

    def __init__(self, words: int, lead: str, key: str, rests: Rests | None = None):
        self.words, self.lead, self.key, self.rests = words, lead, key, rests

    @property
    def html(self) -> str:
        return self.rests.get(self.key).html

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return self.rests.get(self.key).paragraphs

    def __reduce__(self):
        return StoredBody, (self.words, self.lead, self.key)


class StoredFindings(FindingsText):
    __slots__ = ("statements", "sources", "photo_credits", "events", "framing", "key", "rests")

    def __init__(self, statements, sources, photo_credits, events, framing, key: str, rests: Rests | None = None):
        self.statements, self.sources, self.photo_credits = statements, sources, photo_credits
        self.events, self.framing, self.key, self.rests = events, framing, key, rests

    @property
    def quotes(self):
        return self.rests.get(self.key).quotes

    @property
    def people(self):
        return self.rests.get(self.key).people

    @property
    def places(self):
        return self.rests.get(self.key).places

    def __reduce__(self):
        return StoredFindings, (self.statements, self.sources, self.photo_credits, self.events, self.framing,
                                self.key)


def facts_of(story, cited: frozenset[str] = frozenset()):
    """A PreparedStory as the store keeps its facts (the story's key among them): without its
    rest (rest_of) and, unless its slug is `cited` (Setting.cited), without the article's
    Markdown, rendered by now."""
    if story.body is None:
        return story
    body, found, article, key = story.body, story.findings, story.article, story.key
    return story._replace(article=article if article.slug in cited else article._replace(body=""),
                          body=StoredBody(body.words, body.lead, key),
                          findings=StoredFindings(found.statements, found.sources, found.photo_credits, found.events,
                                                  found.framing, key))


def stored(story, rests: Rests):
    """The PreparedStory of the facts the store gave back (facts_of), its rest loaded from
    `rests` when asked for."""
    if story.body is not None:
        story.body.rests = story.findings.rests = rests
    return story


def whole(story, rest_data: bytes | None, loads):
    """The PreparedStory of its facts (facts_of) and its pickled rest (rest_of), all of it
    loaded now (a story just prepared, where there is no store to read its rest back from)."""
    if story.body is None:
        return story
    rest, found = loads(rest_data), story.findings
    return story._replace(body=RenderedBody(rest.html, story.body.words, rest.paragraphs),
                          findings=StoryFindings(rest.quotes, found.sources, found.photo_credits, found.events,
                                                 rest.people, rest.places, found.framing))


def rest_of(story) -> RestParts:
    """What `Rests` holds of a story, from a PreparedStory made in full."""
    return RestParts(story.body.html, story.body.paragraphs, story.findings.quotes, story.findings.people,
                     story.findings.places)
