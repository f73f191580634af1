"""Sentences and term matching for Indonesian news prose."""
from __future__ import annotations

import re
from functools import lru_cache

# A sentence ends at . ! ? (and a closing quote) before a capital, digit or opening quote. The
# pattern starts with the space, and looks back from there, so that Python's re skips to spaces
# instead of trying every place (a third of the time; tested against looking back first).
_SENTENCE_END = re.compile(r"\s(?:(?<=[.!?]\s)|(?<=[.!?][\"”’']\s))\s*(?=[\"“‘'(]?[A-Z0-9])")


@lru_cache(maxsize=1024)  # several analyses split the same paragraphs
def sentences(paragraph: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip())


class AnyCase:
    """The terms, each at the start of a word and in any case, longest first, then `tail` (a pattern).

    re.IGNORECASE is slow on an alternation of many terms. Where the terms are ASCII and the text
    has no letter with a case outside ASCII (curly quotes and dashes are fine), a
    case-sensitive pattern of the lower-cased terms finds the same matches in text.lower(), at the
    same places, in about half the time; the match's text is then lower-cased (slice the text for
    the original). Tested against re.IGNORECASE on arbitrary text (tests/test_shortcuts.py)."""

    def __init__(self, terms, tail: str = ""):
        self.ignorecase = alternation(terms, tail, re.IGNORECASE)
        ascii_terms = all(map(str.isascii, terms))
        self.terms_lowered = tuple(t.lower() for t in terms) if ascii_terms else None
        self.lowered = alternation(self.terms_lowered, tail) if ascii_terms else None

    def finditer(self, text: str):
        lowered = _lowered(text) if self.lowered is not None else None
        return self.ignorecase.finditer(text) if lowered is None else self.lowered.finditer(lowered)

    def search(self, text: str):
        lowered = _lowered(text) if self.lowered is not None else None
        if lowered is None:
            return self.ignorecase.search(text)
        return self.lowered.search(lowered) if self.may_occur(lowered) else None

    def may_be_in(self, text: str) -> bool:
        """False only when no term can match in `text`, nor in any part of it (may_occur)."""
        lowered = _lowered(text) if self.terms_lowered is not None else None
        return lowered is None or self.may_occur(lowered)

    def may_occur(self, lowered: str) -> bool:
        """False only when no term can match in the text of which `lowered` is lowered_text: none
        is in it, even within a word. Telling that is far quicker than searching (most searches
        find nothing)."""
        return self.terms_lowered is None or any(map(lowered.__contains__, self.terms_lowered))


def longest_first(terms) -> list[str]:
    """The distinct terms in the order an alternation of them tries them: longest first."""
    return sorted(set(terms), key=lambda t: (-len(t), t))


def alternation(terms, tail: str = "", flags=0) -> re.Pattern:
    """The terms, each at the start of a word, longest first, then `tail`."""
    ordered = longest_first(terms)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + ")" + tail, flags)


def alternation_by_first(terms, tail: str = "") -> re.Pattern:
    """The matches of alternation(terms, tail), case-sensitive, from a pattern Python's re can skip
    through to the characters the terms start with (the look back at the word start comes after
    the first character): a tenth of the time for names in capitals (AP, KCNA, DMZ), whose first
    letters are rare in news text. Slower for lower-case terms, whose first letters are not."""
    ordered = longest_first(terms)
    branches = []
    for first in dict.fromkeys(term[0] for term in ordered):  # longest first within each, as alternation has them
        rests = "|".join(re.escape(term[1:]) for term in ordered if term[0] == first)
        branches.append(f"{re.escape(first)}(?<!\\w{re.escape(first)})(?:{rests})")
    return re.compile("(?:" + "|".join(branches) + ")" + tail)


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def lowered_text(text: str) -> str | None:
    """text.lower(), when the only letters with a case in the text are ASCII ones; else None."""
    if text.isascii() or all(c.lower() == c == c.upper() for c in set(_NOT_ASCII.findall(text))):
        return text.lower()
    return None


_lowered = lru_cache(maxsize=4096)(lowered_text)  # a sentence is searched for the terms of many events


@lru_cache(maxsize=4096)
def any_pattern(terms: tuple[str, ...]) -> AnyCase:
    """One pattern for a group of terms, each matching at the start of a word in any case
    ("tentara" finds "tentaranya"): a single search instead of one per term."""
    return AnyCase(terms)


def term_matched(found: str, terms) -> str | None:
    """The term of `terms` that a search ignoring case found as the text `found`, for when
    str.lower() does not tell: Python's re, ignoring case, matches "s" to the long s "ſ", which
    lowers to itself."""
    for term in longest_first(terms):
        if re.fullmatch(re.escape(term), found, re.IGNORECASE):
            return term
    return None


def has_any(text: str, terms) -> bool:
    return any_pattern(tuple(terms)).search(text) is not None


def matches_rule(text: str, rule) -> bool:
    """A rule is a tuple of term groups; every group must have one of its terms in the text."""
    return all(has_any(text, group) for group in rule)


def may_match_rule(lowered: str | None, rule) -> bool:
    """False only when the rule cannot match in a text of which `lowered` is lowered_text (AnyCase.may_occur)."""
    return lowered is None or all(any_pattern(tuple(group)).may_occur(lowered) for group in rule)
