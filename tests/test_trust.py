"""Atomic output, deterministic bytes, and hostile content that never runs."""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import site_builder.write
from site_builder.pipeline import render_site
from site_builder.cli import main
from site_builder.reporter import BufferReporter

REPO = Path(__file__).resolve().parent.parent


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def open_failing_after(files: int):
    """`open`, but the disk is full once `files` files were opened for writing."""
    written = []

    def failing_open(path, mode="r", *args, **kwargs):
        if "w" in mode:
            if len(written) == files:
                raise OSError(28, "No space left on device")
            written.append(path)
        return open(path, mode, *args, **kwargs)

    return failing_open


def test_failed_write_leaves_previous_site_and_no_leftovers(make_site, monkeypatch, capsys):
    project = make_site()
    assert main(["build", "--project", str(project.root), "--quiet"]) == 0
    before = snapshot(project.root / "_site")
    make_site({"content/articles/kim-sinis.md": None}, root=project.root)
    monkeypatch.setattr(site_builder.write, "open", open_failing_after(3), raising=False)  # the writer's files only
    assert main(["build", "--project", str(project.root), "--quiet"]) == 1
    monkeypatch.undo()

    assert "could not write the site" in capsys.readouterr().err
    assert snapshot(project.root / "_site") == before
    assert sorted(p.name for p in project.root.iterdir() if p.name != ".site-cache") == ["_site", "content", "static", "templates"]


@pytest.mark.slow
def test_killed_builds_leave_a_complete_site(tmp_path):
    out = tmp_path / "_site"
    command = [sys.executable, "-m", "site_builder", "build", "--project", str(REPO), "--out", str(out), "--quiet"]
    subprocess.run(command, check=True)
    good = snapshot(out)
    delays = random.Random(7).sample(range(20, 400), 6)
    for delay in delays:
        process = subprocess.Popen(command)
        time.sleep(delay / 1000)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert snapshot(out) == good, f"site changed after a kill at {delay} ms"
    subprocess.run(command, check=True)  # the next build cleans up what a killed one left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


@pytest.mark.slow
def test_builds_are_byte_identical_across_time_zone_locale_and_hash_seed(tmp_path):
    outputs = []
    for tz, lang, seed in (("UTC", "C.UTF-8", "0"), ("Asia/Jakarta", "id_ID.UTF-8", "12345"),
                           ("America/Los_Angeles", "en_US.UTF-8", "random")):
        out = tmp_path / f"site-{seed}"
        env = {**os.environ, "TZ": tz, "LANG": lang, "LC_ALL": lang, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "site_builder", "build", "--project", str(REPO),
                        "--out", str(out), "--quiet", "--base-url", "https://user.github.io/repo/"],
                       check=True, env=env, capture_output=True)
        outputs.append(snapshot(out))
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0]) > 10


PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{{ 7*7 }}'


def hostile_site(make_site):
    outlets = (
        "tempo:\n"
        f"  name: 'Tempo {PAYLOAD}'\n"
        "  domain: tempo.co\n"
        f"  group: '{PAYLOAD}'\n"
        "  medium: daring\n"
        "kompas-tv:\n  name: K\n  domain: kompas.tv\n  group: G\n  medium: tv\n"
    )
    article = (
        "---\n"
        f"title: '{PAYLOAD}</script>'\n"
        "outlet: tempo\n"
        "published: 2020-02-12T17:00:00+07:00\n"
        f"authors: ['{PAYLOAD}']\n"
        f"summary: '{PAYLOAD}'\n"
        f"section: '{PAYLOAD}'\n"
        f"image: {{caption: '{PAYLOAD}', credit: '{PAYLOAD}'}}\n"
        "original_url: 'https://example.org/\"><script>alert(3)</script>'\n"
        f"provenance: {{title: '{PAYLOAD}'}}\n"
        "---\n"
        f"{PAYLOAD}\n\n<iframe src=x></iframe>\n\n[x](https://a.b/\"onmouseover=alert(4))\n"
    )
    events = (
        f"- id: hostile\n  date: 2020-01-01\n  title: '{PAYLOAD}'\n  title_en: '{PAYLOAD}'\n"
        f"  kind: statement\n  tone: 0\n  tone_reason: '{PAYLOAD}'\n  description: '{PAYLOAD}'\n"
        "  match: [[[alert]]]\n"
        f"  evidence:\n    - {{article: trump-enggan, quote: '{PAYLOAD}'}}\n"
        f"    - {{source: '{PAYLOAD}', url: 'https://example.org/?q=\"><script>alert(6)</script>', date: x}}\n"
    )
    return make_site({"content/outlets.yaml": outlets, "content/articles/trump-enggan.md": article,
                      "content/events.yaml": events})


