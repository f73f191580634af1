"""The shortcuts taken for speed give the answers of the plain definitions they replace."""
from __future__ import annotations

import bisect
import sys
from array import array
from datetime import datetime, timedelta, timezone
import re
from itertools import combinations
from unittest.mock import patch

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from site_builder.analysis import passage_index
from site_builder.analysis.events import events_in
from site_builder.analysis.passage_index import PassageIndex
from site_builder.analysis.passages import (PASSAGE_MIN_SHARED, PASSAGE_SIMILARITY, QUOTED, SHINGLE_SIZE, StoryPassages,
                                            passage_sentences)
from site_builder.analysis.shared import Item, candidate_pairs, shingle_hashes, words
from site_builder.analysis.shingling import sentence_shingles
from site_builder.analysis.text import AnyCase, matches_rule, sentences
from site_builder.markdown import RenderedBody
from site_builder.models import Event

VOCABULARY = ["Trump", "Kim", "bertemu", "Singapura", "Hanoi", "KTT", "rudal", "diluncurkan", "Korea",
              "Utara", "Zona", "Demiliterisasi", "surat", "nuklir", "tentaranya", "tentara", "Moon", "ſurat", "KİM"]
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


# Words as passages have them (shared.words): letters and digits of any script, inner - ' ’
WORD = st.one_of(st.sampled_from([w.lower() for w in VOCABULARY]),
                 st.lists(st.text(st.characters(categories=("Ll", "Lu", "Lo", "Nd")), min_size=1, max_size=6),
                          min_size=1, max_size=3).flatmap(lambda parts: st.sampled_from("-'’").map(lambda j: j.join(parts))))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(WORD, max_size=20), max_size=12), st.integers(1, 5))
def test_passage_shingles_are_the_same_numbers_with_numpy_and_without(sentences_words, size):
    """A worker on many stories hashes with numpy, a build on one story without (shingling.py):
    the same numbers either way, one for each distinct run of words, sorted."""
    import numpy  # noqa: F401  (sentence_shingles uses numpy where it is loaded)

    with_numpy = sentence_shingles(sentences_words, size)
    with patch.dict(sys.modules, {"numpy": None}):
        in_python = sentence_shingles(sentences_words, size)
    assert with_numpy == in_python
    assert len(in_python) == len(sentences_words)
    for tokens, packed in zip(sentences_words, in_python):
        numbers = array("q", packed).tolist()
        assert numbers == sorted(set(numbers))
        assert len(numbers) == len({tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1)})


LONG_SENTENCE = st.lists(st.sampled_from(VOCABULARY), min_size=8, max_size=14).map(lambda w: " ".join(w) + ".")


def plain_reused_passages(stories, common: int) -> list[tuple]:
    """The plain definition, from scratch: every pair of sentences of different outlets, sharing
    at least PASSAGE_MIN_SHARED shingles found in 2 to `common` sentences of the whole site, at
    least PASSAGE_SIMILARITY of the shorter sentence's."""
    found = [(story, text, shingles(QUOTED.sub(" ", text), SHINGLE_SIZE))
             for story in stories for text in passage_sentences(story.body.paragraphs)]
    occurrences: dict = {}
    for _, _, mine in found:
        for shingle in mine:
            occurrences[shingle] = occurrences.get(shingle, 0) + 1
    expected = []
    for (a, text_a, mine_a), (b, text_b, mine_b) in combinations(found, 2):
        shared = [s for s in mine_a & mine_b if 2 <= occurrences[s] <= common]
        shortest = min(len(mine_a), len(mine_b))
        if a.outlet != b.outlet and len(shared) >= PASSAGE_MIN_SHARED and len(shared) / shortest >= PASSAGE_SIMILARITY:
            expected.append((a.slug, text_a, b.slug, text_b, round(len(shared) / shortest, 2)))
    return expected


# A site, then changes to it, one build after each: each story is some sentences of a small pool
# (so that stories share many), told by one of three outlets.
STORY = st.tuples(st.sampled_from("abc"), st.lists(st.integers(0, 5), min_size=1, max_size=4))
CHANGE = st.tuples(st.sampled_from(["add", "edit", "remove"]), st.integers(0, 9), STORY)


