"""Read content files from disk into raw text records. The only stage that reads content.

Story files the last build read, unchanged since, are not read again (`Reads`): the story store
(cache.StoryStore) keeps what was made of them, under a key made from the digest of their bytes.
A file whose stamp moved but whose bytes did not (every file after a git checkout, as in CI) is
read and digested, but its text is not decoded or kept.
"""
from __future__ import annotations

import hashlib
import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from site_builder.errors import Problem
from site_builder.project import Project
from site_builder.stamp import SETTLE, Listing
from site_builder.write import FileStamp, file_stamp


@dataclass(frozen=True)
class RawFile:
    path: str  # as shown to the user, relative to the project root
    text: str


class StoryFile(NamedTuple):
    """A story's file as this build found it. `text` is None where the file is the one the last
    build read (`Reads`): it is read only if the story store lost what was made of it. A tuple,
    as a build at 10,000 stories finds 10,000 of them."""
    path: str  # as shown to the user, relative to the project root
    location: str  # on disk
    stamp: FileStamp | None  # taken before the file was read; None for text not read from disk
    digest: bytes  # of the file's bytes (file_digest)
    text: str | None

    @classmethod
    def of_text(cls, path: str, text: str) -> StoryFile:
        """A story given as text rather than found on disk (tests)."""
        return cls(path, path, None, file_digest(text.encode("utf-8")), text)

    def raw(self, problems: list[Problem], same: bool = False) -> RawFile | None:
        """Its text, read now if it was not, or None and a problem. With `same`, read now, it must
        be the text the file held when it was found (its digest)."""
        if self.text is not None:
            return RawFile(self.path, self.text)
        data = _read_bytes(self.location, self.path, problems)
        if data is None:
            return None
        if same and file_digest(data) != self.digest:
            problems.append(Problem(self.path, None, None, "changed while the site was being built; build again"))
            return None
        return _text(data, self.path, problems)


def file_digest(data: bytes) -> bytes:
    """Of a story file's bytes, as read."""
    return hashlib.sha256(data).digest()


class Reads:
    """What a build read of each story file: its path, stamp and the digest of its bytes, and when
    the build started.

    The next build trusts a file whose size, inode and modification time are unchanged to hold
    the same text, as make, git and stamp.py do, with git's precaution against "racy" files: not
    a file whose modification time is less than stamp.SETTLE seconds before the reading build
    started (it could have changed again within the same clock tick).

    Kept packed, as the build cache's reads.pickle: the paths in one string, the stamps and the
    digests each in one string of bytes, a file's at its place among the paths. At 10,000 stories,
    reading it back and finding each file's digest took an edit 15-17 ms against 18-25 ms with a
    dict of path -> (stamp, digest), writing it 4 against 5-6 ms (6 runs each, alternating)."""
    __slots__ = ("started", "paths", "stamps", "digests", "_places")

    def __init__(self, started: int, paths: str, stamps: bytes, digests: bytes):
        self.started = started  # time.time_ns() when that build started to read
        self.paths = paths  # each file's path, "\0" between them (no path holds one)
        self.stamps = stamps  # each file's stamp (write.file_stamp), packed (_STAMP)
        self.digests = digests  # each file's digest (file_digest), DIGEST_SIZE bytes each
        self._places: dict[str, int] | None = None  # path -> its place, once asked for

    @classmethod
    def of(cls, started: int, files) -> Reads:
        """From StoryFiles that were read from disk (each with a stamp)."""
        return cls(started, "\0".join([file.path for file in files]),
                   b"".join([_STAMP.pack(*file.stamp) for file in files]), b"".join([file.digest for file in files]))

    def __reduce__(self):
        return Reads, (self.started, self.paths, self.stamps, self.digests)

    def places(self) -> dict[str, int]:
        """path -> the file's place among those read then."""
        if self._places is None:
            paths = self.paths.split("\0") if self.paths else []
            self._places = dict(zip(paths, range(len(paths))))
        return self._places

    def place(self, path: str) -> int | None:
        return self.places().get(path)

    def digest(self, path: str, stamp: FileStamp) -> bytes | None:
        """The digest of the file's bytes, when it is the file that was read then."""
        return self.digests_of([(path, stamp)])[0]

    def digests_of(self, files) -> list[bytes | None]:
        """digest(path, stamp) for each (path, stamp) of `files`; a stamp may be None (no digest)."""
        places, stamps, digests, pack = self.places(), self.stamps, self.digests, _STAMP.pack
        settled = self.started - int(SETTLE * 1e9)  # files modified since may have changed unseen
        found = []
        for path, stamp in files:
            place = places.get(path)
            at = None if place is None or stamp is None or stamp[2] >= settled else place * _STAMP.size
            if at is not None and stamps[at:at + _STAMP.size] == pack(*stamp):
                found.append(digests[place * DIGEST_SIZE:(place + 1) * DIGEST_SIZE])
            else:
                found.append(None)
        return found

    def held(self, path: str, digest: bytes) -> bool:
        """Whether the file held bytes of that digest when it was read then."""
        place = self.place(path)
        return place is not None and self.digests[place * DIGEST_SIZE:(place + 1) * DIGEST_SIZE] == digest


