"""The build cache: rendered pages keyed by everything that went into them.

A page's key hashes its template sources, the environment (asset URLs, base URL, package version)
and the repr of its whole context. The context is frozen dataclasses, tuples, dicts and strings, whose
repr is made of their values alone, so an unchanged key means byte-identical output: a cache hit can
never differ from a clean build. (Pickle would not do: its bytes depend on which objects are shared.)
A context whose repr shows an object's address is never cached.
The cache lives in a hidden folder beside the content (ignored by git) and only holds what the
last build used.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from pathlib import Path

from site_builder import __version__

FOLDER = ".site-cache"


class PageCache:
    def __init__(self, folder: Path, salt: bytes):
        self.folder = folder / "pages"
        self.salt = salt
        self.used: set[str] = set()
        self.rendered: list[str] = []  # URLs rendered this build (cache misses)

    @classmethod
    def for_project(cls, root: Path, templates: Path, environment: dict, clean: bool = False) -> "PageCache":
        folder = root / FOLDER
        if clean:
            shutil.rmtree(folder, ignore_errors=True)
        digest = hashlib.sha256(__version__.encode())
        for path in sorted(p for p in templates.rglob("*") if p.is_file()):
            digest.update(path.relative_to(templates).as_posix().encode() + b"\0" + path.read_bytes())
        digest.update(repr(sorted(environment.items())).encode())
        return cls(folder, digest.digest())

    def key(self, url: str, template: str, context: dict) -> str | None:
        described = repr(context)
        if " at 0x" in described:
            return None
        digest = hashlib.sha256(self.salt)
        digest.update(f"{url}\0{template}\0".encode())
        digest.update(described.encode())
        return digest.hexdigest()

    def get(self, key: str | None) -> bytes | None:
        if key is None:
            return None
        self.used.add(key)
        try:
            return (self.folder / key[:2] / key).read_bytes()
        except OSError:
            return None

    def put(self, key: str | None, url: str, data: bytes) -> None:
        self.rendered.append(url)
        if key is None:
            return
        target = self.folder / key[:2] / key
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as stream:
                stream.write(data)
            os.replace(stream.name, target)
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower

    def prune(self) -> None:
        """Forget pages the last build did not use."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*/*"):
            if path.name not in self.used:
                path.unlink(missing_ok=True)


class FindingsStore:
    """Each story's analysis between builds: pickled findings keyed by the story's text and by
    everything the analysis reads besides it (gazetteer, events, package version)."""

    def __init__(self, root: Path, gazetteer, events, clean: bool = False):
        self.folder = root / FOLDER / "findings"
        if clean:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.salt = hashlib.sha256(repr((__version__, gazetteer, events)).encode()).digest()
        self.analysed: list[str] = []  # slugs analysed this build (not found in the store)
        self.used: set[str] = set()

    def _key(self, inputs) -> str:
        return hashlib.sha256(self.salt + repr(inputs).encode()).hexdigest()

    def get(self, inputs):
        key = self._key(inputs)
        self.used.add(key)
        try:
            return pickle.loads((self.folder / key).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None

    def put(self, inputs, findings, slug: str) -> None:
        self.analysed.append(slug)
        target = self.folder / self._key(inputs)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, delete=False) as stream:
                stream.write(pickle.dumps(findings, protocol=5))
            os.replace(stream.name, target)
        except OSError:
            pass

    def prune(self) -> None:
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name not in self.used:
                    path.unlink(missing_ok=True)
