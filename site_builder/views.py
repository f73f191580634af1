"""What templates see of a story: the article plus everything derived for display."""
from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from site_builder import dates, urls
from site_builder.analysis import SiteFindings, StoryFindings
from site_builder.analysis.shared import Item, Pair, reworded, word_diff
from site_builder.cache import stand_ins_digest, value_digest
from site_builder.markdown import RenderedBody
from site_builder.models import Article, Outlet

RELATED_LIMIT = 5


class StoryLink(NamedTuple):
    """Another story as a page links to it: a tuple, made 10,000 times a build at 10,000 stories
    (a frozen dataclass took twice as long to make, and its fields as long again to digest)."""
    slug: str
    title: str
    url: str
    outlet_name: str
    published_short: str


class SharedQuote(NamedTuple):
    """Tuples, as StoryLink: thousands are made every build where wire copy is shared. The words
    of each side, marked where they differ (word_diff), are worked out only when a page or a line
    of articles.json shows them: at 10,000 stories, doing it for all 847 pairs took 0.01 s of
    every edit."""
    other: StoryLink
    speaker: object
    texts: tuple[str, str]  # the two quotes, in the order the analysis paired them
    side: int  # which of `texts` is this story's
    similarity: float

    @property
    def mine(self) -> list[tuple[str, bool]]:
        """This story's words, each with whether it differs from the other's."""
        return _word_diff(*self.texts)[self.side]

    @property
    def theirs(self) -> list[tuple[str, bool]]:
        return _word_diff(*self.texts)[1 - self.side]

    @property
    def reworded(self) -> bool:
        """Whether any word differs (as `mine` and `theirs` would mark it)."""
        return reworded(*self.texts)


_word_diff = lru_cache(maxsize=256)(word_diff)  # a page shows `mine`, then `theirs`: one diff for both


class ReusedPassage(NamedTuple):
    other: StoryLink
    mine: str
    theirs: str
    similarity: float
    first: str  # name of the outlet that published it first
    days_apart: int = 0


@dataclass(eq=False)
class StoryView:
    """Not frozen, though nothing changes a view once made: a frozen dataclass sets each field
    through object.__setattr__, which made 10,000 views take 0.03 s longer. Equal as the same
    view. Its links to other stories are looked up in `links` (SiteLinks) when asked for: a
    build reads them only for the pages it renders, and at 10,000 stories making them for every
    view took 0.015-0.02 s of every edit."""
    article: Article
    outlet: Outlet
    body: RenderedBody
    url: str
    findings: StoryFindings
    links: SiteLinks
    index: int  # its place in the site's order (oldest first), and in `links`
    source_key: str = ""  # digest of what article, body and findings were made from (stories.story_keys)
    cache_digest: str | None = None  # stands for the whole view in cache keys (_view_digests); None: not cached

    @property
    def previous(self) -> StoryLink | None:
        return self.links.link(self.index - 1) if self.index > 0 else None

    @property
    def next(self) -> StoryLink | None:
        return self.links.link(self.index + 1) if self.index < len(self.links.articles) - 1 else None

    @property
    def related(self) -> tuple[StoryLink, ...]:
        """Other stories that refer to the same events."""
        return tuple(map(self.links.link, self.links.related[self.index]))

    @property
    def shared_quotes(self) -> tuple[SharedQuote, ...]:
        return self.links.quotes_of(self.article.slug)

    @property
    def reused_passages(self) -> tuple[ReusedPassage, ...]:
        return self.links.passages_of(self.article.slug)

    def __getstate__(self) -> dict:
        """Pickled (for a digest, where it has no cache_digest) with its links, not the site's."""
        state = {name: value for name, value in vars(self).items() if name != "links"}
        state.update(previous=self.previous, next=self.next, related=self.related, shared_quotes=self.shared_quotes,
                     reused_passages=self.reused_passages)
        return state

    @property
    def events(self):
        return self.findings.events

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


