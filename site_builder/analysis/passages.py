"""Reused passages: near-identical sentences in stories of different outlets.

Two sentences are a reused passage when they share at least PASSAGE_MIN_SHARED telling shingles
(runs of words found in 2 to COMMON sentences of the whole site; see shared.py) making at least
PASSAGE_SIMILARITY of the shorter sentence's shingles.

This module says what a story's passages and their shingles are, and puts the pairs found in the
site's order. Finding them is the work of the index kept between builds (passage_index.py, with
numpy), which the build runs in a process of its own (passage_keeper.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from site_builder.analysis.shared import Item, Pair, words
from site_builder.analysis.shingling import sentence_shingles
from site_builder.analysis.text import sentences

PASSAGE_SIMILARITY = 0.5  # shared shingles over the shorter sentence's shingles
PASSAGE_MIN_SHARED = 5
SHINGLE_SIZE = 4
MIN_WORDS = 8  # shorter sentences say nothing about copying
QUOTED = re.compile(r"“[^”]+”|\"[^\"]+\"")


def passage_sentences(paragraphs) -> list[str]:
    """The story's sentences that count as passages, in order: those of at least MIN_WORDS words
    without their quotes (quotes count as shared quotes instead)."""
    return [sentence for sentence, _ in _passages(paragraphs)]


def passage_shingles(paragraphs) -> tuple[bytes, ...]:
    """For each of passage_sentences, its distinct shingles without its quotes, sorted and packed."""
    return passage_shingles_of([paragraphs])[0]


SHINGLED_TOGETHER = 32  # stories whose shingles passage_shingles_of works out in one go


def passage_shingles_of(stories) -> list[tuple[bytes, ...]]:
    """passage_shingles of each story's paragraphs, worked out SHINGLED_TOGETHER stories at a time:
    a sentence's shingles are its own whatever comes beside it, and numpy's work on a story is
    mostly calls, each about as long for one story's sentences as for many (the benchmark's
    stories, a worker's time on one: about 0.12 ms a story alone, 0.08 ms together)."""
    found: list[tuple[bytes, ...]] = []
    for first in range(0, len(stories), SHINGLED_TOGETHER):
        words = [[unquoted for _, unquoted in _passages(paragraphs)] for paragraphs in
                 stories[first:first + SHINGLED_TOGETHER]]
        shingles = sentence_shingles([sentence for story in words for sentence in story], SHINGLE_SIZE)
        at = 0
        for story in words:
            found.append(shingles[at:at + len(story)])
            at += len(story)
    return found


def _passages(paragraphs):
    """Each passage sentence, with the words of its text without quotes."""
    for paragraph in paragraphs:
        quoting = '"' in paragraph or "“" in paragraph  # else QUOTED finds nothing (1 us a sentence)
        for sentence in sentences(paragraph):
            unquoted = words(QUOTED.sub(" ", sentence) if quoting else sentence)
            if len(unquoted) >= MIN_WORDS:
                yield sentence, unquoted


class StoryPassages(NamedTuple):
    """One story as the index sees it (a tuple: the build makes one for each story)."""
    key: str  # changes whenever the story's text does (stories.story_keys)
    slug: str
    outlet: str
    body: object  # its `paragraphs` are read only where needed (a stored story loads them when asked: stored.py)
    shingles: tuple[bytes, ...] | None = None  # passage_shingles, where already at hand


@dataclass(frozen=True)
class NewStories:
    """Stories to put in the index, packed: for each, its key and how many shingles each of its
    passage sentences has; and all their shingles (passages.passage_shingles), one after the
    other, in one string of bytes. At 10,000 stories that is one 25 MB string instead of 180,000
    small ones: what travels to the index's process (passage_keeper.py), and what numpy reads."""
    keys: tuple[str, ...] = ()
    sizes: tuple[tuple[int, ...], ...] = ()
    data: bytes = b""

    @classmethod
    def of(cls, shingles: dict[str, tuple[bytes, ...]]) -> NewStories:
        """From each story's passage_shingles, by key."""
        return cls(tuple(shingles), tuple(tuple(len(s) // 8 for s in story) for story in shingles.values()),
                   b"".join(s for story in shingles.values() for s in story))

    def only(self, keys: set[str]) -> NewStories:
        """Those of these stories whose key is in `keys`."""
        kept, at = [], 0
        for key, sizes in zip(self.keys, self.sizes):
            end = at + 8 * sum(sizes)
            if key in keys:
                kept.append((key, sizes, self.data[at:end]))
            at = end
        return NewStories(tuple(k for k, _, _ in kept), tuple(s for _, s, _ in kept), b"".join(d for _, _, d in kept))

    def __add__(self, other: NewStories) -> NewStories:
        return NewStories(self.keys + other.keys, self.sizes + other.sizes, self.data + other.data)


class SentencePair(NamedTuple):
    """A reused passage as the index finds it: each sentence as its story's key and its place among
    the story's passage_sentences."""
    a_key: str
    a_place: int
    b_key: str
    b_place: int
    similarity: float


def pairs_in_order(stories: list[StoryPassages], found: list[SentencePair], sentences_of=None) -> list[Pair]:
    """The reused passages `found` among `stories` (in the site's order), each with the earlier
    sentence first, the pairs in that order too. `sentences_of(story)` gives a story's
    passage_sentences (by default, from its paragraphs; a build keeps them between builds, as
    a story in a pair needs them every time)."""
    story_at = {story.key: (index, story) for index, story in enumerate(stories)}
    texts: dict[str, list[str]] = {}  # story key -> its passage_sentences, for the stories in pairs
    sentences_of = sentences_of or (lambda story: passage_sentences(story.body.paragraphs))

    def place_and_item(key: str, place: int) -> tuple[tuple[int, int], Item]:
        index, story = story_at[key]
        if key not in texts:
            texts[key] = sentences_of(story)
        return (index, place), Item(story.slug, story.outlet, texts[key][place])

    ordered = []
    for pair in found:
        first, second = sorted((place_and_item(pair.a_key, pair.a_place), place_and_item(pair.b_key, pair.b_place)),
                               key=lambda p: p[0])
        ordered.append((first[0], second[0], Pair(first[1], second[1], pair.similarity)))
    return [pair for _, _, pair in sorted(ordered, key=lambda f: (f[0], f[1]))]
