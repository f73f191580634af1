"""articles.json brought up to date line by line instead of made again.

articles.json has a line for each story (structured.json_lines): 13 MB at 10,000 stories, where
an edit changes a line or two. The build cache keeps the last build's file (a hard link to the
file in the output, or a copy where links are not to be had), the digest each line was made under
(the story's StoryView.cache_digest, which covers all the line shows) and where each line starts.
The next build takes every line whose digest is among them from that file, a run of neighbouring
lines at a time, and makes only the others; the runs are not read but copied from file to file
as the new file is written (write.Spliced). Before, each line was kept in the result cache
(cache.ResultCache) and looked up story by story: at 10,000 stories, loading and looking up the
10,000 lines took 0.02-0.03 s of every edit.

The kept file is trusted only while its size and modification time are those recorded when it
was kept (a copy restored by a CI cache keeps both, as the page cache trusts pages); else every
line is made again (0.6 s at 10,000 stories).
"""
from __future__ import annotations

import os
import shutil
from array import array
from pathlib import Path

from site_builder.cache import FOLDER, load_kept, save_kept
from site_builder.structured import LINES_BETWEEN, LINES_CLOSE, LINES_OPEN, framed_lines, json_lines
from site_builder.write import Spliced, file_stamp, rename_over

KEPT_AS = "articles"  # cache.save_kept's name for the record of the kept file
KEPT_FILE = "articles.json"  # in the build cache's folder


class KeptLines:
    """articles.json between builds (see above), for the build cache of the project at `root`."""

    def __init__(self, root: Path):
        self.root = root
        self.path = root / FOLDER / KEPT_FILE
        self.made: tuple[list[str], array] | None = None  # this build's digests and line starts, once made

    def made_of(self, stories, make_line) -> bytes | Spliced:
        """The bytes of articles.json for `stories` (StoryViews, in order): the lines of the kept
        file where their digest is there, make_line(story) for the others; as write.Spliced, the
        kept file's lines as ranges of it, where any is taken from it."""
        digests = [story.cache_digest for story in stories]
        if not stories or None in digests:
            return json_lines([make_line(story) for story in stories])
        old = self._kept()
        stamp, kept_digests, starts = old if old else ((0, 0, 0), (), array("q"))
        if len(kept_digests) == len(digests):  # the same stories, as most edits leave them
            changed = _differing(tuple(digests), kept_digests, SAME_PLACE_CHANGES)
            if changed is not None and len(changed) < len(digests):
                return self._made_in_place(stories, digests, changed, make_line, stamp, starts)
        at = {digest: index for index, digest in enumerate(kept_digests)}
        pieces: list = []  # runs of the kept file's lines [first, last], and lines made
        lengths = array("q")  # of each line
        for story, digest in zip(stories, digests):
            index = at.get(digest)
            if index is None:
                line = make_line(story)
                pieces.append(line)
                lengths.append(len(line))
                continue
            if pieces and type(pieces[-1]) is list and pieces[-1][1] == index - 1:
                pieces[-1][1] = index
            else:
                pieces.append([index, index])
            lengths.append(_end(starts, stamp[0], index) - starts[index])
        self.made = digests, _starts(lengths)
        if all(type(piece) is bytes for piece in pieces):
            return json_lines(pieces)
        return Spliced(os.fspath(self.path), stamp, framed_lines(
            [piece if type(piece) is bytes else (starts[piece[0]], _end(starts, stamp[0], piece[1])) for piece in pieces]))

    def _made_in_place(self, stories, digests: list[str], changed: list[int], make_line, stamp: tuple,
                       starts: array) -> Spliced:
        """made_of where only the lines at `changed` (places, in order) differ from the kept file's
        lines at the same places: the kept file's runs of lines between them, and where the lines
        after a changed one start shifted by as much as its length changed. At 10,000 stories,
        an edit took 1-2 ms this way, against 10-12 ms looking up every line's digest."""
        size, count = stamp[0], len(digests)
        pieces: list = []
        moved = array("q", starts)  # where each line starts in the new file
        at = shift = 0  # the first line not yet placed, and how far the lines from there moved
        for index in (*changed, count):
            if at < index:
                pieces.append((starts[at], _end(starts, size, index - 1)))
                if shift:
                    moved[at:index] = array("q", [start + shift for start in starts[at:index]])
            if index == count:
                break
            line = make_line(stories[index])
            pieces.append(line)
            moved[index] = starts[index] + shift
            shift += len(line) - (_end(starts, size, index) - starts[index])
            at = index + 1
        self.made = digests, moved
        return Spliced(os.fspath(self.path), stamp, framed_lines(pieces))

    def save(self, out: Path, url: str, written: dict[str, tuple]) -> None:
        """After the site was written (`written`: the stamp of each file, write.Written): keeps
        the file at `url` in `out` for the next build, if this build made it."""
        if self.made is None or url not in written:
            return
        try:
            staged = self.path.with_name(f".{KEPT_FILE}.new")
            staged.unlink(missing_ok=True)
            try:
                os.link(out / url, staged)
                linked = True
            except OSError:  # no hard links here: a copy then
                shutil.copyfile(out / url, staged)
                linked = False
            stamp = file_stamp(os.stat(staged))
            if stamp != written[url] if linked else stamp[0] != written[url][0]:  # not the file written
                staged.unlink()
                return
            rename_over(staged, self.path)
        except OSError:
            return  # then the next build makes every line again
        digests, starts = self.made
        save_kept(self.root, KEPT_AS, (stamp[0], stamp[2], tuple(digests), starts.tobytes()))

    def _kept(self) -> tuple[tuple, tuple[str, ...], array] | None:
        """The kept file's stamp, its lines' digests and starts; None if it is not as kept."""
        record = load_kept(self.root, KEPT_AS, tuple)
        if record is None or len(record) != 4:
            return None
        size, modified, digests, starts = record
        try:
            stamp = file_stamp(os.stat(self.path))
        except OSError:
            return None
        if (stamp[0], stamp[2]) != (size, modified) or size == 0:
            return None
        lines = array("q")
        lines.frombytes(starts)
        return (stamp, digests, lines) if len(lines) == len(digests) else None


SAME_PLACE_CHANGES = 64  # lines, at most, that made_of changes in place (_differing); more: line by line


def _differing(new: tuple, old: tuple, limit: int) -> list[int] | None:
    """The places, in order, where two tuples of the same length differ; None if more than `limit`.
    Found by halving: a run of places is compared whole (in C, not place by place in Python),
    and only a run that differs is halved."""
    found: list[int] = []
    runs = [(0, len(new))]
    while runs:
        start, end = runs.pop()
        if new[start:end] == old[start:end]:
            continue
        if end - start == 1:
            found.append(start)
            if len(found) > limit:
                return None
            continue
        middle = (start + end) // 2
        runs += ((middle, end), (start, middle))  # the first half next: places come out in order
    return found


def _starts(lengths: array) -> array:
    """Where each line starts in json_lines' bytes, from the lines' lengths."""
    starts, at = array("q"), len(LINES_OPEN)
    for length in lengths:
        starts.append(at)
        at += length + len(LINES_BETWEEN)
    return starts


def _end(starts: array, size: int, index: int) -> int:
    """Where line `index` ends in a file of `size` bytes whose lines start at `starts`."""
    return starts[index + 1] - len(LINES_BETWEEN) if index + 1 < len(starts) else size - len(LINES_CLOSE)
