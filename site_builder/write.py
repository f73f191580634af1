"""Write the built site atomically: into a folder beside the output, then swap it in.

A failed or killed build leaves the previous output exactly as it was.

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
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class Kept:
    """Stands for a file of the previous site that stays as it is (a page cache hit)."""
    url: str
    stamp: tuple | None = None  # file_stamp of that file, where known


FileStamp = tuple  # (size, inode, modification time in ns) of a written file


@dataclass(frozen=True)
class Written:
    changed: int  # files written; the others were left as they were
    stamps: dict[str, FileStamp]  # URL -> the stamp of its file, for every file of the site


def write_site(out: Path, files: dict[str, bytes | Kept], spare: Path | None = None) -> Written:
    """Write `files` as the new content of `out`.

    Files whose bytes did not change, and Kept files, are hard-linked from the previous site, so
    they are not rewritten (same inode, same modification time); when nothing changed, nothing is
    touched. `spare` is where the site before the last is kept between builds (see above); it
    must be on the same file system as `out`.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    unchanged = _unchanged(out, files)
    if len(unchanged) == len(files) and _file_count(out) == len(files):
        return Written(0, unchanged)
    changed = len(files) - len(unchanged)
    spare = spare if spare is not None and _can_exchange() and _same_device(out.parent, spare.parent) else None
    if spare is not None and out.is_dir() and spare.is_dir():
        try:
            stamps = _bring_up_to_date(spare, files, out, unchanged)
            spare.chmod(0o755)
            if _exchange(spare, out):
                return Written(changed, stamps)  # and the spare holds the last site
        except OSError:
            pass
        shutil.rmtree(spare, ignore_errors=True)  # build afresh instead
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        stamps = _write_files(fresh, files, out, unchanged)
        fresh.chmod(0o755)
        holds_last_site = _swap_in(fresh, out)
    except OSError as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        raise SiteError(f"could not write the site to {out}: {exc.strerror or exc}; "
                        "the previous site was left as it was") from None
    try:
        if holds_last_site and spare is not None:  # it becomes the next build's spare
            os.rename(fresh, spare)
    except OSError:
        pass
    shutil.rmtree(fresh, ignore_errors=True)
    return Written(changed, stamps)


def file_stamp(stat: os.stat_result) -> FileStamp:
    """What tells whether a file is still the one written: its size, inode and modification time."""
    return stat.st_size, stat.st_ino, stat.st_mtime_ns


def _unchanged(out: Path, files: dict[str, bytes | Kept]) -> dict[str, FileStamp]:
    """URL -> stamp of the output's file, for the files that stay as they are."""
    found = {}
    folder = os.fspath(out)
    for url, data in files.items():
        stamp = _same_file(f"{folder}/{url}", data)
        if stamp is not None:
            found[url] = stamp
    return found


def _same_file(path: str, data: bytes | Kept) -> FileStamp | None:
    """The file's stamp if it holds `data` (or is the Kept file), else None."""
    if isinstance(data, Kept) and data.stamp is not None:
        return data.stamp
    try:
        with open(path, "rb", buffering=0) as stream:
            stamp = file_stamp(os.fstat(stream.fileno()))
            if isinstance(data, Kept) or stamp[0] == len(data) and stream.readall() == data:
                return stamp
    except OSError:
        pass
    return None


def _same_device(a: Path, b: Path) -> bool:
    """Whether two folders are on one file system (b is made if missing)."""
    try:
        b.mkdir(parents=True, exist_ok=True)
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def _file_count(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else -1


def _checked(url: str) -> str:
    if not url or url[0] == "/" or "\\" in url or ".." in url and ".." in url.split("/"):
        raise SiteError(f"refusing to write {url!r}: it is outside the output folder")
    return url


def _write_files(folder: Path, files: dict[str, bytes | Kept], previous: Path,
                 unchanged: dict[str, FileStamp]) -> dict[str, FileStamp]:
    """Each file's stamp, taken as it is written: a hard link keeps the stamp of the file it
    links to (stat-ing the whole new tree again afterwards took ten times as long)."""
    stamps = {}
    made: set[str] = set()
    folder, previous = os.fspath(folder), os.fspath(previous)
    for url in sorted(files):  # strings, not Path objects: ten thousand files at 10,000 stories
        target = os.path.join(folder, _checked(url))
        _make_parent(target, made)
        source = os.path.join(previous, url)
        if url in unchanged:
            try:
                os.link(source, target)  # the link has the stamp of the file it links to
                stamps[url] = unchanged[url]
                continue
            except OSError:
                pass  # no hard links here (another file system): write the bytes instead
        stamps[url] = _write(target, files[url], source)
    return stamps


def _make_parent(target: str, made: set[str]) -> str:
    """The folder `target` goes in, made unless `made` (those made so far) has it."""
    parent = os.path.dirname(target)
    if parent not in made:
        os.makedirs(parent, exist_ok=True)
        made.add(parent)
    return parent


def _write(target: str, data: bytes | Kept, source: str) -> FileStamp:
    with open(target, "wb") as stream:
        stream.write(Path(source).read_bytes() if isinstance(data, Kept) else data)
        stream.flush()
        return file_stamp(os.fstat(stream.fileno()))


def _bring_up_to_date(spare: Path, files: dict[str, bytes | Kept], out: Path,
                      unchanged: dict[str, FileStamp]) -> dict[str, FileStamp]:
    """Make `spare` hold the new site: the files that stay as they are are those of `out`
    (the same inode: a link), new bytes are written, and files the new site does not have are
    removed. Looks at what `spare` holds rather than trusting a record of it: the inodes its
    folder listings give, which two names share only when they lead to one and the same file."""
    held = _inodes_under(os.fspath(spare))
    stamps = {}
    made: set[str] = set()
    folder, previous = os.fspath(spare), os.fspath(out)
    for url in sorted(files):
        _checked(url)
        if url in unchanged and held.get(url) == unchanged[url][1]:
            stamps[url] = unchanged[url]  # already the output's own file: both names lead to one inode
            continue
        target = os.path.join(folder, url)
        parent = _make_parent(target, made)
        staged = os.path.join(parent, f".{os.path.basename(target)}.new")
        if os.path.lexists(staged):
            os.unlink(staged)
        source = os.path.join(previous, url)
        if url in unchanged:
            os.link(source, staged)
            stamps[url] = unchanged[url]
        else:
            stamps[url] = _write(staged, files[url], source)
        os.replace(staged, target)  # replaces the name, not the content: the output's file is untouched
    emptied = set()
    for url in held.keys() - files.keys():
        os.unlink(os.path.join(folder, url))
        emptied.add(os.path.dirname(os.path.join(folder, url)))
    for parent in sorted(emptied, key=len, reverse=True):
        while parent != folder and not os.listdir(parent):
            os.rmdir(parent)
            parent = os.path.dirname(parent)
    return stamps


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
