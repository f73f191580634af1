"""What stories share: the same statement quoted, or near-identical sentences reused.

Both use an inverted index from word shingles to the places they occur, so the work grows with
the number of shared shingles, not with the number of pairs of stories. Shingles found in more
than COMMON places say nothing about copying and are skipped.
"""
from __future__ import annotations

import difflib
import re
from itertools import chain
from collections import Counter, defaultdict
from dataclasses import dataclass

from site_builder.analysis.text import sentences

COMMON = 50
QUOTE_SIMILARITY = 0.5  # Jaccard of the two quotes' word sets
PASSAGE_SIMILARITY = 0.5  # shared shingles over the shorter sentence's shingles
PASSAGE_MIN_SHARED = 5
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_QUOTED = re.compile(r"“[^”]+”|\"[^\"]+\"")


@dataclass(frozen=True)
class Item:
    story: str  # slug
    outlet: str
    text: str
    extra: object = None  # the speaker, for quotes
    compare: str = ""  # the text compared, when it differs from the text shown

    @property
    def compared(self) -> str:
        return self.compare or self.text


@dataclass(frozen=True)
class Pair:
    a: Item
    b: Item
    similarity: float


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def shingles(text: str, size: int) -> set[tuple[str, ...]]:
    tokens = words(text)
    return set(zip(*(tokens[i:] for i in range(size))))


def candidate_pairs(items: list[Item], size: int, at_least: int = 1) -> tuple[dict[tuple[int, int], int], list[int]]:
    """Pairs of items of different outlets sharing at least `at_least` shingles, with how many
    they share; and how many shingles each item has. Most shingles occur once: they are counted
    first and only those in 2 to COMMON places are indexed; then each item counts, in one pass,
    the items it shares shingles with."""
    item_shingles = [shingles(item.compared, size) for item in items]
    occurrences = Counter(chain.from_iterable(item_shingles))
    telling = {shingle for shingle, count in occurrences.items() if 1 < count <= COMMON}
    postings: dict[tuple, list[int]] = defaultdict(list)
    for index, found in enumerate(item_shingles):
        for shingle in found & telling:
            postings[shingle].append(index)
    shared: dict[tuple[int, int], int] = {}
    for first, found in enumerate(item_shingles):
        mine = found & telling
        if len(mine) < at_least:
            continue
        together = Counter(chain.from_iterable(postings[shingle] for shingle in mine))
        for second, count in together.items():
            if second > first and count >= at_least and items[first].outlet != items[second].outlet:
                shared[(first, second)] = count
    return shared, [len(found) for found in item_shingles]


def shared_quotes(items: list[Item]) -> list[Pair]:
    """The same statement in stories of different outlets, even where the wording differs."""
    pairs = []
    for (i, j), _ in sorted(candidate_pairs(items, 2)[0].items()):
        a, b = items[i], items[j]
        if a.extra and b.extra and a.extra != b.extra:
            continue  # different speakers
        wa, wb = set(words(a.text)), set(words(b.text))
        similarity = len(wa & wb) / len(wa | wb)
        if similarity >= QUOTE_SIMILARITY:
            pairs.append(Pair(a, b, round(similarity, 2)))
    return pairs


def passage_items(story: str, outlet: str, paragraphs) -> list[Item]:
    """The story's sentences, compared without their quotes (those count as shared quotes)."""
    items = []
    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            unquoted = _QUOTED.sub(" ", sentence)
            if len(words(unquoted)) >= 8:
                items.append(Item(story, outlet, sentence, compare=unquoted))
    return items


def reused_passages(items: list[Item], size: int = 4) -> list[Pair]:
    pairs = []
    shared, counts = candidate_pairs(items, size, PASSAGE_MIN_SHARED)
    for (i, j), count in sorted(shared.items()):
        shortest = min(counts[i], counts[j])
        similarity = count / shortest if shortest else 0
        if count >= PASSAGE_MIN_SHARED and similarity >= PASSAGE_SIMILARITY:
            pairs.append(Pair(items[i], items[j], round(similarity, 2)))
    return pairs


def word_diff(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Each side's words, flagged True where they differ from the other side."""
    left, right = a.split(), b.split()
    matcher = difflib.SequenceMatcher(a=[w.lower().strip(",.()") for w in left],
                                      b=[w.lower().strip(",.()") for w in right], autojunk=False)
    marked_left = [(w, True) for w in left]
    marked_right = [(w, True) for w in right]
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            marked_left[block.a + k] = (left[block.a + k], False)
            marked_right[block.b + k] = (right[block.b + k], False)
    return marked_left, marked_right
