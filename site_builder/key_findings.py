"""Key findings for the top of the outlet comparison, each written from the figures it states.

Sentence patterns are UI strings in content/site.yaml (finding_*), filled with str.format.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from site_builder.comparison import Comparison
from site_builder.strings import Strings


def key_findings(comparison: Comparison, t: Strings) -> list[str]:
    """Counts are written with t.number: at thousands of stories they pass 999."""
    makers = (_only_outlet_cites, _most_statements, _sides, _shared_quotes, _reused, _most_recalled)
    return [sentence for make in makers for sentence in make(comparison, t)]


def _names(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " dan " + items[-1]


def _only_outlet_cites(c: Comparison, t: Strings) -> list[str]:
    citing = defaultdict(list)
    for figures in c.outlets:
        for source, _ in figures.sources:
            citing[source].append(figures.outlet.name)
    sentences = []
    for source in sorted(citing, key=lambda s: s.name):
        if len(citing[source]) == 1 and source.kind == "state media":
            country = t.get(f"side_{source.country}", source.country)
            sentences.append(t.fill("finding_only_source", outlet=citing[source][0], source=source.name,
                                    country=country))
    return sentences


def _most_statements(c: Comparison, t: Strings) -> list[str]:
    total = sum(f.statements for f in c.outlets)
    if not total:
        return []
    top = max(f.statements for f in c.outlets)
    leaders = [f.outlet.name for f in c.outlets if f.statements == top]
    silent = [f.outlet.name for f in c.outlets if f.stories and not f.statements]
    sentences = [t.fill("finding_most_statements", outlets=_names(leaders), count=t.number(top), total=t.number(total))]
    if silent:
        sentences.append(t.fill("finding_no_statements", outlets=_names(silent)))
    return sentences


def _sides(c: Comparison, t: Strings) -> list[str]:
    sides = Counter()
    for figures in c.outlets:
        sides.update(figures.sides)
    total = sum(sides.values())
    if not total:
        return []
    return [t.fill("finding_sides", total=t.number(total), us=t.number(sides.get("US", 0)),
                   dprk=t.number(sides.get("DPRK", 0)))]


def _shared_quotes(c: Comparison, t: Strings) -> list[str]:
    return [t.fill("finding_shared_quotes", a=a, b=b, count=t.number(count), speaker=speaker or t["speaker_unknown"],
                   reworded=t.number(reworded))
            for a, b, speaker, count, reworded in c.quote_pairs]


def _reused(c: Comparison, t: Strings) -> list[str]:
    return [t.fill("finding_reused", later=later, earlier=earlier, count=t.number(count), days=t.number(days))
            for later, earlier, count, days in c.passage_pairs]


def _most_recalled(c: Comparison, t: Strings) -> list[str]:
    if not c.events:
        return []
    counts = {e.id: sum(1 for f in c.outlets if e.id in f.events) for e in c.events}
    best = max(counts.values())
    events = [e.title for e in c.events if counts[e.id] == best]
    with_stories = sum(1 for f in c.outlets if f.stories)
    return [t.fill("finding_most_recalled", events=_names(events), count=best, total=with_stories)]
