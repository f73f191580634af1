"""Write the built site atomically: into a folder beside the output, then swap it in.

A failed or killed build leaves the previous output exactly as it was. Files are written into
that folder as the build makes them (SiteWriter), so that it need not hold the whole site in
memory; the swap comes once every file is there.

The folder swapped in is a fresh one, or, where the system can exchange two folders in one step
(Linux), a spare: the site before the last, kept in the build cache after the last swap. The
spare shares the files that did not change with the output (hard links), so bringing it up to
date touches only the files of the last two builds that differ, instead of linking every file
of the site into a fresh folder and deleting the old one (10,000 of each at 10,000 stories).
"""
from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import NamedTuple

from site_builder import urls
from site_builder.errors import SiteError
from site_builder.project import Project

_RENAME_EXCHANGE = 2


def check_output_folder(out: Path, project: Project) -> None:
    """Refuse an output folder whose replacement would destroy the user's files."""
    out = out.resolve()
    for keep in (project.root, project.content, project.templates, project.static):
        if out == keep or keep.is_relative_to(out) or out.is_relative_to(keep) and keep != project.root:
            raise SiteError(f"refusing to write the site to {out}: it would replace {keep}; "
                            "choose another --out folder, e.g. _site")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / urls.NOJEKYLL).exists())):
        raise SiteError(f"refusing to replace {out}: it was not written by site-builder "
                        f"(no {urls.NOJEKYLL} inside); choose another --out folder or remove it")


class Kept(NamedTuple):
    """Stands for a file of the previous site that stays as it is (a page cache hit): a tuple, as
    an edit at 10,000 stories makes 10,000 of them."""
    url: str
    stamp: tuple | None = None  # file_stamp of that file, where known


FileStamp = tuple  # (size, inode, modification time in ns) of a written file


class Spliced(NamedTuple):
    """A file's bytes made of ranges of another file and bytes between them, written without
    being read into memory: the kernel copies the ranges from file to file (os.copy_file_range).
    articles.json (articles_kept.py) is made of the last build's file but for the lines that
    changed: at 10,000 stories, putting its 16 MB together in memory and writing them out took
    an edit 0.01-0.03 s (4,000 pages of new memory), and copying them from file to file about
    0.005 s."""
    source: str  # the file the ranges are of
    stamp: FileStamp  # of `source` when the pieces were worked out: it must still be that file
    pieces: tuple  # bytes, or a (start, end) range of `source`

    @property
    def size(self) -> int:
        return sum(len(piece) if type(piece) is bytes else piece[1] - piece[0] for piece in self.pieces)

    def read(self) -> bytes:
        with _SplicedSource(self) as source:
            return b"".join(piece if type(piece) is bytes else _read_range(source, *piece) for piece in self.pieces)

    def write_to(self, target: int) -> None:
        """Appends its bytes to the file open as `target` (a file descriptor)."""
        with _SplicedSource(self) as source:
            for piece in self.pieces:
                if type(piece) is bytes:
                    _write_all(target, piece)
                else:
                    _copy_range(source, target, *piece)

    def held_in(self, target: int) -> bool:
        """Whether the file open as `target`, of this size, holds these bytes. A range at its own
        place in the file it is of (the output's articles.json is the file the build cache kept)
        is not read."""
        with _SplicedSource(self) as source:
            same_file = os.path.samestat(os.fstat(source), os.fstat(target))
            at = 0
            for piece in self.pieces:
                if type(piece) is bytes:
                    if os.pread(target, len(piece), at) != piece:
                        return False
                    at += len(piece)
                    continue
                start, end = piece
                if not (same_file and start == at):
                    for offset in range(start, end, COMPARED_AT_ONCE):
                        count = min(COMPARED_AT_ONCE, end - offset)
                        if os.pread(target, count, at + offset - start) != _read_range(source, offset, offset + count):
                            return False
                at += end - start
            return True


class _SplicedSource:
    """A Spliced file's source, open, as long as it is the file the pieces were worked out of."""

    def __init__(self, spliced: Spliced):
        self.spliced = spliced

    def __enter__(self) -> int:
        self.descriptor = os.open(self.spliced.source, os.O_RDONLY)
        if file_stamp(os.fstat(self.descriptor)) != self.spliced.stamp:
            os.close(self.descriptor)
            raise OSError(f"{self.spliced.source} changed while the site was being built; build again")
        return self.descriptor

    def __exit__(self, *exc) -> None:
        os.close(self.descriptor)


