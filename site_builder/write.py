"""Write the built site atomically: into a fresh folder beside the output, then swap it in.

A failed or killed build leaves the previous output exactly as it was.
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


def write_site(out: Path, files: dict[str, bytes | Kept]) -> Written:
    """Write `files` as the new content of `out`.

    Files whose bytes did not change, and Kept files, are hard-linked from the previous site, so
    they are not rewritten (same inode, same modification time); when nothing changed, nothing is
    touched.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    unchanged = {url for url, data in files.items() if isinstance(data, Kept) or _same_file(out / url, data)}
    if len(unchanged) == len(files) and _file_count(out) == len(files):
        return Written(0, {url: file_stamp(os.stat(out / url)) for url in files})
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        stamps = _write_files(fresh, files, out, unchanged)
        fresh.chmod(0o755)
        _swap_in(fresh, out)
    except OSError as exc:
        raise SiteError(f"could not write the site to {out}: {exc.strerror or exc}; "
                        "the previous site was left as it was") from None
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return Written(len(files) - len(unchanged), stamps)


def file_stamp(stat: os.stat_result) -> FileStamp:
    """What tells whether a file is still the one written: its size, inode and modification time."""
    return stat.st_size, stat.st_ino, stat.st_mtime_ns


def _same_file(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _file_count(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else -1


def _write_files(folder: Path, files: dict[str, bytes], previous: Path, unchanged: set[str]) -> dict[str, FileStamp]:
    """Each file's stamp, taken as it is written: a hard link keeps the stamp of the file it
    links to (stat-ing the whole new tree again afterwards took ten times as long)."""
    stamps = {}
    made: set[str] = set()
    folder, previous = os.fspath(folder), os.fspath(previous)
    for url in sorted(files):  # strings, not Path objects: ten thousand files at 10,000 stories
        segments = url.split("/")
        if not url or url.startswith("/") or ".." in segments or "\\" in url:
            raise SiteError(f"refusing to write {url!r}: it is outside the output folder")
        target = os.path.join(folder, url)
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        source = os.path.join(previous, url)
        if url in unchanged:
            try:
                os.link(source, target)  # the link has the stamp of the file it links to
                known = files[url].stamp if isinstance(files[url], Kept) else None
                stamps[url] = known or file_stamp(os.stat(source))
                continue
            except OSError:
                pass  # no hard links here (another file system): write the bytes instead
        data = files[url]
        with open(target, "wb") as stream:
            stream.write(Path(source).read_bytes() if isinstance(data, Kept) else data)
            stream.flush()
            stamps[url] = file_stamp(os.fstat(stream.fileno()))
    return stamps


def _swap_in(fresh: Path, out: Path) -> None:
    """Afterwards `out` holds the new site and `fresh` the old one (or nothing)."""
    if not out.exists():
        os.rename(fresh, out)
        return
    if _exchange(fresh, out):
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rename(out, old / "site")
    os.rename(fresh, out)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_cwd = -100
    result = renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _remove_leftovers(out: Path) -> None:
    """Folders left by a build that was killed before it could clean up."""
    for pattern in (f".{out.name}.new-*", f".{out.name}.old-*"):
        for leftover in out.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