def test_hostile_content_is_escaped_everywhere(make_site):
    project = hostile_site(make_site)
    files = render_site(project, BufferReporter(), base_url="https://example.org/")
    markup = {url: data.decode() for url, data in files.items() if url.endswith((".html", ".xml"))}
    assert len(markup) == 11
    for url, text in markup.items():
        assert "<script>alert" not in text, url
        assert "<img src=x" not in text, url
        assert "<iframe" not in text, url
        assert '"onmouseover' not in text, url
    records = json.loads(files["data/articles.json"])
    assert records[0]["title"] == PAYLOAD + "</script>"  # JSON keeps the text as text
    story = files["stories/trump-enggan.html"].decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in story
    assert "{{ 7*7 }}" in story
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', story, re.S).group(1)
    assert json.loads(ld)["headline"] == PAYLOAD + "</script>"


def test_javascript_url_in_event_evidence_is_refused(make_site, capsys):
    from site_builder.cli import main as cli

    project = make_site()
    events = (project.content / "events.yaml").read_text().replace("https://example.org/liaison", "javascript:alert(1)")
    (project.content / "events.yaml").write_text(events)
    assert cli(["check", "--project", str(project.root)]) == 1
    assert ("error: content/events.yaml:25: liaison-office.evidence: url: 'javascript:alert(1)' is not a web address; "
            "write it as https://…") in capsys.readouterr().err


def test_every_page_carries_a_csp_without_inline_script(make_site):
    files = render_site(make_site(), BufferReporter())
    pages = {url: data.decode() for url, data in files.items() if url.endswith(".html")}
    for url, html in pages.items():
        assert "Content-Security-Policy" in html, url
        assert "script-src 'self';" in html and "unsafe-inline" not in html and "unsafe-eval" not in html
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            is_data = 'type="application/ld+json"' in attrs or 'type="application/json"' in attrs
            is_file = re.search(r'src="(?!https?:|//)[^"]+\.js"', attrs) and not body.strip()
            assert is_data or is_file, (url, attrs)


def test_the_writer_refuses_a_path_outside_the_output_folder(tmp_path):
    from site_builder.errors import SiteError
    from site_builder.write import write_site

    for bad in ("../evil.html", "/etc/evil.html", "a/../../evil.html", "a\\..\\evil.html"):
        with pytest.raises(SiteError, match="outside the output folder"):
            write_site(tmp_path / "_site", {"index.html": b"ok", bad: b"x"})
    assert not (tmp_path / "evil.html").exists() and not (tmp_path / "_site").exists()


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _sites():
    one = {".nojekyll": b"", "a.html": b"a1", "b/x.html": b"x1", "c/y.html": b"y1", "f.html": b"f"}
    two = {".nojekyll": b"", "a.html": b"a2", "b/x.html": b"x1", "d.html": b"d2", "f.html": b"f"}
    three = {".nojekyll": b"", "a.html": b"a3", "b/x.html": b"x1", "d.html": b"d2", "e/z.html": b"z3", "f.html": b"f"}
    return one, two, three


def _after_two_sites(tmp_path, with_spare: bool = True):
    """The output folder and its spare (None without) once the first two of _sites were written
    there; the three sites."""
    from site_builder.write import write_site

    out, spare = tmp_path / "_site", (tmp_path / ".site-cache" / "spare" if with_spare else None)
    sites = _sites()
    for site in sites[:2]:
        write_site(out, site, spare)
    return out, spare, sites


def test_the_spare_site_is_brought_up_to_date_touching_only_what_differs(tmp_path, monkeypatch):
    import os

    from site_builder import write

    out, spare = tmp_path / "_site", tmp_path / ".site-cache" / "spare"
    one, two, three = _sites()
    write.write_site(out, one, spare)
    assert not spare.exists()  # there was no site before the first
    write.write_site(out, two, spare)
    assert _tree(out) == two and _tree(spare) == one  # the last site is kept as the spare
    assert (out / "b/x.html").stat().st_ino == (spare / "b/x.html").stat().st_ino
    touched: list[str] = []
    real_write = write._write
    monkeypatch.setattr(write, "_write", lambda target, data, source: touched.append(target) or
                        real_write(target, data, source))
    linked: list[str] = []
    real_link = os.link
    monkeypatch.setattr(os, "link", lambda a, b: linked.append(a) or real_link(a, b))
    written = write.write_site(out, three, spare)
    assert _tree(out) == three and _tree(spare) == two
    assert sorted(os.path.basename(p) for p in touched) == [".a.html.new", ".z.html.new"]
    assert [os.path.relpath(p, out) for p in linked] == ["d.html"]  # b/x.html already was the same file
    assert written.changed == 2 and set(written.stamps) == set(three)
    assert not (out / "c").exists()  # no empty folder left behind