def _read_range(source: int, start: int, end: int) -> bytes:
    data = os.pread(source, end - start, start)
    if len(data) != end - start:
        raise OSError("a file of the build cache is shorter than recorded; build again")
    return data


def _copy_range(source: int, target: int, start: int, end: int) -> None:
    """Bytes start..end of `source` appended to `target`: copied by the kernel, or read and
    written where it cannot (another file system on an older Linux, or no copy_file_range)."""
    while start < end:
        try:
            count = os.copy_file_range(source, target, end - start, start)
        except (AttributeError, OSError):
            count = os.write(target, _read_range(source, start, min(end, start + COMPARED_AT_ONCE)))
        if count == 0:
            raise OSError("a file of the build cache is shorter than recorded; build again")
        start += count


def _write_all(target: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(target, view):]


class Written(NamedTuple):
    changed: int  # files written; the others were left as they were
    stamps: dict[str, FileStamp]  # URL -> the stamp of its file, for every file of the site


def last_pages(out: Path, spare: Path | None) -> Path:
    """Where the files of the last build are found: the output folder, or where that is gone
    (removed by hand, or not among what a CI cache restored) and there is a spare (SiteWriter),
    the spare. That holds the site before last, whose files the last build did not change are
    the last build's own (hard links: the same inodes); the page cache keeps a page only where
    its file is the one the last build wrote, or holds the same bytes (cache.PageCache.get)."""
    if out.is_dir() or spare is None or not spare.is_dir():
        return out
    return spare


def write_site(out: Path, files: dict[str, bytes | Kept], spare: Path | None = None) -> Written:
    """Write `files` as the new content of `out` (SiteWriter, given them all at once)."""
    writer = SiteWriter(out, spare)
    try:
        for url, data in files.items():
            writer.add(url, data)
    except BaseException:
        writer.discard()
        raise
    return writer.finish()


