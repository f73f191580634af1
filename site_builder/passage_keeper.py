"""The reused-passage index kept between builds (analysis/passage_index.py), worked on beside the
build.

At 10,000 stories, an edit spent about 0.4 s of its time on the index: importing numpy, loading
the 50 MB index, bringing it up to date and saving it again. With more than one worker, the index
lives in a process of its own, started as the build starts: it imports numpy and loads the index
while the build reads the stories, is brought up to date while the build checks them across
files, and is saved while the build renders and writes. It answers what the same code would
answer in the build's own process, which is where the work is done with one worker, or when the
helper cannot start or stops.

Once it has answered, the helper also looks at the file of every page the last build wrote
(cache.pages_changed_since) and says which are no longer as written, while the build goes on
with the views: the page cache then need not look at each file in the build's process.
"""
from __future__ import annotations

import multiprocessing
import sys
import time
from pathlib import Path

from site_builder.analysis.passages import NewStories, SentencePair, StoryPassages, pairs_in_order, passage_shingles
from site_builder.analysis.shared import Pair
from site_builder.analysis.shingling import NUMPY_FROM, load_numpy
from site_builder.cache import forget_kept, load_kept, pages_changed_since, save_kept
from site_builder.workers import start_method

KEPT_AS = "passages"  # cache.save_kept's name for the index
STOP_WAIT = 120  # seconds a helper that is no longer answering gets to end
ANSWER_WAIT = 60.0  # seconds, and PER_STORY_WAIT for each story, the helper gets to answer; then the work is done here
PER_STORY_WAIT = 0.005  # (at 10,000 stories, bringing a lost index up to date takes the helper about 2 s)
PAGES_CHANGED_SAID = 1000  # pages, at most, the helper names as changed (_pages_changed): about 50 KB


class PassageKeeper:
    def __init__(self, root: Path | None, beside: bool, out: Path | None = None):
        """The index `root`'s cache keeps (None: an empty one, not kept), in a process of its own
        if `beside`, which then also looks at the pages the last build wrote to `out`."""
        self.root = root
        self.stories: list[StoryPassages] = []
        self.question: tuple[list[tuple[str, str]], dict[str, tuple[bytes, ...]]] | None = None
        self.index = None  # here, when the work is done in this process
        self.helper = self.connection = None
        if beside and root is not None:
            try:
                context = multiprocessing.get_context(start_method())
                self.connection, theirs = context.Pipe()
                self.helper = context.Process(target=_keep, args=(theirs, root, out), name="passage index",
                                              daemon=True)
                self.helper.start()
                theirs.close()
            except OSError:  # no process to be had: the work is done here
                self.helper = None

    def ask(self, stories: list[StoryPassages]) -> None:
        """Starts bringing the index up to date with the site's `stories` (in any order)."""
        self.stories = stories
        self.question = ([(s.key, s.outlet) for s in stories],
                         {s.key: s.shingles for s in stories if s.shingles is not None})
        if self.helper:
            try:
                self.connection.send(self.question[0])
                _send(self.connection, self.question[1])
            except OSError:
                self._stop_helper()
                return
            # The helper has the shingles now (46 MB at 10,000 stories, in a first build): should it
            # stop, they are made again from the stories' paragraphs (_shingles_of) for those it lacks
            self.question = (self.question[0], {})
            self.stories = [story if story.shingles is None else story._replace(shingles=None) for story in stories]

    def reused_passages(self, order: list[str], sentences_of=None, in_order=pairs_in_order) -> list[Pair]:
        """The reused passages among the stories asked about, whose slugs `order` gives in the
        site's order: in each pair the earlier sentence first, the pairs in that order too
        (`in_order`: passages.pairs_in_order, or a build's kept copy of what it gives, which
        `sentences_of` is handed to)."""
        found = self._found_beside() if self.helper else None
        by_slug = {story.slug: story for story in self.stories}
        return in_order([by_slug[slug] for slug in order], found if found is not None else self._found_here(),
                        sentences_of)

    def pages_changed(self) -> set[str] | None:
        """After reused_passages: the pages the helper found changed since the last build wrote
        them (cache.pages_changed_since), or None if it has not said by now (it is not waited for)."""
        try:
            if self.helper and self.connection.poll(0):
                kind, value = self.connection.recv()
                return value if kind == "pages" else None
        except (EOFError, OSError):
            pass
        return None

    def close(self, save: bool) -> None:
        """At the end of a build: the index is saved if `save` (by the helper as soon as it has
        answered, whatever `save` says: what it keeps stands for the stories' text, not for a
        build that succeeded)."""
        if self.helper:
            if self.question is None:
                try:
                    self.connection.send(None)  # nothing asked: stop without saving
                except OSError:
                    pass
            self._stop_helper()
        elif self.index is not None and self.root is not None:
            if save:  # in `serve`, once the browser was told (74 MB at 10,000 stories: 0.2 s)
                save_kept(self.root, KEPT_AS, self.index, after_build=True)
            else:  # brought up to date with the stories of a build that failed
                forget_kept(self.root, KEPT_AS)

    def _found_beside(self) -> list[SentencePair] | None:
        """The helper's answer; None when it stopped, or did not answer in time (a process that
        hangs, rather than ends, must not hang the build): the work is then done here."""
        wait = ANSWER_WAIT + PER_STORY_WAIT * len(self.stories)
        try:
            while True:
                if not self.connection.poll(wait):
                    self._stop_helper(wait=0)
                    return None
                kind, value = self.connection.recv()
                if kind == "found":
                    return value
                _send(self.connection, self._shingles_of(value))
        except (EOFError, OSError):  # the helper stopped: the work is done here instead
            self._stop_helper()
            return None

    def _found_here(self) -> list[SentencePair]:
        from site_builder.analysis.passage_index import PassageIndex  # numpy

        if self.index is None:
            self.index = (load_kept(self.root, KEPT_AS, PassageIndex) if self.root else None) or PassageIndex()
        stories, shingles = self.question
        return _found(self.index, stories, NewStories.of(shingles), lambda keys: NewStories.of(self._shingles_of(keys)))

    def _shingles_of(self, keys: list[str]) -> dict[str, tuple[bytes, ...]]:
        """The passage_shingles of the stories with these keys (stories from the store, when the
        index lost them)."""
        wanted = set(keys)
        if len(wanted) >= NUMPY_FROM:
            load_numpy()
        return {s.key: passage_shingles(s.body.paragraphs) for s in self.stories if s.key in wanted}

    def _stop_helper(self, wait: float = STOP_WAIT) -> None:
        """Waits for the helper to end (it may be saving the index) up to `wait` seconds, then
        lets it go. What it still sends meanwhile is taken and dropped: a build that stopped
        after asking never reads the answer, and at 10,000 stories the answer is more than a pipe
        holds, so the helper would wait to send it until `wait` ran out (two minutes to report a
        duplicate slug). A helper asking back for shingles, which nobody will send, is let go at once."""
        deadline = time.monotonic() + wait
        try:
            while self.helper.is_alive() and self.connection.poll(max(0.0, deadline - time.monotonic())):
                if self.connection.recv()[0] == "missing":
                    deadline = time.monotonic()
        except (EOFError, OSError):  # it ended
            pass
        self.helper.join(timeout=max(0.0, deadline - time.monotonic()))
        if self.helper.is_alive():
            self.helper.kill()
            self.helper.join()
        self.connection.close()
        self.helper = self.connection = None