def test_a_spare_or_output_changed_by_hand_is_put_right(tmp_path):
    from site_builder.write import write_site

    out, spare, (one, two, three) = _after_two_sites(tmp_path)
    (spare / "a.html").unlink()
    (spare / "a.html").write_bytes(b"by hand")
    (spare / "extra.html").write_bytes(b"not in any site")
    (spare / ".nojekyll").unlink()
    (spare / "f.html").unlink()
    (spare / "f.html").write_bytes(b"replaced by hand")
    with (out / "b/x.html").open("ab") as stream:  # edited in place: the spare shares this file
        stream.write(b" by hand")
    write_site(out, three, spare)
    assert _tree(out) == three


@pytest.mark.parametrize("with_spare", [True, False])
def test_the_writer_writes_each_changed_file_as_it_comes_and_swaps_them_in_at_the_end(tmp_path, with_spare):
    from site_builder.write import SiteWriter, write_site

    out, spare, (one, two, three) = _after_two_sites(tmp_path, with_spare)
    writer = SiteWriter(out, spare)
    assert (writer.folder == spare) is with_spare
    writer.add("a.html", b"a3")  # changed: on disk at once, beside the output
    assert (writer.folder / "a.html").read_bytes() == b"a3" and _tree(out) == two
    for url, data in three.items():
        if url != "a.html":
            writer.add(url, data)
    assert (writer.folder / "e/z.html").read_bytes() == b"z3" and _tree(out) == two
    writer.finish()
    assert _tree(out) == three

    writer = SiteWriter(out, spare)  # a build that fails after writing some files
    writer.add("a.html", b"never")
    writer.discard()
    assert _tree(out) == three
    assert sorted(p.name for p in tmp_path.iterdir()) == ([".site-cache", "_site"] if with_spare else ["_site"])
    write_site(out, one, spare)
    assert _tree(out) == one


def test_a_spare_that_cannot_take_a_file_gives_way_to_a_fresh_folder(tmp_path):
    from site_builder.write import write_site

    out, spare, (one, two, three) = _after_two_sites(tmp_path)
    (spare / "a.html").unlink()
    (spare / "a.html").mkdir()  # where a changed file goes: it cannot replace a folder
    (spare / "a.html" / "inside.html").write_bytes(b"by hand")
    (spare / "e").write_bytes(b"a file where a folder goes")
    written = write_site(out, three, spare)
    assert _tree(out) == three and written.changed == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site-cache", "_site"]  # no folder left behind
    write_site(out, one, spare)
    assert _tree(out) == one


def test_without_a_one_step_exchange_the_site_is_still_swapped_in_whole(tmp_path, monkeypatch):
    from site_builder import write

    monkeypatch.setattr(write, "_renameat2", lambda: None)
    out, spare = tmp_path / "_site", tmp_path / ".site-cache" / "spare"
    for site in _sites():
        write.write_site(out, site, spare)
        assert _tree(out) == site
    assert not spare.exists()


def test_a_site_written_from_nothing_is_written_by_a_process_beside_the_build_with_the_same_bytes(
        make_site, tmp_path, monkeypatch):
    from site_builder import write

    project = make_site()
    writers = tmp_path / "writers"
    real_add = write.SiteWriter.add

    def add(self, url, data):
        with open(writers, "a") as record:  # a file: the child's memory is not this process's
            record.write(f"{os.getpid()}\n")
        return real_add(self, url, data)

    monkeypatch.setattr(write.SiteWriter, "add", add)
    built = {}
    for workers, beside_from in (("1", 1), ("2", 1000), ("2", 1)):  # content files from which it is beside
        monkeypatch.setattr("site_builder.build.BESIDE_FROM", beside_from)
        out = tmp_path / f"site-{workers}-{beside_from}"
        writers.write_text("")
        assert main(["build", "--project", str(project.root), "--out", str(out), "--workers", workers, "--quiet"]) == 0
        built[workers, beside_from] = snapshot(out), set(writers.read_text().split())
    here = {str(os.getpid())}
    assert built["1", 1][1] == here and built["2", 1000][1] == here  # one worker, or a small site: written here
    assert built["2", 1][1] and not built["2", 1][1] & here
    assert built["1", 1][0] == built["2", 1][0] == built["2", 1000][0]


