"""Static files copied with a content hash in their name, so browsers never use a stale copy."""
from __future__ import annotations

import hashlib
from typing import NamedTuple
from pathlib import Path, PurePosixPath

from site_builder import urls


class OutputFile(NamedTuple):
    url: str
    data: bytes  # or write.Spliced (articles.json, as articles_kept.py makes it)


def hashed_assets(static_dir: Path) -> tuple[dict[str, str], list[OutputFile]]:
    """Returns ({'style.css': 'assets/style.1a2b3c4d5e.css'}, files to write)."""
    names: dict[str, str] = {}
    files: list[OutputFile] = []
    if not static_dir.is_dir():
        return names, files
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        name = path.relative_to(static_dir).as_posix()
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:10]
        pure = PurePosixPath(name)
        url = urls.asset(str(pure.with_name(f"{pure.stem}.{digest}{pure.suffix}")))
        names[name] = url
        files.append(OutputFile(url, data))
    return names, files