@settings(max_examples=300, deadline=None)
@given(st.lists(LONG_SENTENCE, min_size=6, max_size=6), st.lists(STORY, max_size=8), st.lists(CHANGE, max_size=8),
       st.integers(2, 4), st.sampled_from([passage_index.SPLICE_BY_PIECES, 0]), st.sampled_from([None, 2, 64]))
def test_the_passage_index_kept_up_to_date_finds_what_the_plain_definition_finds(pool, site, changes, common, pieces,
                                                                                 room):
    import pickle

    site = {f"s{n}": story for n, story in enumerate(site)}
    index = PassageIndex()
    with patch.object(passage_index, "COMMON", common), patch.object(passage_index, "SPLICE_BY_PIECES", pieces), \
            patch.object(passage_index, "ROOM", room or passage_index.ROOM):
        # a low limit of "common", so that counts cross it; both ways of changing the index's arrays; with
        # `room`, the index saved and loaded between builds, as the build cache keeps it, with that much room
        for change, number, story in [(None, 0, None), *changes]:
            if room:
                index = pickle.loads(pickle.dumps(index))
            slug = f"s{number}"
            if change in ("add", "edit") and (slug in site) == (change == "edit"):
                site[slug] = story
            elif change == "remove":
                site.pop(slug, None)
            stories = [StoryPassages(f"{slug}:{outlet}:{chosen}", slug, outlet,
                                     RenderedBody("", 0, (" ".join(pool[i] for i in chosen),)))
                       for slug, (outlet, chosen) in site.items()]
            found = [(p.a.story, p.a.text, p.b.story, p.b.text, p.similarity) for p in index.reused_passages(stories)]
            assert found == plain_reused_passages(stories, common)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 9), max_size=30).map(sorted), st.data(), st.sampled_from([passage_index.SPLICE_BY_PIECES, 0]))
def test_splicing_an_array_is_deleting_then_inserting(values, data, pieces):
    import numpy as np

    array = np.array(values, np.int64)
    drop = np.array(sorted(data.draw(st.sets(st.integers(0, len(values) - 1)))) if values else [], np.int64)
    new = np.array(sorted(data.draw(st.lists(st.integers(0, 9), max_size=10))), np.int64)
    at = np.searchsorted(array, new, side="right")
    expected = [v for i, v in enumerate(values) if i not in set(drop.tolist())]
    for value in new.tolist():  # each after the equal values already there
        expected.insert(bisect.bisect_right(expected, value), value)
    with patch.object(passage_index, "SPLICE_BY_PIECES", pieces):
        spliced = passage_index._spliced(array, drop, at, new)
    assert spliced.tolist() == expected
    # no new memory where no more is put in than taken out (an edit leaving a story's sentences as they were)
    in_place = len(values) > 0 and len(drop) + len(new) <= pieces and len(new) <= len(drop)
    assert np.shares_memory(spliced, array) == bool(in_place and expected)


def test_an_index_kept_and_loaded_again_takes_an_edit_that_adds_sentences_in_its_own_memory():
    import pickle

    def story(key, sentences):
        return StoryPassages(key, key.split(":")[0], "ab"[len(key) % 2], RenderedBody("", 0, (" ".join(sentences),)))

    words = [f"kata{i}" for i in range(40)]
    sentences = [" ".join(words[i:i + 12]) + "." for i in range(0, 28, 3)]
    stories = [story(f"s{n}:1", sentences[n:n + 3]) for n in range(6)]
    index = pickle.loads(pickle.dumps(PassageIndex()))
    index.reused_passages(stories)
    # a first build's arrays are made with room, so that saving them copies neither
    assert all(passage_index._starts(index.room[name], getattr(index, name)) for name in ("shingles", "sentences"))
    index = pickle.loads(pickle.dumps(index))  # as the next build finds it
    memory = index.shingles.ctypes.data, index.sentences.ctypes.data
    stories[2] = story("s2:2", sentences[2:6])  # a sentence more
    found = index.reused_passages(stories)
    assert (index.shingles.ctypes.data, index.sentences.ctypes.data) == memory  # no new array
    fresh = PassageIndex().reused_passages(stories)
    assert [(p.a, p.b, p.similarity) for p in found] == [(p.a, p.b, p.similarity) for p in fresh]


@pytest.mark.parametrize("new, drop", [([1, 3, 5], [17, 18, 19]), ([15, 17], [0, 1, 2]), ([2, 2, 9, 14], [3, 4, 12, 19]),
                                       ([0, 19], [10, 11])])