class SiteWriter:
    """Writes the new content of `out` as its files come (`add`), into a folder beside it that
    `finish` swaps in; `discard` leaves `out` as it was. Only the files that changed are written
    as they come, so a build need not hold the bytes of every page until the end (110 MB at
    10,000 stories).

    Files whose bytes did not change, and Kept files, are hard-linked from the previous site by
    `finish`, so they are not rewritten (same inode, same modification time); when nothing
    changed, nothing is touched. `spare` is where the site before the last is kept between
    builds (see above); it must be on the same file system as `out`."""

    def __init__(self, out: Path, spare: Path | None = None):
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(self.out)
        self.spare = spare if spare is not None and _can_exchange() and _same_device(self.out.parent, spare.parent) \
            else None
        self.kept_from = os.fspath(last_pages(self.out, spare))  # where Kept files are linked from
        self.unchanged: dict[str, FileStamp] = {}  # URL -> stamp of the output's file, for files that stay
        self.stamps: dict[str, FileStamp] = {}  # URL -> stamp of the file written, for the others
        self.made: set[str] = set()  # folders made in the new site
        self.held: dict[str, int] | None = None  # URL -> inode of each file the spare holds, when it is used
        if self.spare is not None and self.out.is_dir() and self.spare.is_dir():
            try:
                self.held = _inodes_under(os.fspath(self.spare))
                self.folder = self.spare
            except OSError:
                self.held = None
        if self.held is None:
            self.folder = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.new-", dir=self.out.parent))
        self.twin: Path | None = None  # see keep_twin
        self.twin_made: set[str] = set()
        self.made_ahead: set[str] = set()  # URLs of the empty files make_ahead made

    def keep_twin(self) -> None:
        """For a site written from nothing (no output yet, so no spare to be had from it): each file
        written is also linked into a new folder, which becomes the spare once the site is swapped
        in. The next build then finds a spare instead of linking every file it keeps into a fresh
        folder (0.14-0.19 s at 10,000 stories); this costs a link a file (0.15 s at 10,000), which
        write_beside.py makes in its own process. Not where a spare is left from before (CI with
        the build cache but not the last site): the next build brings that one up to date, and
        removing it first would hold this one up (10,000 files)."""
        if self.spare is not None and not self.spare.exists() and not self.out.exists():  # (so nothing is held)
            try:
                self.twin = Path(tempfile.mkdtemp(prefix="spare.new-", dir=self.spare.parent))
            except OSError:
                self.twin = None

    def remove(self, folder: Path) -> None:
        """Removes a folder the site does not need (the build cache a --clean build set aside):
        here, now; beside (write_beside.py), in the writer's process while the build works."""
        shutil.rmtree(folder, ignore_errors=True)

    def expect(self, urls: list[str]) -> None:
        """Files to be added later. Nothing is done ahead here: making them in this process would
        only move the work; the writer in a process of its own makes them ahead (make_ahead)."""

    def make_ahead(self, urls: list[str]) -> bool:
        """Makes each of these files empty in the new site, to be written when it is added: for
        a site written from nothing by a process of its own (write_beside.py), which makes them
        while the build works on the analysis and the pages, a core mostly idle. Making a file is
        what costs (system time: 3-7 s for 10,000 right after the last site was removed, on this
        project's benchmark machine); writing into one made is quicker. A file made ahead that
        was not added by `finish` is removed. Not in a spare folder, whose files are looked at.
        False when no more should be made ahead (they are then made as they are added)."""
        if self.held is not None:
            return False
        for url in urls:
            try:
                target = os.path.join(self.folder, checked_url(url))
            except SiteError:  # refused when it is added
                return False
            try:
                _make_parent(target, self.made)
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            except FileExistsError:  # added already
                continue
            except OSError:
                return False
            self.made_ahead.add(url)
            if self.twin is not None:
                self._link_twin(url, target)
        return True

    def add(self, url: str, data: bytes | Kept | Spliced) -> None:
        """One file of the new site: written now if it is not the output's file already."""
        if isinstance(data, Kept) and data.stamp is not None:  # the output's file, as the page cache found it
            self.keep({url: data.stamp})
            return
        checked_url(url)
        self.stamps.pop(url, None)
        self.unchanged.pop(url, None)
        stamp = _same_file(f"{self.kept_from}/{url}", data)
        if stamp is not None:
            self.unchanged[url] = stamp
            return
        try:
            self.stamps[url] = self._write(url, data)
        except OSError as exc:
            if self.held is None:
                raise self._failed(exc) from None
            self._leave_spare()  # build afresh instead
            self.add(url, data)

    def keep(self, kept: dict[str, FileStamp]) -> None:
        """Files of the previous site that stay as they are (page cache hits: cache.PageCache.kept),
        each with its file's stamp: as add(url, Kept(url, stamp)) for each, in one call."""
        for url in kept:
            checked_url(url)
        if self.stamps:
            for url in kept:
                self.stamps.pop(url, None)
        self.unchanged.update(kept)

    def finish(self) -> Written:
        """Swaps the new site in; the stamp of each of its files."""
        urls = self.unchanged.keys() | self.stamps.keys()
        if not self.stamps and _file_count(self.out) == len(urls):  # nothing changed
            self.discard()
            return Written(0, self.unchanged)
        try:
            self._remove_unused(self.made_ahead - self.stamps.keys())
            if self.held is not None:
                try:
                    self._link_unchanged()
                    self._remove_others(urls)
                except OSError:
                    self._leave_spare()
            if self.held is None:
                self._link_unchanged()
            self.folder.chmod(0o755)
            holds_last_site = _swap_in(self.folder, self.out)
        except OSError as exc:
            raise self._failed(exc) from None
        if holds_last_site and self.held is None:  # the fresh folder becomes the next build's spare
            try:
                if self.spare is not None:
                    os.rename(self.folder, self.spare)
            except OSError:
                pass
            shutil.rmtree(self.folder, ignore_errors=True)
        if self.twin is not None:
            self._twin_as_spare(holds_last_site)
        return Written(len(self.stamps), {**self.unchanged, **self.stamps})

    def discard(self) -> None:
        """Leaves the output as it was (and the spare, as whatever it holds: it is looked at, not
        trusted, by the next build)."""
        if self.held is None:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.drop_twin()

    def _twin_as_spare(self, holds_last_site: bool) -> None:
        """The twin (keep_twin), now linked to every file of the output, becomes the spare,
        unless the swap left one already (or one was made meanwhile)."""
        twin, self.twin = self.twin, None
        if not holds_last_site:
            try:
                os.rename(twin, self.spare)  # fails where a spare with files is there
                return
            except OSError:
                pass
        shutil.rmtree(twin, ignore_errors=True)

    def drop_twin(self) -> None:
        """No twin after all (keep_twin): its folder is removed."""
        if self.twin is not None:
            shutil.rmtree(self.twin, ignore_errors=True)
            self.twin = None

    def _write(self, url: str, data: bytes | Kept | Spliced) -> FileStamp:
        target = os.path.join(self.folder, url)
        _make_parent(target, self.made)
        source = f"{self.kept_from}/{url}"
        if self.held is None:
            stamp = _write(target, data, source)
            if self.twin is not None:
                self._link_twin(url, target)
            return stamp
        return _in_place_of(target, lambda staged: _write(staged, data, source))

    def _link_twin(self, url: str, target: str) -> None:
        twin = os.path.join(self.twin, url)
        try:
            _make_parent(twin, self.twin_made)
            if not os.path.lexists(twin):  # (a file added again is rewritten in place: the link stands)
                os.link(target, twin)
        except OSError:  # no twin then: the next build makes its folder as it would have
            self.drop_twin()

    def _remove_unused(self, urls) -> None:
        """Files made ahead (make_ahead) that were not written after all."""
        for url in urls:
            os.unlink(os.path.join(self.folder, url))
            if self.twin is not None:
                try:
                    os.unlink(os.path.join(self.twin, url))
                except OSError:
                    self.drop_twin()

    def _link_unchanged(self) -> None:
        """The files that stay, from the output: links (the same inode), unless the spare has them."""
        for url, stamp in self.unchanged.items():
            if self.held is not None and self.held.get(url) == stamp[1]:
                continue  # already the output's own file: both names lead to one inode
            target = os.path.join(self.folder, url)
            _make_parent(target, self.made)
            source = f"{self.kept_from}/{url}"
            if self.held is not None:
                _in_place_of(target, partial(os.link, source))
                continue
            try:
                os.link(source, target)  # the link has the stamp of the file it links to
            except OSError:  # no hard links here (another file system): write the bytes instead
                self.unchanged[url] = _write(target, Kept(url), source)

    def _remove_others(self, urls) -> None:
        """Removes from the spare the files the new site does not have, and folders left empty."""
        folder = os.fspath(self.folder)
        emptied = set()
        for url in self.held.keys() - urls:
            os.unlink(os.path.join(folder, url))
            emptied.add(os.path.dirname(os.path.join(folder, url)))
        for parent in sorted(emptied, key=len, reverse=True):
            while parent != folder and not os.listdir(parent):
                os.rmdir(parent)
                parent = os.path.dirname(parent)

    def _leave_spare(self) -> None:
        """Goes on in a fresh folder rather than the spare (which something made unusable): the
        files written so far are linked into it from the spare, then the spare is removed."""
        spare, self.held, self.made = self.folder, None, set()
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.new-", dir=self.out.parent))
        try:
            for url in self.stamps:
                target = os.path.join(self.folder, url)
                _make_parent(target, self.made)
                os.link(os.path.join(spare, url), target)
        except OSError as exc:
            raise self._failed(exc) from None
        finally:
            shutil.rmtree(spare, ignore_errors=True)

    def _failed(self, exc: OSError) -> SiteError:
        self.discard()
        return SiteError(f"could not write the site to {self.out}: {exc.strerror or exc}; "
                         "the previous site was left as it was")


