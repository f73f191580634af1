"""The built site in a real browser: Debian's Chromium driven by Playwright.

Served on 127.0.0.1 under /repo/ as GitHub Pages serves a project site (anything outside answers 404),
and opened from disk. Skipped when Chromium is missing, except in CI (CI=true), where it fails.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from site_builder.build import build
from site_builder.project import Project
from site_builder.reporter import BufferReporter

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def _require_browser():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is not installed; CI must run the browser tests")
        pytest.skip("playwright is not installed")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing; .ci/run installs it with apt-get")
        pytest.skip("Chromium is not installed (apt-get install chromium)")


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under /repo/ only; anything else answers 404 with the site's 404 page."""

    def translate_path(self, path):
        if not path.startswith("/repo/"):
            return "/nonexistent"
        return super().translate_path("/" + path[len("/repo/"):])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.exists():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            super().send_error(code, message, explain)

    def log_message(self, *args):
        pass


def serve(folder: Path):
    handler = functools.partial(SubPathHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/repo/"


def stop(server) -> None:
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "_site"
    build(Project.at(REPO), out, BufferReporter(), base_url="https://user.github.io/repo/")
    server, base = serve(out)
    yield out, base
    stop(server)


def visit(browser, url: str, width: int = 360):
    page = browser.new_page(viewport={"width": width, "height": 800})
    report = {"console": [], "failed": [], "outside": [], "bad_status": []}
    page.on("console", lambda m: report["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: report["console"].append(str(e)))
    page.on("requestfailed", lambda r: report["failed"].append(r.url))
    page.on("request", lambda r: report["outside"].append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "file://", "data:", "about:")) else None)
    page.on("response", lambda r: report["bad_status"].append((r.status, r.url)) if r.status >= 400 else None)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, report


def html_pages(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html") if p.name != "404.html")


def test_every_page_loads_cleanly_at_phone_width(browser, served):
    folder, base = served
    for url in html_pages(folder):
        page, report = visit(browser, base + url)
        scroll = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        page.close()
        assert report == {"console": [], "failed": [], "outside": [], "bad_status": []}, url
        assert scroll <= 0, f"{url} scrolls sideways by {scroll}px at 360px"


def test_chart_draws_one_marker_per_event_and_per_story(browser, served):
    folder, base = served
    expected = len(json.loads((folder / "data/events.json").read_text())) + \
        len(json.loads((folder / "data/articles.json").read_text()))
    for width in (390, 1280):
        page, report = visit(browser, base + "timeline.html", width)
        page.wait_for_selector(".cartesianlayer .scatterlayer .points path")
        markers = page.evaluate("document.querySelectorAll('.cartesianlayer .scatterlayer .points path').length")
        page.close()
        assert report["console"] == [] and report["outside"] == []
        assert markers == expected


def test_pages_open_from_disk_with_styles_and_working_links(browser, served):
    folder, _ = served
    for url in html_pages(folder):
        page, report = visit(browser, (folder / url).as_uri())
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        targets = page.evaluate("[...document.querySelectorAll('a[href], link[href], script[src]')]"
                                ".map(e => (e.href || e.src).split('#')[0]).filter(h => h.startsWith('file:'))")
        broken = [t for t in targets if not Path(unquote(urlsplit(t).path)).is_file()]
        page.close()
        assert background == "rgb(251, 250, 247)", url  # the stylesheet's --bg: the hashed CSS loaded
        assert report["console"] == [] and report["failed"] == [], url
        assert broken == [], url


def test_navigation_works_from_disk(browser, served):
    folder, _ = served
    page, _ = visit(browser, (folder / "stories" / "2020-02-trump-enggan-bertemu-kim.html").as_uri())
    page.click("nav >> text=Media")
    assert page.url.endswith("/outlets.html")
    page.close()


def test_404_page_links_work_at_any_depth(browser, served):
    _, base = served
    page, _ = visit(browser, base + "no/such/page.html")
    page.click("text=Kembali ke beranda")
    assert page.url == base + "index.html"
    page.close()


def test_hostile_content_never_runs(browser, make_site, tmp_path):
    flag = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>{{ 7*7 }}'
    story = ("---\n" f"title: '{flag}'\noutlet: tempo\npublished: 2020-02-12\nauthors: ['{flag}']\n"
             f"summary: '{flag}'\nimage: {{caption: '{flag}', credit: x}}\n---\n{flag}\n\n[klik](https://x.y/\"onclick=\"window.__pwned=1)\n")
    outlets = ("tempo:\n  name: '" + flag + "'\n  domain: tempo.co\n  group: g\n  medium: m\n"
               "kompas-tv:\n  name: K\n  domain: kompas.tv\n  group: g\n  medium: m\n")
    project = make_site({"content/articles/trump-enggan.md": story, "content/outlets.yaml": outlets,
                         "content/events.yaml": None})
    out = tmp_path / "_site"
    build(project, out, BufferReporter())
    server, base = serve(out)
    try:
        for url in html_pages(out):
            page, _ = visit(browser, base + url)
            assert page.evaluate("window.__pwned === undefined"), url
            assert page.evaluate("document.querySelectorAll('[onerror], [onclick]').length") == 0, url
            page.close()
    finally:
        stop(server)