def test_a_splice_in_place_moves_runs_in_an_order_that_overwrites_none_still_to_move(new, drop):
    """Several runs moving right, or left, by different distances (what the property above
    rarely draws with as many taken out as put in)."""
    import numpy as np

    values = list(range(20))
    array, new, drop = np.array(values, np.int64), np.array(new, np.int64), np.array(drop, np.int64)
    expected = sorted([v for i, v in enumerate(values) if i not in set(drop.tolist())] + new.tolist())
    spliced = passage_index._spliced(array, drop, np.searchsorted(array, new, side="right"), new)
    assert spliced.tolist() == expected and np.shares_memory(spliced, array)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 3)), max_size=40), st.sets(st.integers(0, 7), min_size=1),
       st.integers(1, 5))
def test_the_sentences_of_stories_gone_are_found_a_block_at_a_time_as_in_one_go(ids, numbers, block):
    import numpy as np

    sentences = np.array([number << passage_index.PLACE_BITS | place for number, place in ids], np.int64)
    with patch.object(passage_index, "SCAN_BLOCK", block):
        found = passage_index._positions_of_stories(sentences, sorted(numbers))
    assert found.tolist() == np.flatnonzero(np.isin(sentences >> passage_index.PLACE_BITS, sorted(numbers))).tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-2**63, 2**63 - 1) | st.integers(-40, 40), max_size=60), st.integers(1, 4))
def test_the_index_sorts_shingles_with_their_places_as_a_stable_sort_does(values, block):
    """_sorting_order puts each value's place in its last bits and sorts those: small values (alike
    but for those bits), and blocks of the check as small as 1, exercise putting runs in order."""
    import numpy as np

    numbers = np.array(values, np.int64)
    with patch.object(passage_index, "SORTED_CHECK_BLOCK", block):
        order = passage_index._sorting_order(numbers)
    assert order.tolist() == np.argsort(numbers, kind="stable").tolist()


def test_the_sentences_of_pairs_are_placed_by_story_as_a_search_of_all_sentences_places_them():
    import numpy as np

    index = PassageIndex()
    index.stories = {"a": (4, "x", (2, 3)), "b": (1, "y", (5,)), "c": (7, "x", (1, 1, 1))}
    index.next_number = 9
    numbers, _, sizes = index._columns()
    ids, first_of_story = index._sentence_ids(numbers, sizes)
    assert ids.tolist() == sorted(number << passage_index.PLACE_BITS | place
                                  for number, _, sizes in index.stories.values() for place in range(len(sizes)))
    wanted = ids[[4, 0, 2, 3, 1]]
    assert passage_index._position(wanted, first_of_story).tolist() == np.searchsorted(ids, wanted).tolist()


# Text that mixes ASCII words with letters whose case behaves oddly (dotless and dotted i, long s,
# Kelvin sign, final sigma), other cased letters, and caseless marks such as curly quotes.
ODD_LETTERS = "ıİſKΣσςéÉßẞǅ"
TEXT = st.lists(st.one_of(st.sampled_from(["kim", "KIM", "Kim", "trump", "Trump", "korea", "utara", "ri", "RI"]),
                          st.text(alphabet=ODD_LETTERS + "“”‘’—-_ .,abcKIMs", max_size=6)),
                max_size=12).map(" ".join)
TERMS = st.lists(st.one_of(st.sampled_from(["kim", "Kim Jong", "trump", "KOREA", "Korea Utara", "ri", "s", "kım"]),
                           st.text(alphabet="abkimsKIMı ", min_size=1, max_size=5)), min_size=1, max_size=5)


def _ignoring_case(terms, tail: str) -> re.Pattern:
    """The plain definition: the terms, longest first, at the start of a word, then `tail`, in any case."""
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(set(terms), key=lambda t: (-len(t), t))))
                      + ")" + tail, re.IGNORECASE)


@settings(max_examples=500, deadline=None)
@given(TERMS, TEXT, st.sampled_from(["", r"(?![\w-])"]))
def test_matching_terms_in_any_case_finds_what_re_ignorecase_finds(terms, text, tail):
    plain = _ignoring_case(terms, tail)
    quick = AnyCase(terms, tail)
    assert quick.spans(text) == [m.span() for m in plain.finditer(text)]
    assert (quick.search(text) is None) == (plain.search(text) is None)


