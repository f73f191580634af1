"""The outlet comparison: per-outlet figures computed from the analysed stories. Pure."""
from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from site_builder.analysis.shared import reworded
from site_builder.models import Content, Outlet
from site_builder.views import Views


class OutletFigures(NamedTuple):
    outlet: Outlet
    stories: tuple  # StoryView, newest first (views.Views)
    words: int
    median_words: float
    statements: int
    speakers: tuple  # (Person or None, count), most quoted first
    sides: dict  # side (None: not named) -> count of statements
    sources: tuple  # (Source, stories citing it), most first
    credits: tuple  # (name, stories), most first
    events: dict  # event id -> (StoryView, evidence sentence) of the earliest story recalling it
    framing: dict  # group id -> (matches, per 1,000 words, {term: matches})

    @property
    def first(self):
        return self.stories[-1] if self.stories else None

    @property
    def last(self):
        return self.stories[0] if self.stories else None


SHARED_SHOWN = 10  # shared quotes, and reused passages, the comparison shows in full (the newest)


class Comparison(NamedTuple):
    outlets: tuple[OutletFigures, ...]
    events: tuple  # the events any story recalls, in date order
    lexicon: tuple
    shared_quotes: tuple  # (StoryView, SharedQuote) once per pair, earlier story first: the newest SHARED_SHOWN
    reused_passages: tuple  # (StoryView, ReusedPassage) likewise
    quote_pairs: tuple = ()  # every shared quote, counted: (outlet, other outlet, speaker's name, pairs, reworded)
    passage_pairs: tuple = ()  # every reused passage, counted: (later outlet, earlier outlet, pairs, days apart)

    @property
    def shared_quote_count(self) -> int:
        return sum(pairs for _, _, _, pairs, _ in self.quote_pairs)

    @property
    def reused_passage_count(self) -> int:
        return sum(pairs for _, _, pairs, _ in self.passage_pairs)


class OutletCounts(NamedTuple):
    """What OutletFigures counts of an outlet's stories (outlet_counts), without the stories: plain
    data, which a build can keep for the next one (pages.py)."""
    words: int
    median_words: float
    statements: int
    speakers: tuple
    sides: dict
    sources: tuple
    credits: tuple
    events: dict  # event id -> (place of the earliest story recalling it among the stories, evidence sentence)
    framing: dict


class PairFigures(NamedTuple):
    """What the comparison counts and shows of the shared quotes and reused passages (pair_figures):
    plain data, which a build can keep for the next one (pages.py)."""
    shown_quotes: tuple  # (slug of the earlier story, the pair's place among its shared quotes): the newest
    shown_passages: tuple  # likewise, among its reused passages
    quote_pairs: tuple  # Comparison.quote_pairs
    passage_pairs: tuple  # Comparison.passage_pairs


def compare(content: Content, stories: list, counts_of=None, pairs_of=None) -> Comparison:
    """Shared quotes and reused passages are counted, outlet by outlet, and only the newest are
    kept in full: with wire copy, their number grows faster than the stories' (2,571 reused
    passages among 200 synthetic stories made a 1.8 MB page); each story's page shows its own.
    `counts_of(stories, lexicon)` gives what outlet_counts would (by default, it), pairs_of(links)
    what pair_figures would."""
    by_outlet: dict[str, list] = {o.key: [] for o in content.outlets}  # newest first
    for story in reversed(stories):
        by_outlet[story.outlet.key].append(story)
    counts_of = counts_of or outlet_counts
    figures = tuple(_figures(o, by_outlet[o.key], counts_of(by_outlet[o.key], content.lexicon))
                    for o in content.outlets)
    recalled = {event_id for f in figures for event_id in f.events}
    links = stories[0].links if stories else None  # (views.SiteLinks: every view's)
    pairs = (pairs_of or pair_figures)(links)
    return Comparison(figures, tuple(e for e in content.events if e.id in recalled), content.lexicon,
                      _shown(stories, links, pairs.shown_quotes, "shared_quotes"),
                      _shown(stories, links, pairs.shown_passages, "reused_passages"), pairs.quote_pairs,
                      pairs.passage_pairs)


def pair_figures(links) -> PairFigures:
    """The shared quotes and reused passages of the site's links (views.SiteLinks), each pair once
    from its earlier story: the newest SHARED_SHOWN of each kind, by the earlier story's slug (not
    its place, which a story added before it moves), and all of them counted."""
    quotes, passages = (links.once("quotes"), links.once("passages")) if links else ([], [])
    articles = links.articles if links else ()
    return PairFigures(tuple((articles[place].slug, item) for place, item, *_ in quotes[-SHARED_SHOWN:]),
                       tuple((articles[place].slug, item) for place, item, *_ in passages[-SHARED_SHOWN:]),
                       _quote_pairs(links, quotes), _passage_pairs(links, passages))


