"""What stories share: the same statement quoted, or near-identical sentences reused (passages.py).

Both go through an inverted index from word shingles to the places they occur, so the work grows
with the number of shared shingles, not with the number of pairs of stories. Shingles found in more
than COMMON places say nothing about copying and are skipped.
"""
from __future__ import annotations

import hashlib
import re
from array import array
from collections import Counter, defaultdict
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

COMMON = 50
QUOTE_SIMILARITY = 0.5  # Jaccard of the two quotes' word sets
QUOTE_SHINGLE_SIZE = 2
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


class Item(NamedTuple):
    """A quote or sentence of a story; a tuple, as 10,000 are made every build at 10,000 stories."""
    story: str  # slug
    outlet: str
    text: str
    extra: object = None  # the speaker, for quotes


class Pair(NamedTuple):
    """Two items alike; a tuple, as Item: a build keeps thousands of them between builds."""
    a: Item
    b: Item
    similarity: float

    def seen_from(self, side: int) -> tuple[Item, Item]:
        """The item on `side` (0: `a`, 1: `b`), then the other."""
        return (self.a, self.b) if side == 0 else (self.b, self.a)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def shingle_hashes(text: str, size: int) -> set[int]:
    """The text's runs of `size` words, each as a 64-bit number: Python's hash of the run's word
    numbers. Unlike the hash of a string, the hash of numbers is the same in every process, so
    these can be cached with the story (the cache is keyed by the Python version too). For quotes;
    passage sentences, far more words, are hashed by shingling.py."""
    numbers = list(map(_number, words(text)))
    return set(map(hash, zip(*(numbers[k:] for k in range(size)))))


# The common words. At 200,000, each worker's cache filled with names and numbers seen once or
# twice (measured when passage sentences were numbered here too: the benchmark's 10,000 stories
# have 485,000 distinct words): about 40 MB in each worker.
@lru_cache(maxsize=50_000)
def _number(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def candidate_pairs(items: list[Item], item_shingles: list, at_least: int = 1) -> dict[tuple[int, int], int]:
    """Pairs of items of different outlets sharing at least `at_least` shingles, with how many
    they share; `item_shingles` holds each item's distinct shingles (a set, an array or a
    memoryview of numbers). Most shingles occur once: they are counted first and only those in 2
    to COMMON places are indexed; then each item counts, in one pass, the items it shares
    shingles with."""
    occurrences = Counter(chain.from_iterable(item_shingles))
    telling = {shingle for shingle, count in occurrences.items() if 1 < count <= COMMON}
    del occurrences
    postings: dict[int, list[int]] = defaultdict(list)
    mine_of = [tuple(telling.intersection(found)) for found in item_shingles]  # tuples: far smaller than sets
    for index, mine in enumerate(mine_of):
        for shingle in mine:
            postings[shingle].append(index)
    shared: dict[tuple[int, int], int] = {}
    for first, mine in enumerate(mine_of):
        if len(mine) < at_least:
            continue
        together = Counter(chain.from_iterable(postings[shingle] for shingle in mine))
        for second, count in together.items():
            if second > first and count >= at_least and items[first].outlet != items[second].outlet:
                shared[(first, second)] = count
    return shared


def packed_shingles(text: str, size: int) -> bytes:
    """The text's distinct shingles, sorted and packed: kept with a story between builds, and read
    back as numbers with memoryview(...).cast("q")."""
    return packed(shingle_hashes(text, size))


def packed(shingles: set[int]) -> bytes:
    return array("q", sorted(shingles)).tobytes()


def shared_quotes(items: list[Item], item_shingles: list | None = None) -> list[Pair]:
    """The same statement in stories of different outlets, even where the wording differs.
    `item_shingles`: each quote's shingles of QUOTE_SHINGLE_SIZE words, packed (packed_shingles),
    where already at hand."""
    return [Pair(items[i], items[j], similarity) for i, j, similarity in shared_quote_places(items, item_shingles)]


def shared_quote_places(items: list[Item], item_shingles: list | None = None) -> list[tuple[int, int, float]]:
    """shared_quotes, as the places of the two items of each pair in `items`, and their similarity."""
    if item_shingles is None:
        numbers = [shingle_hashes(item.text, QUOTE_SHINGLE_SIZE) for item in items]
    else:
        numbers = [memoryview(packed).cast("q") for packed in item_shingles]
    pairs = []
    for (i, j), _ in sorted(candidate_pairs(items, numbers).items()):
        a, b = items[i], items[j]
        if a.extra and b.extra and a.extra != b.extra:
            continue  # different speakers
        wa, wb = set(words(a.text)), set(words(b.text))
        similarity = len(wa & wb) / len(wa | wb)
        if similarity >= QUOTE_SIMILARITY:
            pairs.append((i, j, round(similarity, 2)))
    return pairs


def word_diff(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Each side's words, flagged True where they differ from the other side."""
    left, right = a.split(), b.split()
    if left == right:  # most shared quotes (682 of 847 pairs at 10,000 stories): nothing to match
        return [(w, False) for w in left], [(w, False) for w in right]
    import difflib  # here: most builds mark no words (an edit at 10,000 stories: 1.3 ms of imports)

    matcher = difflib.SequenceMatcher(a=_compared(left), b=_compared(right), autojunk=False)
    marked_left = [(w, True) for w in left]
    marked_right = [(w, True) for w in right]
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            marked_left[block.a + k] = (left[block.a + k], False)
            marked_right[block.b + k] = (right[block.b + k], False)
    return marked_left, marked_right


def reworded(a: str, b: str) -> bool:
    """Whether word_diff would mark any word of `a` or `b`, without matching them: it marks
    none exactly when the words are the same once compared as it compares them (then one
    matching block covers both), and some word otherwise."""
    return a != b and _compared(a.split()) != _compared(b.split())  # (most shared quotes are the same text)


def _compared(words: list[str]) -> list[str]:
    """Words as word_diff compares them: lowered, without the punctuation around them."""
    return [w.lower().strip(",.()") for w in words]