# Terms in ASCII, and text whose only letters with a case are ASCII ones (curly quotes, dashes, an emoji
# and a combining accent have none), which AnyCase finds with an Aho–Corasick automaton (TermFinder.spans):
# terms inside others ("ki", "im" in "kim"), across a space or a hyphen, and text where they run together.
ASCII_TEXT = st.lists(st.one_of(st.sampled_from(["kim", "KIM", "Kim", "kimkim", "jong-un", "korea", "utara", "ri"]),
                                st.text(alphabet="abkimsKIM-_ .,'“”—\U0001F600\u0301", max_size=6)),
                      max_size=12).map(" ".join)
ASCII_TERMS = st.lists(st.one_of(st.sampled_from(["kim", "Kim Jong", "ki", "im", "KOREA", "Korea Utara", "s", "jong-un"]),
                                 st.text(alphabet="abkims KIM-_", min_size=1, max_size=5)), min_size=1, max_size=5)


@settings(max_examples=500, deadline=None)
@given(ASCII_TERMS, ASCII_TEXT, st.sampled_from(["", r"(?![\w-])"]))
@example(["Kim Jong", "jong-un"], "kim jong-un", "")  # one term starts inside the other's match: not found
def test_terms_the_automaton_finds_are_those_re_ignorecase_finds(terms, text, tail):
    plain = _ignoring_case(terms, tail)
    assert AnyCase(terms, tail).spans(text) == [m.span() for m in plain.finditer(text)]


PATH_PART = st.sampled_from(["stories", "archive", "a.html", "index.html", "x", ".", "..", ""])
SITE_PATH = st.lists(PATH_PART, min_size=1, max_size=4).map("/".join)


@settings(max_examples=500, deadline=None)
@given(SITE_PATH, SITE_PATH, st.booleans())
def test_relative_links_are_what_posixpath_relpath_makes(target, folder, rooted):
    import posixpath

    from site_builder import urls

    if rooted:
        target = "/" + target
    if not target or not folder:
        return  # relpath has no answer for an empty path; urls.relative never asks
    assert urls._relative_path.__wrapped__(target, folder) == posixpath.relpath(target, folder)


MOMENT = st.one_of(
    st.dates(),
    st.builds(lambda moment, hours, minutes: moment.replace(tzinfo=timezone(timedelta(hours=hours, minutes=minutes))),
              st.datetimes(min_value=datetime(1, 1, 3), max_value=datetime(9999, 12, 29)),
              st.integers(-12, 14), st.sampled_from([0, 30, 45])))


@settings(max_examples=500, deadline=None)
@given(st.lists(MOMENT, max_size=12))
def test_moments_in_microseconds_order_as_the_moments_do(moments):
    from site_builder import dates

    by_moment = sorted(range(len(moments)), key=lambda i: (dates.as_datetime(moments[i]), i))
    by_instant = sorted(range(len(moments)), key=lambda i: (dates.instant(moments[i]), i))
    assert by_instant == by_moment
    for a, b in combinations(moments, 2):
        assert (dates.instant(a) == dates.instant(b)) == (dates.as_datetime(a) == dates.as_datetime(b))


PACKED_STORY = st.lists(st.binary(min_size=0, max_size=4).map(lambda b: b * 8), max_size=4).map(tuple)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdef"), PACKED_STORY), st.sets(st.sampled_from("abcdefg")))
def test_stories_packed_for_the_index_keep_or_join_what_each_story_has(stories, keys):
    from site_builder.analysis.passages import NewStories

    packed = NewStories.of(stories)
    assert packed.only(keys) == NewStories.of({key: shingles for key, shingles in stories.items() if key in keys})
    first = {key: shingles for key, shingles in stories.items() if key in keys}
    rest = {key: shingles for key, shingles in stories.items() if key not in keys}
    assert NewStories.of(first) + NewStories.of(rest) == NewStories.of({**first, **rest})
    assert sum(8 * sum(sizes) for sizes in packed.sizes) == len(packed.data)