def _keep(connection, root: Path, out: Path | None) -> None:
    """The helper process: loads the index, answers one question (PassageKeeper.ask), asking
    back for the shingles of stories it lacks, says which pages in `out` changed, then saves the
    index."""
    from site_builder.analysis.passage_index import PassageIndex  # numpy

    try:
        index = load_kept(root, KEPT_AS, PassageIndex) or PassageIndex()
        stories = connection.recv()
        if stories is None:
            return

        def asked_for(keys: list[str]) -> NewStories:
            connection.send(("missing", keys))
            return _received(connection)

        connection.send(("found", _found(index, stories, _received(connection), asked_for)))
        if out is not None:
            connection.send(("pages", _pages_changed(root, out)))
        save_kept(root, KEPT_AS, index)
    except Exception:  # the build stopped, or this process failed: the build does the work itself
        sys.exit(1)    # (and shows the error, should it fail there too)


def _pages_changed(root: Path, out: Path) -> set[str] | None:
    """cache.pages_changed_since, or None (the build looks at each page itself) should it fail,
    or name more than PAGES_CHANGED_SAID pages: the build looks at those anyway, and a message
    bigger than the pipe holds would keep this process from saving the index until the build
    read it (it does, as it starts rendering, only if the message was there by then)."""
    try:
        changed = pages_changed_since(root, out)
    except Exception:
        return None
    return changed if len(changed) <= PAGES_CHANGED_SAID else None


def _found(index, stories: list[tuple[str, str]], new: NewStories, shingles_for) -> list[SentencePair]:
    """Brings `index` to `stories`, given the shingles of `new` ones and, for those it lacks and
    were not given, of shingles_for(their keys); its reused passages then."""
    missing = index.bring_up_to_date(stories, new)
    if missing and index.bring_up_to_date(stories, new + shingles_for(missing)):
        raise ValueError("the shingles asked for were not given")
    return index.found()


def _send(connection, shingles: dict[str, tuple[bytes, ...]]) -> None:
    """Stories' passage_shingles, by key, packed (passages.NewStories): the shingles as one
    string of bytes, sent as it is rather than pickled."""
    new = NewStories.of(shingles)
    connection.send((new.keys, new.sizes))
    connection.send_bytes(new.data)


def _received(connection) -> NewStories:
    keys, sizes = connection.recv()
    return NewStories(keys, sizes, connection.recv_bytes())
