"""A SiteWriter (write.py) working in a process of its own, beside the build that renders.

When the site is written from nothing (no output folder yet: a first build, or CI without a
cached site), every page is a new file, and making 10,000 files is system time the rendering
process would otherwise wait for: 0.5 s for 10,000 files where none was just removed, and 3-7 s
on this project's benchmark machine right after the output was removed (ext4 without a journal,
whose allocator steps over every recently freed inode for each file it makes). Here a child
forked for the writer makes the files while the build renders the next pages: the build hands
each file over a pipe and waits only when the pipe is full. The files, and the stamps `finish`
returns, are those SiteWriter makes in the build's own process. The child also links each file
into the next build's spare folder (SiteWriter.keep_twin).

A process rendering pages beside the build (render_beside.py) hands its pages to the same child
over a pipe of its own (`side`); the child then takes requests from both pipes, and finishes once
that process said it is done.
"""
from __future__ import annotations

import os
import signal
import threading
from typing import TYPE_CHECKING

from site_builder.errors import SiteError
from site_builder.write import Kept, SiteWriter, Written, checked_url

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

BESIDE_FROM = 200  # content files; a smaller site is written sooner than a child is forked
PIPE_SIZE = 1 << 20  # bytes the build may hand over before it waits for the writer (Linux; else the default)
AHEAD_STEP = 50  # files made ahead between looks for the build's requests


def writer_for(out, spare, beside: bool):
    """A SiteWriter for `out`, in a child process when `beside` and a child can be forked (not
    while other threads run: the child could inherit a lock one of them holds)."""
    writer = SiteWriter(out, spare)
    if not beside or not hasattr(os, "fork") or threading.active_count() > 1:
        return writer
    return WriterBeside.start(writer) or writer


class WriterBeside:
    """SiteWriter's add, keep and finish, done by `writer` in a child process; discard ends it."""

    def __init__(self, writer: SiteWriter, connection: Connection, child: int, side: int):
        self._writer = writer  # as it was when the child was forked: its folders are what discard removes
        self._connection = connection
        self._child = child
        self._side = side  # the end of the pipe a renderer beside sends on (side)

    @classmethod
    def start(cls, writer: SiteWriter) -> WriterBeside | None:
        """None when no child could be forked."""
        from multiprocessing.connection import Connection  # here: a build that stops at its stamp needs none (8 ms)

        writer.keep_twin()  # before the fork, so that the build knows the twin's folder too (discard)
        reading, writing = os.pipe()  # build -> writer
        answers, answering = os.pipe()  # writer -> build
        side_reading, side_writing = os.pipe()  # a renderer beside the build -> writer (side)
        try:
            child = os.fork()
        except OSError:
            for end in (reading, writing, answers, answering, side_reading, side_writing):
                os.close(end)
            writer.drop_twin()  # written here, the links would cost this process their time
            return None
        if child == 0:
            for end in (writing, answers, side_writing):
                os.close(end)
            _serve(writer, Connection(reading, writable=False), Connection(side_reading, writable=False),
                   Connection(answering, readable=False))
        for end in (reading, answering, side_reading):
            os.close(end)
        _widen(writing)
        _widen(side_writing)
        return cls(writer, _Pair(Connection(answers, writable=False), Connection(writing, readable=False)), child,
                   side_writing)

    def remove(self, folder) -> None:
        """Removed by the child (SiteWriter.remove) before it writes; should the build stop first,
        by the next build (cache.remove_cleared)."""
        self._send(("remove", folder))

    def expect(self, urls: list[str]) -> None:
        """Files to be added later: the child makes them ahead (SiteWriter.make_ahead)."""
        self._send(("expect", urls))

    def add(self, url: str, data: bytes | Kept) -> None:
        checked_url(url)
        self._send(("add", url, data))

    def keep(self, kept: dict) -> None:
        """(As SiteWriter.keep, in one message.)"""
        for url in kept:
            checked_url(url)
        self._send(("keep", kept))

    def side(self) -> SideWriter:
        """For a process about to be forked to render pages beside the build (render_beside.py):
        what it adds goes to the child over a pipe of its own. Call before that fork; the child
        then finishes only once that process said it is done (SideWriter.done)."""
        from multiprocessing.connection import Connection

        self._send(("side",))
        return SideWriter(Connection(os.dup(self._side), readable=False))

    def let_go(self) -> None:
        """In a process forked from the build (render_beside.py): closes its copies of the build's
        pipes to the child, so that should the build be killed, the child sees it gone at once
        and removes what it wrote, whatever this process is still doing."""
        self._connection.close()
        os.close(self._side)

    def finish(self) -> Written:
        self._send(("finish",))
        answer = self._answer()
        if isinstance(answer, Written):
            return answer
        raise SiteError(answer)

    def discard(self) -> None:
        """Ends the child, whatever it was doing, and removes what it wrote. It is not asked to:
        a send cut short (Ctrl-C while the pipe was full) leaves half a message in the pipe, and
        a child waiting for the rest of it would never answer."""
        self._end(kill=True)
        self._writer.discard()

    def _send(self, message: tuple) -> None:
        try:
            self._connection.send(message)
        except OSError:
            self._gone()

    def _answer(self):
        try:
            return self._connection.recv()
        except (EOFError, OSError):
            self._gone()
        finally:
            self._end()

    def _gone(self):
        """The child stopped before it answered (killed, or out of memory): what it wrote is removed."""
        self._end()
        self._writer.discard()
        raise SiteError(f"the process writing the site to {self._writer.out} stopped; the previous site was "
                        "left as it was; build again")

    def _end(self, kill: bool = False) -> None:
        if self._side is not None:
            os.close(self._side)
            self._side = None
        if self._child:
            self._connection.close()
            if kill:
                os.kill(self._child, signal.SIGKILL)
            os.waitpid(self._child, 0)
            self._child = 0