def file_stamp(stat: os.stat_result) -> FileStamp:
    """What tells whether a file is still the one written: its size, inode and modification time."""
    return stat.st_size, stat.st_ino, stat.st_mtime_ns


def _same_file(path: str, data: bytes | Kept | Spliced) -> FileStamp | None:
    """The file's stamp if it holds `data` (or, for a Kept file whose stamp is not known, if it
    is there), else None."""
    try:
        with open(path, "rb", buffering=0) as stream:
            stamp = file_stamp(os.fstat(stream.fileno()))
            if isinstance(data, Kept):
                return stamp
            if isinstance(data, Spliced):
                return stamp if stamp[0] == data.size and data.held_in(stream.fileno()) else None
            if stamp[0] == len(data) and _holds(stream, data):
                return stamp
    except OSError:
        pass
    return None


COMPARED_AT_ONCE = 1 << 20  # bytes of a file read at a time to compare it with what the build made


def _holds(stream, data: bytes) -> bool:
    """Whether what is left to read in `stream` (unbuffered) is `data`, read a piece at a time up
    to the first piece that differs: articles.json (16 MB at 10,000 stories) often keeps its size
    when an edit changes a line, and was read whole into new memory to be found different."""
    if len(data) <= COMPARED_AT_ONCE:
        return stream.readall() == data
    piece = bytearray(COMPARED_AT_ONCE)
    read = memoryview(piece)
    for at in range(0, len(data), COMPARED_AT_ONCE):
        count = stream.readinto(piece)  # (data.startswith compares in place; memoryviews item by item)
        if count != min(COMPARED_AT_ONCE, len(data) - at) or not data.startswith(read[:count], at):
            return False
    return stream.read(1) == b""


