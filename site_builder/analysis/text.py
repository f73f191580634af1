"""Sentences and term matching for Indonesian news prose."""
from __future__ import annotations

import re
from functools import lru_cache

# A sentence ends at . ! ? (and a closing quote) before a capital, digit or opening quote.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[\"“‘'(]?[A-Z0-9])")


@lru_cache(maxsize=1024)  # several analyses split the same paragraphs
def sentences(paragraph: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip())


@lru_cache(maxsize=4096)
def any_pattern(terms: tuple[str, ...]) -> re.Pattern:
    """One pattern for a group of terms, each matching at the start of a word in any case
    ("tentara" finds "tentaranya"): a single search instead of one per term."""
    ordered = sorted(set(terms), key=lambda t: (-len(t), t))
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + ")", re.IGNORECASE)


def has_any(text: str, terms) -> bool:
    return any_pattern(tuple(terms)).search(text) is not None


def matches_rule(text: str, rule) -> bool:
    """A rule is a tuple of term groups; every group must have one of its terms in the text."""
    return all(has_any(text, group) for group in rule)
