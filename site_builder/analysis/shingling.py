"""Passage sentences' shingles as numbers: each run of SIZE words, hashed to 64 bits.

A word's number is a polynomial over its UTF-8 bytes, modulo 2**64, mixed (splitmix64's
finaliser); a run's number the same over its words' numbers. Modulo 2**64 is how numpy's
unsigned integers wrap, so numpy computes a whole story's numbers in a few array operations
(prefix sums for the words: see _numbers_with_numpy), where Python needs a step for every byte.
Both give the same numbers (tests/test_shortcuts.py); which one runs is a matter of speed only:

- numpy in a process that has it loaded: a worker preparing many stories loads it (`load_numpy`,
  0.07 s), and the passage index's process has it. On the benchmark's stories, hashing a story's
  passage words took 0.09 ms this way, against 0.25 ms with Python's tuple hash over words
  numbered by blake2b (a cache of the common words, a new digest for every other word): about a
  tenth of a worker's time on a story.
- Python elsewhere, 0.8 ms a story: an edit prepares one story in the build's own process, which
  would spend more on importing numpy.

The numbers are kept between builds (the passage index), under keys that cover this code.
"""
from __future__ import annotations

import sys
from array import array
from itertools import chain

MASK = (1 << 64) - 1
BYTE_BASE = 0x100000001B3  # odd, so that it has an inverse modulo 2**64
WORD_BASE = 0x9E3779B97F4A7C15
_MIX_1, _MIX_2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB

NUMPY_FROM = 1000  # stories to work on, from which loading numpy (in each worker) pays


def load_numpy() -> None:
    """From now on this process hashes with numpy."""
    import numpy  # noqa: F401


def sentence_shingles(sentences: list[list[str]], size: int) -> tuple[bytes, ...]:
    """For each sentence (its words: none empty, none with a space), its distinct shingles of
    `size` words, sorted as signed 64-bit numbers and packed (array "q")."""
    if not sentences:
        return ()
    numpy = sys.modules.get("numpy")
    if numpy is None:
        return tuple(array("q", sorted(set(_shingles_in_python(words, size)))).tobytes() for words in sentences)
    return _shingles_with_numpy(numpy, sentences, size)


# Python, a number at a time


def _mixed(x: int) -> int:
    x = ((x ^ (x >> 30)) * _MIX_1) & MASK
    x = ((x ^ (x >> 27)) * _MIX_2) & MASK
    return x ^ (x >> 31)


def _signed(x: int) -> int:
    return x - (1 << 64) if x >> 63 else x


def _word_number(word: str) -> int:
    number = 0
    for byte in word.encode():
        number = (number * BYTE_BASE + byte) & MASK
    return _mixed(number)


def _shingles_in_python(words: list[str], size: int):
    numbers = [_word_number(word) for word in words]
    for start in range(len(numbers) - size + 1):
        number = 0
        for word in numbers[start:start + size]:
            number = (number * WORD_BASE + word) & MASK
        yield _signed(_mixed(number))


# numpy, a story at a time

_powers: tuple = ()  # BYTE_BASE**i and its inverse**i, for i below the longest text hashed so far


def _shingles_with_numpy(np, sentences: list[list[str]], size: int) -> tuple[bytes, ...]:
    lengths = np.fromiter(map(len, sentences), np.int64, len(sentences))
    runs = int(lengths.sum()) - size + 1
    if runs <= 0:
        return (b"",) * len(sentences)
    numbers = _numbers_with_numpy(np, " ".join(chain.from_iterable(sentences)).encode())
    run = numbers[:runs].copy()
    for k in range(1, size):
        run *= np.uint64(WORD_BASE)
        run += numbers[k:k + runs]
    sentence_of = np.repeat(np.arange(len(sentences)), lengths)[:runs]
    within = np.arange(size - 1, size - 1 + runs) < np.cumsum(lengths)[sentence_of]  # the run ends in its sentence
    run = _mixed_array(np, run).view(np.int64)[within]
    sentence_of = sentence_of[within]
    order = np.lexsort((run, sentence_of))
    run, sentence_of = run[order], sentence_of[order]
    distinct = np.ones(len(run), bool)
    distinct[1:] = (run[1:] != run[:-1]) | (sentence_of[1:] != sentence_of[:-1])
    packed = run[distinct].tobytes()
    cuts = (np.searchsorted(sentence_of[distinct], np.arange(len(sentences) + 1)) * 8).tolist()
    return tuple(packed[start:end] for start, end in zip(cuts, cuts[1:]))


def _numbers_with_numpy(np, text: bytes):
    """The number of each word of `text` (words separated by single spaces). A word's polynomial
    sum(b[k] * B**(end-1-k)) is B**(end-1) times sum(b[k] * B**-k), a difference of prefix sums."""
    global _powers
    data = np.frombuffer(text, np.uint8)
    if len(_powers) == 0 or len(_powers[0]) < len(data):
        _powers = _powers_up_to(np, max(len(data), 2 * len(_powers[0]) if _powers else 1 << 16))
    power, inverse_power = _powers[0][:len(data)], _powers[1][:len(data)]
    prefix = np.zeros(len(data) + 1, np.uint64)
    np.cumsum(data * inverse_power, out=prefix[1:])
    spaces = np.flatnonzero(data == 32)
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [len(data)]))
    return _mixed_array(np, (prefix[ends] - prefix[starts]) * power[ends - 1])


def _powers_up_to(np, length: int) -> tuple:
    inverse = 1
    for _ in range(6):  # Newton's step doubles the low bits that are right: 1 -> 64
        inverse = inverse * (2 - BYTE_BASE * inverse) & MASK
    powers = []
    for base in (BYTE_BASE, inverse):
        steps = np.full(length, base, np.uint64)
        steps[0] = 1
        powers.append(np.cumprod(steps))
    return tuple(powers)


def _mixed_array(np, x):
    x ^= x >> np.uint64(30)
    x *= np.uint64(_MIX_1)
    x ^= x >> np.uint64(27)
    x *= np.uint64(_MIX_2)
    x ^= x >> np.uint64(31)
    return x
