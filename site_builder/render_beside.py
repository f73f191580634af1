"""Half of the pages of a site written from nothing, rendered by a process of its own.

At 10,000 stories a cold build renders 10,000 story pages in Jinja, about 0.4 ms each on this
project's benchmark machine: about 5 s in which the build's process was the one thing the build
waited for (the workers were done; the writer's process, write_beside.py, kept up, and removing
its other work changed nothing). Here a child forked once the pages are planned renders every
other page and hands each to the writer's process over a pipe of its own
(write_beside.WriterBeside.side), while the build renders the rest. A page is rendered from the
same context by the same templates in either process, so the bytes are the same; what the page
cache keeps of the child's pages (their keys and the digests of their bytes), and the problems
it met, come back to the build once it is done. Side by side at 10,000 stories, cold builds took
a tenth less (NOTES.md).

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


class Rendered(NamedTuple):
    """What the child sends back: for each page it was given, by its place in the pages, the
    URL handed to the writer (None: not rendered); the page cache's entries for them and the
    URLs it rendered (PageCache.entries, PageCache.rendered); and the problems met."""
    handed: list[tuple[int, str | None]]
    entries: dict
    rendered: list[str]
    problems: list


class RendererBeside:
    def __init__(self, mine: list[int], connection: Connection, child: int):
        self.mine = mine  # places of the pages left to the build
        self._connection = connection
        self._child = child

    @classmethod
    def start(cls, render_into, pages: list, keys: list, places: list[int], into, cache) -> RendererBeside | None:
        """A child that calls render_into(page, key, writer, cache, problems) for every other
        page of those at `places`, each handed to `into`'s writer by a pipe of its own; None where
        that would not pay, or no child was forked."""
        side = getattr(into, "side", None)
        if side is None or cache is None or cache.previous or len(places) < BESIDE_FROM:
            return None
        if threading.active_count() > 1:  # a lock one of them holds could be the child's (write_beside.writer_for)
            return None
        from multiprocessing.connection import Connection

        reading, writing = os.pipe()  # child -> build
        writer = side()
        try:
            child = os.fork()
        except OSError:
            os.close(reading)
            os.close(writing)
            writer.done()
            return None
        if child == 0:
            os.close(reading)
            into.let_go()
            _render(render_into, [(place, pages[place], keys[place]) for place in places[1::2]], writer, cache,
                    Connection(writing, readable=False))
        os.close(writing)
        writer.close()
        return cls(places[::2], Connection(reading, writable=False), child)

    def join(self, handed: list[str | None], cache) -> list:
        """Waits for the child: the URLs it handed over go in `handed` at their pages' places,
        its page cache entries into `cache`; the problems it met."""
        try:
            result: Rendered = self._connection.recv()
        except (EOFError, OSError):
            self.end()
            raise SiteError("the process rendering pages beside the build stopped; the previous site was left as "
                            "it was; build again") from None
        self._wait()
        for place, url in result.handed:
            handed[place] = url
        cache.entries.update(result.entries)
        cache.rendered.extend(result.rendered)
        return result.problems

    def end(self) -> None:
        """Ends the child if it is still at work (the build stopped before `join`)."""
        if self._child:
            os.kill(self._child, signal.SIGKILL)
            self._wait()

    def _wait(self) -> None:
        self._connection.close()
        os.waitpid(self._child, 0)
        self._child = 0


def _render(render_into, pages: list, writer, cache, answers: Connection) -> None:
    """In the child: each page (place, page, key) rendered and handed over, then what the build
    keeps of them sent back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    status = 0
    try:
        cache.entries, cache.rendered = {}, []  # the child's own, to send back
        handed, problems = [], []
        for place, page, key in pages:
            try:
                url = render_into(page, key, writer, cache, problems)
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
