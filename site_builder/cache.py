"""The build cache, in a hidden folder beside the content (ignored by git): what the last build
prepared and rendered, so the next one redoes only what changed. It only ever holds what the last
build used, and a cache hit is byte-identical to a clean build (tests/test_incremental.py).

Every key covers the package's own code (`code_digest`), so a changed generator starts afresh.
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import pickle
import re
import shutil
import sys
import tempfile
from functools import lru_cache, partial
from pathlib import Path
from typing import IO, NamedTuple

from site_builder import __version__
from site_builder.write import FileStamp, file_stamp, rename_over

FOLDER = ".site-cache"
UNREADABLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError)  # written by other code


# What else shapes the output: module -> the distribution that installs it (normalised name)
LIBRARIES = {"ahocorasick": "pyahocorasick", "jinja2": "jinja2", "markdown_it": "markdown_it_py", "numpy": "numpy",
             "plotly": "plotly", "yaml": "pyyaml"}


@lru_cache(maxsize=1)
def code_digest() -> bytes:
    """The source of this package and what identifies Python and the libraries that shape the
    output: a cache written by other code is not used."""
    libraries = [_installed(module, distribution) for module, distribution in LIBRARIES.items()]
    digest = hashlib.sha256(repr((__version__, sys.version, libraries)).encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def _installed(module: str, distribution: str) -> tuple:
    """Where a library is installed and which version (the name of the distribution's
    `.dist-info` folder beside it), found without importing it. Installing the same version
    again, as every CI run does in a new environment, keeps the caches; another version does not."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        return (module,)
    folder = os.path.dirname(spec.origin)
    if spec.submodule_search_locations is not None:  # a package: its folder sits in site-packages
        folder = os.path.dirname(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        names = []
    versions = sorted(name for name in names if name.endswith(".dist-info")  # "<name>-<version>.dist-info"
                      and re.sub(r"[-_.]+", "_", name.split("-", 1)[0].lower()) == distribution)
    return module, folder, tuple(versions)


CLEARED = "cleared"  # in the build cache: what it held before a --clean build, until it is removed (clear)


def clear(root: Path) -> Path | None:
    """Empties the build cache at once: what it holds is set aside in a folder inside it, whose
    path is returned for the build to remove as it goes (write.SiteWriter.remove). At 10,000
    stories, removing the spare's 10,000 files and the rest took 1.3-2.5 s (waiting, mostly, for
    the disk), which a site written from nothing (write_beside.py) spends in the writer's process
    while the stories are prepared. None when there was nothing to set aside, or it was removed
    here. What a build stopped meanwhile leaves set aside, the next one removes (remove_cleared)."""
    folder = root / FOLDER
    if not folder.exists():
        return None
    holder = None
    try:
        holder = Path(tempfile.mkdtemp(prefix=f"{FOLDER}.", dir=root))
        os.rename(folder, holder / CLEARED)
        os.rename(holder, folder)
    except OSError:
        for leftover in (folder, holder):
            if leftover is not None:
                shutil.rmtree(leftover, ignore_errors=True)
        return None
    return folder / CLEARED


def remove_cleared(root: Path) -> None:
    """What a build that was stopped left set aside (clear)."""
    if os.path.lexists(root / FOLDER / CLEARED):
        shutil.rmtree(root / FOLDER / CLEARED, ignore_errors=True)


class FileMemory:
    """What this process last read from, or wrote to, each file of the build cache, with that
    file's stamp (write.file_stamp) then. A process that builds again and again (serve.py) need
    not read back what it already holds while the file is still the one it read or wrote: at
    10,000 stories, unpickling the stories' facts and the other caches took a seventh of each
    rebuild. A file another process wrote since has another inode (every writer here replaces
    the file) and is read again.

    What it hands out is shared with later builds: the callers read it and do not change it,
    except the passage index, which is saved after each build that changes it and forgotten
    after one that fails (passage_keeper.py)."""

    def __init__(self):
        self.known: dict[str, tuple[tuple, object]] = {}
        self.after_build: list[tuple[Path, dict]] = []  # files save_kept writes once the build was shown

    def get(self, path: Path):
        """What was read from or written to `path`, if it is still that file; else None."""
        known = self.known.get(os.fspath(path))
        if known is None:
            return None
        try:
            return known[1] if file_stamp(os.stat(path)) == known[0] else None
        except OSError:
            return None

    def put(self, path: Path, stamp: tuple, value) -> None:
        """`value` is what the file at `path` holds while its stamp is `stamp`, taken from the
        open file read or written (a stamp taken after closing it could be another file's)."""
        self.known[os.fspath(path)] = (stamp, value)

    def forget(self, path: Path) -> None:
        self.known.pop(os.fspath(path), None)


memory: FileMemory | None = None  # off in a process that builds once


def remember_between_builds() -> None:
    """Keep what the build cache's files hold in this process, for the builds that follow."""
    global memory
    if memory is None:
        memory = FileMemory()


def load_pickle(path: Path) -> dict:
    known = memory.get(path) if memory else None
    if known is not None:
        return known
    try:
        with path.open("rb") as stream:
            stamp = file_stamp(os.fstat(stream.fileno()))
            stored = pickle.load(stream)
    except (OSError, *UNREADABLE):
        return {}
    if not isinstance(stored, dict):
        return {}
    if memory:
        memory.put(path, stamp, stored)
    return stored


def save_pickle(path: Path, value: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
            stream.flush()
            stamp = file_stamp(os.fstat(stream.fileno()))
        rename_over(stream.name, path)  # the same inode and time under its new name
    except OSError:
        return  # a cache that cannot be written only makes the next build slower
    if memory:
        memory.put(path, stamp, value)


def _stand_in(obj) -> str | None:
    """The digest an object (a StoryView) computed of itself, if it has one. Called for every
    object a digest with stand-ins pickles (at 10,000 stories, some 45,000 an edit, in the keys
    of the archive pages and the timeline): plain data is let through at once."""
    if type(obj) in _PLAIN:
        return None
    digest = getattr(obj, "cache_digest", None) if not isinstance(obj, type) else None
    return digest if isinstance(digest, str) else None


_PLAIN = frozenset({str, int, float, bool, type(None), tuple, list, dict, bytes})


def _stand_ins_digest(value) -> str | None:
    """For a list of objects that each stand in as their own digest (an archive page's StoryViews),
    stand_ins_digest; None for any other value (value_digest's). At 10,000 stories, pickling the
    archive pages' lists, a call to `_stand_in` for each of their stories, took an edit 0.015 s."""
    return stand_ins_digest(value) if type(value) is list and value else None


def stand_ins_digest(items) -> str | None:
    """A digest of the digests of `items` (views.Views, a list of StoryViews), in order, where
    each stands in as its own (`_stand_in`); else None. (No pickle starts with the salt, so this
    and value_digest's digests never meet; repr keeps any two lists of digests apart.)"""
    digests = [_stand_in(item) for item in items]
    if None in digests:
        return None
    return hashlib.sha256(b"stand-ins\0" + repr(digests).encode()).hexdigest()


def value_digest(value, salt: bytes = b"", stand_ins: bool = True) -> str | None:
    """A digest of a value made of data (dataclasses, tuples, dicts, strings, numbers, dates),
    or None when it holds something that cannot be pickled (a function). With `stand_ins`, an
    object with a `cache_digest` (a StoryView, which computes it once from all it holds) stands
    in as that digest; without, quicker, for values that hold no StoryView."""
    idle = _idle_picklers[stand_ins]
    stream, pickler = idle.pop() if idle else _digest_pickler(stand_ins)
    stream.seek(0)
    stream.truncate()
    try:
        pickler.dump(value)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    idle.append((stream, pickler))
    return hashlib.sha256(salt + stream.getvalue()).hexdigest()


# Picklers value_digest is not using, with their streams, by `stand_ins`: made once and used again
# (a third of the time of a StoryView's digest went into making them). One is taken while in use,
# as a stand-in's digest may be worked out while another value is being pickled.
_idle_picklers: dict[bool, list[tuple[io.BytesIO, pickle.Pickler]]] = {False: [], True: []}


def _digest_pickler(stand_ins: bool) -> tuple[io.BytesIO, pickle.Pickler]:
    stream = io.BytesIO()
    pickler = pickle.Pickler(stream, protocol=5)
    pickler.fast = True  # no memo: equal values give equal bytes however their parts happen to be shared
    if stand_ins:
        pickler.persistent_id = _stand_in
    return stream, pickler


class PageCache:
    """Rendered pages between builds. The bytes stay in the output folder: the cache remembers, for
    each page, the key it was rendered from, a digest of its bytes and the size, inode and
    modification time of the file written, and keeps the page of the last build (`kept`, which
    the writer is handed: SiteWriter.keep) when its key is unchanged and its file was not touched
    since, or, touched, still holds those bytes.
    An output folder restored from a cache, as in CI (.github/workflows/pages.yml), has files with
    other inodes but the same sizes and modification times (to the nanosecond): those are trusted
    as rsync's quick check trusts them, without reading them (at 10,000 stories, reading and
    digesting their 110 MB took 0.2 s); a file whose time moved is read, and kept if it still
    holds the bytes written.

    A page's key is its template and a digest of each value of its context (value_digest:
    pickled, and pickling is faithful, so equal bytes mean equal values; a StoryView stands in as
    its own digest). The whole cache is kept under a digest of the templates, the environment
    (asset URLs, base URL) and the code.

    Kept in two files: every page's entry, written whole now and then, and the entries changed
    or gone since it was, which a build writes instead where they are few (CHANGES): at 10,000
    stories, an edit's save took 1.7 against 9.3 ms (replayed), writing 2 KB instead of 1.8 MB.
    The second holds the generation of the first it goes with, and is ignored with any other; a
    file lost or out of date only makes pages rendered again (PageCache.kept compares keys, and
    a page's file is looked at whenever its entry's stamp is not the file's).
    """

    CHANGES = 8  # the site's pages, divided by this, that the file of changes may hold (at least 64)

    def __init__(self, root: Path, out: Path, templates: Path, environment: dict,
                 changed: set[str] | None = None):
        """`out`: where the last build's pages are (write.last_pages: the output folder, or its
        spare where the output is gone). `changed`: the pages whose file is no longer the one the
        last build wrote, where a process beside the build looked at every page's file
        (pages_changed_since); else each page's file is looked at here when its key is unchanged."""
        self.folder = root / FOLDER
        self.path, self.changes_path = self._path(root), self._changes_path(root)
        self.out = os.fspath(out)  # a string: joined with each page's URL, 10,000 times at 10,000 stories
        self.changed = changed
        digest = hashlib.sha256(code_digest())
        for path in sorted(p for p in templates.rglob("*") if p.is_file()):
            digest.update(path.relative_to(templates).as_posix().encode() + b"\0" + path.read_bytes())
        digest.update(repr(sorted(environment.items())).encode())
        self.salt = digest.digest()
        stored, changes = _stored_pages(root)
        if stored.get("salt") != self.salt:
            stored, changes = {}, {}
        self.previous: dict = stored.get("pages", {})
        self.generation: str | None = stored.get("generation")  # of the file of every page, where it holds
        self.changes: dict = changes  # what the file of changes holds: "changed", "gone"
        self.entries: dict[str, tuple] = {}  # url -> (key, digest of the page's bytes: page_digest), this build's
        self.rendered: list[str] = []  # URLs rendered this build (cache misses)
        self._digests: dict[int, tuple[object, str | None]] = {}

    @staticmethod
    def _path(root: Path) -> Path:
        return root / FOLDER / "pages.pickle"

    @staticmethod
    def _changes_path(root: Path) -> Path:
        return root / FOLDER / "pages-changes.pickle"

    @classmethod
    def left_in(cls, root: Path) -> bool:
        """Whether a build left a page cache in `root`'s build cache (whose pages may be kept)."""
        return cls._path(root).exists()

    def key(self, template: str, context: dict, shared: dict | None = None) -> tuple | None:
        """The template, then a digest of the digests of `shared`'s values, then the digest of each
        value of the `context`, by name (the URL is where the key is kept, the salt is the whole
        cache's); None (always render) when a value cannot be pickled. Each value is digested once
        per build, however many pages share it, and `shared` (the same dict for every page) once
        for all its values; the key is not hashed again as a whole (a tenth of an edit's rendering
        at 10,000 stories). A key holds strings only, so that comparing it with the last build's
        compares a few strings (10,000 keys at 10,000 stories). A page showing one value with its
        own digest (a story page's StoryView) gets the same key the short way: 10,000 story pages'
        keys took 9-11 against 13.5-14 ms."""
        if len(context) == 1 and shared:
            (name, value), = context.items()
            own = _stand_in(value)
            part = self._digested(shared) if own is not None else None
            if part is not None:
                return (template, part, name, own)
        key = [template]
        if shared:
            part = self._digested(shared)
            if part is None:
                return None
            key.append(part)
        for name in sorted(context) if len(context) > 1 else context:
            digest = self._digest_of(context[name])
            if digest is None:
                return None
            key += (name, digest)
        return tuple(key)

    def _digested(self, shared: dict) -> str | None:
        """`shared`'s part of a key: a digest of each value's digest, by name."""
        known = self._digests.get(id(shared))
        if known is None or known[0] is not shared:
            digests = [(name, self._digest_of(shared[name])) for name in sorted(shared)]
            part = None if any(d is None for _, d in digests) else \
                hashlib.sha256("\0".join(f"{name}\0{digest}" for name, digest in digests).encode()).hexdigest()
            known = self._digests[id(shared)] = (shared, part)
        return known[1]

    def _digest_of(self, value) -> str | None:
        own = _stand_in(value)  # a StoryView's own digest: one a page, nothing to remember
        if own is not None:
            return own
        known = self._digests.get(id(value))  # (holding the value, below, keeps its id from being reused)
        if known is None or known[0] is not value:
            known = self._digests[id(value)] = (value, _stand_ins_digest(value) or value_digest(value))
        return known[1]

    def kept(self, urls: list[str], keys: list[tuple | None]) -> dict[str, tuple]:
        """Of the pages at `urls`, with their `keys`, those the last build wrote as they would be
        now and whose files are still as written: URL -> the stamp of its file. Looked up all at
        once: at 10,000 stories, a Kept made and handed over for each page took an edit 0.02 s."""
        previous, changed, entries = self.previous, self.changed, self.entries
        kept = {}
        for url, key in zip(urls, keys):
            before = previous.get(url)  # (key, digest of its bytes, stamp of its file)
            if before is None or key is None or before[0] != key:
                continue
            stamp = before[2]
            if changed is None or url in changed:  # else as the process beside found it: as written
                path = f"{self.out}/{url}"
                try:
                    now = file_stamp(os.stat(path))
                    if now != stamp and not _still_as_written(path, now, before):
                        continue
                except OSError:
                    continue
                stamp = now
            entries[url] = before
            kept[url] = stamp
        return kept

    def put(self, url: str, key: tuple | None, data: bytes) -> None:
        """A page rendered (`data`, its bytes) under `key`."""
        self.rendered.append(url)
        if key is not None:
            self.entries[url] = (key, page_digest(data))

    def save(self, written: dict[str, tuple]) -> None:
        """Call after the site was written, with the stamp of each file written (write.Written):
        remember each page's key, the digest of its bytes and its file as written; in the file of
        changes, the entries that are not the last build's (a page kept from it has its entry,
        the same object, and the same stamp) and the pages gone, where those are few."""
        previous, entries = self.previous, self.entries
        if self.generation is not None:
            changed = {}
            for url, entry in entries.items():
                stamp = written.get(url)
                if stamp is not None and not (entry is previous.get(url) and entry[2] == stamp):
                    changed[url] = (entry[0], entry[1], stamp)
            gone = [url for url in previous if url not in entries or url not in written]
            changes = {**self.changes.get("changed", {}), **changed}
            for url in gone:
                changes.pop(url, None)
            gone_since = (set(self.changes.get("gone", ())) | set(gone)) - changes.keys()
            if len(changes) + len(gone_since) <= max(64, len(previous) // self.CHANGES):
                save_pickle(self.changes_path, {"generation": self.generation, "changed": changes, "gone": gone_since})
                return
        pages = {url: (entry[0], entry[1], written[url]) for url, entry in entries.items() if url in written}
        save_pickle(self.path, {"salt": self.salt, "generation": os.urandom(8).hex(), "pages": pages})
        try:
            self.changes_path.unlink(missing_ok=True)
        except OSError:
            pass  # (another generation's: it is not read with this file)


def _still_as_written(path: str, stamp: FileStamp, before: tuple) -> bool:
    """Whether a page's file, whose stamp is not the one recorded (`before`: key, digest and
    stamp), still holds what was written: the same size and modification time (another inode:
    restored from a cache), or, its time moved, the same bytes."""
    size, _, modified = stamp
    return size == before[2][0] and (modified == before[2][2] or page_digest(_read(path)) == before[1])


def pages_changed_since(root: Path, out: Path) -> set[str]:
    """The URLs of the pages the page cache holds whose file in `out` is not the one the last
    build wrote (another size, inode or modification time, or gone): for a process beside the
    build (passage_keeper.py), so that PageCache need not look at each file (10,000 `stat`
    calls at 10,000 stories, 0.03 s)."""
    out = os.fspath(out)
    changed = set()
    for url, entry in _stored_pages(root)[0].get("pages", {}).items():
        try:
            if file_stamp(os.stat(f"{out}/{url}")) != entry[2]:
                changed.add(url)
        except OSError:
            changed.add(url)
    return changed


def _stored_pages(root: Path) -> tuple[dict, dict]:
    """The page cache as kept (PageCache): the file of every page, its entries brought up to date
    with the file of changes that goes with it; and what that file holds (empty if none does)."""
    stored = load_pickle(PageCache._path(root))
    changes = load_pickle(PageCache._changes_path(root))
    if stored.get("generation") is None or changes.get("generation") != stored.get("generation"):
        return stored, {}
    pages = {**stored.get("pages", {}), **changes.get("changed", {})}
    for url in changes.get("gone", ()):
        pages.pop(url, None)
    return {**stored, "pages": pages}, changes


def page_digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _read(path: str) -> bytes:
    with open(path, "rb", buffering=0) as stream:
        return stream.readall()


def load_kept(root: Path, name: str, kind: type):
    """What the last build kept as `name` (save_kept), if this code wrote it and it is a `kind`;
    else None."""
    stored = load_pickle(root / FOLDER / f"{name}.pickle")
    value = stored.get("value") if stored.get("code") == code_digest() else None
    return value if isinstance(value, kind) else None


def save_kept(root: Path, name: str, value, after_build: bool = False) -> None:
    """`after_build`: in a process that builds again and again (remember_between_builds), written
    by write_after_build, once the build was shown, rather than now (nothing reads the file in
    between: this process has the value in memory, and a stale file is what the next build
    would have found had the process stopped first)."""
    path, stored = root / FOLDER / f"{name}.pickle", {"code": code_digest(), "value": value}
    if after_build and memory:
        memory.after_build.append((path, stored))
    else:
        save_pickle(path, stored)


def write_after_build() -> None:
    """Writes what save_kept was asked to write after the build (serve.py: once the browser was
    told). Call before the next build."""
    while memory and memory.after_build:
        save_pickle(*memory.after_build.pop(0))


def forget_kept(root: Path, name: str) -> None:
    """For a value load_kept gave that was changed and not saved: this process's memory of the
    file (FileMemory) no longer stands for it."""
    if memory:
        memory.forget(root / FOLDER / f"{name}.pickle")


class ResultCache:
    """What a function made of some data (bytes: the chart's figure, an outlet's counts, the
    sentences of a story in a reused passage, the shared quotes), between builds, under the
    digest of that data. Holds only what the last build used; with `keep_unread`, what the last
    build to look in a shard used, for what most builds need not look up (the sentences of the
    stories in reused passages, read only when the passages changed). (The lines of
    articles.json are kept apart: articles_kept.py.)

    Kept in SHARDS files by digest, each read when a digest in it is first looked up, and
    written again only when what it holds changed: editing one story rewrites one or two small
    files instead of all of them."""

    SHARDS = 64

    def __init__(self, root: Path, name: str, keep_unread: bool = False):
        self.root, self.name, self.keep_unread = root, name, keep_unread
        self.previous: list[dict[str, bytes] | None] = [None] * self.SHARDS  # None: not read yet
        self.used: list[dict[str, bytes]] = [{} for _ in range(self.SHARDS)]

    def get(self, digest: str | None, make, value) -> bytes:
        """What was made under `digest`, else make(value) (bytes, remembered under `digest`)."""
        if digest is None:
            return make(value)
        number = int(digest[:4], 16) % self.SHARDS
        previous = self.previous[number]
        if previous is None:
            previous = self.previous[number] = load_kept(self.root, self._name(number), dict) or {}
        made = previous.get(digest)
        if made is None:
            made = make(value)
        self.used[number][digest] = made
        return made

    def get_value(self, digest: str, make, value):
        """As `get`, for what make(value) gives that is not bytes: kept pickled."""
        return pickle.loads(self.get(digest, partial(_pickled, make), value))

    def save(self) -> None:
        for number, used in enumerate(self.used):
            if used and used.keys() == self.previous[number].keys() or self.keep_unread and not used:
                continue
            if used:
                save_kept(self.root, self._name(number), used)
            else:  # nothing in it was looked up
                try:
                    (self.root / FOLDER / f"{self._name(number)}.pickle").unlink(missing_ok=True)
                except OSError:
                    pass

    def _name(self, number: int) -> str:
        """The shard's name for load_kept and save_kept."""
        return f"{self.name}/{number:02x}"


def _pickled(make, value) -> bytes:
    return pickle.dumps(make(value), protocol=pickle.HIGHEST_PROTOCOL)


class Shared:
    """The site's data that many stories refer to (people, places, sources, events), and the
    classes stories are made of. A story is stored with references to these instead of copies of
    them, and gets back the objects of this build's data when it is loaded (a story's key covers
    that data and the code, so they are equal)."""

    def __init__(self, objects: dict[tuple[str, str], object]):
        self.objects = {**objects, _TUPLE_NEW: tuple.__new__}  # reference -> object
        self.references = {obj: reference for reference, obj in self.objects.items()}  # equal objects alike
        self.types = frozenset(type(obj) for obj in self.objects.values())
        # the named tuples among the classes, made again by tuple.__new__ (_ReferencePickler)
        self.named_tuples = frozenset(obj for obj in objects.values()
                                      if isinstance(obj, type) and issubclass(obj, tuple) and hasattr(obj, "_fields"))

    def dumps(self, value) -> bytes:
        stream = io.BytesIO()
        _ReferencePickler(stream, self).dump(value)
        return stream.getvalue()

    def loads(self, data: bytes):
        """The value, or None when the data cannot be read back (written by other code, or
        referring to data the site no longer has)."""
        return self.load(io.BytesIO(data))

    def load(self, stream: IO[bytes]):
        """As `loads`, the value pickled next in `stream`."""
        unpickler = pickle.Unpickler(stream)
        unpickler.persistent_load = self.objects.__getitem__  # a reference is a (kind, id) tuple
        try:
            return unpickler.load()
        except (KeyError, *UNREADABLE):
            return None


_TUPLE_NEW = ("function", "tuple.__new__")  # what named tuples are read back with (_ReferencePickler), by reference


class _ReferencePickler(pickle.Pickler):
    def __init__(self, stream, shared: Shared):
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.shared = shared

    def persistent_id(self, obj):
        return self.shared.references.get(obj) if type(obj) in self.shared.types else None

    def reducer_override(self, obj):
        """A named tuple of the shared classes as its class (a reference) and its values, read
        back by tuple.__new__, in C. Pickled as usual, each one read back is a call of its class's
        __new__, a Python function: at 10,000 stories, 6-7 ms of the 50-60 ms that reading back
        every story's facts takes."""
        kind = type(obj)
        return (tuple.__new__, (kind, tuple(obj))) if kind in self.shared.named_tuples else NotImplemented


class StoryStore:
    """Each story's PreparedStory (front matter, Markdown and analysis) between builds, in two
    parts (stored.py: its facts, and the rest), under the story's key (stories.story_keys: its
    path and text, the data it is analysed with and the code).

    Kept in SHARDS pairs of files by key (shard_of), so that editing one story rewrites two
    small files. A shard's facts file, read for every build, holds its keys, then the facts of
    all its stories as one pickle (Shared.dumps of a list, as a worker process makes it for the
    stories of one shard): read back in one go, the names of fields and classes come once a
    shard rather than once a story (a third quicker than a pickle per story at 10,000 stories).
    Its rest file holds a (key, pickled rest) record per story, read only when a story's rest
    is asked for. New rests are written out as they come rather than held in memory.

    The stories a build adds to a shard that holds others it used go in its added file (keys and
    facts, as many times as stories were added since) and at the end of its rest file, rather
    than the whole shard being written again: an edit at 10,000 stories wrote the 155 other
    stories of its shard again, facts and rests (1.3 MB), in 0.018-0.023 s. A story is found by
    key, so stories no build uses any longer are only in the way: a shard is written again with
    what the last build used alone once more than STALE of them (or a quarter of the shard) pile
    up, or when nothing new goes in and any is stale."""

    SHARDS = 64
    STALE = 8  # stories no build uses any longer that a shard may hold (or a quarter of it, if more)

    def __init__(self, root: Path):
        self.folder = root / FOLDER / "stories"
        self.shared: Shared | None = None  # what facts are pickled with (given to load)
        self.stored: list[tuple[str, ...]] = [()] * self.SHARDS  # keys in each shard's facts file
        self.kept: list[dict[str, object]] = [{} for _ in range(self.SHARDS)]  # of those, the facts this build used
        self.new: dict[int, list[NewFacts]] = {}  # shard -> facts of stories prepared this build
        self.new_rests: dict[int, IO[bytes]] = {}  # shard -> its next rest file, being written
        self.rests: dict[int, dict[str, bytes]] = {}  # shard -> its rests, once one was asked for
        self.analysed: list[str] = []  # slugs prepared this build (not found in the store)

    @classmethod
    def shard_of(cls, key: str) -> int:
        """The number of the shard a story's key goes in."""
        return int(key[:4], 16) % cls.SHARDS

    def _shard(self, number: int, part: str = "facts") -> Path:
        return self.folder / f"{number:02x}.{part}.pickle"

    def load(self, keys: list[str], shared: Shared) -> list:
        """For each key, the facts the store holds under it, read back with `shared` (the bytes of
        its rest: `rest`), or None where the store holds nothing."""
        self.shared = shared
        found: list = [None] * len(keys)
        wanted: dict[int, list[int]] = {}
        for index, key in enumerate(keys):
            wanted.setdefault(self.shard_of(key), []).append(index)
        for number, indexes in sorted(wanted.items()):
            facts = self._facts(number, {keys[index] for index in indexes})
            for index in indexes:
                story = facts.get(keys[index])
                if story is not None:
                    found[index] = story
                    self.kept[number][keys[index]] = story
        return found

    def _facts(self, number: int, wanted: set[str]) -> dict[str, object]:
        """Key -> facts of the shard's stories; those of its facts file read back only if one of
        them is `wanted`, those of its added file always (a few)."""
        path = self._shard(number)
        known = memory.get(path) if memory else None  # (keys, facts by key, or None: not read back)
        if known is None or (known[1] is None and not wanted.isdisjoint(known[0])):
            known = self._read_facts(path, wanted)
        keys, facts = known
        added = self._added(number)
        self.stored[number] = (*keys, *added)
        found = facts if facts is not None and not wanted.isdisjoint(keys) else {}
        return {**found, **added} if added else found

    def _added(self, number: int) -> dict[str, object]:
        """Key -> facts of the stories added to the shard since it was last written whole."""
        path = self._shard(number, "added")
        known = memory.get(path) if memory else None
        if known is not None:
            return known
        added: dict[str, object] = {}
        try:
            with open(path, "rb") as stream:
                stamp = file_stamp(os.fstat(stream.fileno()))
                while stream.tell() < stamp[0]:
                    keys, stories = pickle.load(stream), self.shared.load(stream)
                    if not isinstance(keys, tuple) or not isinstance(stories, list) or len(stories) != len(keys):
                        return {}
                    added.update(zip(keys, stories))
        except FileNotFoundError:
            return added
        except (OSError, *UNREADABLE):
            return {}
        if memory:
            memory.put(path, stamp, added)
        return added

    def _read_facts(self, path: Path, wanted: set[str]) -> tuple[tuple[str, ...], dict | None]:
        """Read through the file's buffer, not whole into new memory: at 10,000 stories, 10 MB of
        them a build (4 ms less, 860 page faults fewer)."""
        try:
            with open(path, "rb") as stream:
                stamp = file_stamp(os.fstat(stream.fileno()))
                keys = pickle.load(stream)
                if not isinstance(keys, tuple):
                    return (), None
                facts = None
                if not wanted.isdisjoint(keys):
                    stories = self.shared.load(stream)
                    if not isinstance(stories, list) or len(stories) != len(keys):
                        return keys, {}
                    facts = dict(zip(keys, stories))
        except (OSError, *UNREADABLE):
            return (), None
        if memory:
            memory.put(path, stamp, (keys, facts))
        return keys, facts

    def rest(self, key: str) -> bytes | None:
        """What the store holds of a story besides its facts (None if nothing), given once: a
        story keeps its rest once read (stored.Rests), and a cold build reads back every one."""
        number = self.shard_of(key)
        if number not in self.rests:
            self.rests[number] = dict(_records(self._shard(number, "rest")))
        return self.rests[number].pop(key, None)

    def put(self, number: int, facts: NewFacts, rests: list[bytes | None], slugs: list[str | None]) -> bool:
        """Stories just prepared, all of shard `number`: their facts (NewFacts), the pickled rest
        of each (stored.rest_of) and, for those that are articles, their slugs. True when their
        rests were written: once the store is saved, `rest` gives them back."""
        self.analysed.extend(slug for slug in slugs if slug is not None)
        self.new.setdefault(number, []).append(facts)
        try:
            if number not in self.new_rests:
                self.folder.mkdir(parents=True, exist_ok=True)
                self.new_rests[number] = tempfile.NamedTemporaryFile(dir=self.folder, delete=False)
            for key, data in zip(facts.keys, rests):
                pickle.dump((key, data), self.new_rests[number], protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            return False  # a cache that cannot be written only makes the next build slower
        return True

    def save(self) -> None:
        """Keep what this build used, writing only the shards that changed: stories added to a
        shard, or the shard written again whole (see above)."""
        for number in range(self.SHARDS):
            kept, new = self.kept[number], self.new.get(number)
            stale = len(self.stored[number]) - len(kept)
            try:
                if not kept and not new:
                    for part in ("facts", "added", "rest"):
                        self._shard(number, part).unlink(missing_ok=True)  # nothing in it was used
                elif new and kept and number in self.new_rests and \
                        stale <= max(self.STALE, len(self.stored[number]) // 4):
                    self._append(number, new)
                elif new or stale:
                    self._rewrite(number, kept, new or [])
            except OSError:
                pass
        self.new, self.new_rests = {}, {}
        self.rests = {}  # as read before the shards were rewritten
        shards = {self._shard(number, part).name for number in range(self.SHARDS)
                  for part in ("facts", "added", "rest")}
        for path in self.folder.glob("*"):
            if path.name not in shards:  # left by a build that was stopped before it got here
                path.unlink(missing_ok=True)

    def _rewrite(self, number: int, kept: dict[str, object], new: list[NewFacts]) -> None:
        """The shard's new stories, and those of its old ones this build used. New facts from
        one worker and nothing kept (every shard, in a first build) are written as they came;
        otherwise they are pickled again together."""
        keys = (*kept, *(key for facts in new for key in facts.keys))
        stories = [*kept.values(), *(story for facts in new for story in facts.stories)]
        data = new[0].data if not kept and len(new) == 1 else self.shared.dumps(stories)
        with tempfile.NamedTemporaryFile(dir=self.folder, delete=False) as stream:
            pickle.dump(keys, stream, protocol=pickle.HIGHEST_PROTOCOL)
            stream.write(data)
            stream.flush()
            stamp = file_stamp(os.fstat(stream.fileno()))
        rename_over(stream.name, self._shard(number))
        self._shard(number, "added").unlink(missing_ok=True)
        if memory:
            memory.put(self._shard(number), stamp, (keys, dict(zip(keys, stories))))
        path = self._shard(number, "rest")
        stream = self.new_rests.get(number) or tempfile.NamedTemporaryFile(dir=self.folder, delete=False)
        with stream:
            for key, data in _records(path):
                if key in kept:
                    pickle.dump((key, data), stream, protocol=pickle.HIGHEST_PROTOCOL)
        rename_over(stream.name, path)

    def _append(self, number: int, new: list[NewFacts]) -> None:
        """The shard's new stories added to it: their keys and facts to its added file (as a
        worker pickled them), their rests to the end of its rest file."""
        with open(self._shard(number, "added"), "ab") as stream:  # (its stamp moves: a process that
            for facts in new:                                       # remembers files reads it again)
                pickle.dump(tuple(facts.keys), stream, protocol=pickle.HIGHEST_PROTOCOL)
                stream.write(facts.data)
        written = self.new_rests.pop(number)
        with written, open(self._shard(number, "rest"), "ab") as stream:
            written.seek(0)
            shutil.copyfileobj(written, stream)
        os.unlink(written.name)


class NewFacts(NamedTuple):
    """The facts of stories just prepared (stored.facts_of), as pickled (Shared.dumps of the list)
    and as read back, under their keys."""
    keys: list[str]
    data: bytes
    stories: list


def _records(path: Path):
    """The (key, pickled story) records of a shard file, up to the first that cannot be read.
    The file is read at once: record by record from the file took three times as long."""
    try:
        with open(path, "rb", buffering=0) as file:
            data = file.readall()
    except OSError:
        return
    stream = io.BytesIO(data)
    try:
        while stream.tell() < len(data):
            key, value = pickle.load(stream)
            yield key, value
    except UNREADABLE:
        return