def test_a_file_the_writer_beside_cannot_write_fails_the_build_and_leaves_nothing(make_site, tmp_path, monkeypatch,
                                                                                  capsys):
    project = make_site()
    monkeypatch.setattr(site_builder.write, "open", open_failing_after(3), raising=False)  # in the child too (forked)
    monkeypatch.setattr("site_builder.build.BESIDE_FROM", 1)
    out = tmp_path / "_site"
    assert main(["build", "--project", str(project.root), "--out", str(out), "--workers", "2", "--quiet"]) == 1
    assert "could not write the site" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == [project.root.name]  # no _site, no folder left


def test_a_writer_beside_that_stops_fails_clearly_and_leaves_nothing(tmp_path):
    from site_builder.errors import SiteError
    from site_builder.write import SiteWriter
    from site_builder.write_beside import WriterBeside

    out = tmp_path / "_site"
    writer = WriterBeside.start(SiteWriter(out))
    writer.add("a.html", b"a")
    with pytest.raises(SiteError, match="outside the output folder"):  # told at once, before it is sent
        writer.add("../evil.html", b"x")
    os.kill(writer._child, signal.SIGKILL)
    with pytest.raises(SiteError, match="the process writing the site .* stopped; the previous site was left"):
        for index in range(1000):  # until the pipe says the child is gone
            writer.add(f"{index}.html", b"x" * 10_000)
        writer.finish()
    writer.discard()
    assert list(tmp_path.iterdir()) == []


def test_a_writer_beside_writes_and_discards_as_the_writer_does(tmp_path):
    from site_builder.write import SiteWriter
    from site_builder.write_beside import WriterBeside

    out, spare, (one, two, three) = _after_two_sites(tmp_path)
    writer = WriterBeside.start(SiteWriter(out, spare))
    for url, data in three.items():
        writer.add(url, data)
    written = writer.finish()
    assert _tree(out) == three and written.changed == 2
    assert written.stamps == {url: site_builder.write.file_stamp(os.stat(out / url)) for url in three}
    writer = WriterBeside.start(SiteWriter(out, spare))
    writer.add("a.html", b"never")
    writer.discard()
    assert _tree(out) == three and sorted(p.name for p in tmp_path.iterdir()) == [".site-cache", "_site"]


@pytest.mark.parametrize("beside", [False, True])
def test_files_made_ahead_hold_what_is_added_and_those_not_added_are_removed(tmp_path, beside):
    from site_builder.write import SiteWriter, file_stamp
    from site_builder.write_beside import WriterBeside

    out, spare = tmp_path / "_site", tmp_path / "cache" / "spare"
    writer = SiteWriter(out, spare)
    if beside:
        writer = WriterBeside.start(writer)
        writer.add("stories/early.html", b"added before it was expected")
        writer.expect([f"stories/{n}.html" for n in range(120)] + ["stories/early.html"])  # more than AHEAD_STEP
    else:
        writer.keep_twin()
        assert writer.make_ahead([f"stories/{n}.html" for n in range(120)])
        assert not writer.make_ahead(["../outside.html"])  # refused when added: not made ahead
        assert (out.parent / next(p.name for p in out.parent.iterdir() if p.name.startswith("._site.new-"))
                / "stories" / "7.html").read_bytes() == b""
        writer.add("stories/early.html", b"added before it was expected")
    added = {f"stories/{n}.html": f"page {n}".encode() for n in range(0, 120, 2)}
    for url, data in added.items():
        writer.add(url, data)
    written = writer.finish()
    site = {**added, "stories/early.html": b"added before it was expected"}
    assert _tree(out) == site  # the files expected and not added are gone
    assert written.stamps == {url: file_stamp(os.stat(out / url)) for url in site}
    assert _tree(spare) == site  # the next build's spare: links to the same files
    assert all(os.stat(spare / url).st_ino == os.stat(out / url).st_ino for url in site)


def test_a_site_written_beside_from_nothing_has_its_story_files_made_ahead(make_site, tmp_path, monkeypatch):
    project = make_site()
    made = tmp_path / "made-ahead"
    real = site_builder.write.SiteWriter.make_ahead

    def make_ahead(self, urls):
        with open(made, "a") as record:  # a file: the child's memory is not this process's
            record.write("".join(f"{os.getpid()} {url}\n" for url in urls))
        return real(self, urls)

    monkeypatch.setattr(site_builder.write.SiteWriter, "make_ahead", make_ahead)
    monkeypatch.setattr("site_builder.build.BESIDE_FROM", 1)
    build = ["build", "--project", str(project.root), "--workers", "2", "--quiet"]
    assert main(build) == 0
    records = [line.split() for line in made.read_text().splitlines()]
    assert sorted(url for _, url in records) == ["stories/kim-sinis.html", "stories/trump-enggan.html"]
    assert {int(pid) for pid, _ in records} != {os.getpid()}  # by the writer's own process
    assert snapshot(project.root / "_site") == render_site(project, BufferReporter())
    story = project.content / "articles" / "kim-sinis.md"
    story.write_text(story.read_text() + "\nParagraf tambahan.\n")
    shutil.rmtree(project.root / "_site")  # pages kept from the spare: none is made ahead
    made.write_text("")
    assert main(build) == 0 and made.read_text() == ""
    assert snapshot(project.root / "_site") == render_site(project, BufferReporter())


def _render_beside_from_nothing(monkeypatch):
    """Small sites are neither written nor rendered beside the build: here they are."""
    monkeypatch.setattr("site_builder.build.BESIDE_FROM", 1)
    monkeypatch.setattr("site_builder.render_beside.BESIDE_FROM", 1)


def test_the_build_and_the_process_beside_it_take_each_page_once(tmp_path, monkeypatch):
    from site_builder import render_beside

    monkeypatch.setattr(render_beside, "RUN", 3)
    places = list(range(0, 2000, 2))
    turns = render_beside.Turns(places)
    taken_beside = tmp_path / "taken"
    child = os.fork()
    if child == 0:
        try:
            with open(taken_beside, "w") as record:
                for place in turns:
                    record.write(f"{place}\n")
                    time.sleep(0.0002)
        finally:
            os._exit(0)
    mine = []
    for place in turns:
        mine.append(place)
        time.sleep(0.0002)
    os.waitpid(child, 0)
    turns.close()
    theirs = [int(line) for line in taken_beside.read_text().split()]
    assert mine and theirs and sorted(mine + theirs) == places  # each place once, by one or the other


def test_the_turns_of_a_large_site_fit_in_their_pipe(monkeypatch):
    from site_builder import render_beside

    def too_long(*_):
        raise AssertionError("writing the turns blocked: more than a pipe holds")

    monkeypatch.setattr(render_beside, "RUN", 1)
    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(20)
    try:
        turns = render_beside.Turns(list(range(300_000)))  # one place a run: 1.2 MB of numbers
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert list(turns) == list(range(300_000))  # alone, it takes every place, in order
    turns.close()


def test_a_turn_read_cut_short_fails_rather_than_leaving_pages_out(monkeypatch):
    from site_builder import render_beside
    from site_builder.errors import SiteError

    turns = render_beside.Turns(list(range(100)))
    real_read = os.read
    monkeypatch.setattr(render_beside.os, "read", lambda fd, size: real_read(fd, 2))
    with pytest.raises(SiteError, match="could not be shared with the process rendering beside the build"):
        list(turns)
    turns.close()


def test_a_site_written_from_nothing_has_its_pages_rendered_by_two_processes_with_the_same_bytes(
        make_site, tmp_path, monkeypatch):
    from site_builder import pipeline, render, render_beside
    from site_builder.build import build

    twin = make_site(root=tmp_path / "twin")  # built with every page rendered here
    project = make_site()
    rendered_by = tmp_path / "rendered-by"
    real_render_page = render.render_page
    build_process = os.getpid()

    def rendered_beside() -> list[str]:
        records = [line.split() for line in rendered_by.read_text().splitlines()] if rendered_by.exists() else []
        return [url for pid, url in records if pid != str(build_process)]

    def render_page(env, page, project):
        if os.getpid() == build_process:  # the build's first page waits for the child's fourth
            deadline = time.monotonic() + 60
            while len(rendered_beside()) < 4 and time.monotonic() < deadline:
                time.sleep(0.01)
        elif len(rendered_beside()) >= 4:
            time.sleep(0.05)  # the child slower from its fifth page: the build renders the pages after it
        with open(rendered_by, "a") as record:  # a file: the child's memory is not this process's
            record.write(f"{os.getpid()} {page.url}\n")
        return real_render_page(env, page, project)

    outputs = []
    real_find_collisions = pipeline.find_collisions
    monkeypatch.setattr(pipeline, "find_collisions", lambda urls: outputs.extend(urls) or real_find_collisions(urls))
    monkeypatch.setattr(render, "render_page", render_page)
    monkeypatch.setattr(render_beside, "RUN", 1)  # the pages taken one at a time
    _render_beside_from_nothing(monkeypatch)
    first = build(project, project.root / "_site", BufferReporter(), workers=2)
    records = [line.split() for line in rendered_by.read_text().splitlines()]
    by_process = {pid: sorted(url for p, url in records if p == pid) for pid, _ in records}
    here = by_process.pop(str(os.getpid()), [])
    (beside,) = by_process.values()  # one other process
    pages = [url for url in first.urls if url.endswith((".html", ".xml"))]
    assert len(beside) >= 4 and here and sorted(here + beside) == sorted(pages)  # each page once, by one or the other
    in_order = [url for url in outputs if url in pages]  # the pages' order (what is looked at for collisions)
    assert sorted(in_order) == sorted(pages) and list(first.rendered) == in_order  # whoever rendered them
    assert snapshot(project.root / "_site") == render_site(project, BufferReporter())

    monkeypatch.setattr("site_builder.render_beside.BESIDE_FROM", 10**6)
    build(twin, twin.root / "_site", BufferReporter(), workers=2)
    for site in (project, twin):  # the page cache kept what the process beside rendered: the same pages again
        story = site.content / "articles" / "kim-sinis.md"
        story.write_text(story.read_text() + "\nParagraf tambahan.\n")
    again, twin_again = (build(site, site.root / "_site", BufferReporter(), workers=2) for site in (project, twin))
    assert again.rendered == twin_again.rendered and set(beside) - set(again.rendered)
    assert snapshot(project.root / "_site") == snapshot(twin.root / "_site")


def test_the_writer_finishes_only_once_the_renderer_beside_is_done_however_far_behind_it_is(make_site, monkeypatch):
    real_add = site_builder.write.SiteWriter.add

    def slow_add(self, url, data):  # the writer's process, so that what the renderer beside sends waits
        time.sleep(0.05)
        return real_add(self, url, data)

    monkeypatch.setattr(site_builder.write.SiteWriter, "add", slow_add)
    _render_beside_from_nothing(monkeypatch)
    project = make_site()
    assert main(["build", "--project", str(project.root), "--workers", "2", "--quiet"]) == 0
    assert snapshot(project.root / "_site") == render_site(project, BufferReporter())


def test_a_template_error_in_a_page_rendered_beside_is_told_as_any_other_and_nothing_is_written(
        make_site, tmp_path, monkeypatch, capsys):
    project = make_site({"templates/story.html": "{% extends 'base.html' %}{% block main %}{{ story.nope }}"
                                                 "{% endblock %}"})
    _render_beside_from_nothing(monkeypatch)
    assert main(["build", "--project", str(project.root), "--workers", "2", "--quiet"]) == 1
    error = capsys.readouterr().err
    for slug in ("kim-sinis", "trump-enggan"):  # one rendered here, the other beside
        assert f"template error while rendering stories/{slug}.html" in error
    assert not (project.root / "_site").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name != "site"] == []


def test_a_renderer_beside_that_stops_fails_the_build_clearly_and_leaves_nothing(make_site, tmp_path, monkeypatch,
                                                                                capsys):
    from site_builder import render_beside

    project = make_site()
    build_command = ["build", "--project", str(project.root), "--workers", "2", "--quiet"]
    real_render = render_beside._render

    def render(render_into, pages, keys, turns, writer, cache, answers):  # the child
        os._exit(3)  # as if killed, or out of memory, before it answers

    monkeypatch.setattr(render_beside, "_render", render)
    _render_beside_from_nothing(monkeypatch)
    assert main(build_command) == 1
    assert "the process rendering pages beside the build stopped; the previous site was left as it was" in \
        capsys.readouterr().err
    assert not (project.root / "_site").exists()
    assert sorted(p.name for p in project.root.iterdir()) == [".site-cache", "content", "static", "templates"]
    monkeypatch.setattr(render_beside, "_render", real_render)
    assert main(build_command) == 0  # and the next build is whole
    assert snapshot(project.root / "_site") == render_site(project, BufferReporter())


def test_a_writer_beside_is_discarded_at_once_when_a_send_was_cut_short(tmp_path):
    import threading

    from site_builder.write import SiteWriter
    from site_builder.write_beside import WriterBeside

    writer = WriterBeside.start(SiteWriter(tmp_path / "_site", tmp_path / "cache" / "spare"))
    writer.add("a.html", b"a")
    assert [p.name[:10] for p in (tmp_path / "cache").iterdir()] == ["spare.new-"]  # the next spare, being made
    sending = writer._connection._ends[1]
    os.write(sending.fileno(), (1 << 20).to_bytes(4, "big") + b"half a message")  # as Ctrl-C in a send leaves it
    discarding = threading.Thread(target=writer.discard, daemon=True)
    discarding.start()
    discarding.join(timeout=10)
    assert not discarding.is_alive()  # asking the child, which waits for the rest of the message, would hang
    assert [p.name for p in tmp_path.iterdir()] == ["cache"] and list((tmp_path / "cache").iterdir()) == []


def test_a_writer_beside_removes_what_it_wrote_when_the_build_dies_in_the_middle_of_a_send(tmp_path):
    from site_builder.write import SiteWriter
    from site_builder.write_beside import WriterBeside

    writer = WriterBeside.start(SiteWriter(tmp_path / "_site"))
    writer.add("a.html", b"a")
    sending = writer._connection._ends[1]
    os.write(sending.fileno(), (1 << 20).to_bytes(4, "big") + b"half a message")
    writer._connection.close()  # as when the build is killed: the child reads the end of the pipe
    os.waitpid(writer._child, 0)
    assert list(tmp_path.iterdir()) == []


def test_a_process_forked_from_the_build_lets_the_writer_beside_see_a_killed_build_at_once(tmp_path):
    from site_builder.write import SiteWriter
    from site_builder.write_beside import WriterBeside

    writer = WriterBeside.start(SiteWriter(tmp_path / "_site"))
    writer.add("a.html", b"a")
    forked = os.fork()  # as the renderer beside is (render_beside.py)
    if forked == 0:
        writer.let_go()
        time.sleep(30)
        os._exit(0)
    try:
        writer._connection.close()  # as when the build is killed: its ends of the pipes close
        deadline = time.monotonic() + 10
        while os.waitpid(writer._child, os.WNOHANG) == (0, 0) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert time.monotonic() < deadline  # the writer's process ended, though the forked one lives on
        assert list(tmp_path.iterdir()) == []  # and removed what it wrote
    finally:
        os.kill(forked, signal.SIGKILL)
        os.waitpid(forked, 0)


def test_a_site_written_beside_from_nothing_leaves_a_spare_so_the_next_build_links_nothing(make_site, monkeypatch):
    project = make_site()
    monkeypatch.setattr("site_builder.build.BESIDE_FROM", 1)
    out, spare = project.root / "_site", project.root / ".site-cache" / "spare"
    build = ["build", "--project", str(project.root), "--workers", "2", "--quiet"]
    assert main(build) == 0
    site = snapshot(out)
    assert snapshot(spare) == site  # the same files: links to the output's own
    assert all(os.stat(spare / url).st_ino == os.stat(out / url).st_ino for url in site)

    story = next((project.root / "content" / "articles").glob("*.md"))
    story.write_text(story.read_text() + "\nParagraf tambahan.\n")
    links = []
    real_link = os.link
    monkeypatch.setattr(os, "link", lambda *args, **kwargs: links.append(args) or real_link(*args, **kwargs))
    assert main(build) == 0
    # Without the spare, every file kept would be linked into a fresh folder; the one link made is
    # the build cache's to articles.json (articles_kept.py).
    assert [Path(args[1]).name for args in links] == [".articles.json.new"]
    assert [p.name for p in project.root.iterdir() if p.name.startswith((".site-cache", "._site"))] == [".site-cache"]


def test_rename_over_gives_the_name_to_the_new_file_whether_or_not_one_had_it(tmp_path):
    from site_builder.write import rename_over

    staged, target = tmp_path / ".new", tmp_path / "file"
    for text in ("first", "second"):
        staged.write_text(text)
        inode = staged.stat().st_ino
        rename_over(staged, target)
        assert target.read_text() == text and target.stat().st_ino == inode and not staged.exists()
    linked = tmp_path / "linked"
    os.link(target, linked)  # a spare's file may be the output's too: that one is left as it was
    staged.write_text("third")
    rename_over(staged, target)
    assert target.read_text() == "third" and linked.read_text() == "second"


@pytest.mark.parametrize("kernel", [True, False])
def test_a_spliced_file_is_written_and_compared_as_the_bytes_of_its_pieces(tmp_path, monkeypatch, kernel):
    """write.Spliced (articles.json, articles_kept.py): ranges of another file and bytes between,
    copied by the kernel or, where it cannot (another file system on an older Linux), read and
    written; a file holds it only if every byte is the same, wherever the difference is."""
    import errno

    from site_builder import write

    monkeypatch.setattr(write, "COMPARED_AT_ONCE", 1 << 20)
    if not kernel:
        def refused(*args):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        monkeypatch.setattr(os, "copy_file_range", refused)
    size = 3 * (1 << 20) + 17
    source = tmp_path / "kept"
    source.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    data = source.read_bytes()
    spliced = write.Spliced(str(source), write.file_stamp(os.stat(source)),
                            (b"[\n", (0, 100), b"made", (2000, (1 << 20) + 5), b",\n", ((1 << 20) + 9, size), b"\n]\n"))
    expected = b"[\n" + data[:100] + b"made" + data[2000:(1 << 20) + 5] + b",\n" + data[(1 << 20) + 9:] + b"\n]\n"
    assert spliced.size == len(expected) and spliced.read() == expected
    target = tmp_path / "written"
    stamp = write._write(str(target), spliced, "")
    assert target.read_bytes() == expected and stamp == write.file_stamp(os.stat(target))
    assert write._same_file(str(target), spliced) == stamp
    for at in (0, 2, 100, 104, len(expected) // 2, len(expected) - 4, len(expected) - 1):
        other = bytearray(expected)
        other[at] ^= 1
        target.write_bytes(bytes(other))
        assert write._same_file(str(target), spliced) is None, at
    target.write_bytes(expected[:-1])
    assert write._same_file(str(target), spliced) is None


def test_a_spliced_file_is_not_read_where_it_is_its_own_source(tmp_path, monkeypatch):
    """The output's articles.json is the build cache's kept file (a hard link): its ranges at
    their own place are the same bytes, and only the bytes made are compared."""
    from site_builder import write

    source = tmp_path / "kept"
    source.write_bytes(b"a" * 5000 + b"b" * 10 + b"c" * 5000)
    stamp = write.file_stamp(os.stat(source))
    read = []
    real_pread = os.pread
    monkeypatch.setattr(os, "pread", lambda fd, count, at: read.append(count) or real_pread(fd, count, at))
    same = write.Spliced(str(source), stamp, ((0, 5000), b"b" * 10, (5010, 10010)))
    assert write._same_file(str(source), same) == stamp and read == [10]
    other = write.Spliced(str(source), stamp, ((0, 5000), b"d" * 10, (5010, 10010)))
    assert write._same_file(str(source), other) is None
    # a range not at its own place is read and compared
    moved = write.Spliced(str(source), stamp, ((0, 4999), b"ab" + b"b" * 9, (5010, 10010)))  # the same bytes
    assert write._same_file(str(source), moved) == stamp
    shifted = write.Spliced(str(source), stamp, ((0, 5000), (5010, 5020), (5010, 10000)))  # other bytes
    assert write._same_file(str(source), shifted) is None


def test_a_spliced_file_whose_source_changed_since_is_not_written(tmp_path):
    """Should the build cache's file change while the build runs, the build stops rather than
    copy what is there now; the output is left as it was."""
    from site_builder import write
    from site_builder.errors import SiteError

    source = tmp_path / "kept"
    source.write_bytes(b"[\n{}\n]\n")
    spliced = write.Spliced(str(source), write.file_stamp(os.stat(source)), ((0, 6),))
    source.write_bytes(b"[\n{\"x\": 1}\n]\n")
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_bytes(b"before")
    writer = write.SiteWriter(out)
    with pytest.raises(SiteError, match="changed while the site was being built; build again"):
        writer.add("data/articles.json", spliced)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept", "site"] and snapshot(out) == {"index.html": b"before"}


@pytest.mark.parametrize("size", [5, (1 << 20) - 1, 1 << 20, 3 * (1 << 20) + 17])
def test_a_file_holds_the_bytes_made_only_if_every_byte_is_the_same(tmp_path, size, monkeypatch):
    """Large files are compared a piece at a time (write.COMPARED_AT_ONCE): a difference in any
    piece, first, last or between, is found."""
    from site_builder import write

    monkeypatch.setattr(write, "COMPARED_AT_ONCE", 1 << 20)
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path = tmp_path / "file"
    path.write_bytes(data)
    assert write._same_file(str(path), data) == write.file_stamp(os.stat(path))
    for at in sorted({0, size // 2, (1 << 20) - 1, 1 << 20, size - 1} & set(range(size))):
        other = bytearray(data)
        other[at] ^= 1
        assert write._same_file(str(path), bytes(other)) is None, at
    assert write._same_file(str(path), data[:-1]) is None and write._same_file(str(path), data + b"!") is None
