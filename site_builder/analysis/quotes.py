"""Direct quotes and who said them, through Indonesian reporting verbs."""
from __future__ import annotations

import re
from typing import NamedTuple

from site_builder.analysis.names import AliasIndex
from site_builder.analysis.shared import QUOTE_SHINGLE_SIZE, packed_shingles
from site_builder.models import Person

TERM_MAX_WORDS = 3  # a quote of fewer than four words is a term ("musuh permanen"), not a statement
# A quote in curly or straight double quotes, curly single quotes, or straight single quotes not
# within a word (O'Brien). Every branch starts with its quote mark, the check that a single quote
# does not follow a letter coming after it, so that Python's re skips to the quote marks instead
# of trying every place (a sixth the time; tested against the check put first).
_QUOTES = re.compile(r"“([^”]+)”|\"([^\"]+)\"|‘([^’]+)’|'(?<!\w')([^'\n]{2,80}?)'(?!\w)")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


class Quote(NamedTuple):
    """A named tuple, as the story store loads every story's statements for every build; made
    with `quote`, which works out the last two fields from the text."""
    text: str
    speaker: Person | None
    how: str  # "after" (", kata Trump"), "pronoun" ("ujarnya"), "before" ("Menurut Trump, …") or "none"
    paragraph: int
    is_term: bool
    shingles: bytes  # of a statement: shared.packed_shingles; of a term, b""


def quote(text: str, speaker: Person | None, how: str, paragraph: int) -> Quote:
    is_term = len(_WORD.findall(text)) <= TERM_MAX_WORDS
    return Quote(text, speaker, how, paragraph, is_term,
                 b"" if is_term else packed_shingles(text, QUOTE_SHINGLE_SIZE))


class QuoteFinder:
    def __init__(self, gazetteer):
        self.people = AliasIndex(gazetteer.people)
        verbs = "|".join(sorted(map(re.escape, gazetteer.reporting_verbs), key=len, reverse=True)) or "(?!)"
        intro = "|".join(sorted(map(re.escape, gazetteer.introducing), key=len, reverse=True)) or "(?!)"
        self.after = re.compile(rf"^\s*[,.]?\s*(?P<verb>{verbs})(?P<nya>nya)?(?!\w)", re.IGNORECASE)
        self.before = re.compile(rf"(?P<intro>{intro})\s+(?P<name>[^,.]{{0,40}}?)\s*,?\s*(?:bahwa\s*)?:?\s*$"
                                 rf"|(?P<name2>[^,.]{{0,60}}?)\s+(?P<intro2>{intro})\s*,?\s*(?:bahwa\s*)?:?\s*$",
                                 re.IGNORECASE)

    def find(self, paragraphs, people_in=None) -> list[Quote]:
        """`people_in`: self.people.find of each paragraph, where already at hand (a paragraph
        without quotes is searched for the same names as it is)."""
        quotes, last_person = [], None
        for number, paragraph in enumerate(paragraphs):
            spans = [(m.start(), m.end(), next(g for g in m.groups() if g is not None))
                     for m in _QUOTES.finditer(paragraph)]
            if spans or people_in is None:
                mentions = self.people.find(_blank_spans(paragraph, spans))
            else:
                mentions = people_in[number]
            for start, end, inner in spans:
                before_here = [m.item for m in mentions if m.start < start]
                recent = before_here[-1] if before_here else last_person
                speaker, how = self._speaker(paragraph, start, end, recent)
                quotes.append(quote(inner.strip().strip(",. "), speaker, how, number))
            if mentions:
                last_person = mentions[-1].item
        return quotes

    def _speaker(self, paragraph: str, start: int, end: int, recent) -> tuple[Person | None, str]:
        after = self.after.match(paragraph[end:])
        if after:
            if after.group("nya"):
                return recent, "pronoun"
            return self.people.at_start(paragraph[end + after.end():].lstrip(" ,")), "after"
        before = self.before.search(paragraph[:start])
        if before:
            named = self.people.find(before.group("name") or before.group("name2") or "")
            return (named[-1].item if named else recent), "before"
        return None, "none"


def _blank_spans(text: str, spans) -> str:
    """The text with quoted passages blanked out, so names inside quotes are not speakers."""
    chars = list(text)
    for start, end, _ in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