def _figures(outlet: Outlet, stories: list, counts: OutletCounts) -> OutletFigures:
    return OutletFigures(outlet, Views(stories), counts.words, counts.median_words, counts.statements,
                         counts.speakers, counts.sides, counts.sources, counts.credits,
                         {event_id: (stories[at], evidence) for event_id, (at, evidence) in counts.events.items()},
                         counts.framing)


def outlet_counts(stories: list, lexicon) -> OutletCounts:
    """What an outlet's stories (newest first) come to."""
    statements = [q for s in stories for q in s.findings.statements]
    words = [s.body.words for s in stories]
    return OutletCounts(
        words=sum(words),
        median_words=_median(words) if words else 0,
        statements=len(statements),
        speakers=tuple(_ranked(Counter(q.speaker for q in statements))),
        sides=dict(Counter(q.speaker.side if q.speaker else None for q in statements)),
        sources=tuple(_ranked(Counter(m.source for s in stories for m in s.findings.sources))),
        credits=tuple(_ranked(Counter(c for s in stories for c in s.findings.photo_credits))),
        events=_events(stories),
        framing=_framing(lexicon, stories, sum(words)),
    )


def _median(values: list):
    """As statistics.median: the middle value, or the mean of the two in the middle. Not imported
    from there: statistics imports fractions and decimal, 2.8 ms of every build's imports."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _events(stories_newest_first: list) -> dict:
    """Event id -> (place among the stories, evidence) of the earliest story recalling it."""
    recalled = {}
    for at in range(len(stories_newest_first) - 1, -1, -1):
        for mention in stories_newest_first[at].events:
            recalled.setdefault(mention.event.id, (at, mention.evidence))
    return recalled


def _framing(lexicon, stories: list, words: int) -> dict:
    """For each lexicon group: its matches in all the outlet's stories, summed term by term from
    each story's analysis, as (total, per 1,000 words, {term: matches})."""
    totals = [sum(column) for column in zip(*(s.findings.framing for s in stories))]
    framing, at = {}, 0
    for group in lexicon:
        terms = list(dict.fromkeys(group.terms))  # as analysis.framing.framing_counts counts them
        per_term = dict(zip(terms, totals[at:at + len(terms)] if totals else [0] * len(terms)))
        at += len(terms)
        total = sum(per_term.values())
        framing[group.id] = (total, round(1000 * total / words, 1) if words else 0.0, per_term)
    return framing


def _ranked(counter: Counter) -> list:
    return sorted(counter.items(), key=lambda kv: (-kv[1], getattr(kv[0], "name", kv[0]) or ""))


def _shown(stories: list, links, shown: tuple, attribute: str) -> tuple:
    """(StoryView, its SharedQuote or ReusedPassage) for each pair `shown` (PairFigures)."""
    views = [stories[links.order[slug]] for slug, _ in shown]
    return tuple((view, getattr(view, attribute)[item]) for view, (_, item) in zip(views, shown))


def _quote_pairs(links, once: list) -> tuple:
    """Shared quotes (SiteLinks.once) by the two outlets and the speaker, with how many were
    reworded: counted from the pairs, without making a SharedQuote of each."""
    counted, rewritten = Counter(), Counter()
    for _, _, pair, side, _ in once:
        mine, other = pair.seen_from(side)
        speaker = pair.a.extra or pair.b.extra
        key = (links.outlet_name(mine), links.outlet_name(other), speaker.name if speaker else "")
        counted[key] += 1
        rewritten[key] += reworded(pair.a.text, pair.b.text)
    return tuple((*key, count, rewritten[key]) for key, count in sorted(counted.items()))


def _passage_pairs(links, once: list) -> tuple:
    """Reused passages (SiteLinks.once) by the outlet that published later and the one that
    published first, with the days between the last two stories counted."""
    counted, last = Counter(), {}
    for place, _, pair, side, other_place in once:
        mine, other = pair.seen_from(side)
        key = (links.outlet_name(other), links.outlet_name(mine))
        counted[key] += 1
        last[key] = (place, other_place)  # the places of the key's last pair
    return tuple((*key, count, links.days_apart(*last[key])) for key, count in sorted(counted.items()))
