"""Sentences and term matching for Indonesian news prose."""
from __future__ import annotations

import re
from functools import lru_cache

import ahocorasick

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
    has no letter with a case outside ASCII (curly quotes and dashes are fine), the lower-cased
    terms are found in text.lower(), at the same places: by a case-sensitive pattern (search), or
    by an Aho–Corasick automaton (spans: TermFinder.spans). Both tested against re.IGNORECASE on
    arbitrary text (tests/test_shortcuts.py)."""

    def __init__(self, terms, tail: str = ""):
        self.ignorecase = alternation(terms, tail, re.IGNORECASE)
        self.terms_lowered = lowered_terms(terms)
        ascii_terms = self.terms_lowered is not None
        self.lowered = alternation(self.terms_lowered, tail) if ascii_terms else None
        self.finder = TermFinder(self.terms_lowered) if ascii_terms else None
        self.tail = re.compile(tail) if tail else None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the terms are in `text` (start, end), as the alternation's finditer has them."""
        lowered = _lowered(text) if self.lowered is not None else None
        if lowered is None:
            return pattern_spans(self.ignorecase, text)
        if self.finder.automaton is None or self.finder.empty:  # no term, or the empty one
            return pattern_spans(self.lowered, lowered)
        return self.finder.spans(lowered, self.tail)

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
        return self.terms_lowered is None or self.finder.any_in(lowered)


class TermFinder:
    """Which of some terms occur in a text, as parts of it (`term in text`), found in one pass over
    the text by an Aho–Corasick automaton (pyahocorasick) where `term in text` for each term goes
    over the text once per term: the events found in a story took 0.11 ms instead of 0.21 ms (3,000
    stories of the benchmark's corpus, in one process, medians of 5 rounds)."""

    def __init__(self, terms):
        terms = set(terms)
        self.empty = "" in terms  # in every text
        terms.discard("")
        self.automaton = None
        if terms:
            self.automaton = ahocorasick.Automaton()
            for term in sorted(terms):
                self.automaton.add_word(term, term)
            self.automaton.make_automaton()

    def any_in(self, text: str) -> bool:
        return self.empty or (self.automaton is not None and next(self.automaton.iter(text), None) is not None)

    def spans(self, text: str, tail: re.Pattern | None = None) -> list[tuple[int, int]]:
        """Where the terms are in `text` (start, end) at the start of a word, as finditer of their
        alternation (longest first, then `tail`) has them: the first place from the left where one
        starts, the longest there that `tail` matches after, then on from where it ends. The
        automaton finds every term wherever it is, where the alternation tries each character: in
        the benchmark's stories (3,600 characters), the lexicon's 38 terms are at 14 places (median)."""
        ends: dict[int, list[int]] = {}  # start -> ends of the terms found there
        for last, term in self.automaton.iter(text):
            start = last + 1 - len(term)
            if start == 0 or not _WORD_CHAR.match(text, start - 1):
                ends.setdefault(start, []).append(last + 1)
        spans, free = [], 0  # the matches so far, and where the next may start
        for start in sorted(ends):
            if start < free:
                continue
            for end in sorted(ends[start], reverse=True):
                if tail is None or tail.match(text, end):
                    spans.append((start, end))
                    free = end
                    break
        return spans

    def found_in(self, text: str) -> set[str]:
        found = {term for _, term in self.automaton.iter(text)} if self.automaton is not None else set()
        if self.empty:
            found.add("")
        return found


def lowered_terms(terms) -> tuple[str, ...] | None:
    """The terms lower-cased, as a case-sensitive search of lowered_text finds them in any case;
    None where a term has letters beyond ASCII (AnyCase then searches ignoring case)."""
    return tuple(t.lower() for t in terms) if all(map(str.isascii, terms)) else None


def pattern_spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    """Where `pattern` matches in `text` (start, end), left to right, as AnyCase.spans gives them."""
    return [match.span() for match in pattern.finditer(text)]


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
_WORD_CHAR = re.compile(r"\w")


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
