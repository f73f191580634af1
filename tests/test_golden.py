"""Golden test: the small fixture site's file list and what a reader sees on each page.

Update the expected file after an intended change with:
    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
and review the diff before committing it.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from htmltext import read_html

from site_builder.pipeline import render_site
from site_builder.reporter import BufferReporter

GOLDEN = Path(__file__).parent / "golden" / "small-site.txt"
HASHED = re.compile(r"\.[0-9a-f]{10}\.(\w+)")


def unhash(name: str) -> str:
    """Asset hashes change with every CSS edit; the golden file pins everything else."""
    return HASHED.sub(r".HASH.\1", name)


def normalize(files: dict[str, bytes]) -> str:
    out = []
    for url in sorted(files):
        out.append(f"== {unhash(url)}")
        if url.startswith("assets/"):
            continue
        text = files[url].decode("utf-8")
        if url.endswith(".html"):
            page = read_html(text)
            out += page.lines
            out += [f"[{tag} {attr}={unhash(value)}]" for tag, attr, value in page.links]
        else:
            out += text.splitlines()
    return "\n".join(out) + "\n"


def test_small_site_matches_golden(make_site):
    project = make_site()
    files = render_site(project, BufferReporter(), base_url="https://example.org/repo/")
    actual = normalize(files)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(actual, "utf-8")
    assert actual == GOLDEN.read_text("utf-8"), "run with UPDATE_GOLDEN=1 and review the diff"