_STAMP = struct.Struct("<QQq")  # a file's size, inode and modification time (ns), as Reads packs them
DIGEST_SIZE = hashlib.sha256().digest_size  # of file_digest


class RawContent(NamedTuple):
    site: RawFile | None
    outlets: RawFile | None
    events: RawFile | None
    people: RawFile | None
    sources: RawFile | None
    lexicon: RawFile | None
    articles: tuple[StoryFile, ...]
    pages: tuple[RawFile, ...]
    started: int = 0  # time.time_ns() when reading started

    def reads(self) -> Reads:
        """What was read of the story files, for the next build (`load_content`)."""
        return Reads.of(self.started, [file for file in self.articles if file.stamp is not None])


def load_content(project: Project, last: Reads | None = None,
                 listing: Listing | None = None) -> tuple[RawContent, list[Problem]]:
    """The content's files; story files as `last` recorded them are not read again. `listing`:
    the content folder's files as the build found them as it started (stamp.py), which spares
    looking at every story file again."""
    problems: list[Problem] = []
    started = listing.started if listing else time.time_ns()
    content = project.content
    if not content.is_dir():
        return RawContent(None, None, None, None, None, None, (), ()), [
            Problem(project.display(content), None, None,
                    "content folder not found; run site-builder in the project folder or pass --project")
        ]

    def read_all(folder: str) -> tuple[RawFile, ...]:
        found = []
        shown = project.display(content / folder)
        for entry in _markdown_files(content / folder):
            raw = _read(entry.path, f"{shown}/{entry.name}", problems)
            if raw is not None:
                found.append(raw)
        return tuple(found)

    def stories() -> tuple[StoryFile, ...]:
        found = []
        shown = project.display(content / "articles") + "/"
        checked = listing.same_bytes if listing else {}
        files = _story_files(content / "articles", listing)
        known = last.digests_of([(shown + name, stamp) for name, _, stamp in files]) if last else [None] * len(files)
        for (name, location, stamp), digest in zip(files, known):
            path = shown + name
            if digest is None and path in checked and last and last.held(path, checked[path]):
                digest = checked[path]  # its stamp moved, its bytes did not (same_bytes)
            if digest is not None:
                found.append(StoryFile(path, location, stamp, digest, None))
                continue
            data = _read_bytes(location, path, problems, stamp[0] if stamp else -1)
            if data is None:
                continue
            digest = file_digest(data)
            if last and last.held(path, digest):  # touched since (a checkout, a restore), the same bytes
                found.append(StoryFile(path, location, stamp, digest, None))
                continue
            raw = _text(data, path, problems)
            if raw is not None:
                found.append(StoryFile(path, location, stamp, digest, raw.text))
        return tuple(found)

    raw = RawContent(
        site=_read_required(project, content / "site.yaml", problems),
        outlets=_read_required(project, content / "outlets.yaml", problems),
        events=_read_optional(project, content / "events.yaml", problems),
        people=_read_optional(project, content / "people.yaml", problems),
        sources=_read_optional(project, content / "sources.yaml", problems),
        lexicon=_read_optional(project, content / "lexicon.yaml", problems),
        articles=stories(),
        pages=read_all("pages"),
        started=started,
    )
    return raw, problems