def _related_by_every_pair(story_events: list[list[str]], limit: int) -> list[list[int]]:
    """The plain definition: for each story, every other story's count of shared mentions,
    most first, ties newest (highest place) first."""
    ranked = []
    for index, mine in enumerate(story_events):
        shared = {other: sum(theirs.count(event) for event in mine)
                  for other, theirs in enumerate(story_events) if other != index}
        ranked.append(sorted((o for o, n in shared.items() if n), key=lambda o: (-shared[o], -o))[:limit])
    return ranked


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["e1", "e2", "e3", "e4"]), max_size=3), max_size=25))
def test_related_stories_are_those_counting_every_pair_finds(story_events):
    from site_builder.views import RELATED_LIMIT, _related

    assert list(map(list, _related(list(map(tuple, story_events))))) == _related_by_every_pair(story_events,
                                                                                              RELATED_LIMIT)


# Lines of prose, and lines that Markdown reads as something else: every character that starts
# inline markup or that the parser rewrites, and every way a line can start a block or a break.
PROSE_LINE = st.lists(st.sampled_from(VOCABULARY + ["“Kami", "siap,”", "\"kata\"", "O'Brien", "(AS)", "2.397", "-",
                                                    "ujarnya.", "—", "!", "?", "#1", "$", "%", "~", "=", "+", ":"]),
                      min_size=1, max_size=8).map(" ".join)
MARKUP = ["*", "_", "`", "[", "]", "(x)", "<", ">", "&", "\\", "![", "\t", "\r", "\x00", "\u00a0", "\u2028", "\x85",
          "\x0c", "*a*", "_a_", "**a**", "`a`", "[a](b)", "![a](b)", "<http://a.b>", "<b>a</b>", "&amp;", "&#35;",
          "\\*", "a\\", "*a", "a*", "\x7f", "\x01", "\x1f"]
LINE_START = ["", "", "", "# ", "> ", "- ", "+ ", "* ", "1. ", "2) ", "    ", " ", "=", "---", "***", "```", "~~~",
              "<div>", "[a]: /b", "1", "\u00a0", "'", "“", "(", "\ufeff"]
LINE_END = ["", "", "", "  ", " ", "\\", "\u00a0", "\t"]
PLAIN_LINE = PROSE_LINE.filter(lambda line: line[0].isalpha())


@st.composite
def markdown_bodies(draw):
    """Paragraphs of plain prose, with up to two of the things above put in."""
    lines = draw(st.lists(st.one_of(PLAIN_LINE, st.just("")), min_size=1, max_size=6))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(lines) - 1))
        where = draw(st.sampled_from(["inside", "start", "end", "line"]))
        if where == "inside":  # as a word of its own, or within a word
            words = lines[at].split(" ")
            cut = draw(st.integers(0, len(words)))
            joiner = draw(st.sampled_from([" ", ""]))
            lines[at] = joiner.join([" ".join(words[:cut]), draw(st.sampled_from(MARKUP)), " ".join(words[cut:])])
        elif where == "start":
            lines[at] = draw(st.sampled_from(LINE_START)) + lines[at]
        elif where == "end":
            lines[at] += draw(st.sampled_from(LINE_END))
        else:
            lines.insert(at, draw(st.sampled_from(["", " ", "===", "---", "\u00a0"])))
    return "\n".join(lines)


def rendered_both_ways(body: str) -> bool:
    """Whether the body takes the plain way; if so, it must give what the parser gives."""
    from site_builder.markdown import _render_parsed, _render_plain, plain_paragraphs

    plain = plain_paragraphs(body)
    if plain is not None:
        assert (_render_plain(plain), []) == _render_parsed(body, "a.md", 1)
    return plain is not None


@pytest.mark.parametrize("piece", MARKUP)
def test_each_piece_of_markup_renders_as_the_parser_renders_it(piece):
    for body in (f"Kim {piece} Trump", f"Kim{piece}Trump", f"Kim {piece}", f"Kim{piece}\nTrump", f"{piece}Kim",
                 f"Kim bertemu\n\n{piece} Trump"):
        rendered_both_ways(body)


@pytest.mark.parametrize("start", LINE_START)
def test_each_start_of_a_line_renders_as_the_parser_renders_it(start):
    for body in (f"{start}Kim bertemu Trump.", f"Kim bertemu\n{start}Trump.", f"Kim bertemu\n\n{start}Trump."):
        rendered_both_ways(body)


