"""Skip a build that would change nothing.

After a successful build, a stamp records what it read (the name, size, inode and modification
time of every file in content/, templates/ and static/, the options and the code) and what it
wrote (the same for every file of the output). When the next build finds both unchanged, the
output already is what it would write, and it stops there, without reading a single story.

Like make and git, this trusts modification times, with git's precaution against "racy" files:
a file changed less than SETTLE seconds before the build started could change again within the
same clock tick without its time moving, so no stamp is recorded then and the next build does
the full (cached) work.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import select
import threading
import time
from pathlib import Path
from typing import NamedTuple

from site_builder.cache import FOLDER, code_digest, load_pickle, save_pickle
from site_builder.project import Project
from site_builder.write import FileStamp, file_stamp

SETTLE = 2.0  # seconds
SAME_BYTES_FROM = 100  # story files changed together (a checkout) from which the stamp's child reads them


class Listing(NamedTuple):
    """The files of a folder as a build found them: path under it -> stamp (write.file_stamp),
    and the time (time.time_ns()) the build started looking."""
    started: int
    files: dict[str, FileStamp]
    same_bytes: dict[str, bytes] = {}  # load.same_bytes, where it was worked out (never changed in place)


def _walk(folder: Path | str, prefix: str = "", parent: int | None = None) -> dict[str, tuple[int, int, int]]:
    """path -> (size, inode, modification time) of every file under `folder`, in name order.

    Each file is looked at by its name in its open folder (`stat` relative to a directory's file
    descriptor), not by its whole path: the kernel then resolves one name instead of every folder
    above it (the content's 10,000 files 34-35 against 41 ms, the output's 34-36 against 41-42 ms)."""
    found = {}
    try:
        opened = os.open(folder, os.O_RDONLY | _DIRECTORY, dir_fd=parent)
    except OSError:
        return found
    try:
        entries = sorted(os.scandir(opened), key=lambda entry: entry.name)
        for entry in entries:
            try:
                if entry.is_dir():
                    found.update(_walk(entry.name, f"{prefix}{entry.name}/", opened))
                elif entry.is_file():
                    found[prefix + entry.name] = file_stamp(entry.stat())
            except OSError:  # gone since the folder was listed
                continue
    finally:
        os.close(opened)
    return found


_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def _inputs(project: Project, options: tuple) -> tuple[bytes, int, dict[str, FileStamp]]:
    """A digest of everything a build reads, the newest modification time among its files, and
    the content folder's files (path under content/ -> stamp)."""
    digest = hashlib.sha256(code_digest() + repr(options).encode())
    newest, content = 0, {}
    for folder in (project.content, project.templates, project.static):
        files = _walk(folder)
        digest.update(pickle.dumps((str(folder), files), protocol=5))
        newest = max([newest, *(mtime for _, _, mtime in files.values())])
        if folder == project.content:
            content = files
    return digest.digest(), newest, content


def inputs_digest(project: Project) -> bytes:
    """A digest of the names, sizes and modification times of every file a build reads."""
    return _inputs(project, ())[0]


class Stamp:
    def __init__(self, project: Project, out: Path, options: tuple):
        self.path = project.root / FOLDER / "stamp.pickle"
        self.out = out
        self.started = time.time_ns()
        self.inputs, self.newest, content = _inputs(project, (str(out.resolve()), *options))  # as the build starts
        self.content = Listing(self.started, content)  # so that load.py need not look at every file again

    def changed_together(self) -> int:
        """How many story files were last modified within a second of the newest: one or a few
        after an edit; all of them after a git checkout (which gives each file it writes the time
        it writes it) or a `touch` of every file."""
        times = [modified for name, (_, _, modified) in self.content.files.items() if name.startswith("articles/")]
        newest = max(times, default=0)
        return sum(1 for modified in times if modified > newest - 1_000_000_000)

    def unchanged(self) -> list[str] | None:
        """The warnings of the last build when nothing changed since it, else None."""
        stored = load_pickle(self.path)
        if not stored or stored.get("inputs") != self.inputs or not self.out.is_dir():
            return None
        if _walk(self.out) != stored.get("outputs"):
            return None
        return stored.get("warnings", [])

    def record(self, warnings: list[str], outputs: dict[str, tuple[int, int, int]]) -> None:
        """Call after a successful build, with the stamp of each file it wrote (write.Written);
        forgets the stamp when an input changed too recently."""
        if self.newest > self.started - SETTLE * 1e9:
            self.path.unlink(missing_ok=True)
        else:
            save_pickle(self.path, {"inputs": self.inputs, "outputs": outputs, "warnings": warnings})