class Views(tuple):
    """StoryViews in order (an outlet's in the comparison, an event's on the timeline), which a
    page's key takes as one digest of the views' own digests (its `cache_digest`: cache.value_digest),
    rather than view by view: at 10,000 stories, the keys of the outlets page and the timeline,
    which show every story this way, took an edit 10 ms. None where a view has no digest (then
    they are pickled one by one)."""
    __slots__ = ()

    @property
    def cache_digest(self) -> str | None:
        return stand_ins_digest(self)


def link_key(article: Article) -> str:
    """A digest of what a StoryLink shows of the story: its slug (and URL, made from it), title,
    date and outlet (whose name comes from the outlets' data, which _view_digests digests apart).
    Made as the story is prepared, and kept with it."""
    slug, title = article.slug, article.title
    return hashlib.sha256(f"{slug}\0{article.outlet}\0{dates.iso(article.published)}\0{title}".encode()).hexdigest()


class DigestsKept(NamedTuple):
    """The views' digests of a build (_view_digests), kept for the next one (pipeline.Caches) with
    what they were made from besides each story's source key. A build whose stories have the same
    link keys in the same order and the same related stories digests again only the views of
    the stories whose source key changed, and, where the shared quotes or reused passages are
    not made from the same as then, of the stories that have any or had any: at 10,000 stories,
    digesting every view took an edit 0.04-0.05 s. Where the stories are in the same order, a
    story whose source key is the same recalls the same events (its findings are made from what
    the key covers), and where every story's events are the same, so are the related stories:
    ranking them took an edit 0.014 s."""
    around: str  # digest of the outlets and each story's link key, in order
    pairs_from: str  # what the shared quotes and reused passages were made from (story_views)
    keys: tuple[str, ...]  # each story's source key, in order
    events: list[tuple[str, ...]]  # the events each story recalls, by id (SiteLinks.related is made of them)
    related: list[tuple[int, ...]]  # each story's related stories (SiteLinks.related)
    paired: frozenset[int]  # the places of the stories with a shared quote or a reused passage
    digests: tuple[str, ...]


def story_views(articles, outlets, bodies, findings: SiteFindings, source_keys=None, link_keys=None,
                last: DigestsKept | None = None, pairs_from: str = "") -> tuple[list[StoryView], DigestsKept | None]:
    """One view per article, oldest first, linked to its neighbours and to what it shares. With
    each story's source key and link key (stories.PreparedStory), each view has a cache_digest,
    and the digests are given back to keep for the next build (DigestsKept) where `pairs_from`
    says what the shared quotes and reused passages of `findings` were made from (a digest of it:
    pipeline.py); `last`, the digests the last build kept."""
    outlet_by_key = {o.key: o for o in outlets}
    source_keys = source_keys or {}
    keys = [source_keys.get(a.slug, "") for a in articles]
    ordered_link_keys = [link_keys.get(a.slug, "") for a in articles] if link_keys else []
    salt, around = _around(outlets, keys, ordered_link_keys, pairs_from)
    if not (around and last and last.around == around and len(last.keys) == len(last.events) == len(keys)):
        last = None  # other stories, or in another order: nothing of the last build's digests holds
    events = _events_of(articles, findings, keys, last)
    related = last.related if last and last.events == events else _related(events)
    links = SiteLinks(articles, outlet_by_key, findings, related)
    paired = frozenset(links.order[slug] for slug in (*links.quotes_at, *links.passages_at))
    digests = _view_digests(articles, keys, ordered_link_keys, salt, links, last, pairs_from, paired)
    kept = DigestsKept(around, pairs_from, tuple(keys), events, links.related, paired, tuple(digests)) if around \
        else None
    return [  # fields in order (StoryView): 10,000 of them at 10,000 stories
        StoryView(a, outlet_by_key[a.outlet], bodies[a.slug], urls.story(a.slug), findings.stories[a.slug], links, i,
                  keys[i], digests[i])
        for i, a in enumerate(articles)
    ], kept


def _around(outlets, keys: list[str], link_keys: list[str], pairs_from: str) -> tuple[str, str]:
    """What every view's digest is made with (a digest of the outlets), and `around` (DigestsKept),
    which is also made of each story's link key in order. Both are empty where the views have no
    digests (without every story's source and link keys), and `around` alone where what the
    shared quotes and reused passages were made from is not said (nothing is kept then)."""
    if not keys or not all(keys) or len(link_keys) != len(keys) or not all(link_keys):
        return "", ""
    salt = value_digest([outlet._asdict() for outlet in outlets], b"story view", stand_ins=False)
    return salt, hashlib.sha256("\n".join([salt, *link_keys]).encode()).hexdigest() if pairs_from else ""


