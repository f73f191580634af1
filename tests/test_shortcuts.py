"""The shortcuts taken for speed give the answers of the plain definitions they replace."""
from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.analysis.events import events_in
from site_builder.analysis.shared import Item, candidate_pairs, shingle_hashes, words
from site_builder.analysis.text import matches_rule, sentences
from site_builder.models import Event

VOCABULARY = ["Trump", "Kim", "bertemu", "Singapura", "Hanoi", "KTT", "rudal", "diluncurkan", "Korea",
              "Utara", "Zona", "Demiliterisasi", "surat", "nuklir", "tentaranya", "tentara", "Moon"]
SENTENCE = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=12).map(lambda w: " ".join(w) + ".")
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join)
TERMS = st.lists(st.sampled_from(VOCABULARY + ["Zona Demiliterisasi", "Korea Utara", "tentara"]),
                 min_size=1, max_size=3).map(tuple)
RULE = st.lists(TERMS, min_size=1, max_size=3).map(tuple)


def event(number: int, rules) -> Event:
    from datetime import date
    return Event(f"e{number}", date(2019, 1, 1), "day", "T", "T", "summit", 0, "", "", tuple(rules), ())


@settings(max_examples=300, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=4), st.lists(st.lists(RULE, min_size=1, max_size=3), max_size=5))
def test_events_in_finds_what_trying_every_rule_on_every_sentence_finds(paragraphs, rule_sets):
    events = [event(i, rules) for i, rules in enumerate(rule_sets)]
    every_sentence = [s for p in paragraphs for s in sentences(p)]
    expected = []
    for e in events:
        found = next((s for s in every_sentence if any(matches_rule(s, r) for r in e.match)), None)
        if found:
            expected.append((e.id, found))
    assert [(m.event.id, m.evidence) for m in events_in(paragraphs, events)] == expected


def shingles(text: str, size: int) -> set[tuple[str, ...]]:
    """The plain definition: the text's runs of `size` words."""
    tokens = words(text)
    return {tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), SENTENCE), max_size=30), st.integers(1, 4), st.integers(1, 6))
def test_candidate_pairs_equal_counting_every_pair(texts, size, at_least):
    items = [Item(f"s{i}", outlet, text) for i, (outlet, text) in enumerate(texts)]
    hashed = [shingle_hashes(item.text, size) for item in items]
    found = candidate_pairs(items, hashed, at_least)
    occurrences: dict = {}
    for item in items:
        for shingle in shingles(item.text, size):
            occurrences[shingle] = occurrences.get(shingle, 0) + 1
    expected = {}
    for (i, a), (j, b) in combinations(enumerate(items), 2):
        if a.outlet == b.outlet:
            continue
        common = [s for s in shingles(a.text, size) & shingles(b.text, size) if occurrences[s] <= 50]
        if len(common) >= at_least:
            expected[(i, j)] = len(common)
    assert found == expected
    assert [len(h) for h in hashed] == [len(shingles(item.text, size)) for item in items]