def _same_device(a: Path, b: Path) -> bool:
    """Whether two folders are on one file system (b is made if missing)."""
    try:
        b.mkdir(parents=True, exist_ok=True)
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def _file_count(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else -1


def checked_url(url: str) -> str:
    if not url or url[0] == "/" or "\\" in url or ".." in url and ".." in url.split("/"):
        raise SiteError(f"refusing to write {url!r}: it is outside the output folder")
    return url


def _in_place_of(target: str, make):
    """make(name) makes a file under a name beside `target`, which then takes the name `target`:
    in the spare, that replaces the name, not the content (the output's file, which the spare's
    may be, is untouched). What make gives."""
    staged = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.new")
    if os.path.lexists(staged):
        os.unlink(staged)
    made = make(staged)
    rename_over(staged, target)
    return made


def rename_over(staged: str | os.PathLike, target: str | os.PathLike) -> None:
    """Gives the file `staged` the name `target`, in place of the file of that name: for the
    build cache and the spare only, where for a moment there is no file of that name.

    Not os.replace, because ext4 (auto_da_alloc, on by default) writes out a file renamed over
    another before the rename returns, in case the system crashes before it would have written it
    out; a file renamed to a free name is written out later, as any file is. At 10,000 stories an
    edit renamed 14 files over others (16 MB of articles.json, store shards, the page cache):
    20 ms of waiting, 10 ms with the old file removed first. A build that finds a cache file
    missing makes again what it held, and the spare is looked at, not trusted."""
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    os.rename(staged, target)


def _make_parent(target: str, made: set[str]) -> str:
    """The folder `target` goes in, made unless `made` (those made so far) has it."""
    parent = os.path.dirname(target)
    if parent not in made:
        os.makedirs(parent, exist_ok=True)
        made.add(parent)
    return parent


def _write(target: str, data: bytes | Kept | Spliced, source: str) -> FileStamp:
    if isinstance(data, Spliced):
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            data.write_to(descriptor)
            return file_stamp(os.fstat(descriptor))
        finally:
            os.close(descriptor)
    with open(target, "wb") as stream:
        stream.write(Path(source).read_bytes() if isinstance(data, Kept) else data)
        stream.flush()
        return file_stamp(os.fstat(stream.fileno()))


def _inodes_under(folder: str, prefix: str = "") -> dict[str, int]:
    """URL -> inode of every file under `folder`, from the folder listings alone (no stat)."""
    found = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                found.update(_inodes_under(entry.path, f"{prefix}{entry.name}/"))
            else:
                found[prefix + entry.name] = entry.inode()
    return found


def _swap_in(fresh: Path, out: Path) -> bool:
    """Afterwards `out` holds the new site; True when `fresh` holds the old one, False when
    there was none or it was removed."""
    if not out.exists():
        os.rename(fresh, out)
        return False
    if _exchange(fresh, out):
        return True
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rename(out, old / "site")
    os.rename(fresh, out)
    shutil.rmtree(old, ignore_errors=True)
    return False


def _renameat2():
    """Linux's renameat2, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None


def _can_exchange() -> bool:
    return _renameat2() is not None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); False where that is not available."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    at_cwd = -100
    result = renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _remove_leftovers(out: Path) -> None:
    """Folders left by a build that was killed before it could clean up."""
    for pattern in (f".{out.name}.new-*", f".{out.name}.old-*"):
        for leftover in out.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
