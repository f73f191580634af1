"""Browser fixtures and helpers: Debian's Chromium driven by Playwright, and the built site served on
127.0.0.1 under /repo/ as GitHub Pages serves a project site (anything outside answers 404).
Tests that use them skip when Chromium is missing, except in CI (CI=true), where they fail."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.project import Project
from site_builder.reporter import BufferReporter

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