def same_bytes(project: Project, listing: Listing) -> dict[str, bytes]:
    """Of the story files in `listing` whose stamp moved since the last build read them (every
    file after a git checkout), those that still hold the bytes it read: path -> their digest.
    Worked out as the stamp is taken (stamp.stamp_beside), beside the build's imports, so that
    load_content need not read them: at 10,000 stories, after a checkout, reading them took the
    build 0.17-0.22 s (0.09-0.11 s in a process on its own)."""
    from site_builder.cache import load_kept  # (which would import this module's importers first)

    last = load_kept(project.root, "reads", Reads)
    found: dict[str, bytes] = {}
    if last is None:
        return found
    shown = project.display(project.content / "articles")
    for name, location, stamp in _story_files(project.content / "articles", listing):
        path = f"{shown}/{name}"
        if stamp is None or last.place(path) is None or last.digest(path, stamp) is not None:
            continue
        data = _read_bytes(location, path, [], stamp[0])
        if data is not None and last.held(path, digest := file_digest(data)):
            found[path] = digest
    return found


def _story_files(folder: Path, listing: Listing | None) -> list[tuple[str, str, FileStamp | None]]:
    """Each story file's name, place on disk and stamp, by name; from `listing` where given."""
    if listing is None:
        found = []
        for entry in _markdown_files(folder):
            try:
                found.append((entry.name, entry.path, file_stamp(entry.stat())))
            except OSError:
                found.append((entry.name, entry.path, None))
        return found
    under, place = folder.name + "/", os.fspath(folder)
    found = []
    for name, stamp in listing.files.items():
        if name.startswith(under) and name.endswith(".md"):
            own = name[len(under):]
            if "/" not in own:
                found.append((own, f"{place}/{own}", stamp))
    return found


def _markdown_files(folder: Path) -> list[os.DirEntry]:
    """The .md files in the folder, sorted by name."""
    try:
        return sorted((entry for entry in os.scandir(folder) if entry.name.endswith(".md") and entry.is_file()),
                      key=lambda entry: entry.name)
    except OSError:
        return []


def _read_required(project: Project, path: Path, problems: list[Problem]) -> RawFile | None:
    if not path.is_file():
        problems.append(Problem(project.display(path), None, None, "file not found; create it (see README, 'Content')"))
        return None
    return _read(path, project.display(path), problems)


def _read_optional(project: Project, path: Path, problems: list[Problem]) -> RawFile | None:
    return _read(path, project.display(path), problems) if path.is_file() else None


def _read(path: Path | str, shown: str, problems: list[Problem]) -> RawFile | None:
    """The file's text, or None and a problem naming it as `shown`."""
    data = _read_bytes(path, shown, problems)
    return None if data is None else _text(data, shown, problems)


_READ_BYTES = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # (Windows would otherwise translate line ends)


def _read_bytes(path: Path | str, shown: str, problems: list[Problem], size: int = -1) -> bytes | None:
    """The file's bytes, or None and a problem naming it as `shown`. `size`: what its stamp
    says it holds, read in one call while it still does (os.open and os.read: over 10,000 story
    files, 0.05 s against 0.07-0.08 s with open() and readall())."""
    try:
        descriptor = os.open(path, _READ_BYTES)
        try:
            data = os.read(descriptor, size + 1) if size >= 0 else b""
            if len(data) > size:  # more than the stamp said, or no stamp: read to the end
                pieces = [data]
                while piece := os.read(descriptor, 1 << 16):
                    pieces.append(piece)
                data = b"".join(pieces)
        finally:
            os.close(descriptor)
    except OSError as exc:
        problems.append(Problem(shown, None, None, f"cannot be read ({exc.strerror or exc}); check the file"))
        return None
    return data


def _text(data: bytes, shown: str, problems: list[Problem]) -> RawFile | None:
    """A file's bytes as text, or None and a problem naming it as `shown`."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(shown, line, None,
                                f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8"))
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.strip():
        problems.append(Problem(shown, None, None, "the file is empty; add front matter and text, or delete it"))
        return None
    return RawFile(shown, text)