def _events_of(articles, findings: SiteFindings, keys: list[str], last: DigestsKept | None) -> list[tuple[str, ...]]:
    """The events each story recalls, by id; from `last` (the same stories in the same order) for
    the stories whose source key is the same."""
    stories = findings.stories
    if last is None:
        return [_event_ids(stories[a.slug]) for a in articles]
    return [before if key == last_key else _event_ids(stories[a.slug])
            for a, key, last_key, before in zip(articles, keys, last.keys, last.events)]


def _event_ids(found) -> tuple[str, ...]:
    """The ids of the events a story's findings (or its view) recall, in order."""
    return tuple([mention.event.id for mention in found.events])


class SiteLinks:
    """The links between the site's stories (`articles`, oldest first): neighbours, related
    stories, and by slug the shared quotes and reused passages of those that have any. A
    StoryLink, and a story's shared quotes and reused passages, are made when first asked for:
    a build shows them on the few pages it renders, and at 10,000 stories making the 5,000
    sides of 2,500 reused passages took an edit about 0.012 s."""

    def __init__(self, articles, outlet_by_key: dict, findings: SiteFindings, related: list[tuple[int, ...]]):
        self.articles = articles
        self.outlet_by_key = outlet_by_key
        self.related = related  # for each story, the places of its related stories (_related)
        self.order = {a.slug: i for i, a in enumerate(articles)}  # slug -> place
        self._links: dict[int, StoryLink] = {}
        self.quote_pairs, self.passage_pairs = findings.shared_quotes, findings.reused_passages  # (shared.Pair)
        self.quotes_at = _sides_by_story(self.quote_pairs)  # slug -> (place of a pair, side), of those it is in
        self.passages_at = _sides_by_story(self.passage_pairs)
        self._quotes: dict[str, tuple[SharedQuote, ...]] = {}  # by slug, once made
        self._passages: dict[str, tuple[ReusedPassage, ...]] = {}
        self._moments: dict[int, int] = {}  # place -> dates.instant of its date, for the stories in pairs

    def link(self, index: int) -> StoryLink:
        link = self._links.get(index)
        if link is None:
            a = self.articles[index]
            link = self._links[index] = StoryLink(a.slug, a.title, urls.story(a.slug),
                                                  self.outlet_by_key[a.outlet].name, dates.short_id(a.published))
        return link

    def of(self, slug: str) -> StoryLink:
        return self.link(self.order[slug])

    def outlet_name(self, item: Item) -> str:
        """The name of the outlet of a pair's item (analysis.shared.Item), as a link to its story shows it."""
        return self.outlet_by_key[item.outlet].name

    def quotes_of(self, slug: str) -> tuple[SharedQuote, ...]:
        """The story's shared quotes, each pair's side seen from the story, in the pairs' order."""
        return self._sides(slug, self._quotes, self.quotes_at, self.quote_pairs, self._shared_quote)

    def passages_of(self, slug: str) -> tuple[ReusedPassage, ...]:
        """The story's reused passages, as quotes_of."""
        return self._sides(slug, self._passages, self.passages_at, self.passage_pairs, self._reused_passage)

    @staticmethod
    def _sides(slug: str, made: dict, at: dict, pairs, side_of) -> tuple:
        """The story's side of each pair it is in (`at`: _sides_by_story), made once (`made`)."""
        sides = made.get(slug)
        if sides is None:
            sides = made[slug] = tuple([side_of(pairs[place], side) for place, side in at.get(slug, ())])
        return sides

    def once(self, kind: str) -> list[tuple[int, int, Pair, int, int]]:
        """Each shared quote (`kind` "quotes") or reused passage ("passages") once, seen from its
        earlier story: (that story's place, the item's place among its own, the pair, the story's
        side of it, the other story's place), in the site's order, then in the story's."""
        pairs, at = (self.quote_pairs, self.quotes_at) if kind == "quotes" else (self.passage_pairs, self.passages_at)
        order = self.order
        found = []
        for slug in sorted(at, key=order.__getitem__):
            place = order[slug]
            for item, (pair_at, side) in enumerate(at[slug]):
                pair = pairs[pair_at]
                other = order[pair.seen_from(side)[1].story]
                if other > place:
                    found.append((place, item, pair, side, other))
        return found

    def days_apart(self, first: int, second: int) -> int:
        """Whole days between the stories at two places, the first no later (the site's order is by date)."""
        return (self._moment(second) - self._moment(first)) // _DAY

    def _shared_quote(self, pair: Pair, side: int) -> SharedQuote:
        other = pair.seen_from(side)[1]
        return SharedQuote(self.of(other.story), pair.a.extra or pair.b.extra, (pair.a.text, pair.b.text), side,
                           pair.similarity)

    def _reused_passage(self, pair: Pair, side: int) -> ReusedPassage:
        mine, theirs = pair.seen_from(side)
        at_a, at_b = self.order[pair.a.story], self.order[pair.b.story]
        return ReusedPassage(self.of(theirs.story), mine.text, theirs.text, pair.similarity,
                             self.outlet_name(pair.a if at_a < at_b else pair.b),
                             self.days_apart(min(at_a, at_b), max(at_a, at_b)))

    def _moment(self, place: int) -> int:
        moment = self._moments.get(place)
        if moment is None:
            moment = self._moments[place] = dates.instant(self.articles[place].published)
        return moment


