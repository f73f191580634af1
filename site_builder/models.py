"""The validated content: plain frozen data that every later stage reads.

Named tuples where a build makes a few of them, as making a frozen dataclass runs code for each
of its methods as the module is imported: the build's imports, which an edit at 10,000 stories
waits for, took 1 ms a dataclass. People, places, sources and events stay dataclasses: they are
dict keys beside one another (cache.Shared), and a dataclass is equal only to its own kind.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple


class Outlet(NamedTuple):
    key: str
    name: str
    domain: str
    group: str
    medium: str
    aliases: tuple[str, ...] = ()
    furniture: tuple[str, ...] = ()  # import: lines that are page furniture on this outlet's pages
    signatures: tuple[str, ...] = ()  # import: patterns of a line only this outlet's pages have


class Image(NamedTuple):
    caption: str
    credit: str


class Article(NamedTuple):
    """A named tuple, as the story store loads 10,000 of them for every build at 10,000 stories:
    one read back from a pickle in two fifths of the time of a frozen dataclass (whose fields
    pickle reads into a new dict)."""
    slug: str
    source: str  # path of the file it came from
    title: str
    outlet: str
    published: datetime | date  # a date alone when the time is unknown
    body: str  # Markdown; once the story is prepared, "" unless events cite it (stored.facts_of)
    body_line: int
    authors: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    language: str = "id"
    summary: str = ""
    section: str = ""
    dateline: str = ""
    image: Image | None = None
    wires: tuple[str, ...] = ()
    original_url: str = ""
    provenance: tuple[tuple[str, str], ...] = ()


class ProsePage(NamedTuple):
    slug: str
    source: str
    title: str
    body: str
    body_line: int
    summary: str = ""
    nav_title: str = ""  # a shorter name for the navigation bar
    order: int = 100


class Evidence(NamedTuple):
    """A passage of a story here, or an outside source, that documents an event."""

    article: str = ""
    quote: str = ""
    source: str = ""
    url: str = ""
    date: str = ""


@dataclass(frozen=True)
class Event:
    id: str
    date: date  # the first of the month when precision is "month"
    precision: str  # "day" or "month"
    title: str
    title_en: str
    kind: str
    tone: int  # -2 hostile .. +2 warm
    tone_reason: str
    description: str
    match: tuple[tuple[tuple[str, ...], ...], ...]  # rules -> term groups -> terms
    evidence: tuple[Evidence, ...]
    line: int = 0  # where it stands in content/events.yaml


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    aliases: tuple[str, ...]
    role: str
    side: str  # US, DPRK, ROK, Russia or other


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    aliases: tuple[str, ...]
    country: str


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str  # wire, broadcaster, state media, newspaper, photo agency
    country: str


class Gazetteer(NamedTuple):
    """What the analysis recognises: content/people.yaml and content/sources.yaml."""

    people: tuple[Person, ...] = ()
    places: tuple[Place, ...] = ()
    reporting_verbs: tuple[str, ...] = ()
    introducing: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    cues: tuple[str, ...] = ()


class Site(NamedTuple):
    title: str
    description: str
    language: str
    base_url: str  # "" when unknown; absolute URLs then fall back to root-relative paths
    strings: tuple[tuple[str, str], ...]
    methodology: str = ""  # slug of the prose page that explains how figures are computed

    def string(self, key: str) -> str:
        return dict(self.strings)[key]


class Content(NamedTuple):
    site: Site
    outlets: tuple[Outlet, ...]
    articles: tuple[Article, ...]  # oldest first
    pages: tuple[ProsePage, ...]
    events: tuple[Event, ...] = ()  # oldest first
    gazetteer: Gazetteer = Gazetteer()
    lexicon: tuple = ()  # lexicon.TermGroup, for the framing table