def stamp_beside(project: Project, out: Path, options: tuple,
                 meanwhile: tuple = ()) -> tuple[Stamp, None] | tuple[None, list[str]]:
    """The build's Stamp, or when nothing changed the warnings `unchanged` gives, taken in a child
    process forked for it while this one takes the steps of `meanwhile` (callables: build.py
    imports the pipeline's modules one by one), until the child has said that nothing changed.

    At 10,000 stories the stamp looks at 10,000 files (about 0.09 s) and the imports take about
    0.15 s, each bound to one core: side by side, an edit waits for neither in turn (0.05-0.06 s
    less from start to the pipeline's first step, medians of 20 pairs, the machine shared). A
    build that changes nothing waits for the stamp as before, having imported what it could
    meanwhile; on a small site the child says so after the first step. What only a build that
    goes on needs is not sent back (the stamp's listing of 10,000 files pickled and read back:
    about 0.01 s). For a build that goes on, where SAME_BYTES_FROM story files or more were
    changed together (Stamp.changed_together: after a git checkout, all of them), the child also
    reads the story files whose stamp moved since the last build read them, and says which still
    hold the same bytes (load.same_bytes); after an edit, the build reads the few itself (in the
    child, looking for them among 10,000 took 0.016-0.022 s of an edit). Taken here instead, without
    `meanwhile` or same_bytes, where there is no fork or other threads run (a child forked then
    could inherit a lock some thread holds), or when the child fails."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return take_stamp(project, out, options)
    read, write = os.pipe()
    try:
        child = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return take_stamp(project, out, options)
    if child == 0:
        _stamp_for_parent(project, out, options, read, write)
    os.close(write)
    answer = _NOT_READ
    try:
        for step in (*meanwhile, code_digest):  # (the build needs the code's digest again, as the child did)
            if answer is _NOT_READ and select.select([read], [], [], 0)[0]:
                answer = _read_answer(read)
            if isinstance(answer, tuple) and answer[0] is None:
                break  # no stamp sent back: nothing changed, and the build stops here
            step()
        if answer is _NOT_READ:
            answer = _read_answer(read)
    finally:
        os.close(read)
        os.waitpid(child, 0)
    return answer if answer is not None else take_stamp(project, out, options)


_NOT_READ = object()


def _read_answer(read: int) -> tuple | None:
    """The child's answer (as take_stamp gives it), or None when it failed or was interrupted
    before it answered."""
    with open(read, "rb", closefd=False) as stream:
        answer = stream.read()
    try:
        return pickle.loads(answer)
    except Exception:
        return None


def take_stamp(project: Project, out: Path, options: tuple) -> tuple[Stamp, None] | tuple[None, list[str]]:
    """The build's Stamp, or when nothing changed since the last build, the warnings it gave."""
    stamp = Stamp(project, out, options)
    warnings = stamp.unchanged()
    return (stamp, None) if warnings is None else (None, warnings)


def _stamp_for_parent(project: Project, out: Path, options: tuple, read: int, write: int) -> None:
    """In the forked child: writes the pickled stamp and warnings to `write`, then ends the
    process at once (os._exit: nothing of the parent's, such as buffered output, is flushed or
    cleaned up twice)."""
    status = 1
    try:
        os.close(read)
        stamp, warnings = take_stamp(project, out, options)
        if stamp is not None and stamp.changed_together() >= SAME_BYTES_FROM:
            # the build goes on, after a checkout: the story files it would read only to find them unchanged
            from site_builder.load import same_bytes  # (which imports this module)

            stamp.content = stamp.content._replace(same_bytes=same_bytes(project, stamp.content))
        with open(write, "wb") as stream:
            stream.write(pickle.dumps((stamp, warnings), protocol=pickle.HIGHEST_PROTOCOL))
        status = 0
    finally:
        os._exit(status)