@pytest.mark.parametrize("end", LINE_END)
def test_each_end_of_a_line_renders_as_the_parser_renders_it(end):
    for body in (f"Kim bertemu{end}", f"Kim bertemu{end}\nTrump.", f"Kim bertemu{end}\n\nTrump."):
        rendered_both_ways(body)


@settings(max_examples=500, deadline=None)
@given(markdown_bodies())
def test_plain_prose_renders_as_the_markdown_parser_renders_it(body):
    rendered_both_ways(body)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(PLAIN_LINE, min_size=1, max_size=3).map("\n".join), max_size=6).map("\n\n".join))
def test_prose_without_markup_takes_the_plain_way(body):
    assert rendered_both_ways(body)


# Terms that overlap in every way: one within another at a word start, one starting another,
# the same term in two groups, differing only in case, with a space or a hyphen.
FRAMING_TERMS = ["kim", "kim jong", "jong un", "un", "tentara", "tentaranya", "ra", "nuklir", "denuklirisasi",
                 "KTT", "ktt", "a-b", "b", "hubungan baik", "baik", "ſanksi", "sanksi"]
FRAMING_TEXT = st.lists(st.sampled_from(["Kim", "Jong", "Un", "tentaranya", "TENTARA", "ra", "nuklir", "denuklirisasi",
                                         "KTT", "a-b", "b", "hubungan", "baik", "ſanksi", "Sanksi", "dan", ".", ","]),
                        max_size=15).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(FRAMING_TERMS), min_size=1, max_size=4), min_size=1, max_size=4),
       st.lists(FRAMING_TEXT, min_size=1, max_size=3))
def test_framing_counted_in_one_search_is_what_a_search_per_group_counts(groups, paragraphs):
    from types import SimpleNamespace

    from site_builder.analysis.framing import FramingCounter, framing_counts

    counter = FramingCounter([SimpleNamespace(terms=tuple(terms)) for terms in groups])
    assert counter.counts(paragraphs) == tuple(count for terms in groups for count in framing_counts(terms, paragraphs))


@pytest.mark.parametrize("first, second, text", [
    ("kim jong", "jong un", "Kim Jong Un"),  # one starts at a word start within the other
    ("kim jong un", "jong", "Kim Jong Un"),  # one starts with the other from a word start within it
    ("tentaranya", "tentara", "tentaranya"),  # one starts with the other
    ("a-b", "b", "a-b"),  # a word starts after a hyphen
    ("ktt", "KTT", "KTT"),  # the same term in any case
    ("sanksi", "ſanksi", "ſanksi"),  # letters beyond ASCII
])
def test_terms_of_two_groups_that_can_overlap_are_searched_apart(first, second, text):
    from types import SimpleNamespace

    from site_builder.analysis.framing import FramingCounter, framing_counts

    for groups in (((first,), (second,)), ((second,), (first,))):
        counter = FramingCounter([SimpleNamespace(terms=terms) for terms in groups])
        assert counter.together is None
        assert counter.counts([text]) == framing_counts(groups[0], [text]) + framing_counts(groups[1], [text])


def test_the_project_lexicon_is_counted_in_one_search():
    from pathlib import Path

    from site_builder.analysis.framing import FramingCounter
    from site_builder.lexicon import parse_lexicon
    from site_builder.load import RawFile

    path = Path(__file__).resolve().parent.parent / "content" / "lexicon.yaml"
    groups, errors, _ = parse_lexicon(RawFile("content/lexicon.yaml", path.read_text()))
    assert groups and not errors
    assert FramingCounter(groups).together is not None


CITING = st.lists(st.sampled_from(["Dikutip", "dari", "dikutip dari", "menurut", "Menurut", "kepada", "KEPADA", "kepadaAP",
                                   "xmenurut", "laporan", "Reuters", "Reuterſ", "AP", "ap", "KCNA", "Yonhap", "ſumber",
                                   "sumber", "Kim", "kata", "bahwa", ",", "."]),
                  min_size=1, max_size=14).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(CITING, min_size=1, max_size=3))
