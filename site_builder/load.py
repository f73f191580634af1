"""Read content files from disk into raw text records. The only stage that reads content."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import Problem
from site_builder.project import Project


@dataclass(frozen=True)
class RawFile:
    path: str  # as shown to the user, relative to the project root
    text: str


@dataclass(frozen=True)
class RawContent:
    site: RawFile | None
    outlets: RawFile | None
    events: RawFile | None
    people: RawFile | None
    sources: RawFile | None
    lexicon: RawFile | None
    articles: tuple[RawFile, ...]
    pages: tuple[RawFile, ...]


def load_content(project: Project) -> tuple[RawContent, list[Problem]]:
    problems: list[Problem] = []
    content = project.content
    if not content.is_dir():
        return RawContent(None, None, None, None, None, None, (), ()), [
            Problem(project.display(content), None, None,
                    "content folder not found; run site-builder in the project folder or pass --project")
        ]

    def read_all(folder: str) -> tuple[RawFile, ...]:
        found = []
        shown, where = project.display(content / folder), os.fspath(content / folder)
        for name in _markdown_files(content / folder):
            raw = _read(os.path.join(where, name), f"{shown}/{name}", problems)
            if raw is not None:
                found.append(raw)
        return tuple(found)

    raw = RawContent(
        site=_read_required(project, content / "site.yaml", problems),
        outlets=_read_required(project, content / "outlets.yaml", problems),
        events=_read_optional(project, content / "events.yaml", problems),
        people=_read_optional(project, content / "people.yaml", problems),
        sources=_read_optional(project, content / "sources.yaml", problems),
        lexicon=_read_optional(project, content / "lexicon.yaml", problems),
        articles=read_all("articles"),
        pages=read_all("pages"),
    )
    return raw, problems


def _markdown_files(folder: Path) -> list[str]:
    """The names of the .md files in the folder, sorted."""
    try:
        return sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(".md") and entry.is_file())
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
    with open(path, "rb", buffering=0) as stream:  # unbuffered: a fifth of the time, over 10,000 files
        data = stream.readall()
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
