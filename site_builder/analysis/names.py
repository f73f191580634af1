"""Find gazetteer names (people, places, sources) in text: longest alias first, at word boundaries."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from site_builder.analysis.text import AnyCase, alternation_by_first, pattern_spans, term_matched


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    item: object  # a Person, Place or Source


class AliasIndex:
    """All-capital aliases (RT, AP, KCNA) match only in capitals; others in any case."""

    def __init__(self, items):
        self.by_alias: dict[str, object] = {}
        exact, folded = [], []
        for item in items:
            for alias in item.aliases:
                key = alias if alias.isupper() else alias.lower()
                self.by_alias.setdefault(key, item)
                (exact if alias.isupper() else folded).append(alias)
        self.folded = folded  # the aliases matched in any case
        exact_pattern = alternation_by_first(exact, _END) if exact else None
        folded_terms = AnyCase(folded, _END) if folded else None
        self.finders = [f for f in (partial(pattern_spans, exact_pattern) if exact else None,
                                    folded_terms.spans if folded else None) if f]  # text -> spans
        self.searches = [f for f in (exact_pattern.search if exact else None,
                                     folded_terms.search if folded else None) if f]  # text -> a match or None

    def find(self, text: str) -> list[Mention]:
        found = []
        for spans in self.finders:
            for start, end in spans(text):
                alias = text[start:end]
                item = self.by_alias.get(alias) or self.by_alias.get(alias.lower()) or self._folded_alias(alias)
                found.append(Mention(start, end, item))
        return _without_overlaps(found)

    def named_in(self, text: str) -> bool:
        """Whether `find` finds any name in `text`, told without making the mentions."""
        return any(search(text) is not None for search in self.searches)

    def _folded_alias(self, found: str):
        """The item of the alias found in text whose letters lower to other letters than the alias's."""
        return self.by_alias[term_matched(found, self.folded).lower()]

    def at_start(self, text: str, slack: int = 2):
        """The item named at the very start of `text` (after at most `slack` characters)."""
        mentions = self.find(text[:80])
        return mentions[0].item if mentions and mentions[0].start <= slack else None


_END = r"(?![\w-])"  # an alias ends where the word ends


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept
