"""`site-builder serve` driven for real: edit an article, see the page change; break it, see the error."""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(condition, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def server(make_site):
    project = make_site()
    process = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--port", "0", "--project",
                                str(project.root)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = None
    for line in process.stdout:
        match = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
        if match:
            base = match.group(1)
            break
    assert base, "serve did not start"
    drain = threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True)
    drain.start()  # keep reading, so the server never blocks on a full pipe
    yield project, base, process
    process.send_signal(signal.SIGINT)
    try:
        code = process.wait(timeout=STOP_WAIT)
    except subprocess.TimeoutExpired:  # ended here, so that no later test runs beside it (or its reader)
        process.kill()
        code = process.wait()
    drain.join(timeout=5)
    process.stdout.close()
    assert code == 0  # Ctrl-C stops cleanly


STOP_WAIT = 30  # seconds; in one run of the suite (2026-12-03, cause not found) serve took more than 10


def test_edit_rebuilds_and_pages_get_the_reload_script(server):
    project, base, _ = server
    status, page = fetch(base + "stories/kim-sinis.html")
    assert status == 200 and '<script src="/__site_builder/reload.js" defer></script>' in page
    assert "__site_builder" not in (project.root / "_site" / "stories" / "kim-sinis.html").read_text()
    story = project.content / "articles" / "kim-sinis.md"
    story.write_text(story.read_text() + "\nKalimat baru untuk pratinjau.\n")
    wait_for(lambda: "Kalimat baru untuk pratinjau." in fetch(base + "stories/kim-sinis.html")[1])


def test_build_error_is_reported_then_cleared_while_the_last_good_build_is_served(server):
    project, base, _ = server
    story = project.content / "articles" / "kim-sinis.md"
    good = story.read_text()
    story.write_text(good.replace("published: 2024-11-23", "published: kemarin"))
    expected = "content/articles/kim-sinis.md:4: published: 'kemarin' is not a date"
    # An editor's save can be seen half-written first (an empty file): wait for the final error.
    wait_for(lambda: expected in (json.loads(fetch(base + "__site_builder/status")[1])["error"] or ""))
    assert fetch(base + "stories/kim-sinis.html")[0] == 200
    story.write_text(good)
    wait_for(lambda: json.loads(fetch(base + "__site_builder/status")[1])["error"] is None)


def test_paths_outside_the_site_are_refused(server):
    _, base, _ = server
    for path in ("../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "..%2f..%2fconftest.py"):
        status, body = fetch(base + path)
        assert status == 404 and "root:" not in body


@pytest.mark.browser
def test_open_page_reloads_after_an_edit_and_shows_a_build_error(server, browser):
    project, base, _ = server
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base + "stories/kim-sinis.html")
    story = project.content / "articles" / "kim-sinis.md"
    good = story.read_text()
    story.write_text(good + "\nParagraf yang muncul tanpa memuat ulang.\n")
    page.wait_for_selector("text=Paragraf yang muncul tanpa memuat ulang.", timeout=20000)
    story.write_text(good.replace("outlet: kompas-tv", "outlet: tidak-ada"))
    # Polled from Python: a string predicate would be evaluated in the page, which the CSP forbids.
    wait_for(lambda: "unknown outlet 'tidak-ada'" in page.evaluate(
        "(document.getElementById('site-builder-error') || {}).textContent || ''"))
    story.write_text(good)
    page.wait_for_selector("#site-builder-error", state="detached", timeout=20000)
    page.close()
    assert errors == []


def test_a_file_saved_before_the_watcher_started_is_not_missed(make_site, monkeypatch):
    """The watcher starts after the first build: a story saved in between (an editor saving as
    the server starts) gets no event of its own. The first quiet spell the watcher reports
    (yield_on_timeout) is when serve compares what the first build read with what is there now."""
    import watchfiles

    from site_builder.reporter import BufferReporter
    from site_builder.serve import serve

    project = make_site()
    story = project.content / "articles" / "kim-sinis.md"

    def watch(*paths, **options):  # as watchfiles.watch would see it
        story.write_text(story.read_text() + "\nKalimat yang disimpan saat server mulai.\n")  # before it watches
        if options.get("yield_on_timeout"):
            yield set()  # a quiet spell: nothing changed since it started watching
        raise KeyboardInterrupt

    monkeypatch.setattr(watchfiles, "watch", watch)
    serve(project, project.root / "_site", BufferReporter(), "127.0.0.1", 0)
    assert "Kalimat yang disimpan saat server mulai." in \
        (project.root / "_site" / "stories" / "kim-sinis.html").read_text()
