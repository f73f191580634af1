"""Page weight on the built five-story site: a story page with its assets stays small and has no JavaScript;
the chart page, plotly.js included, stays under 450 KB gzipped."""
from __future__ import annotations

import gzip
import posixpath
import re
from pathlib import Path

import pytest

from site_builder.pipeline import render_site
from site_builder.project import Project
from site_builder.reporter import BufferReporter

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site():
    return render_site(Project.at(REPO), BufferReporter(), base_url="https://user.github.io/repo/")


def weight(site: dict, url: str) -> tuple[int, bool]:
    """Gzipped bytes of the page and every asset it loads (plotly.js counted, whenever it is
    loaded); whether it loads any script."""
    html = site[url].decode()
    loaded = re.findall(r'<(?:link|script)[^>]+(?:href|src)="([^"#]+)"', html) + re.findall(r'data-plotly="([^"]+)"', html)
    assets = {posixpath.normpath(posixpath.join(posixpath.dirname(url), a)) for a in loaded if not a.startswith("http")}
    total = sum(len(gzip.compress(site[a], 9)) for a in assets | {url})
    return total, "<script src=" in html


def test_story_pages_are_light_and_script_free(site):
    for url in (u for u in site if u.startswith("stories/")):
        total, scripts = weight(site, url)
        assert total <= 30 * 1024 and not scripts, (url, total)


def test_chart_page_stays_under_450_kb(site):
    total, scripts = weight(site, "timeline.html")
    assert scripts and "plotly-basic" in site["timeline.html"].decode() and total <= 450 * 1024, total
    assert total > 300 * 1024  # plotly.js is counted