def _sides_by_story(pairs) -> dict[str, list[tuple[int, int]]]:
    """Slug -> (the pair's place, 0 where the story is its `a`, else 1) for each pair it is in, in order."""
    by_story: dict[str, list[tuple[int, int]]] = {}
    for at, pair in enumerate(pairs):
        by_story.setdefault(pair.a.story, []).append((at, 0))
        by_story.setdefault(pair.b.story, []).append((at, 1))
    return by_story


def _view_digests(articles, keys: list[str], link_keys: list[str], salt: str, links: SiteLinks,
                  last: DigestsKept | None = None, pairs_from: str = "",
                  paired: frozenset[int] = frozenset()) -> list[str | None]:
    """Each view's cache_digest (None for all without every story's source and link keys): a
    digest of what the view shows, made from digests of its parts rather than from the view (at
    10,000 stories, pickling every view whole took 0.06 s of every edit).

    A view shows its story (article, body and findings, which its source key covers; its URL,
    made from the slug), its outlet, and links to its neighbours, to its related stories and to
    the stories it shares a quote or a passage with. A link shows the other story's link key and
    its outlet's name, which the digest of all outlets covers. Shared quotes and reused passages
    are described field by field (_quote_part, _passage_part); free text goes in with its length,
    so that no two views give the same text to digest.

    Given `last` (DigestsKept, of the same stories in the same order: story_views), `pairs_from`
    and `paired` (the places of the stories with shared quotes or reused passages), a view keeps the digest it
    had then where all it is made of is as it was then (DigestsKept says how that is told)."""
    if not salt:  # (_around: not every story's source and link keys)
        return [None] * len(keys)
    related = links.related
    if last and len(last.digests) == len(keys) and (last.related is related or last.related == related):
        digests = list(last.digests)
        changed = {i for i, (key, before) in enumerate(zip(keys, last.keys)) if key != before}
        if pairs_from != last.pairs_from:
            changed.update(paired, last.paired)
    else:
        digests, changed = [None] * len(keys), range(len(keys))
    link_key_of: dict[str, str] = {}  # slug -> link key, made when first needed
    related_parts: dict[tuple[int, ...], str] = {}  # related stories -> their part: many stories share them
    end = len(keys) - 1
    for i in changed:
        article = articles[i]
        related_part = related_parts.get(related[i])
        if related_part is None:
            related_part = related_parts[related[i]] = "\n".join([str(len(related[i])),
                                                                   *[link_keys[j] for j in related[i]]])
        parts = [salt, keys[i], link_keys[i - 1] if i > 0 else "-", link_keys[i + 1] if i < end else "-",
                 related_part]
        quotes, passages = links.quotes_of(article.slug), links.passages_of(article.slug)
        if quotes or passages:
            link_key_of = link_key_of or dict(zip((a.slug for a in articles), link_keys))
            parts += [f"q{len(quotes)}", *[_quote_part(q, link_key_of) for q in quotes],
                      f"p{len(passages)}", *[_passage_part(p, link_key_of) for p in passages]]
        digests[i] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return digests


