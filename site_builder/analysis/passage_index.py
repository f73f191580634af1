"""The reused-passage index (passages.py), kept between builds and brought up to date instead of
being built again.

The index holds every sentence's distinct shingles in two numpy arrays sorted by shingle
(`shingles`, and the `sentences` each occurs in), so the sentences sharing a shingle sit side by
side. A sentence's id is its story's number (given when the story enters the index) shifted left
by PLACE_BITS, plus its place among the story's sentences (passage_sentences).

An update takes out the sentences of stories that changed or went and puts in those of new and
changed stories. Then only two kinds of pairs can have changed, and are worked out again: pairs of
a sentence put in, and pairs of a sentence holding a shingle whose count crossed a limit of
"telling" (1 to 2 or COMMON to COMMON + 1, either way). Any other pair shares the same telling
shingles as before, and its sentences are the same length: it stays as it was.
"""
from __future__ import annotations

import ctypes

import numpy as np
import numpy.ma  # noqa: F401  np.unique imports it when first called (numpy 2.4: 0.06 s), which was while the
# build waited for the index's answer (passage_keeper.py); imported with numpy, it is while the index waits to be asked

from site_builder.analysis.passages import (PASSAGE_MIN_SHARED, PASSAGE_SIMILARITY, NewStories, SentencePair,
                                            StoryPassages, pairs_in_order, passage_shingles)
from site_builder.analysis.shared import COMMON, Pair

PLACE_BITS = 32
PLACE_MASK = (1 << PLACE_BITS) - 1