def test_sources_cited_skipping_paragraphs_naming_none_and_sentences_with_no_cue_are_those_found_looking_at_all(
        paragraphs):
    from site_builder.analysis.sources import SourceFinder
    from site_builder.models import Gazetteer, Source

    gazetteer = Gazetteer(sources=(Source("reuters", "Reuters", ("Reuters",), "wire", "UK"),
                                   Source("ap", "AP", ("AP",), "wire", "US"),
                                   Source("kcna", "KCNA", ("KCNA",), "state media", "DPRK"),
                                   Source("yonhap", "Yonhap", ("Yonhap",), "wire", "ROK")),
                          cues=("dikutip dari", "menurut", "kepada", "laporan", "sumber"))
    quick, every = SourceFinder(gazetteer), SourceFinder(gazetteer)
    every._may_cite = every._may_name = lambda text: True
    assert quick.cited(paragraphs) == every.cited(paragraphs)


@settings(max_examples=500, deadline=None)
@given(CITING)
def test_whether_a_name_is_in_a_text_is_what_finding_the_names_tells(text):
    from site_builder.analysis.names import AliasIndex
    from site_builder.models import Source

    index = AliasIndex((Source("reuters", "Reuters", ("Reuters",), "wire", "UK"), Source("ap", "AP", ("AP",), "wire", "US"),
                        Source("kcna", "KCNA", ("KCNA", "Kantor Berita Pusat Korea"), "state media", "DPRK"),
                        Source("yonhap", "Yonhap", ("Yonhap", "kepada"), "wire", "ROK")))
    assert index.named_in(text) == bool(index.find(text))


QUOTING = st.lists(st.sampled_from(["Ana", "Ana Putri", "Bo", "Bo Lee", "\"Kami siap", "berunding\"", "“Kami", "tidak mundur”",
                                    "'musuh'", "kata", "ujarnya", "menurut", "mengatakan", ",", ".", "Jakarta", "\"Bo\""]),
                   min_size=1, max_size=14).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(QUOTING, min_size=1, max_size=4))
def test_speakers_found_with_the_names_each_paragraph_was_searched_for_are_those_found_searching_again(paragraphs):
    from site_builder.analysis.quotes import QuoteFinder
    from site_builder.models import Gazetteer, Person

    gazetteer = Gazetteer(people=(Person("ana", "Ana Putri", ("Ana Putri", "Ana"), "Menteri", "other"),
                                  Person("bo", "Bo Lee", ("Bo Lee", "Bo"), "Duta besar", "ROK")),
                          reporting_verbs=("kata", "ujar"), introducing=("mengatakan", "menurut"))
    finder = QuoteFinder(gazetteer)
    people_in = [finder.people.find(paragraph) for paragraph in paragraphs]
    assert finder.find(paragraphs, people_in) == finder.find(paragraphs)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab '\"“”‘’\n.", max_size=40))
def test_quotes_are_found_where_the_single_quote_check_put_first_finds_them(text):
    from site_builder.analysis.quotes import _QUOTES

    check_first = re.compile(r"“([^”]+)”|\"([^\"]+)\"|‘([^’]+)’|(?<!\w)'([^'\n]{2,80}?)'(?!\w)")
    assert [(m.span(), m.groups()) for m in _QUOTES.finditer(text)] == \
        [(m.span(), m.groups()) for m in check_first.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aB1 .!?\"”’'“(\n\t", max_size=40))
def test_sentences_split_where_looking_back_first_splits_them(text):
    from site_builder.analysis.text import _SENTENCE_END

    looking_back_first = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[\"“‘'(]?[A-Z0-9])")
    assert _SENTENCE_END.split(text) == looking_back_first.split(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet="APKa(-. ", min_size=1, max_size=4), min_size=1, max_size=6),
       st.text(alphabet="APKa(-. xX\n", max_size=40), st.sampled_from(["", r"(?![\w-])"]))
def test_terms_by_first_character_match_what_the_alternation_matches(terms, text, tail):
    from site_builder.analysis.text import alternation, alternation_by_first

    assert [m.span() for m in alternation_by_first(terms, tail).finditer(text)] == \
        [m.span() for m in alternation(terms, tail).finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ09_ -'’.,\"“”()\n\t\u00a0\u2003éİß٣—")) | st.characters(), max_size=80))
@example("Kim Jong-un's 3.682 tentara, (AS) di Korea-Utara -- semua' ’itu_ya")
def test_word_count_is_the_number_of_words_the_search_finds(text):
    """markdown.word_count: the parts between whitespace that are all letters and digits counted
    as one word each, the rest searched, against searching the whole text."""
    from site_builder.markdown import _WORD, word_count

    assert word_count(text) == len(_WORD.findall(text))