def _quote_part(quote: SharedQuote, link_key_of: dict[str, str]) -> str:
    """The speaker by id: the gazetteer, which the story's source key covers, says the rest."""
    first, second = quote.texts
    speaker = quote.speaker.id if quote.speaker else ""
    return (f"{link_key_of[quote.other.slug]}\0{quote.side}\0{len(first)}\0{first}\0{len(second)}\0{second}\0"
            f"{len(speaker)}\0{speaker}\0{quote.similarity!r}")


def _passage_part(passage: ReusedPassage, link_key_of: dict[str, str]) -> str:
    other, mine, theirs, similarity, first, days = passage
    return (f"{link_key_of[other.slug]}\0{len(mine)}\0{mine}\0{len(theirs)}\0{theirs}\0{similarity!r}\0{days}\0"
            f"{len(first)}\0{first}")


def stories_by_event(stories, events: list[tuple[str, ...]] | None = None) -> dict[str, list[StoryView]]:
    """Event id -> the stories that refer to it, in the order given (oldest first). `events`: the
    ids of the events each story recalls (DigestsKept.events), where they are at hand (reading
    them from 10,000 stories' findings took an edit 4-5 ms)."""
    if events is None:
        events = [_event_ids(story) for story in stories]
    referring: dict[str, list[StoryView]] = {}
    for story, ids in zip(stories, events):
        for event_id in ids:
            referring.setdefault(event_id, []).append(story)
    return referring


_DAY = 86_400_000_000  # microseconds, as dates.instant counts


def _related(events_of: list[tuple[str, ...]]) -> list[tuple[int, ...]]:
    """For each story, the RELATED_LIMIT stories sharing most events with it (ties: newest
    first), from the events each recalls, by id (_events_of).

    Stories that recall the same events have the same others to rank, so the ranking is worked
    out once for each such set of events, from an index from event to stories, instead of once
    for each story: for an event thousands of stories recall, that grew with the square of their
    number. The sets are few, as the events are a short list kept by hand (content/events.yaml).
    Stories whose set leaves them out of its ranking share one tuple of it."""
    by_event: dict[str, list[int]] = {}  # event -> places of the stories that recall it, once a mention
    repeated: set[str] = set()  # events some story recalls more than once
    for index, events in enumerate(events_of):
        for event in events:
            places = by_event.setdefault(event, [])
            if places and places[-1] == index:
                repeated.add(event)
            places.append(index)
    ranked_for: dict[tuple[str, ...], tuple[tuple[int, ...], tuple[int, ...]]] = {(): ((), ())}
    result = []
    for index, events in enumerate(events_of):
        known = ranked_for.get(events)
        if known is None:  # the RELATED_LIMIT + 1 best, the story itself among them or not
            known = ranked_for[events] = _ranked(events, by_event, repeated)
        ranked, best = known
        result.append(tuple([other for other in ranked if other != index][:RELATED_LIMIT]) if index in ranked
                      else best)
    return result


def _ranked(events: tuple[str, ...], by_event: dict[str, list[int]], repeated: set[str]):
    """The RELATED_LIMIT + 1 stories sharing most of `events`, newest first among equals; and the
    first RELATED_LIMIT of them."""
    if len(events) == 1 and events[0] not in repeated:  # each shares it once: the newest
        ranked = by_event[events[0]][:-RELATED_LIMIT - 2:-1]
    else:
        shared = Counter(other for event in events for other in by_event[event])
        ranked = [other for _, other in heapq.nlargest(RELATED_LIMIT + 1, zip(shared.values(), shared))]
    return tuple(ranked), tuple(ranked[:RELATED_LIMIT])
