"""The pages of a site written from nothing, rendered by the build and a process of its own.

At 10,000 stories a cold build renders 10,000 story pages in Jinja, about 0.4 ms each on this
project's benchmark machine: about 5 s in which the build's process was the one thing the build
waited for (the workers were done; the writer's process, write_beside.py, kept up, and removing
its other work changed nothing). Here a child forked once the pages are planned renders pages
and hands each to the writer's process over a pipe of its own (write_beside.WriterBeside.side),
while the build renders the others. A page is rendered from the same context by the same
templates in either process, so the bytes are the same; what the page cache keeps of the child's
pages (their keys and the digests of their bytes), and the problems it met, come back to the
build once it is done. Side by side at 10,000 stories, cold builds took a tenth less (NOTES.md).

The two take the pages a run at a time (Turns), each the next run not yet taken, so that they
end together: split in two halves, one went on alone for 0.15-0.45 s at 10,000 stories.

Only where no page can be kept from the last build (no page cache, so every page is rendered) and
the writer is in a process of its own.
"""
from __future__ import annotations

import os
import signal
import threading
from typing import TYPE_CHECKING, NamedTuple

from site_builder.errors import SiteError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

BESIDE_FROM = 2000  # pages to render, from which a second process pays for its fork (8 ms at 10,000 stories)
RUN = 16  # pages taken at a time (Turns): about 6 ms of rendering
RUNS = 1024  # runs at most: a larger site's runs are longer


class Rendered(NamedTuple):
    """What the child sends back: for each page it took, by its place in the pages, the URL
    handed to the writer (None: not rendered); the page cache's entries for them and the URLs it
    rendered (PageCache.entries, PageCache.rendered); and the problems met."""
    handed: list[tuple[int, str | None]]
    entries: dict
    rendered: list[str]
    problems: list


class RendererBeside:
    def __init__(self, turns: Turns, connection: Connection, child: int):
        self.mine = turns  # the places of the pages the build takes: iterated, it takes them
        self._connection = connection
        self._child = child

    @classmethod
    def start(cls, render_into, pages: list, keys: list, places: list[int], into, cache) -> RendererBeside | None:
        """A child that calls render_into(page, key, writer, cache, problems) for the pages at
        `places` it takes in turn with the build (`mine`), each handed to `into`'s writer by a
        pipe of its own; None where that would not pay, or no child was forked."""
        side = getattr(into, "side", None)
        if side is None or cache is None or cache.previous or len(places) < BESIDE_FROM:
            return None
        if threading.active_count() > 1:  # a lock one of them holds could be the child's (write_beside.writer_for)
            return None
        from multiprocessing.connection import Connection

        turns = Turns(places)
        reading, writing = os.pipe()  # child -> build
        writer = side()
        try:
            child = os.fork()
        except OSError:
            for end in (reading, writing):
                os.close(end)
            turns.close()
            writer.done()
            return None
        if child == 0:
            os.close(reading)
            into.let_go()
            _render(render_into, pages, keys, turns, writer, cache, Connection(writing, readable=False))
        os.close(writing)
        writer.close()
        return cls(turns, Connection(reading, writable=False), child)

    def join(self, handed: list[str | None], cache) -> list:
        """Waits for the child: the URLs it handed over go in `handed` at their pages' places,
        its page cache entries into `cache`, and the cache's entries and the URLs rendered are
        put in the pages' order, whoever rendered them; the problems it met."""
        try:
            result: Rendered = self._connection.recv()
        except (EOFError, OSError):
            self.end()
            raise SiteError("the process rendering pages beside the build stopped; the previous site was left as "
                            "it was; build again") from None
        self._wait()
        for place, url in result.handed:
            handed[place] = url
        entries = {**cache.entries, **result.entries}
        cache.entries = {url: entries[url] for url in handed if url in entries}
        rendered = set(cache.rendered).union(result.rendered)
        cache.rendered = [url for url in handed if url in rendered]
        return result.problems

    def end(self) -> None:
        """Ends the child if it is still at work (the build stopped before `join`)."""
        if self._child:
            os.kill(self._child, signal.SIGKILL)
            self._wait()

    def _wait(self) -> None:
        self.mine.close()
        self._connection.close()
        os.waitpid(self._child, 0)
        self._child = 0


class Turns:
    """The places of pages to render, taken a run (RUN, or more for a larger site) at a time by
    the build and the child, each run by one of them: iterated, the places of the runs this
    process takes. The runs' numbers are written to a pipe before the fork, 4 bytes each, all at
    once (at most RUNS, 4 KB, which any pipe holds: the write does not wait for a reader); each
    process reads 4 bytes to take a run. Linux reads a pipe under its lock, whole, so that each
    read takes one number, the next."""

    def __init__(self, places: list[int]):
        self.places = places
        self.run = max(RUN, -(-len(places) // RUNS))
        self._reading, writing = os.pipe()
        try:
            os.write(writing, b"".join(number.to_bytes(4, "little")
                                       for number in range(-(-len(places) // self.run))))
        finally:
            os.close(writing)

    def __iter__(self):
        while self._reading is not None and (taken := os.read(self._reading, 4)):
            if len(taken) != 4:  # a read cut short (not seen on Linux): fail rather than leave pages out
                raise SiteError("the pages to render could not be shared with the process rendering beside the "
                                "build; the previous site was left as it was; build again")
            first = int.from_bytes(taken, "little") * self.run
            yield from self.places[first:first + self.run]

    def close(self) -> None:
        if self._reading is not None:
            os.close(self._reading)
            self._reading = None


def _render(render_into, pages: list, keys: list, turns: Turns, writer, cache, answers: Connection) -> None:
    """In the child: each page it takes (`turns`) rendered and handed over, then what the build
    keeps of them sent back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    status = 0
    try:
        cache.entries, cache.rendered = {}, []  # the child's own, to send back
        handed, problems = [], []
        for place in turns:
            try:
                url = render_into(pages[place], keys[place], writer, cache, problems)
            except SiteError as exc:  # (a URL the writer refuses) as the build would report it
                url = None
                problems.extend(exc.problems)
            handed.append((place, url))
        writer.done()
        answers.send(Rendered(handed, cache.entries, cache.rendered, problems))
    except BaseException:
        status = 1
    finally:
        os._exit(status)