class SideWriter:
    """The `add` of a process rendering pages beside the build, sent to the writer's child
    (WriterBeside.side); `done` once it has added all it will."""

    def __init__(self, connection: Connection):
        self._connection = connection

    def add(self, url: str, data: bytes | Kept) -> None:
        checked_url(url)
        self._connection.send(("add", url, data))

    def done(self) -> None:
        self._connection.send(("done",))
        self.close()

    def close(self) -> None:
        """(The build's copy, once the renderer was forked with its own.)"""
        self._connection.close()


class _Pair:
    """Two one-way connections used as one: send on the first pipe, receive on the second."""

    def __init__(self, receiving: Connection, sending: Connection):
        self.recv, self.send = receiving.recv, sending.send
        self._ends = (receiving, sending)

    def close(self) -> None:
        for end in self._ends:
            end.close()


def _serve(writer: SiteWriter, requests: Connection, side: Connection, answers: Connection) -> None:
    """In the child: the build's requests, until finish (or until the build is gone: then it
    discards; the build's own discard ends this process), and those of the renderers beside it
    (WriterBeside.side) until each is done. Between them, the files the build said to expect are
    made ahead (SiteWriter.make_ahead), AHEAD_STEP at a time, so that a file added is written at
    once rather than after every file expected was made. A file that cannot be written makes
    finish answer with the error, and no further file is written; the child then ends without
    cleaning up what it shares with the build (os._exit)."""
    from multiprocessing.connection import wait

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle: it discards
    failed = None
    status = 0
    ahead: list[str] = []  # files expected, not made yet, from `made`
    made = 0
    sides = 0  # renderers beside that are not done yet
    try:
        while True:
            sources = [requests, side] if sides else [requests]
            if made < len(ahead) and failed is None and not wait(sources, 0):
                step = ahead[made:made + AHEAD_STEP]
                made = made + len(step) if writer.make_ahead(step) else len(ahead)
                continue
            source = wait(sources)[0] if sides else requests
            try:
                kind, *rest = source.recv()
            except (EOFError, OSError):  # the build, or a renderer, is gone (OSError: in the middle of a message)
                writer.discard()
                break
            if kind == "finish":  # what the renderers beside add comes first
                while sides:
                    kind_beside, *rest_beside = side.recv()
                    sides -= kind_beside == "done"
                    failed = _added(writer, kind_beside, rest_beside, failed)
            if kind == "side":
                sides += 1
                continue
            if kind == "done":
                sides -= 1
                continue
            if kind == "expect":
                ahead += rest[0]
                continue
            if kind == "remove":
                writer.remove(*rest)
                continue
            if kind in ("add", "keep"):
                failed = _added(writer, kind, rest, failed)
                continue
            if failed is not None:  # asked to finish
                writer.discard()
                answers.send(failed.problems)
            else:
                try:
                    answers.send(writer.finish())
                except SiteError as exc:
                    answers.send(exc.problems)
            break
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _added(writer: SiteWriter, kind: str, rest: list, failed: SiteError | None) -> SiteError | None:
    """A request handled, if it is to add or keep files: the error met, now or before (after
    which no file is written)."""
    if kind in ("add", "keep") and failed is None:
        try:
            getattr(writer, kind)(*rest)
        except SiteError as exc:
            return exc
    return failed


def _widen(end: int) -> None:
    try:
        import fcntl
        fcntl.fcntl(end, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_SIZE)
    except (ImportError, OSError):
        pass