class PassageIndex:
    def __init__(self):
        self.stories: dict[str, tuple[int, str, tuple[int, ...]]] = {}  # key -> number, outlet, shingles per sentence
        self.shingles = np.empty(0, np.int64)  # sorted
        self.sentences = np.empty(0, np.int64)  # the sentence each of `shingles` occurs in
        self.pairs: dict[tuple[int, int], int] = {}  # reused passage (lower id first) -> telling shingles shared
        self.next_number = 0
        self.room: dict[str, np.ndarray] = {}  # "shingles", "sentences" -> the array it starts, with room to grow

    def __getstate__(self) -> dict:
        """Each array is kept with room after it (zeros; _room_for), so that the next update puts in
        more than it takes out without a new array either (see SCAN_BLOCK)."""
        state = dict(self.__dict__)
        room = state.pop("room")
        for name in ("shingles", "sentences"):
            state[name] = _with_room(state[name], room.get(name))
        return state

    def __setstate__(self, state: dict) -> None:
        room = {}
        for name in ("shingles", "sentences"):
            buffer, length = state[name]
            state[name], room[name] = buffer[:length], buffer
        self.__dict__.update(state, room=room)

    def reused_passages(self, stories: list[StoryPassages]) -> list[Pair]:
        """Brings the index to `stories` (in the site's order) and returns the reused passages:
        in each pair the earlier sentence first, the pairs in that order too."""
        self.bring_up_to_date([(s.key, s.outlet) for s in stories], NewStories.of(
            {s.key: s.shingles if s.shingles is not None else passage_shingles(s.body.paragraphs)
             for s in stories if s.key not in self.stories}))
        return pairs_in_order(stories, self.found())

    def bring_up_to_date(self, stories: list[tuple[str, str]], new: NewStories) -> list[str]:
        """Brings the index to `stories` (key and outlet of each), given (`new`) the shingles of
        those it does not hold. Returns the keys of those it does not hold and whose shingles are
        not given, and then changes nothing."""
        given = set(new.keys)
        missing = [key for key, _ in stories if key not in self.stories and key not in given]
        if not missing:
            outlets = dict(stories)
            wanted = {key for key in outlets if key not in self.stories}
            if len(wanted) != len(new.keys):  # some given are held already, or no longer in the site
                new = new.only(wanted)
            self.update(gone=[key for key in self.stories if key not in outlets], added=new, outlets=outlets)
        return missing

    def found(self) -> list[SentencePair]:
        """The reused passages among the stories in the index, in no particular order."""
        numbers, _, sizes = self._columns()
        key_of = dict(zip(numbers, self.stories))
        size = self._size_of(numbers, sizes)
        return [SentencePair(key_of[a >> PLACE_BITS], a & PLACE_MASK, key_of[b >> PLACE_BITS], b & PLACE_MASK,
                             round(shared / min(size(a), size(b)), 2)) for (a, b), shared in self.pairs.items()]

    def update(self, gone: list[str], added: NewStories, outlets: dict[str, str]) -> None:
        """Takes out the stories `gone` (keys) and puts in those `added` (of the `outlets` given
        by key), then works out again the pairs that can have changed."""
        # At a first build of 10,000 stories, each array here is 36 MB: each is let go once used,
        # so that working out the pairs, the peak of the build's memory, does not hold them. (On
        # the benchmark's corpus, the first build's arrays beside the index's own two went from
        # 100 MB at most to 33 MB with `_number` and `_repeated_runs`.)
        gone_numbers = [self.stories.pop(key)[0] for key in gone]
        new_sentences, new_ids, new_shingles = self._number(added, outlets)
        if len(self.shingles) == 0:  # a new index (a first build): every sentence is new, and so is every pair
            self.shingles, self.sentences = new_shingles, new_ids
            self.room = {"shingles": new_shingles.base, "sentences": new_ids.base}
            del new_shingles, new_ids
            self.pairs = self._pairs_of(self.shingles, None)
            return
        touched = _distinct(new_shingles)
        drop = np.empty(0, np.int64)  # positions of the sentences of the stories gone
        if gone_numbers:
            drop = _positions_of_stories(self.sentences, gone_numbers)
            touched = np.union1d(touched, self.shingles[drop])
        before = self._counts(touched)
        at = np.searchsorted(self.shingles, new_shingles, side="right")
        room = self.room
        self.shingles = _spliced(self.shingles, drop, at, new_shingles, room.get("shingles"))
        self.sentences = _spliced(self.sentences, drop, at, new_ids, room.get("sentences"))
        self.room = {name: buffer for name, buffer in room.items() if _starts(buffer, getattr(self, name))}
        del drop, at, new_ids
        crossed = touched[_telling(before) != _telling(self._counts(touched))]
        del touched, before
        redo = np.union1d(new_sentences, self.sentences[_ranges(*self._runs(crossed))])
        del crossed
        gone_set, redo_set = set(gone_numbers), set(redo.tolist())
        self.pairs = {pair: shared for pair, shared in self.pairs.items()
                      if not (pair[0] >> PLACE_BITS in gone_set or pair[1] >> PLACE_BITS in gone_set
                              or pair[0] in redo_set or pair[1] in redo_set)}
        del redo_set
        everything = len(redo) == sum(len(sizes) for _, _, sizes in self.stories.values())
        if everything:
            self.pairs.update(self._pairs_of(self.shingles, None))
        elif len(redo) == len(new_sentences):  # no old sentence to work out again
            self.pairs.update(self._pairs_of(new_shingles, redo))
        else:
            self.pairs.update(self._pairs_of(self.shingles[np.isin(self.sentences, redo)], redo))

    def _number(self, added: NewStories, outlets: dict[str, str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Gives each story added its number. The ids of their sentences; then their shingles,
        sorted, and the id of the sentence each of those is in.

        Sorted by way of the sentence each shingle is in as a 32-bit number, rather than an array
        of the 64-bit ids in the shingles' order: a 36 MB array fewer at a first build."""
        sentences, lengths = [], []
        for key, sizes in zip(added.keys, added.sizes):
            number, self.next_number = self.next_number, self.next_number + 1
            self.stories[key] = (number, outlets[key], sizes)
            sentences.extend(number << PLACE_BITS | place for place in range(len(sizes)))
            lengths.extend(sizes)
        ids = np.array(sentences, np.int64)
        shingles = np.frombuffer(added.data, np.int64)
        order = _sorting_order(shingles)
        in_sentence = np.repeat(np.arange(len(ids), dtype=np.int32), np.array(lengths, np.int64))[order]
        room = len(self.shingles) == 0  # the index's own arrays: made with room after them (_room_for)
        shingles = _taken(shingles, order, room)
        del order
        return ids, _taken(ids, in_sentence, room), shingles

    def _runs(self, shingles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each of `shingles` starts and ends in the index."""
        return (np.searchsorted(self.shingles, shingles, side="left"),
                np.searchsorted(self.shingles, shingles, side="right"))

    def _counts(self, shingles: np.ndarray) -> np.ndarray:
        """In how many sentences each of `shingles` occurs."""
        start, end = self._runs(shingles)
        return end - start

    def _pairs_of(self, their_shingles: np.ndarray, redo: np.ndarray | None) -> dict[tuple[int, int], int]:
        """The reused passages with a sentence in `redo` (sorted ids; None: any), whose shingles
        are `their_shingles` (sorted)."""
        start, end = _repeated_runs(self.shingles) if their_shingles is self.shingles else \
            self._runs(_distinct(their_shingles))
        telling = _telling(end - start)
        start, end = start[telling], end[telling]
        numbers, outlets, sizes = self._columns()
        ids, first_of_story = self._sentence_ids(numbers, sizes)
        outlet = self._outlet_codes(numbers, outlets)
        pair_codes = []  # each pair of sentences sharing a telling shingle, once for each: low * len(ids) + high
        for length in np.unique(end - start).tolist():  # the sentences sharing a shingle, by how many they are
            members = self.sentences[start[end - start == length][:, None] + np.arange(length)]
            a, b = np.triu_indices(length, 1)
            first, second = members[:, a].ravel(), members[:, b].ravel()
            keep = outlet[first >> PLACE_BITS] != outlet[second >> PLACE_BITS]
            if redo is not None:
                keep &= np.isin(first, redo) | np.isin(second, redo)
            first, second = _position(first[keep], first_of_story), _position(second[keep], first_of_story)
            pair_codes.append(np.minimum(first, second) * len(ids) + np.maximum(first, second))
        if not pair_codes:
            return {}
        del start, end, telling
        codes = np.concatenate(pair_codes)  # at a first build of 10,000 stories, 1.8 million
        del pair_codes
        codes.sort()  # in place: np.unique would sort a copy
        start, end = _repeated_runs(codes)  # most share one shingle (their code occurs once); PASSAGE_MIN_SHARED > 1
        enough = end - start >= PASSAGE_MIN_SHARED
        size = self._size_of(numbers, sizes)
        pairs = {}
        for code, count in zip(codes[start[enough]].tolist(), (end - start)[enough].tolist()):
            pair = (int(ids[code // len(ids)]), int(ids[code % len(ids)]))
            if count / min(size(pair[0]), size(pair[1])) >= PASSAGE_SIMILARITY:
                pairs[pair] = count
        return pairs

    def _columns(self) -> tuple[tuple[int, ...], tuple[str, ...], tuple[tuple[int, ...], ...]]:
        """The stories' numbers, outlets and sentence sizes, each in the stories' order: made in
        one go, in C. At 10,000 stories, a Python loop over the stories for each of them, where
        each was needed, took the index's process about 11 against 5.5 ms of an edit, while the
        build waited for its answer."""
        return tuple(zip(*self.stories.values())) or ((), (), ())

    def _sentence_ids(self, numbers: tuple[int, ...], sizes: tuple) -> tuple[np.ndarray, np.ndarray]:
        """The ids of all sentences in the index, sorted; and by story number, where the story's
        first sentence is among them (_position). (`numbers` and `sizes`: _columns.)"""
        counts = np.fromiter(map(len, sizes), np.int64, len(sizes))
        numbers = np.array(numbers, np.int64)
        order = np.argsort(numbers)
        numbers, counts = numbers[order], counts[order]
        first_of_story = np.zeros(self.next_number, np.int64)
        first_of_story[numbers] = np.cumsum(counts) - counts
        places = np.arange(counts.sum(), dtype=np.int64) - np.repeat(first_of_story[numbers], counts)
        return np.repeat(numbers << PLACE_BITS, counts) | places, first_of_story

    def _outlet_codes(self, numbers: tuple[int, ...], outlets: tuple[str, ...]) -> np.ndarray:
        """A number for the outlet of each story number (-1 for numbers no longer in use)."""
        codes = np.full(self.next_number, -1, np.int64)
        code_of = {outlet: code for code, outlet in enumerate(dict.fromkeys(outlets))}
        # in one assignment: element by element, 10,000 stories took 3.5-4.4 ms in the index's process
        codes[np.array(numbers, np.int64)] = list(map(code_of.__getitem__, outlets))
        return codes

    @staticmethod
    def _size_of(numbers: tuple[int, ...], sizes: tuple):
        """A function: sentence id -> how many shingles the sentence has."""
        by_number = dict(zip(numbers, sizes))
        return lambda sentence: by_number[sentence >> PLACE_BITS][sentence & PLACE_MASK]


# New memory: on this project's virtual machine, each page of memory newly given to a process costs
# 2.4-3.4 us to touch (measured page by page, pause or not; sometimes far more), so an edit's update
# avoids making arrays as long as the index (36 MB each at 10,000 stories). Measured in the index's
# process, the first edit after 30 s idle, then the next one: the update 0.16-0.21 s against
# 0.04-0.05 s, of it a shifted copy of `sentences` (finding the stories gone) 0.095 s against 0.014 s
# and the second array spliced 0.07-0.08 s against 0.007 s.
SCAN_BLOCK = 1 << 17  # elements of `sentences` looked at a time by _positions_of_stories


def _positions_of_stories(sentences: np.ndarray, numbers: list[int]) -> np.ndarray:
    """The positions in `sentences` (ids) of the sentences of the stories `numbers`, in order:
    looked for a block at a time, shifted into one small array used again, rather than in a
    shifted copy of the whole array (new memory: see above)."""
    scratch = np.empty(min(len(sentences), SCAN_BLOCK), np.int64)
    found = [np.empty(0, np.int64)]
    for start in range(0, len(sentences), SCAN_BLOCK):
        block = sentences[start:start + SCAN_BLOCK]
        shifted = np.right_shift(block, PLACE_BITS, out=scratch[:len(block)])
        if len(numbers) == 1:  # an edit's one story: compared, without isin's table (7.7 -> 4.1 ms at 10,000 stories)
            found.append(np.flatnonzero(shifted == numbers[0]) + start)
        else:
            found.append(np.flatnonzero(np.isin(shifted, numbers, kind="table")) + start)
    return np.concatenate(found)


SPLICE_BY_PIECES = 20_000  # up to this many elements taken out and put in, _spliced copies the runs between them
ROOM = 1 << 16  # elements kept after each array when the index is saved, at most: a few hundred stories' sentences


def _room_for(length: int) -> int:
    """How many elements to keep after an array of `length` (a small site's index stays small)."""
    return min(ROOM, max(256, length // 16))


def _starts(buffer, array: np.ndarray) -> bool:
    """Whether `array` is the start of `buffer`, a writable array of its kind with room after it."""
    return (isinstance(buffer, np.ndarray) and buffer.ndim == 1 and buffer.dtype == array.dtype
            and buffer.flags.writeable and buffer.flags.c_contiguous and len(buffer) > len(array)
            and buffer.ctypes.data == array.ctypes.data)


def _empty_with_room(length: int, dtype) -> np.ndarray:
    """An uninitialised array of `length` elements and the room _room_for gives after them."""
    return np.empty(length + _room_for(length), dtype)


def _sorting_order(values: np.ndarray) -> np.ndarray:
    """An order that sorts `values` (int64), equal ones by place, by way of np.sort, which numpy
    does with the processor's vector instructions where it has them: 3.6 million shingles at a first
    build of 10,000 stories took 0.24-0.29 s with np.argsort (0.45 s stable), about 0.05 s this
    way. Each value's last bits make way for its place, and the values are sorted with them; values
    alike but for those bits (one or two pairs at that size) are then put in order (_sort_run)."""
    place_bits = max(1, (len(values) - 1).bit_length())
    if place_bits > 40:
        return np.argsort(values, kind="stable")
    keys = values >> place_bits
    keys <<= place_bits
    keys |= np.arange(len(values), dtype=np.int64)
    keys.sort()
    order = np.bitwise_and(keys, (1 << place_bits) - 1, out=keys)
    for start in range(0, len(order), SORTED_CHECK_BLOCK):  # in blocks: values[order] whole would add to the peak
        block = values[order[start:start + SORTED_CHECK_BLOCK + 1]]
        for at in np.flatnonzero(block[1:] < block[:-1]).tolist():
            _sort_run(values, order, start + at, place_bits)
    return order


SORTED_CHECK_BLOCK = 1 << 20


def _sort_run(values: np.ndarray, order: np.ndarray, at: int, place_bits: int) -> None:
    """Puts in order the run of `order` around `at` and at + 1 whose values are alike but for
    their last `place_bits`."""
    alike = int(values[order[at]]) >> place_bits
    low, high = at, at + 2
    while low > 0 and int(values[order[low - 1]]) >> place_bits == alike:
        low -= 1
    while high < len(order) and int(values[order[high]]) >> place_bits == alike:
        high += 1
    run = order[low:high]
    order[low:high] = run[np.argsort(values[run], kind="stable")]


def _taken(values: np.ndarray, positions: np.ndarray, room: bool) -> np.ndarray:
    """values[positions], as the start of an array with room after it (_room_for) if `room` (the
    index's arrays at a first build: given room as they are made, they need not be copied to be
    saved with it, which at 10,000 stories put 87 MB on the peak of a cold build)."""
    buffer = _empty_with_room(len(positions), values.dtype) if room else np.empty(len(positions), values.dtype)
    taken = buffer[:len(positions)]
    np.take(values, positions, out=taken, mode="clip")  # ("clip": not through a buffer of its own)
    return taken


def _with_room(array: np.ndarray, buffer: np.ndarray | None) -> tuple[np.ndarray, int]:
    """`array` as the start of a buffer with room after it (zeros), and its length: `buffer`
    where that holds it with room enough, else a new one."""
    if buffer is None or not _starts(buffer, array) or len(buffer) - len(array) < _room_for(len(array)) // 2:
        buffer = _empty_with_room(len(array), array.dtype)
        buffer[:len(array)] = array
    buffer[len(array):] = 0
    return buffer, len(array)


def _spliced(array: np.ndarray, drop: np.ndarray, at: np.ndarray, values: np.ndarray,
             room: np.ndarray | None = None) -> np.ndarray:
    """`array` without its elements at the positions `drop`, with `values` put in before the
    positions `at` (both sorted, positions in `array`). Made in `array`'s own memory where no more
    is put in than taken out, or where `room` (an array `array` is the start of) has room for
    what is put in: then `array` (and `room`) changes (_spliced_in_place).

    An edit takes out and puts in a few hundred elements of arrays of millions: copying the runs
    between them took a third of the time of a boolean mask and np.insert (new memory for each
    array once instead of twice). Many changes at once, where a loop over them would cost more
    than the copies, go through the mask."""
    if len(array) == 0:  # a new index: nothing to splice into
        return values
    if len(drop) + len(values) > SPLICE_BY_PIECES:
        kept = np.delete(array, drop)
        return np.insert(kept, at - np.searchsorted(drop, at), values)
    cuts = sorted([(place, 0, index) for index, place in enumerate(at.tolist())] +  # put in before taken out
                  [(place, 1, 0) for place in drop.tolist()])
    size = len(array) - len(drop) + len(values)
    if room is not None and _starts(room, array) and len(room) >= size:
        return _spliced_in_place(room, len(array), cuts, values)
    if len(values) <= len(drop) and array.flags.writeable and array.flags.c_contiguous:
        return _spliced_in_place(array, len(array), cuts, values)
    pieces, start = [], 0
    for place, taken_out, index in cuts:
        pieces.append(array[start:place])
        if taken_out:
            start = place + 1
        else:
            pieces.append(values[index:index + 1])
            start = place
    pieces.append(array[start:])
    return np.concatenate(pieces)


def _spliced_in_place(array: np.ndarray, length: int, cuts: list[tuple[int, int, int]],
                      values: np.ndarray) -> np.ndarray:
    """_spliced of the first `length` elements of `array`, in `array`'s own memory (which it
    changes; the result is its start, as long as `array` holds it) rather than in a new array
    (see SCAN_BLOCK). An edit that leaves a story's sentences as they were takes out and puts in
    as many; one that adds sentences puts in more, into the room after them.

    Each run of elements between two cuts moves by its own distance: those moving left are moved
    first, in order, then those moving right, from the last; each lands where no run still to be
    moved lies, as the runs keep their order. Then the values put in fill the places between."""
    runs, placed = [], []  # (from, to, where it goes), and (where it goes, which of `values`)
    start = end = 0
    for place, taken_out, index in cuts:
        runs.append((start, place, end))
        end += place - start
        if taken_out:
            start = place + 1
        else:
            placed.append((end, index))
            end += 1
            start = place
    runs.append((start, length, end))
    end += length - start
    width, base = array.itemsize, array.ctypes.data
    for first, last, goes in [run for run in runs if run[2] < run[0]] + [run for run in reversed(runs) if run[2] > run[0]]:
        if last > first:
            ctypes.memmove(base + goes * width, base + first * width, (last - first) * width)
    if placed:
        where, which = zip(*placed)
        array[list(where)] = values[list(which)]
    return array[:end]


def _telling(counts: np.ndarray) -> np.ndarray:
    return (counts >= 2) & (counts <= COMMON)


def _distinct(ordered: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array."""
    if len(ordered) == 0:
        return ordered
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])]


def _position(ids: np.ndarray, first_of_story: np.ndarray) -> np.ndarray:
    """Where sentences (by id) are among all the index's sentences sorted (_sentence_ids): a
    look-up by story number rather than a binary search, which at a first build of 10,000
    stories took 0.26 s of the index's 0.8-1.0 s (3.6 million sentences of pairs to place)."""
    return first_of_story[ids >> PLACE_BITS] + (ids & PLACE_MASK)


def _repeated_runs(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each value occurring more than once in a sorted array starts and ends (the end
    past its last place). Found from where neighbours are equal, rather than from where each
    distinct value starts: in the index and among the pairs, most values occur once."""
    same_as_next = (ordered[1:] == ordered[:-1]).astype(np.int8)
    edges = np.diff(same_as_next, prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) + 1


def _ranges(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The positions start[0]..end[0]-1, start[1]..end[1]-1, ... in one array."""
    lengths = end - start
    offsets = np.repeat(start - np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64), lengths)
    return offsets + np.arange(lengths.sum(), dtype=np.int64)
