"""Where a site's inputs live. The only place that knows the folder layout."""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class Project(NamedTuple):
    """A named tuple, as are the other classes the command imports before it forks the process
    that takes the stamp (build.py, stamp.py, write.py, errors.py): making the first dataclass
    imports `dataclasses` and `inspect`, and making each takes a compile; 7 ms of every build,
    which one with no change waits for."""
    root: Path
    templates: Path
    static: Path

    @classmethod
    def at(cls, root: Path | str) -> "Project":
        root = Path(root).resolve()
        return cls(root=root, templates=root / "templates", static=root / "static")

    @property
    def content(self) -> Path:
        return self.root / "content"

    def display(self, path: Path) -> str:
        """The path as error messages show it: relative to the project when inside it."""
        plain = path.is_absolute() and ".." not in path.parts  # then no need to ask the file system
        try:
            return (path if plain else path.resolve()).relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()
