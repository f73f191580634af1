"""Incremental builds: unchanged pages come from the cache, unchanged files are not rewritten,
and the result is always byte-identical to a clean build."""
from __future__ import annotations

import gc
import json
from pathlib import Path

import jinja2
import pytest

from site_builder import chart, structured
from site_builder.build import build
from site_builder.pipeline import reclaim_cycles, render_site
from site_builder.cli import main
from site_builder.reporter import BufferReporter


def on_disk(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def add_a_paragraph(project, slug: str = "kim-sinis") -> None:
    story = project.content / "articles" / f"{slug}.md"
    story.write_text(story.read_text() + "\nParagraf tambahan tentang pertemuan itu.\n")


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_a_build_with_no_change_renders_and_rewrites_nothing(make_site):
    project = make_site()
    out = project.root / "_site"
    first = build(project, out, BufferReporter())
    before = stamps(out)
    again = build(project, out, BufferReporter())
    assert len(first.rendered) == sum(1 for u in first.urls if u.endswith((".html", ".xml")))
    assert sorted(first.analysed) == ["kim-sinis", "trump-enggan"]
    assert again.rendered == () and again.analysed == () and again.changed == 0
    assert stamps(out) == before


def test_a_site_rendered_into_memory_with_the_build_cache_holds_the_pages_it_keeps_as_kept(make_site):
    import os

    from site_builder.pipeline import Caches, Files
    from site_builder.write import Kept, file_stamp, write_site

    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    add_a_paragraph(project)
    caches = Caches.open(project.root, out.resolve())
    files = render_site(project, BufferReporter(), caches=caches)
    caches.close()
    assert isinstance(files, Files) and sorted(files) == sorted(on_disk(out))
    kept = {url: data for url, data in files.items() if isinstance(data, Kept)}
    assert "stories/trump-enggan.html" in kept and "stories/kim-sinis.html" not in kept
    assert all(data == Kept(url, file_stamp(os.stat(out / url))) for url, data in kept.items())
    assert on_disk(out)["stories/trump-enggan.html"] == render_site(project, BufferReporter())["stories/trump-enggan.html"]
    inodes = {url: os.stat(out / url).st_ino for url in kept}
    write_site(out, files)  # the pages kept stay the files they were (hard-linked), the others are written
    assert on_disk(out) == render_site(project, BufferReporter())
    assert {url: os.stat(out / url).st_ino for url in kept} == inodes


def test_editing_one_story_rerenders_it_and_the_pages_that_aggregate_it(make_site):
    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    before = stamps(out)
    add_a_paragraph(project)
    result = build(project, out, BufferReporter())
    assert result.analysed == ("kim-sinis",)
    assert sorted(result.rendered) == ["archive/2024.html", "index.html", "outlets.html", "stories/kim-sinis.html",
                                       "timeline.html"]
    after = stamps(out)
    untouched = [u for u in before if before[u] == after.get(u)]
    assert "stories/trump-enggan.html" in untouched and "metodologi.html" in untouched
    assert "stories/kim-sinis.html" not in untouched


def restore_as_a_cache_does(*folders: Path) -> None:
    """Each folder copied and put back in its place, as actions/cache restores it in CI: the same
    bytes and modification times, other inodes."""
    import shutil

    for folder in folders:
        copy = folder.with_name(folder.name + ".restored")
        shutil.copytree(folder, copy)
        shutil.rmtree(folder)
        copy.rename(folder)


def test_a_site_restored_from_a_cache_keeps_its_pages_unless_their_bytes_changed(make_site):
    from site_builder.cache import FOLDER

    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    restore_as_a_cache_does(out, project.root / FOLDER)
    (out / "metodologi.html").write_bytes((out / "metodologi.html").read_bytes().replace(b"</h1>", b"!</h1>"))
    add_a_paragraph(project)
    result = build(project, out, BufferReporter())
    assert sorted(result.rendered) == ["archive/2024.html", "index.html", "metodologi.html", "outlets.html",
                                       "stories/kim-sinis.html", "timeline.html"]  # the edited one's, and the one changed
    assert on_disk(out) == render_site(project, BufferReporter())


def test_a_restored_page_is_read_only_when_its_modification_time_moved(make_site, monkeypatch):
    from site_builder import cache

    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    restore_as_a_cache_does(out, project.root / cache.FOLDER)
    changed, touched = out / "metodologi.html", out / "stories" / "trump-enggan.html"
    changed.write_bytes(changed.read_bytes().replace(b"<h1", b"<H1", 1))  # same size, other bytes
    touched.write_bytes(touched.read_bytes())  # same bytes, a later time
    read = []
    real_read = cache._read
    monkeypatch.setattr(cache, "_read", lambda path: read.append(Path(path).name) or real_read(path))
    add_a_paragraph(project)
    result = build(project, out, BufferReporter())
    assert sorted(read) == ["metodologi.html", "trump-enggan.html"]  # the others: same size and time, trusted
    assert "metodologi.html" in result.rendered and "stories/trump-enggan.html" not in result.rendered
    assert on_disk(out) == render_site(project, BufferReporter())


def test_every_incremental_build_equals_a_clean_build(make_site):
    project = make_site()
    out = project.root / "_site"
    articles, templates = project.content / "articles", project.templates
    steps = [
        lambda: (articles / "kim-sinis.md").write_text((articles / "kim-sinis.md").read_text().replace(
            "sinis", "dingin")),
        lambda: (articles / "baru.md").write_text(
            "---\ntitle: Berita Baru\noutlet: tempo\npublished: 2025-01-02\n---\nTrump dan Kim bertemu di Singapura.\n"),
        lambda: (project.content / "events.yaml").write_text(
            (project.content / "events.yaml").read_text().replace("tone: 2", "tone: 1").replace(
                "article: trump-enggan\n      quote: Trump dan Kim bertemu di Singapura pada 2018.",
                "article: baru\n      quote: Trump dan Kim bertemu di Singapura.")),
        lambda: (articles / "trump-enggan.md").unlink(),
        lambda: (templates / "partials" / "story_item.html").write_text(
            (templates / "partials" / "story_item.html").read_text().replace('class="summary"', 'class="summary lead"')),
        lambda: (project.static / "style.css").write_text((project.static / "style.css").read_text() + "\n/* x */\n"),
    ]
    build(project, out, BufferReporter())
    for number, step in enumerate(steps):
        step()
        build(project, out, BufferReporter())
        assert on_disk(out) == render_site(project, BufferReporter()), f"after step {number}"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_build_after_each_data_file_changed_shows_the_change_and_equals_a_clean_build(make_site, workers):
    """The data files' validation is kept between builds (pipeline._kept_data): a change to any
    of them, or a file added or removed, must be seen."""
    project = make_site()
    out, content = project.root / "_site", project.content
    people = ("people:\n  - {id: donald-trump, name: Donald Trump, aliases: [Trump], role: Presiden, side: US}\n"
              "reporting_verbs: [kata]\nintroducing: [menurut]\n")
    lexicon = "groups:\n  - id: diplomacy\n    label: Diplomasi\n    terms: [pertemuan, bertemu]\n"
    sources = "sources:\n  - {id: reuters, name: Reuters, aliases: [REUTERS], kind: wire, country: UK}\ncues: [dikutip dari]\n"
    steps = [  # (change, text of some page of the site that shows it)
        (lambda: (content / "site.yaml").write_text((content / "site.yaml").read_text().replace(
            "title: Test Site", "title: Situs Percobaan")), "Situs Percobaan"),
        (lambda: (content / "outlets.yaml").write_text((content / "outlets.yaml").read_text().replace(
            "name: Kompas TV", "name: Kompas Televisi")), "Kompas Televisi"),
        (lambda: (content / "people.yaml").write_text(people), "Donald Trump"),
        (lambda: (content / "people.yaml").write_text(people.replace("name: Donald Trump", "name: Donald J. Trump")),
         "Donald J. Trump"),
        (lambda: (content / "sources.yaml").write_text(sources), "Reuters"),
        (lambda: (content / "lexicon.yaml").write_text(lexicon), "Diplomasi"),
        (lambda: (content / "lexicon.yaml").write_text(lexicon.replace("label: Diplomasi", "label: Perundingan")),
         "Perundingan"),
        (lambda: (content / "pages" / "metodologi.md").write_text(
            "---\ntitle: Cara Kerja\n---\nCara kami menghitung.\n"), "Cara Kerja"),
    ]
    build(project, out, BufferReporter(), workers=workers)
    for number, (step, shown) in enumerate(steps):
        assert not any(shown.encode() in page for page in on_disk(out).values()), f"before step {number}"
        step()
        build(project, out, BufferReporter(), workers=workers)
        assert on_disk(out) == render_site(project, BufferReporter()), f"after step {number}"
        assert any(shown.encode() in page for page in on_disk(out).values()), f"after step {number}"
    (content / "lexicon.yaml").unlink()
    build(project, out, BufferReporter(), workers=workers)
    assert on_disk(out) == render_site(project, BufferReporter())
    assert not any(b"Perundingan" in page for page in on_disk(out).values())


def test_clean_renders_everything(make_site, capsys):
    project = make_site()
    assert main(["build", "--project", str(project.root), "--quiet"]) == 0
    assert main(["build", "--project", str(project.root)]) == 0
    assert "0 written" in capsys.readouterr().out
    assert main(["build", "--project", str(project.root), "--clean"]) == 0
    assert (project.root / ".site-cache").is_dir()


@pytest.mark.parametrize("workers", [1, 2])  # with 2, the site is written from nothing beside (write_beside.py)
def test_clean_sets_the_build_cache_aside_and_the_writer_removes_it(make_site, monkeypatch, tmp_path, workers):
    import os
    import shutil

    from site_builder import write

    project = make_site()
    removed = tmp_path / "removed"
    real_remove = write.SiteWriter.remove

    def remove(self, folder):
        with open(removed, "a") as record:  # a file: the writer beside is another process
            record.write(f"{os.getpid()} {Path(folder).relative_to(project.root)}\n")
        real_remove(self, folder)

    monkeypatch.setattr(write.SiteWriter, "remove", remove)
    monkeypatch.setattr("site_builder.build.BESIDE_FROM", 1)
    command = ["build", "--project", str(project.root), "--workers", str(workers), "--quiet"]
    assert main(command) == 0
    shutil.rmtree(project.root / "_site")
    assert main([*command, "--clean"]) == 0
    pid, folder = removed.read_text().split()
    assert folder == ".site-cache/cleared" and (int(pid) == os.getpid()) == (workers == 1)
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(".site-cache")) == [".site-cache"]
    assert not (project.root / ".site-cache" / "cleared").exists()
    assert on_disk(project.root / "_site") == render_site(project, BufferReporter())

    leftover = project.root / ".site-cache" / "cleared" / "stories"  # as a build stopped meanwhile leaves it
    leftover.mkdir(parents=True)
    (leftover / "00.facts.pickle").write_bytes(b"old")
    add_a_paragraph(project)
    assert main(command) == 0
    assert not (project.root / ".site-cache" / "cleared").exists()
    assert on_disk(project.root / "_site") == render_site(project, BufferReporter())


def test_the_output_is_the_same_whatever_the_number_of_workers(make_site, monkeypatch):
    from site_builder import workers

    monkeypatch.setattr(workers, "PARALLEL_FROM", 1)  # use the pool even for this small site
    project = make_site()
    single = build(project, project.root / "one", BufferReporter(), clean=True, workers=1)
    pooled = build(project, project.root / "two", BufferReporter(), clean=True, workers=2)
    assert sorted(pooled.analysed) == sorted(single.analysed) == ["kim-sinis", "trump-enggan"]
    assert on_disk(project.root / "two") == on_disk(project.root / "one")


def test_adding_a_story_leaves_the_archive_pages_of_other_years_as_they_were(make_site):
    """A newsroom adds stories every day: an archive page shows the years, not each year's count
    (the home page does), so that a story added to one year does not change every archive page."""
    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    (project.content / "articles" / "baru.md").write_text(
        "---\ntitle: Berita Baru\noutlet: tempo\npublished: 2024-12-01\n---\nIsi berita baru.\n")
    result = build(project, out, BufferReporter())
    assert "archive/2024.html" in result.rendered and "index.html" in result.rendered
    assert "archive/2020.html" not in result.rendered
    assert "2 berita" in (out / "archive" / "2024.html").read_text()  # the year's own count, in its heading
    assert "(2)" in (out / "index.html").read_text()  # the home page's list of years has the counts


@pytest.mark.parametrize("workers", [1, 2])  # with 2, the passage helper looks at the pages' files
def test_a_page_changed_by_hand_in_the_output_is_rendered_again(make_site, workers):
    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter(), workers=workers)
    page = out / "stories" / "kim-sinis.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"</body>", b"<p>edited by hand</p></body>"))
    result = build(project, out, BufferReporter(), workers=workers)
    assert result.rendered == ("stories/kim-sinis.html",)
    assert page.read_bytes() == original


def test_the_pages_changed_since_the_last_build_are_those_touched_or_gone(make_site, monkeypatch):
    from site_builder import passage_keeper
    from site_builder.cache import pages_changed_since

    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    assert pages_changed_since(project.root, out) == set()
    story = out / "stories" / "kim-sinis.html"
    story.write_bytes(story.read_bytes())  # the same bytes, written again: another modification time
    (out / "outlets.html").unlink()
    assert pages_changed_since(project.root, out) == {"stories/kim-sinis.html", "outlets.html"}
    monkeypatch.setattr(passage_keeper, "PAGES_CHANGED_SAID", 1)  # more than the helper names: it says nothing
    assert passage_keeper._pages_changed(project.root, out) is None


def test_the_passage_helper_looks_at_the_pages_files_so_the_build_need_not(make_site, monkeypatch, tmp_path):
    import os

    from site_builder import passage_keeper

    monkeypatch.setattr(passage_keeper, "start_method", lambda: "fork")  # the child runs the patched code
    patient = passage_keeper.PassageKeeper.pages_changed

    def waiting(keeper):  # this test waits for the helper's answer; a build takes it only if it is there
        if keeper.helper:
            keeper.connection.poll(30)
        return patient(keeper)

    monkeypatch.setattr(passage_keeper.PassageKeeper, "pages_changed", waiting)
    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter(), workers=2)
    page = out / "stories" / "trump-enggan.html"
    original = page.read_bytes()
    page.write_bytes(original + b"<!-- by hand -->")
    looked, real_stat = tmp_path / "looked", os.stat

    def stat(path, *args, **kwargs):
        if str(path).startswith(f"{out}/stories/"):
            with looked.open("a") as record:
                record.write(f"{os.getpid()} {os.path.basename(path)}\n")
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    assert build(project, out, BufferReporter(), workers=2).rendered == ("stories/trump-enggan.html",)
    assert page.read_bytes() == original
    by_process: dict[str, set[str]] = {}
    for line in looked.read_text().splitlines():
        pid, name = line.split()
        by_process.setdefault(pid, set()).add(name)
    assert by_process.pop(str(os.getpid())) == {"trump-enggan.html"}  # here, only the page the helper named
    assert list(by_process.values()) == [{"kim-sinis.html", "trump-enggan.html"}]  # the helper: every page
    monkeypatch.undo()
    assert on_disk(out) == render_site(project, BufferReporter())


def age(project, seconds: int = 3600) -> None:
    """Date every input file back, as if it had been edited a while ago."""
    import os
    import time

    for folder in (project.content, project.templates, project.static):
        for path in folder.rglob("*"):
            os.utime(path, (time.time() - seconds,) * 2)


@pytest.mark.parametrize("workers", [1, 2])  # with 2, the stamp is taken in a child process (stamp_beside)
def test_a_build_with_nothing_changed_stops_at_the_stamp_and_repeats_its_warnings(make_site, workers):
    project = make_site()
    out = project.root / "_site"
    age(project)
    build(project, out, BufferReporter(), workers=workers)
    reporter = BufferReporter()
    again = build(project, out, reporter, workers=workers)
    assert again.urls == () and again.changed == 0 and again.rendered == ()
    assert "is up to date: nothing changed since the last build" in reporter.messages[-1]
    assert reporter.warnings and reporter.warnings == [w for w in reporter.warnings if "base_url" in w]
    assert on_disk(out) == render_site(project, BufferReporter())


@pytest.mark.parametrize("workers", [1, 2])
def test_the_stamp_sees_edited_content_options_and_output(make_site, workers):
    project = make_site()
    out = project.root / "_site"
    age(project)
    build(project, out, BufferReporter(), workers=workers)
    (out / "index.html").write_text("broken by hand")
    assert build(project, out, BufferReporter(), workers=workers).rendered == ("index.html",)  # output changed
    age(project)
    build(project, out, BufferReporter(), workers=workers)
    result = build(project, out, BufferReporter(), base_url="https://example.org/", workers=workers)
    assert "feed.xml" in result.urls  # another option: built again
    story = project.content / "articles" / "kim-sinis.md"
    story.write_text(story.read_text().replace("sinis", "dingin"))
    assert build(project, out, BufferReporter(), base_url="https://example.org/",
                 workers=workers).analysed == ("kim-sinis",)
    assert on_disk(out) == render_site(project, BufferReporter(), base_url="https://example.org/")


def test_the_stamp_taken_in_a_child_process_is_the_one_taken_here(make_site, monkeypatch, tmp_path):
    import os
    import time

    from site_builder import stamp as stamps

    monkeypatch.setattr(stamps.threading, "active_count", lambda: 1)  # threads other tests left do not matter here
    takers = tmp_path / "takers"
    take = stamps.take_stamp

    def taken_by_whom(*args):
        with takers.open("a") as record:
            record.write(f"{os.getpid()}\n")
        return take(*args)

    monkeypatch.setattr(stamps, "take_stamp", taken_by_whom)
    project = make_site()
    out = project.root / "_site"
    age(project)
    build(project, out, BufferReporter())  # with one worker: taken here
    steps = []

    def meanwhile(name: str):  # the first step waits long enough for the child to answer
        return lambda: (time.sleep(0.5 if name == "first" else 0), steps.append((name, os.getpid())))

    options = ("https://example.org/", False)
    beside, warnings = stamps.stamp_beside(project, out, options, (meanwhile("first"), meanwhile("second")))
    here = stamps.Stamp(project, out, options)
    assert steps == [("first", os.getpid()), ("second", os.getpid())]  # taken here, all of them
    assert str(os.getpid()) not in takers.read_text().split()  # the stamp, there
    assert (beside.inputs, beside.newest, beside.content.files) == (here.inputs, here.newest, here.content.files)
    assert warnings is None  # another option than the last build's
    same, steps[:] = (None, False), []  # the last build's options: unchanged, with its warnings
    assert stamps.stamp_beside(project, out, same, (meanwhile("first"), meanwhile("second"))) == (
        None, stamps.Stamp(project, out, same).unchanged()) != (None, None)
    assert [name for name, _ in steps] == ["first"]  # told nothing changed: no more steps

    takers.unlink()
    monkeypatch.setattr(stamps, "_stamp_for_parent", lambda *args: os._exit(1))  # a child that fails
    again, warnings = stamps.stamp_beside(project, out, options)
    assert takers.read_text().split() == [str(os.getpid())]  # taken here instead
    assert again.inputs == here.inputs and warnings is None


def test_no_stamp_is_kept_when_a_file_changed_moments_before_the_build(make_site):
    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())  # the files were written just now
    assert build(project, out, BufferReporter()).urls != ()  # so the second build does not trust the stamp


def _square_unless_worker(number: int) -> int:
    import os

    if os.getpid() != _PARENT[0]:
        os._exit(1)  # a worker that dies, as under the out-of-memory killer
    return number * number


_PARENT: list[int] = []


def test_a_pool_whose_worker_dies_falls_back_to_doing_the_work_here(monkeypatch):
    import os

    from site_builder import workers

    monkeypatch.setattr(workers, "PARALLEL_FROM", 1)
    _PARENT[:] = [os.getpid()]
    assert list(workers.map_in_order(_square_unless_worker, list(range(6)), 2, _nothing, ())) == [0, 1, 4, 9, 16, 25]


def _nothing() -> None:
    pass


def test_stored_stories_refer_to_the_sites_own_events_and_stray_files_are_cleared(make_site):
    from site_builder.cache import FOLDER, StoryStore
    from site_builder.load import load_content
    from site_builder.stories import Setting, prepare_stories
    from site_builder.validate import validate_data

    project = make_site()
    build(project, project.root / "_site", BufferReporter())
    raw, _ = load_content(project)
    data, _, _ = validate_data(raw)
    setting = Setting.of(data)
    stored = StoryStore(project.root)
    stories = prepare_stories(raw.articles, setting, stored)
    assert stored.analysed == []
    events = [mention.event for s in stories for mention in s.findings.events]
    assert events and all(any(e is event for e in data.events) for event in events)

    without_events = Setting(setting.outlet_keys, True, data.gazetteer, (), data.lexicon)
    assert without_events.shared().loads(setting.shared().dumps(stories[0])) is None
    assert setting.shared().loads(b"not a pickle") is None
    leftover = project.root / FOLDER / "stories" / "tmp-left-by-a-stopped-build"
    leftover.write_bytes(b"half")
    again = StoryStore(project.root)
    assert [s.article.slug for s in prepare_stories(raw.articles, setting, again)] == \
        [s.article.slug for s in stories]
    again.save()
    assert not leftover.exists()


def test_a_store_shard_holding_no_story_of_the_last_build_is_removed(make_site):
    """(A shard that holds some may keep a few stories no build uses any longer: cache.StoryStore.)"""
    from site_builder.cache import FOLDER, _records

    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    shards = project.root / FOLDER / "stories"

    def stored_per_shard() -> list[int]:
        counts = {"facts": [len(_facts_file(path)[0]) for path in sorted(shards.glob("*.facts.pickle"))],
                  "rest": [len(list(_records(path))) for path in sorted(shards.glob("*.rest.pickle"))]}
        assert counts["facts"] == counts["rest"] and len(list(shards.iterdir())) == 2 * len(counts["facts"])
        return counts["facts"]

    assert sum(stored_per_shard()) == 2
    (project.content / "articles" / "kim-sinis.md").unlink()
    build(project, out, BufferReporter())
    assert stored_per_shard() == [1]  # and no shard file left with nothing in it
    story = project.content / "articles" / "trump-enggan.md"
    story.write_text(story.read_text() + "\nSatu paragraf lagi.\n")
    assert build(project, out, BufferReporter()).analysed == ("trump-enggan",)
    assert build(project, out, BufferReporter(), clean=True).analysed == ("trump-enggan",)


def test_the_result_cache_rewrites_only_the_shards_whose_results_changed(tmp_path):
    import hashlib

    from site_builder.cache import FOLDER, ResultCache

    digests = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(300)]
    first = ResultCache(tmp_path, "results")
    assert [first.get(d, str.encode, d) for d in digests] == [d.encode() for d in digests]
    first.save()
    folder = tmp_path / FOLDER / "results"

    def inodes() -> dict[str, int]:
        return {path.name: path.stat().st_ino for path in folder.iterdir()}

    before, made = inodes(), []
    second = ResultCache(tmp_path, "results")  # the first digest no longer used, one new
    assert [second.get(d, lambda v: made.append(v) or b"new", d) for d in digests[1:] + ["ab" * 32]] == \
        [d.encode() for d in digests[1:]] + [b"new"]
    assert made == ["ab" * 32]
    second.save()
    after = inodes()
    assert len(before) == ResultCache.SHARDS == len(after)
    assert 1 <= sum(before[name] != after[name] for name in before) <= 2  # the shards of those two digests
    third, made = ResultCache(tmp_path, "results"), []
    assert third.get("ab" * 32, made.append, None) == b"new"
    assert third.get(digests[0], lambda v: made.append(v) or b"again", digests[0]) == b"again"
    assert made == [digests[0]]  # not kept: the last build did not use it
    third.save()
    looked_up = {int(d[:4], 16) % ResultCache.SHARDS for d in ("ab" * 32, digests[0])}
    assert len(inodes()) == len(looked_up)  # none left with nothing this build used


def test_a_build_leaves_no_backlog_for_the_cycle_collector_and_serve_can_reclaim_it(make_site):
    project = make_site()
    gc.collect()
    build(project, project.root / "_site", BufferReporter())
    assert gc.isenabled()
    assert gc.get_count()[0] < 1_000  # the build's objects are not left for the next collection to walk
    assert gc.get_freeze_count() > 10_000
    reclaim_cycles()
    assert gc.get_freeze_count() == 0


def _lines_made(project, out, monkeypatch, workers: int = 1) -> list[str]:
    """The slugs whose line of articles.json a build makes."""
    made = []
    original = structured._article_line
    monkeypatch.setattr(structured, "_article_line", lambda view: made.append(view.article.slug) or original(view))
    build(project, out, BufferReporter(), workers=workers)
    monkeypatch.setattr(structured, "_article_line", original)
    return made


def _spliced_made(monkeypatch) -> list:
    """What articles_kept.KeptLines.made_of gives from now on, in a list."""
    from site_builder.articles_kept import KeptLines

    given = []
    original = KeptLines.made_of
    monkeypatch.setattr(KeptLines, "made_of", lambda *args: given.append(original(*args)) or given[-1])
    return given


def test_articles_json_makes_lines_only_for_stories_that_changed(make_site, monkeypatch):
    from site_builder.write import Spliced

    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    add_a_paragraph(project)
    given = _spliced_made(monkeypatch)
    assert _lines_made(project, out, monkeypatch) == ["kim-sinis"]
    # the other story's line is a range of the kept file, copied into the new one without being read
    assert [type(made) for made in given] == [Spliced] and any(type(p) is tuple for p in given[0].pieces)
    assert b"Paragraf tambahan" not in (out / "data/articles.json").read_bytes()  # (a body, not a field)
    assert json.loads((out / "data/articles.json").read_bytes())[1]["words"] > 0
    assert on_disk(out) == render_site(project, BufferReporter())


@pytest.mark.parametrize("workers", [1, 2])
def test_articles_json_lines_come_from_the_build_caches_copy_even_with_the_site_gone(make_site, monkeypatch,
                                                                                    workers):
    """With two workers the site, written from nothing, is written by a process of its own
    (write_beside.py), which copies the kept lines itself."""
    monkeypatch.setattr("site_builder.build.BESIDE_FROM", 1)
    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter(), workers=workers)
    kept = project.root / ".site-cache" / "articles.json"
    assert kept.stat().st_ino == (out / "data/articles.json").stat().st_ino  # a link, not a copy
    import shutil

    shutil.rmtree(out)
    add_a_paragraph(project)
    assert _lines_made(project, out, monkeypatch, workers) == ["kim-sinis"]
    assert on_disk(out) == render_site(project, BufferReporter())


@pytest.mark.parametrize("workers", [1, 2])
def test_with_the_site_gone_its_pages_come_from_the_spare_where_the_last_build_left_them(make_site, workers):
    """The spare (write.SiteWriter) holds the site before last, its files linked to the last
    build's where they did not change (write.last_pages): with the output folder removed, the
    pages the last build changed are rendered again, the others are linked from the spare."""
    import shutil

    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter(), workers=workers)
    add_a_paragraph(project)  # kim-sinis's page changes: the spare keeps the one before
    last = build(project, out, BufferReporter(), workers=workers)
    shutil.rmtree(out)
    result = build(project, out, BufferReporter(), workers=workers)
    assert "stories/kim-sinis.html" in result.rendered and "404.html" not in result.rendered
    assert set(result.rendered) <= set(last.rendered)  # (of those, the ones whose bytes changed)
    assert on_disk(out) == render_site(project, BufferReporter())


def test_a_page_of_the_spare_changed_by_hand_is_rendered_again(make_site):
    import shutil

    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    add_a_paragraph(project)
    build(project, out, BufferReporter())
    shutil.rmtree(out)
    spare_page = project.root / ".site-cache" / "spare" / "404.html"
    spare_page.write_bytes(spare_page.read_bytes().replace(b"</body>", b"<p>by hand</p></body>"))
    result = build(project, out, BufferReporter())
    assert "404.html" in result.rendered
    assert on_disk(out) == render_site(project, BufferReporter())


@pytest.mark.parametrize("damage", ["same size", "other size", "gone"])
def test_a_kept_articles_json_that_changed_since_is_not_trusted(make_site, monkeypatch, damage):
    import os

    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    kept = project.root / ".site-cache" / "articles.json"
    data = kept.read_bytes()
    if damage == "gone":
        kept.unlink()
    else:  # written over in place, so the output's file (the same inode) changes too
        with kept.open("r+b") as stream:
            stream.write(b"[\n{\"x\": 1}" if damage == "same size" else data + b" ")
        os.utime(kept, ns=(kept.stat().st_atime_ns, kept.stat().st_mtime_ns + 1_000_000_000))
    add_a_paragraph(project)
    assert sorted(_lines_made(project, out, monkeypatch)) == ["kim-sinis", "trump-enggan"]
    assert on_disk(out) == render_site(project, BufferReporter())


def test_a_rebuild_needs_the_markdown_parser_only_for_bodies_that_changed_and_have_markup(make_site, monkeypatch):
    from site_builder import markdown

    page = "---\ntitle: Metodologi\n---\n## Cara kami menghitung\n\nLihat [data](data/articles.json).\n"
    project = make_site({"content/pages/metodologi.md": page})
    out = project.root / "_site"
    parsed = []
    original = markdown._render_parsed
    monkeypatch.setattr(markdown, "_render_parsed", lambda body, *rest: parsed.append(body) or original(body, *rest))
    build(project, out, BufferReporter())
    assert len(parsed) == 2 and page.split("---\n", 2)[2] in parsed  # and trump-enggan, which has a link
    first = (out / "metodologi.html").read_bytes()
    add_a_paragraph(project)  # to kim-sinis, which is plain prose
    parsed.clear()
    build(project, out, BufferReporter())
    assert parsed == []  # the page's rendering was kept
    assert (out / "metodologi.html").read_bytes() == first and b"<h2" in first and b'href="data/articles.json"' in first


def test_an_edit_rebuild_imports_neither_the_process_pool_nor_plotly_nor_numpy(make_site):
    """What it needs not: the pool (one story to prepare), the chart's library (the figure is
    kept) and the passage index's (worked on in a process of its own with two workers)."""
    import subprocess
    import sys

    project = make_site()
    command = ("import sys; from site_builder.cli import main; "
               f"main(['build', '--project', {str(project.root)!r}, '--quiet', '--workers', '2']); "
               "print(sorted(m for m in ('concurrent.futures', 'plotly', 'numpy') if m in sys.modules))")
    subprocess.run([sys.executable, "-c", command], check=True, capture_output=True)
    add_a_paragraph(project)
    done = subprocess.run([sys.executable, "-c", command], check=True, capture_output=True, text=True)
    assert done.stdout.strip() == "[]"


def test_templates_compiled_once_are_reused_and_their_errors_still_name_the_line(make_site, monkeypatch, capsys):
    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    compiled = []
    original = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda env, *a, **k: compiled.append(a) or original(env, *a, **k))
    story = project.content / "articles" / "kim-sinis.md"
    story.write_text(story.read_text() + "\nParagraf tambahan.\n")
    assert "stories/kim-sinis.html" in build(project, out, BufferReporter()).rendered
    assert compiled == []
    (project.templates / "404.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{{ missing_name }}\n"
                                               "{% endblock %}\n")
    for _ in range(2):  # compiled, then from the cache
        assert main(["build", "--project", str(project.root)]) == 1
        assert "templates/404.html:3: template error while rendering 404.html: 'missing_name' is undefined" in \
            capsys.readouterr().err
    assert len(compiled) == 1


def test_the_chart_is_drawn_again_only_when_what_it_draws_changed(make_site, monkeypatch):
    """With plotly (chart.base_figure) only when the events, the stories' counts for them, the
    outlets or the strings changed; the stories' traces (chart.with_stories) when their markers did."""
    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    drawn, marked = [], []
    base_figure, with_stories = chart.base_figure, chart.with_stories
    monkeypatch.setattr(chart, "base_figure", lambda *args: drawn.append(args) or base_figure(*args))
    monkeypatch.setattr(chart, "with_stories", lambda *args: marked.append(args) or with_stories(*args))
    add_a_paragraph(project)
    assert "timeline.html" in build(project, out, BufferReporter()).rendered  # its events table shows the story
    assert drawn == marked == []
    story = project.content / "articles" / "kim-sinis.md"
    story.write_text(story.read_text().replace("title: ", "title: Kabar baru ", 1))
    build(project, out, BufferReporter())
    assert drawn == [] and len(marked) == 1  # a marker's label changed
    assert b"Kabar baru " in (out / "timeline.html").read_bytes()
    events = project.content / "events.yaml"
    events.write_text(events.read_text().replace("tone: 2", "tone: 1", 1))
    build(project, out, BufferReporter())
    assert len(drawn) == 1 and len(marked) == 2
    assert on_disk(out) == render_site(project, BufferReporter())


def test_an_outlets_counts_are_made_again_only_when_one_of_its_stories_changed(make_site, monkeypatch):
    from site_builder import pages, structured

    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    counted, original = [], pages.outlet_counts
    recorded, original_record = [], structured.outlet_record

    def counting(stories, lexicon):
        counted.append([story.article.slug for story in stories])
        return original(stories, lexicon)

    def recording(figures):
        recorded.append(figures.outlet.key)
        return original_record(figures)

    monkeypatch.setattr(pages, "outlet_counts", counting)
    monkeypatch.setattr(structured, "outlet_record", recording)
    words = {o["outlet"]: o["words"] for o in json.loads((out / "data/outlets.json").read_bytes())}
    add_a_paragraph(project)
    build(project, out, BufferReporter())
    assert counted == [["kim-sinis"]]  # the other outlets' counts are the last build's
    assert recorded == ["kompas-tv"]  # and so are their records in outlets.json
    now = {o["outlet"]: o["words"] for o in json.loads((out / "data/outlets.json").read_bytes())}
    assert [key for key in now if now[key] != words[key]] == ["kompas-tv"]
    assert on_disk(out) == render_site(project, BufferReporter())


def test_the_comparisons_pair_figures_are_made_again_only_when_the_pairs_or_what_they_show_changed(make_site,
                                                                                                  monkeypatch):
    """Kept under what the pairs were made from and the outlets' and speakers' names, not under
    the stories' places: a story added before the stories of a pair moves them, and the kept
    figures still show that pair's stories (by slug)."""
    from site_builder import pages

    project = make_site()
    out = project.root / "_site"
    _share_a_sentence(project)  # a reused passage between kim-sinis (2024) and trump-enggan (2020)
    build(project, out, BufferReporter())
    made, original = [], pages.pair_figures
    monkeypatch.setattr(pages, "pair_figures", lambda links: made.append(1) or original(links))
    awal = project.content / "articles" / "awal.md"  # in no pair, before both: every place moves
    awal.write_text("---\ntitle: Awal\noutlet: tempo\npublished: 2019-01-01\n---\nCerita lain sama sekali.\n")
    build(project, out, BufferReporter())
    assert made == []
    assert on_disk(out) == render_site(project, BufferReporter())
    add_a_paragraph(project, "awal")
    build(project, out, BufferReporter())
    assert made == []
    add_a_paragraph(project, "kim-sinis")  # in the pair: its key is in what the pairs were made from
    build(project, out, BufferReporter())
    assert made == [1]
    assert on_disk(out) == render_site(project, BufferReporter())
    outlets = project.content / "outlets.yaml"  # the figures name the outlets
    outlets.write_text(outlets.read_text().replace("name: Kompas TV", "name: Kompas Televisi", 1))
    build(project, out, BufferReporter())
    assert made == [1, 1] and b"Kompas Televisi" in (out / "outlets.html").read_bytes()
    assert on_disk(out) == render_site(project, BufferReporter())


SHARED_SENTENCE = ("Korea Utara telah meningkatkan pengujian senjatanya dan berjanji untuk memperluas "
                   "persenjataan nuklirnya tahun ini.")


def _reused(out: Path, slug: str) -> list[str]:
    records = {r["slug"]: r for r in json.loads((out / "data/articles.json").read_bytes())}
    return [r["story"] for r in records[slug]["reused_passages"]]


@pytest.mark.parametrize("workers", [1, 2])  # with 2, the index is kept in a process of its own (passage_keeper.py)
def test_reused_passages_stay_right_when_stories_change_and_when_the_passage_index_is_lost(make_site, workers):
    from site_builder.cache import FOLDER

    project = make_site()
    out = project.root / "_site"
    articles = project.content / "articles"
    build(project, out, BufferReporter(), workers=workers)
    assert _reused(out, "kim-sinis") == []
    story = articles / "kim-sinis.md"
    story.write_text(story.read_text() + "\n" + SHARED_SENTENCE + "\n")
    (articles / "trump-enggan.md").write_text((articles / "trump-enggan.md").read_text() + "\n" + SHARED_SENTENCE + "\n")
    build(project, out, BufferReporter(), workers=workers)
    assert _reused(out, "kim-sinis") == ["trump-enggan"] and _reused(out, "trump-enggan") == ["kim-sinis"]
    before = on_disk(out)
    (project.root / FOLDER / "passages.pickle").write_bytes(b"lost")  # the index asks for the stories it lacks
    story.write_text(story.read_text() + "\nSatu paragraf lagi.\n")
    build(project, out, BufferReporter(), workers=workers)
    assert _reused(out, "kim-sinis") == ["trump-enggan"]
    story.write_text(story.read_text().replace("\nSatu paragraf lagi.\n", ""))
    build(project, out, BufferReporter(), workers=workers)
    assert on_disk(out) == before
    story.write_text(story.read_text().replace(SHARED_SENTENCE, "Kalimat lain."))
    build(project, out, BufferReporter(), workers=workers)
    assert _reused(out, "kim-sinis") == [] and _reused(out, "trump-enggan") == []


def _share_a_sentence(project, slugs=("kim-sinis", "trump-enggan")) -> None:
    for slug in slugs:
        story = project.content / "articles" / f"{slug}.md"
        story.write_text(story.read_text() + "\n" + SHARED_SENTENCE + "\n")


def test_the_sentences_of_stories_in_reused_passages_are_kept_not_split_again(make_site, monkeypatch):
    from site_builder import pipeline

    project = make_site()
    out = project.root / "_site"
    _share_a_sentence(project)
    split = []
    original = pipeline.passage_sentences
    monkeypatch.setattr(pipeline, "passage_sentences", lambda paragraphs: split.append(1) or original(paragraphs))
    build(project, out, BufferReporter())
    assert len(split) == 2 and _reused(out, "kim-sinis") == ["trump-enggan"]
    story = project.content / "articles" / "trump-enggan.md"
    story.write_text(story.read_text() + "\nSatu paragraf lagi.\n")
    build(project, out, BufferReporter())
    assert len(split) == 3  # only the edited story's, whose key changed
    assert on_disk(out) == render_site(project, BufferReporter())


@pytest.mark.parametrize("workers", [1, 2])
def test_reused_passages_are_put_in_order_again_only_when_a_story_in_them_changed(make_site, monkeypatch, workers):
    """The pairs in order are kept under the pairs found and the key, slug and outlet of each
    story in them, in the site's order (pipeline.KeptPairs.passages_in_order), not under their
    places: a story in no pair, moved between them, leaves them kept; the sentences of the
    stories in them are kept apart, and stay kept through builds that did not look at them."""
    from site_builder import pipeline

    project = make_site({"content/articles/ketiga.md": "---\ntitle: Ketiga\noutlet: tempo\npublished: 2019-01-01\n"
                                                       "---\nCerita lain sama sekali.\n"})
    out = project.root / "_site"
    _share_a_sentence(project)
    ordered, split = [], []
    real = pipeline._pairs_in_order
    monkeypatch.setattr(pipeline, "_pairs_in_order", lambda work: ordered.append(1) or real(work))
    original = pipeline.passage_sentences
    monkeypatch.setattr(pipeline, "passage_sentences", lambda paragraphs: split.append(1) or original(paragraphs))
    build(project, out, BufferReporter(), workers=workers)
    assert (len(ordered), len(split)) == (1, 2) and _reused(out, "kim-sinis") == ["trump-enggan"]
    sentences = sorted((project.root / ".site-cache" / "sentences").glob("*.pickle"))
    kept = {path: path.stat().st_ino for path in sentences}
    add_a_paragraph(project, "ketiga")  # in no reused passage
    build(project, out, BufferReporter(), workers=workers)
    assert (len(ordered), len(split)) == (1, 2)
    assert {path: path.stat().st_ino for path in sentences} == kept  # not looked at, not written
    assert on_disk(out) == render_site(project, BufferReporter())
    add_a_paragraph(project, "trump-enggan")
    build(project, out, BufferReporter(), workers=workers)
    assert (len(ordered), len(split)) == (2, 3)  # the edited story's sentences only
    assert on_disk(out) == render_site(project, BufferReporter())
    (project.content / "articles" / "ketiga.md").write_text(
        "---\ntitle: Ketiga\noutlet: tempo\npublished: 2019-06-01\n---\nCerita lain sama sekali.\n")
    build(project, out, BufferReporter(), workers=workers)  # still the oldest: the others keep their places
    assert len(ordered) == 2
    (project.content / "articles" / "ketiga.md").write_text(
        "---\ntitle: Ketiga\noutlet: tempo\npublished: 2022-01-01\n---\nCerita lain sama sekali.\n")
    build(project, out, BufferReporter(), workers=workers)  # now it comes between them (2020 and 2024)
    assert len(ordered) == 2 and on_disk(out) == render_site(project, BufferReporter())
    story = project.content / "articles" / "trump-enggan.md"  # in the pair, moved after kim-sinis (2024)
    story.write_text(story.read_text().replace("published: 2020-02-", "published: 2025-02-", 1))
    build(project, out, BufferReporter(), workers=workers)
    assert len(ordered) == 3 and _reused(out, "trump-enggan") == ["kim-sinis"]
    assert on_disk(out) == render_site(project, BufferReporter())


def test_a_result_cache_keeping_what_it_did_not_read_drops_only_what_it_read_and_did_not_use(tmp_path):
    from site_builder.cache import ResultCache

    def shards(name):
        return sorted(p.name for p in (tmp_path / ".site-cache" / name).glob("*.pickle"))

    for name, keep_unread in (("all", False), ("unread", True)):
        first = ResultCache(tmp_path, name, keep_unread)
        digests = [f"{number:04x}" + "0" * 60 for number in range(3)]  # shards 00, 01 and 02
        for digest in digests:
            first.get(digest, lambda value: value, digest.encode())
        first.save()
        assert shards(name) == ["00.pickle", "01.pickle", "02.pickle"]
        second = ResultCache(tmp_path, name, keep_unread)
        assert second.get(digests[1], lambda value: b"made again", None) == digests[1].encode()
        second.save()
        third = ResultCache(tmp_path, name, keep_unread)
        found = [third.get(digest, lambda value: b"made again", None) for digest in digests]
        if keep_unread:
            assert found == [digest.encode() for digest in digests]
        else:
            assert found == [b"made again", digests[1].encode(), b"made again"]


def _shared_quotes(out: Path, slug: str) -> list[str]:
    records = {r["slug"]: r for r in json.loads((out / "data/articles.json").read_bytes())}
    return [q["story"] for q in records[slug]["shared_quotes"]]


def test_shared_quotes_are_looked_for_again_only_when_a_statement_changed(make_site, monkeypatch):
    from site_builder import pipeline

    people = ("people:\n  - {id: kim, name: Kim Jong Un, aliases: [Kim], role: Pemimpin, side: DPRK}\n"
              "  - {id: trump, name: Donald Trump, aliases: [Trump], role: Presiden, side: US}\n"
              "reporting_verbs: [kata]\nintroducing: [menurut]\n")
    quote = '"Kami tidak akan pernah menyerahkan senjata nuklir kami," kata Kim.\n'
    project = make_site({"content/people.yaml": people,
                         "content/articles/a.md": "---\ntitle: A\noutlet: tempo\npublished: 2024-01-01\n---\n" + quote,
                         "content/articles/b.md": "---\ntitle: B\noutlet: kompas-tv\npublished: 2024-01-02\n---\n" + quote})
    out = project.root / "_site"
    looked = []
    original = pipeline.shared_quote_places
    monkeypatch.setattr(pipeline, "shared_quote_places", lambda *work: looked.append(1) or original(*work))
    build(project, out, BufferReporter())
    assert len(looked) == 1 and _shared_quotes(out, "a") == ["b"]
    add_a_paragraph(project, "a")  # its statement stays as it was
    build(project, out, BufferReporter())
    assert len(looked) == 1 and _shared_quotes(out, "a") == ["b"]
    assert on_disk(out) == render_site(project, BufferReporter())
    story = project.content / "articles" / "b.md"
    story.write_text(story.read_text().replace("kata Kim", "kata Trump"))  # the same words, another speaker
    build(project, out, BufferReporter())
    assert len(looked) == 2 and _shared_quotes(out, "a") == []
    story.write_text(story.read_text().replace("kata Trump", "kata Kim").replace("nuklir kami", "nuklirnya"))
    build(project, out, BufferReporter())
    assert len(looked) == 3 and _shared_quotes(out, "a") == ["b"]
    assert on_disk(out) == render_site(project, BufferReporter())
    # the speaker's name changes, not who said what: the pairs kept show the name as it is now
    (project.content / "people.yaml").write_text(people.replace("name: Kim Jong Un", "name: Kim Jong-un"))
    build(project, out, BufferReporter())
    assert len(looked) == 3 and b"Kim Jong-un" in (out / "stories" / "a.html").read_bytes()
    assert on_disk(out) == render_site(project, BufferReporter())


def test_a_storys_statements_key_changes_with_what_the_shared_quotes_compare():
    """analysis.statements_key: the slug, the outlet, each statement's text and its speaker."""
    from site_builder.analysis import statements_key
    from site_builder.analysis.quotes import Quote
    from site_builder.models import Person

    kim = Person("kim", "Kim Jong Un", ("Kim",), "Pemimpin", "DPRK")
    trump = Person("trump", "Donald Trump", ("Trump",), "Presiden", "US")

    def said(*pairs):
        return tuple(Quote(text, speaker, "after", 1, False, b"") for text, speaker in pairs)

    first = statements_key("a", "tempo", said(("Kami siap.", kim), ("Tidak.", None)))
    assert len(first) == 16 and first == statements_key("a", "tempo", said(("Kami siap.", kim), ("Tidak.", None)))
    others = [statements_key("b", "tempo", said(("Kami siap.", kim), ("Tidak.", None))),
              statements_key("a", "kompas-tv", said(("Kami siap.", kim), ("Tidak.", None))),
              statements_key("a", "tempo", said(("Kami siap!", kim), ("Tidak.", None))),
              statements_key("a", "tempo", said(("Kami siap.", trump), ("Tidak.", None))),
              statements_key("a", "tempo", said(("Kami siap.", kim), ("Tidak.", kim))),
              statements_key("a", "tempo", said(("Kami siap.", kim))),
              statements_key("a", "tempo", said(("Kami siap.\x00Tidak.", kim)))]
    assert first not in others and len(set(others)) == len(others)
    assert statements_key("a", "tempo", ()) == b""


def test_the_passage_index_kept_beside_the_build_is_saved_for_the_next_one(make_site):
    from site_builder.analysis.passage_index import PassageIndex
    from site_builder.cache import load_kept
    from site_builder.passage_keeper import KEPT_AS

    project = make_site()
    _share_a_sentence(project)
    build(project, project.root / "_site", BufferReporter(), workers=2)
    index = load_kept(project.root, KEPT_AS, PassageIndex)  # written by the helper process
    assert index is not None and len(index.stories) == 2 and len(index.found()) == 1
    add_a_paragraph(project)
    result = build(project, project.root / "_site", BufferReporter(), workers=2)
    assert result.analysed == ("kim-sinis",)
    kept = load_kept(project.root, KEPT_AS, PassageIndex)
    assert len(kept.stories) == 2 and set(kept.stories) != set(index.stories)  # the edited story's entry changed
    assert kept.next_number == 3  # one story put in, not the whole site again
    assert _reused(project.root / "_site", "kim-sinis") == ["trump-enggan"]


@pytest.mark.parametrize("failure", ["exits at once", "fails at work", "hangs"])
def test_a_build_whose_passage_helper_stops_does_the_work_itself(make_site, monkeypatch, failure):
    import multiprocessing
    import os
    import time

    from site_builder import passage_keeper
    from site_builder.analysis.passage_index import PassageIndex

    project = make_site()
    _share_a_sentence(project)
    clean = build(project, project.root / "one", BufferReporter(), clean=True)
    monkeypatch.setattr(passage_keeper, "start_method", lambda: "fork")  # the child runs the patched code
    if failure == "exits at once":
        monkeypatch.setattr(passage_keeper, "_keep", lambda connection, root, out: None)
    elif failure == "hangs":  # alive, holding its end of the pipe, never answering
        monkeypatch.setattr(passage_keeper, "_keep", lambda connection, root, out: time.sleep(600))
        monkeypatch.setattr(passage_keeper, "ANSWER_WAIT", 0.5)
        monkeypatch.setattr(passage_keeper, "PER_STORY_WAIT", 0.0)
    else:
        builder, real = os.getpid(), PassageIndex.bring_up_to_date

        def out_of_memory_in_the_helper(index, *args):
            if os.getpid() != builder:
                raise MemoryError
            return real(index, *args)

        monkeypatch.setattr(PassageIndex, "bring_up_to_date", out_of_memory_in_the_helper)
    result = build(project, project.root / "two", BufferReporter(), clean=True, workers=2)
    assert on_disk(project.root / "two") == on_disk(project.root / "one")
    assert _reused(project.root / "two", "kim-sinis") == ["trump-enggan"]
    assert clean.urls == result.urls
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("helper", ["answers", "stops after the question"])
def test_the_passage_helper_alone_holds_the_shingles_it_was_sent(tmp_path, monkeypatch, helper):
    """46 MB at 10,000 stories in a first build: not held twice while the helper works on them.
    Should it stop, they are made again from the stories' paragraphs, with the same answer."""
    import os

    from site_builder import passage_keeper
    from site_builder.analysis.passage_index import PassageIndex
    from site_builder.analysis.passages import StoryPassages, passage_shingles
    from site_builder.markdown import RenderedBody
    from site_builder.passage_keeper import PassageKeeper

    if helper == "stops after the question":
        builder, real = os.getpid(), PassageIndex.found
        monkeypatch.setattr(passage_keeper, "start_method", lambda: "fork")  # the child runs the patched code
        monkeypatch.setattr(PassageIndex, "found", lambda index: os._exit(1) if os.getpid() != builder else real(index))
    sentence = "Korea Utara telah meningkatkan pengujian senjatanya dan berjanji memperluas persenjataan nuklirnya."
    bodies = [RenderedBody("", 0, (sentence,)), RenderedBody("", 0, ("Satu dua tiga.", sentence + " Lagi."))]
    stories = [StoryPassages(f"k{i}", f"s{i}", f"o{i}", body, passage_shingles(body.paragraphs))
               for i, body in enumerate(bodies)]
    keeper = PassageKeeper(tmp_path, beside=True)
    keeper.ask(stories)
    assert keeper.helper and keeper.question[1] == {} and all(s.shingles is None for s in keeper.stories)
    found = keeper.reused_passages(["s0", "s1"])
    keeper.close(save=True)
    assert [(pair.a.story, pair.b.story) for pair in found] == [("s0", "s1")]
    assert (keeper.index is None) == (helper == "answers")  # worked on here only when the helper stopped


def test_a_build_that_fails_ends_its_passage_helper_without_saving(make_site):
    import multiprocessing

    from site_builder.cache import FOLDER
    from site_builder.errors import SiteError

    project = make_site()
    (project.content / "articles" / "kim-sinis.md").write_text("---\ntitle: [\n---\n")
    with pytest.raises(SiteError):
        build(project, project.root / "_site", BufferReporter(), workers=2)
    assert multiprocessing.active_children() == []
    assert not (project.root / FOLDER / "passages.pickle").exists()


def test_a_build_that_fails_after_asking_the_passage_helper_ends_it_at_once(make_site, monkeypatch):
    """At 10,000 stories the helper's answer is more than a pipe holds: a build that stopped at a
    check across files, after asking, waited for the helper to give up sending it (two minutes
    to report a duplicate slug)."""
    import multiprocessing
    import time

    from site_builder import passage_keeper
    from site_builder.errors import SiteError

    monkeypatch.setattr(passage_keeper, "start_method", lambda: "fork")  # the child runs the patched code
    found = passage_keeper._found
    a_lot = [passage_keeper.SentencePair(f"{i:064d}", 0, f"{i:064x}", 1, 1.0) for i in range(20_000)]
    monkeypatch.setattr(passage_keeper, "_found", lambda *args: found(*args) + a_lot)  # 3 MB pickled
    project = make_site()
    story = (project.content / "articles" / "kim-sinis.md").read_text()
    (project.content / "articles" / "kembaran.md").write_text(story.replace("---\n", "---\nslug: kim-sinis\n", 1))
    started = time.monotonic()
    with pytest.raises(SiteError, match="already used"):
        build(project, project.root / "_site", BufferReporter(), workers=2)
    assert time.monotonic() - started < 10
    assert multiprocessing.active_children() == []


def _files_read(monkeypatch) -> list[str]:
    from site_builder import load

    read: list[str] = []
    real = load._read_bytes

    def counting(path, shown, problems, *size):
        read.append(shown)
        return real(path, shown, problems, *size)

    monkeypatch.setattr(load, "_read_bytes", counting)
    return read


def _refuse_to_read(monkeypatch, name: str) -> None:
    """Opening the file called `name` fails as for a file without read permission (the tests
    run as root, who may read any)."""
    from site_builder import load

    real_open = load.os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith(name):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(load.os, "open", refuse)


def test_story_files_unchanged_since_the_last_build_read_them_are_not_read_again(make_site, monkeypatch):
    project = make_site()
    out = project.root / "_site"
    age(project)
    build(project, out, BufferReporter())
    read = _files_read(monkeypatch)
    add_a_paragraph(project)
    result = build(project, out, BufferReporter())
    assert result.analysed == ("kim-sinis",)
    assert [p for p in read if "/articles/" in p] == ["content/articles/kim-sinis.md"]
    assert any("/pages/" in p for p in read)  # prose pages and data files are read as ever
    assert on_disk(out) == render_site(project, BufferReporter())


def test_a_story_file_changed_moments_before_the_last_build_is_read_again(make_site, monkeypatch):
    """Git's "racy" file: changed within the same clock tick after that build read it, its stamp
    would not move. Only files older than stamp.SETTLE at the last build are trusted."""
    project = make_site()
    out = project.root / "_site"
    age(project)
    story = project.content / "articles" / "kim-sinis.md"
    story.write_text(story.read_text() + "\nParagraf tambahan.\n")  # just now
    build(project, out, BufferReporter())
    read = _files_read(monkeypatch)
    (out / "index.html").write_text("broken by hand")  # so that the stamp does not stop the build
    build(project, out, BufferReporter())
    assert [p for p in read if "/articles/" in p] == ["content/articles/kim-sinis.md"]


@pytest.mark.parametrize("workers, same_bytes_from", [(1, None), (2, 2), (2, None)])
def test_story_files_touched_with_the_same_bytes_are_read_but_not_prepared_or_kept_as_text(make_site, monkeypatch,
                                                                                           workers, same_bytes_from):
    """As after a git checkout in CI: every file's modification time moved, one file's bytes too.
    With two workers, where stamp.SAME_BYTES_FROM story files or more changed together, the
    process that takes the stamp reads them (load.same_bytes): this one reads only the file that
    changed; where fewer did (two, against 100 by default), this one reads them."""
    from site_builder import load

    if same_bytes_from:
        monkeypatch.setattr("site_builder.stamp.SAME_BYTES_FROM", same_bytes_from)
    project = make_site()
    out = project.root / "_site"
    age(project)
    build(project, out, BufferReporter())
    age(project, seconds=60)  # every stamp moved
    story = project.content / "articles" / "trump-enggan.md"
    story.write_text(story.read_text().replace("Trump", "Tramp", 1))  # same size, other bytes
    age(project, seconds=60)
    read = _files_read(monkeypatch)
    texts = []
    real_load = load.load_content

    def keeping(*args):
        raw, problems = real_load(*args)
        texts.extend((f.path, f.text is not None) for f in raw.articles)
        return raw, problems

    monkeypatch.setattr("site_builder.pipeline.load_content", keeping)
    result = build(project, out, BufferReporter(), workers=workers)
    read_beside = workers == 2 and same_bytes_from == 2
    assert sorted(p for p in read if "/articles/" in p) == [
        *([] if read_beside else ["content/articles/kim-sinis.md"]), "content/articles/trump-enggan.md"]
    assert texts == [("content/articles/kim-sinis.md", False), ("content/articles/trump-enggan.md", True)]
    assert result.analysed == ("trump-enggan",)
    assert on_disk(out) == render_site(project, BufferReporter())


def test_story_files_changed_together_are_those_of_the_newest_second(make_site):
    """After a checkout every story file has about the same time; after an edit, one is newer."""
    import os

    from site_builder.stamp import Stamp

    project = make_site()
    age(project)
    assert Stamp(project, project.root / "_site", ()).changed_together() == 2
    story = project.content / "articles" / "kim-sinis.md"
    moment = story.stat().st_mtime
    os.utime(story, (moment + 1.5, moment + 1.5))
    assert Stamp(project, project.root / "_site", ()).changed_together() == 1
    os.utime(story, (moment + 0.5, moment + 0.5))
    assert Stamp(project, project.root / "_site", ()).changed_together() == 2


def test_same_bytes_are_the_story_files_whose_stamp_alone_moved(make_site):
    import os
    import time

    from site_builder.load import file_digest, same_bytes
    from site_builder.stamp import Stamp

    project = make_site()
    articles = project.content / "articles"
    (articles / "baru.md").write_text((articles / "kim-sinis.md").read_text().replace("Kim", "Jong"))
    age(project)
    build(project, project.root / "_site", BufferReporter())
    os.utime(articles / "kim-sinis.md", (time.time() - 60,) * 2)  # moved, the same bytes
    story = articles / "trump-enggan.md"
    story.write_bytes(story.read_bytes().replace(b"Trump", b"Tramp", 1))  # moved, other bytes
    os.utime(story, (time.time() - 60,) * 2)  # (baru.md: as the build read it)
    listing = Stamp(project, project.root / "_site", ()).content
    assert same_bytes(project, listing) == {
        "content/articles/kim-sinis.md": file_digest((articles / "kim-sinis.md").read_bytes())}


@pytest.mark.parametrize("change", [-7, 0, 7])
def test_a_file_is_read_whole_whatever_size_its_stamp_gave(tmp_path, change):
    from site_builder.load import _read_bytes

    data = "berita\n".encode() * 50_000  # longer than one read of the rest (64 KiB)
    (tmp_path / "a.md").write_bytes(data)
    problems = []
    for size in (len(data) + change, -1):
        assert _read_bytes(tmp_path / "a.md", "a.md", problems, size) == data
    assert problems == []


def test_a_story_file_read_again_must_hold_what_it_held_when_found(tmp_path):
    from site_builder.load import StoryFile, file_digest

    path = tmp_path / "a.md"
    path.write_text("---\ntitle: a\n---\nIsi.\n")
    found = StoryFile("content/articles/a.md", str(path), None, file_digest(path.read_bytes()), None)
    problems = []
    assert found.raw(problems, same=True).text == path.read_text() and problems == []
    path.write_text("---\ntitle: b\n---\nIsi.\n")
    assert found.raw(problems, same=True) is None
    assert [p.message for p in problems] == ["changed while the site was being built; build again"]
    assert found.raw([]).text == path.read_text()  # without `same`, whatever it holds now


def test_a_story_file_the_store_lost_is_read_when_its_work_is_needed(make_site, monkeypatch):
    import shutil

    from site_builder.cache import FOLDER

    project = make_site()
    out = project.root / "_site"
    age(project)
    build(project, out, BufferReporter())
    shutil.rmtree(project.root / FOLDER / "stories")
    (out / "index.html").write_text("broken by hand")
    read = _files_read(monkeypatch)
    again = build(project, out, BufferReporter())
    assert sorted(again.analysed) == ["kim-sinis", "trump-enggan"]
    assert sorted(p for p in read if "/articles/" in p) == ["content/articles/kim-sinis.md",
                                                           "content/articles/trump-enggan.md"]
    assert on_disk(out) == render_site(project, BufferReporter())


def test_a_story_file_that_cannot_be_read_is_an_error_naming_it(make_site, monkeypatch, capsys):
    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    before = on_disk(out)

    _refuse_to_read(monkeypatch, "kim-sinis.md")
    (project.content / "articles" / "kim-sinis.md").write_text("---\ntitle: x\n---\n")
    assert main(["build", "--project", str(project.root), "--quiet"]) == 1
    error = capsys.readouterr().err
    assert "content/articles/kim-sinis.md: cannot be read (Permission denied)" in error
    assert "Traceback" not in error and on_disk(out) == before


def _stored_and_whole(root: Path):
    """Each story of the project's own five as the store gives it back (stored.py) and as prepared."""
    import shutil

    from site_builder.project import Project

    for name in ("content", "templates", "static"):
        shutil.copytree(Path(__file__).parent.parent / name, root / name)
    project = Project.at(root)
    build(project, project.root / "_site", BufferReporter())
    return _prepared_both(project)


def _prepared_both(project):
    """Each story of a built project as the store gives it back (stored.py) and as prepared."""
    from site_builder.cache import StoryStore
    from site_builder.stories import prepare_stories

    files, setting = _files_and_setting(project)
    return prepare_stories(files, setting, StoryStore(project.root)), prepare_stories(files, setting)


def _facts_file(path: Path) -> tuple[tuple[str, ...], bytes]:
    """A story store shard's facts file: its keys, and the pickle of their facts."""
    import io
    import pickle

    stream = io.BytesIO(path.read_bytes())
    return pickle.load(stream), stream.read()


def test_a_stored_story_answers_as_the_story_prepared_afresh(tmp_path):
    from site_builder.stored import StoredBody, StoredFindings

    stored, fresh = _stored_and_whole(tmp_path / "site")
    assert all(isinstance(s.body, StoredBody) and isinstance(s.findings, StoredFindings) for s in stored)
    for kept, made in zip(stored, fresh):
        assert kept.article == made.article
        for name in ("words", "lead", "reading_minutes", "html", "paragraphs"):
            assert getattr(kept.body, name) == getattr(made.body, name), name
        assert kept.body.excerpt(40) == made.body.excerpt(40)
        for name in ("quotes", "statements", "terms", "sources", "photo_credits", "events", "people", "places",
                     "framing"):
            assert getattr(kept.findings, name) == getattr(made.findings, name), name
    assert any(m.findings.people for m in fresh) and any(m.findings.statements for m in fresh)  # something to compare


def _files_and_setting(project):
    """A project's story files, and the setting they are prepared with (stories.Setting)."""
    from site_builder.load import load_content
    from site_builder.stories import Setting
    from site_builder.validate import validate_data

    raw, _ = load_content(project)
    data, _, _ = validate_data(raw)
    return raw.articles, Setting.of(data)


def test_stories_prepared_into_the_store_are_held_as_stored_and_read_back_as_prepared(make_site):
    """A first build holds no story whole between preparing and rendering: its rest is read back
    from the store when asked for (unless the store could not write it)."""
    from site_builder.cache import FOLDER, StoryStore
    from site_builder.markdown import RenderedBody
    from site_builder.stories import prepare_stories
    from site_builder.stored import StoredBody, StoredFindings

    project = make_site()
    files, setting = _files_and_setting(project)
    store = StoryStore(project.root)
    held = prepare_stories(files, setting, store)
    store.save()
    fresh = prepare_stories(files, setting)
    assert all(isinstance(s.body, StoredBody) and isinstance(s.findings, StoredFindings) for s in held)
    assert all(not s.body.rests.values for s in held)  # nothing read back yet
    for kept, made in zip(held, fresh):
        assert kept.article == made.article and kept.passages == made.passages
        assert (kept.body.html, kept.body.paragraphs, kept.findings.quotes, kept.findings.people) == \
            (made.body.html, made.body.paragraphs, made.findings.quotes, made.findings.people)
    elsewhere = project.root / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / FOLDER).write_text("in the way")  # a store that cannot write
    whole = prepare_stories(files, setting, StoryStore(elsewhere))
    assert all(isinstance(s.body, RenderedBody) for s in whole) and whole == fresh


def test_a_story_whose_rest_is_gone_and_whose_file_changed_since_it_was_prepared_stops_the_build(make_site):
    """Its rest is made again from the file, not from a text held since: the text the facts were
    made of is gone, and another would not match them."""
    from site_builder.cache import FOLDER, StoryStore
    from site_builder.errors import SiteError
    from site_builder.stories import prepare_stories

    project = make_site()
    files, setting = _files_and_setting(project)
    store = StoryStore(project.root)
    held = prepare_stories(files, setting, store)
    store.save()
    for shard in (project.root / FOLDER / "stories").glob("*.rest.pickle"):
        shard.unlink()
    assert held[0].body.html  # the file as it was prepared: made again from it
    add_a_paragraph(project, held[1].article.slug)
    with pytest.raises(SiteError, match="changed while the site was being built; build again"):
        held[1].body.html


def test_a_shard_holding_kept_and_new_stories_reads_back_as_prepared_afresh(make_site, monkeypatch):
    from site_builder.cache import FOLDER, StoryStore

    monkeypatch.setattr(StoryStore, "SHARDS", 1)  # both stories in one shard
    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    facts = project.root / FOLDER / "stories" / "00.facts.pickle"
    first_keys, _ = _facts_file(facts)
    add_a_paragraph(project)
    assert build(project, out, BufferReporter()).analysed == ("kim-sinis",)
    # kim-sinis's new facts are added to the shard, whose facts file stays as the first build wrote it
    keys, added = _facts_file(facts)[0], _added_keys(project)
    assert keys == first_keys and len(added) == 1 and added[0] not in first_keys
    stored, fresh = _prepared_both(project)
    for kept, made in zip(stored, fresh):
        assert kept.article == made.article and kept.key == made.key
        assert (kept.body.html, kept.findings.statements, kept.findings.people) == \
            (made.body.html, made.findings.statements, made.findings.people)
    assert on_disk(out) == render_site(project, BufferReporter())
    monkeypatch.setattr(StoryStore, "STALE", 0)  # kim-sinis's old facts, no longer used, are one too many
    add_a_paragraph(project, "trump-enggan")
    assert build(project, out, BufferReporter()).analysed == ("trump-enggan",)
    keys, added = _facts_file(facts)[0], _added_keys(project)  # the shard written whole: what was used
    assert len(keys) == 2 and not set(keys) & set(first_keys) and added == []
    assert not (project.root / FOLDER / "stories" / "00.added.pickle").exists()
    stored, fresh = _prepared_both(project)
    assert [(s.key, s.body.html) for s in stored] == [(s.key, s.body.html) for s in fresh]
    assert on_disk(out) == render_site(project, BufferReporter())


def test_a_story_edited_back_is_found_in_its_shard_and_one_whose_added_facts_were_lost_is_prepared_again(
        make_site, monkeypatch):
    from site_builder.cache import FOLDER, StoryStore

    monkeypatch.setattr(StoryStore, "SHARDS", 1)
    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    story = project.content / "articles" / "kim-sinis.md"
    before = story.read_text()
    add_a_paragraph(project)
    assert build(project, out, BufferReporter()).analysed == ("kim-sinis",)
    story.write_text(before)  # as the first build found it: its facts are still in the shard
    assert build(project, out, BufferReporter()).analysed == ()
    assert on_disk(out) == render_site(project, BufferReporter())
    assert _added_keys(project) == []  # nothing new went in: the shard was written whole, what was used
    add_a_paragraph(project)
    assert build(project, out, BufferReporter()).analysed == ("kim-sinis",)
    assert len(_added_keys(project)) == 1
    (project.root / FOLDER / "stories" / "00.added.pickle").unlink()
    add_a_paragraph(project, "trump-enggan")
    assert build(project, out, BufferReporter()).analysed == ("kim-sinis", "trump-enggan")
    assert on_disk(out) == render_site(project, BufferReporter())


def _added_keys(project, number: int = 0) -> list[str]:
    """The keys of the stories added to a story store shard since it was last written whole."""
    from site_builder.cache import StoryStore

    store = StoryStore(project.root)
    store.shared = _files_and_setting(project)[1].shared()
    return list(store._added(number))


@pytest.mark.parametrize("damage", ["not a pickle", "cut short", "not a list"])
def test_a_facts_file_that_does_not_read_back_means_its_stories_are_prepared_again(make_site, damage):
    import pickle

    from site_builder.cache import FOLDER

    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    for shard in (project.root / FOLDER / "stories").glob("*.facts.pickle"):
        keys, data = _facts_file(shard)
        shard.write_bytes({"not a pickle": b"not a pickle",
                           "cut short": pickle.dumps(keys) + data[:len(data) // 2],
                           "not a list": pickle.dumps(keys) + pickle.dumps("facts")}[damage])
    assert build(project, out, BufferReporter()).analysed == ("kim-sinis", "trump-enggan")
    add_a_paragraph(project)
    assert build(project, out, BufferReporter()).analysed == ("kim-sinis",)  # trump-enggan stored again
    assert on_disk(out) == render_site(project, BufferReporter())


def test_the_store_keeps_a_storys_markdown_only_where_events_quote_it(make_site):
    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    add_a_paragraph(project)  # trump-enggan, which events.yaml quotes, now comes from the store ...
    assert build(project, out, BufferReporter()).analysed == ("kim-sinis",)  # ... and the quote is found in it
    stored, fresh = _prepared_both(project)
    markdown = {story.article.slug: story.article.body for story in stored}
    assert markdown["kim-sinis"] == ""
    assert "Trump dan Kim bertemu di Singapura pada 2018." in markdown["trump-enggan"]
    assert {story.article.slug: story.article.body for story in fresh} == markdown  # the same, prepared afresh


def test_a_stored_story_names_no_class_for_pickle_to_look_up(tmp_path, make_site):
    import pickletools

    from site_builder.cache import FOLDER, _records

    _stored_and_whole(tmp_path / "real")  # the project's own five stories, built
    fixture = make_site()
    build(fixture, fixture.root / "_site", BufferReporter())
    named = set()
    for root in (tmp_path / "real", fixture.root):
        shards = sorted((root / FOLDER / "stories").glob("*.pickle"))
        assert len(shards) >= 2
        for shard in shards:
            stored = [_facts_file(shard)[1]] if shard.name.endswith(".facts.pickle") else \
                [data for _, data in _records(shard)]
            for data in stored:
                ops = list(pickletools.genops(data)) if data else []
                assert ops and any(op.name == "BINPERSID" for op, _, _ in ops)
                texts = []  # the strings pushed so far: a STACK_GLOBAL takes the last two (or memoized ones)
                for op, arg, _ in ops:
                    if isinstance(arg, str) and op.name.endswith("UNICODE"):
                        texts.append(arg)
                    if op.name in ("STACK_GLOBAL", "GLOBAL", "INST"):
                        named.add(arg or ".".join(texts[-2:]))
    assert named == set(), "add these classes to stories.STORED_CLASSES"


def test_an_edit_loads_the_rest_of_no_other_story(make_site, monkeypatch):
    from site_builder import stored

    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    loaded = []  # the paragraphs of each rest loaded from the store
    real = stored.Rests.get
    monkeypatch.setattr(stored.Rests, "get", lambda rests, key: rests.values.get(key) or
                        loaded.append(real(rests, key).paragraphs) or rests.values[key])
    add_a_paragraph(project)
    assert build(project, out, BufferReporter()).analysed == ("kim-sinis",)
    # the edited story's own, read back once it was stored (a cold build keeps no story whole);
    # trump-enggan's page and its line of articles.json are kept
    assert loaded == [loaded[0]] and loaded[0][-1] == "Paragraf tambahan tentang pertemuan itu."
    (project.templates / "story.html").write_text((project.templates / "story.html").read_text() + "\n")
    loaded.clear()
    build(project, out, BufferReporter())
    assert len(loaded) == len(list((project.content / "articles").glob("*.md")))  # every page rendered again
    assert on_disk(out) == render_site(project, BufferReporter())


@pytest.mark.parametrize("damage", ["unreadable", "missing"])
def test_a_stored_rest_that_does_not_read_back_is_made_again_from_the_file(make_site, damage):
    import pickle

    from site_builder.cache import FOLDER, _records

    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    for shard in (project.root / FOLDER / "stories").glob("*.rest.pickle"):
        records = [(key, b"not a pickle") for key, _ in _records(shard)]
        shard.unlink()
        if damage == "unreadable":
            with shard.open("wb") as stream:
                for record in records:
                    pickle.dump(record, stream)
    (project.templates / "story.html").write_text((project.templates / "story.html").read_text() + "\n")
    result = build(project, out, BufferReporter())
    assert result.analysed == () and "stories/trump-enggan.html" in result.rendered
    assert on_disk(out) == render_site(project, BufferReporter())


def test_a_stored_rest_gone_with_a_file_that_no_longer_reads_is_a_clear_error(make_site, monkeypatch, capsys):
    """The rest is made again from the file; if that file can no longer be read, say so."""
    from site_builder.cache import FOLDER

    project = make_site()
    out = project.root / "_site"
    age(project)
    build(project, out, BufferReporter())
    before = on_disk(out)
    for shard in (project.root / FOLDER / "stories").glob("*.rest.pickle"):
        shard.unlink()
    (project.templates / "story.html").write_text((project.templates / "story.html").read_text() + "\n")

    _refuse_to_read(monkeypatch, "trump-enggan.md")
    assert main(["build", "--project", str(project.root), "--quiet"]) == 1
    error = capsys.readouterr().err
    assert "content/articles/trump-enggan.md: cannot be read (Permission denied)" in error
    assert "Traceback" not in error and on_disk(out) == before


def test_the_story_files_the_stamp_found_are_those_load_would_find_itself(make_site):
    import os

    from site_builder.load import load_content
    from site_builder.stamp import Stamp

    project = make_site()
    articles = project.content / "articles"
    (articles / "catatan.txt").write_text("bukan berita")
    (articles / "draf").mkdir()
    (articles / "draf" / "kim-sinis.md").write_text("dalam subfolder: bukan berita")
    os.symlink("hilang.md", articles / "rusak.md")  # a link to nothing: neither stops on it
    stamp = Stamp(project, project.root / "_site", ())
    found, problems = load_content(project, None, stamp.content)
    looked, problems_looking = load_content(project)
    assert [f.path for f in found.articles] == ["content/articles/kim-sinis.md", "content/articles/trump-enggan.md"]
    assert found.articles == looked.articles and problems == problems_looking == []
    assert found.started == stamp.started < looked.started  # trusted as of the first look (racy files)


def test_the_file_memory_gives_back_what_a_file_held_only_while_it_is_that_file(tmp_path):
    from site_builder.cache import FileMemory, load_pickle, save_pickle

    memory = FileMemory()
    path = tmp_path / "kept.pickle"
    path.write_bytes(b"first")
    with path.open("rb") as stream:
        memory.put(path, _stamp_of(stream), {"held": "first"})
    assert memory.get(path) == {"held": "first"}
    other = tmp_path / "other"
    other.write_bytes(b"other")  # another writer replaces the file: another inode
    other.replace(path)
    assert memory.get(path) is None
    path.unlink()
    assert memory.get(path) is None
    # load_pickle and save_pickle use the process's memory, when there is one
    save_pickle(path, {"n": 1})
    assert load_pickle(path) == {"n": 1}


def _stamp_of(stream):
    import os

    from site_builder.write import file_stamp

    return file_stamp(os.fstat(stream.fileno()))


def test_a_process_that_builds_again_reads_back_only_the_cache_files_that_changed(make_site, monkeypatch):
    """As serve does: the build cache's files are remembered between builds, and each build
    still equals a clean one: after edits, after another process wrote the cache, and after a
    build that failed once the passage index had taken in its stories."""
    from site_builder import cache
    from site_builder.errors import SiteError

    project = make_site()
    out = project.root / "_site"
    facts_read = []
    read_facts = cache.StoryStore._read_facts
    monkeypatch.setattr(cache.StoryStore, "_read_facts", lambda self, path, wanted: (
        path.exists() and facts_read.append(path.name), read_facts(self, path, wanted))[1])
    memory = cache.FileMemory()
    monkeypatch.setattr(cache, "memory", memory)

    def build_and_check(step: str) -> None:
        facts_read.clear()
        build(project, out, BufferReporter())
        cache.write_after_build()
        assert on_disk(out) == render_site(project, BufferReporter()), f"after {step}"

    build_and_check("the first build")
    add_a_paragraph(project)
    build_and_check("an edit")
    assert facts_read == []  # the other story's facts came from memory
    monkeypatch.setattr(cache, "memory", None)  # another process builds, and rewrites the cache's files
    add_a_paragraph(project, "trump-enggan")
    build(project, out, BufferReporter())
    monkeypatch.setattr(cache, "memory", memory)
    add_a_paragraph(project)
    build_and_check("an edit after another process wrote the cache")
    assert facts_read  # the facts files the other process wrote were read again
    template = project.templates / "story.html"
    good = template.read_text()
    template.write_text(good.replace("{% block main %}", "{% block main %}{{ no_such_name }}", 1))
    add_a_paragraph(project, "trump-enggan")
    with pytest.raises(SiteError):  # at rendering: the passage index had taken in the edit
        build(project, out, BufferReporter())
    assert memory.get(project.root / cache.FOLDER / "passages.pickle") is None  # not the file's index now
    template.write_text(good)
    (project.content / "articles" / "trump-enggan.md").write_text(
        (project.content / "articles" / "trump-enggan.md").read_text().replace("\nParagraf tambahan", "\nParagraf"))
    build_and_check("a build after one that failed")


def test_serve_writes_the_passage_index_once_the_browser_can_be_told(make_site, monkeypatch):
    """The index (74 MB at 10,000 stories) is written after the build's number moved on, which is
    what open pages wait for, and before the next build; the file is then the build's index."""
    import pickle

    from site_builder import cache
    from site_builder.serve import Preview

    monkeypatch.setattr(cache, "memory", None)  # Preview makes its own, for this test only
    project = make_site()
    _share_a_sentence(project)
    preview = Preview(project, project.root / "_site", None, BufferReporter())
    path = project.root / cache.FOLDER / "passages.pickle"
    written_at = []  # the build number open pages saw when the index was written
    save_pickle = cache.save_pickle
    monkeypatch.setattr(cache, "save_pickle", lambda where, value: (
        where == path and written_at.append(preview.build_number), save_pickle(where, value))[1])

    def index_on_disk():
        with path.open("rb") as stream:
            return pickle.load(stream)["value"]

    assert preview.rebuild() is not None and written_at == [1]
    first = index_on_disk()
    assert len(first.stories) == 2 and len(first.found()) == 1
    add_a_paragraph(project)
    assert preview.rebuild().analysed == ("kim-sinis",) and written_at == [1, 2]
    assert len(index_on_disk().stories) == 2 and set(index_on_disk().stories) != set(first.stories)
    assert cache.memory.after_build == []


def _synthetic_corpus(folder: Path, count: int) -> Path:
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
    from corpus import write_corpus

    return write_corpus(count, folder)


@pytest.mark.slow
def test_random_edits_of_every_kind_rebuild_as_a_clean_build_would(tmp_path):
    """Edits of every kind in an order of chance, each followed by an incremental build (one
    worker and two in turn) compared with a clean build of the same content: the caches that span
    stories (shared quotes, reused passages, related stories, neighbours, archive pages of 100)
    are where a stale page would hide. Eight other orders of chance, on 300 stories through the
    command line, passed 310 edits when this was written."""
    import random
    import re

    from site_builder.errors import SiteError
    from site_builder.project import Project

    root = _synthetic_corpus(tmp_path / "site", 120)
    articles, out = root / "content" / "articles", root / "_site"
    for number, story in enumerate(sorted(articles.glob("*.md"))):  # 2020 gets two archive pages
        if number % 10:
            story.write_text(re.sub(r"published: \d{4}", "published: 2020", story.read_text()))
    project, rng = Project.at(root), random.Random(7)

    def stories() -> list[Path]:
        return sorted(articles.glob("*.md"))

    def replace_field(story: Path, field: str, value: str) -> None:
        story.write_text(re.sub(rf"\n{field}: [^\n]*", f"\n{field}: {value}", story.read_text(), count=1))

    def append(story: Path, text: str) -> None:
        story.write_text(f"{story.read_text()}\n{text}\n")

    def paragraphs_of(story: Path) -> list[str]:
        return story.read_text().split("\n---\n", 1)[1].strip().split("\n\n")

    def rename_outlet(_) -> None:
        outlets = root / "content" / "outlets.yaml"
        outlets.write_text(outlets.read_text().replace("name: Tempo.co", f"name: Tempo {rng.randrange(9)}", 1))

    edits = {
        "add a paragraph": lambda story: append(story, f"Paragraf baru {rng.random()}."),
        "retitle": lambda story: replace_field(story, "title", f"Judul <b>baru</b> & {rng.random()}"),
        "redate": lambda story: replace_field(story, "published", rng.choice(
            ["2019-05-01", "2020-01-02T07:00:00+07:00", "2020-12-31", "2025-06-30"])),
        "move to another outlet": lambda story: replace_field(story, "outlet", rng.choice(["tempo", "medcom"])),
        "delete": lambda story: story.unlink(),
        "rename": lambda story: story.rename(story.with_name(f"{story.stem}-baru.md")),
        "copy two paragraphs of another story": lambda story: append(
            story, "\n\n".join(paragraphs_of(rng.choice(stories()))[4:6])),
        "copy another story's statement": lambda story: append(
            story, next(p for p in paragraphs_of(rng.choice(stories())) if p.startswith('"'))),
        "add a story": lambda story: (articles / f"2020-07-tambahan-{rng.randrange(10 ** 6)}.md").write_text(
            story.read_text()),
        "rename an outlet": rename_outlet,
    }
    order = sorted(edits)
    rng.shuffle(order)  # every kind of edit once, in an order of chance, then two more of any kind
    build(project, out, BufferReporter(), workers=2)
    for step, name in enumerate(order + rng.choices(sorted(edits), k=2)):
        story = rng.choice(stories())
        edits[name](story)
        if step == 6:  # a story broken, then mended: the build between fails and leaves the site as it was
            broken = rng.choice(stories())
            before, good = on_disk(out), broken.read_text()
            replace_field(broken, "published", "kemarin")
            with pytest.raises(SiteError):
                build(project, out, BufferReporter())
            assert on_disk(out) == before
            broken.write_text(good)
        build(project, out, BufferReporter(), workers=1 + step % 2)
        assert on_disk(out) == render_site(project, BufferReporter()), f"after step {step}: {name} ({story.name})"


def test_any_one_file_of_the_build_cache_gone_still_gives_the_clean_build(make_site):
    """The build cache's files are renamed over their predecessors with the old one removed first
    (write.rename_over), so a build stopped in between leaves that file missing: whichever it is,
    the next build makes again what it held, and its site equals a clean build."""
    from site_builder.cache import FOLDER

    project = make_site()
    out, cache = project.root / "_site", project.root / FOLDER

    def files_by_kind() -> dict[tuple[str, str], Path]:
        """Each file at the top of the cache, and the first of each kind (suffixes) in each folder."""
        kinds: dict[tuple[str, str], Path] = {}
        for path in sorted(cache.rglob("*")):
            folder = path.relative_to(cache).parts[0]
            if path.is_file() and folder != "templates":  # (Jinja's own files)
                kinds.setdefault((path.name, "") if path.parent == cache else (folder, "".join(path.suffixes)), path)
        return kinds

    _share_a_sentence(project)  # so that the sentences of stories in reused passages are kept too
    build(project, out, BufferReporter())
    add_a_paragraph(project)
    build(project, out, BufferReporter())
    kinds = list(files_by_kind())
    assert {("articles.json", ""), ("pages.pickle", ""), ("passages.pickle", ""), ("reads.pickle", ""),
            ("stories", ".facts.pickle"), ("stories", ".rest.pickle"), ("results", ".pickle"),
            ("sentences", ".pickle"), ("spare", ".html")} <= set(kinds)
    for number, kind in enumerate(kinds):
        for slug in ("kim-sinis", "trump-enggan"):  # a new title: the other story's page shows it too
            gone = files_by_kind().get(kind)  # (the stories' shards move as their keys change)
            if gone is None:  # a shard's added file, once the shard was written whole (cache.StoryStore)
                continue
            gone.unlink()
            story = project.content / "articles" / f"{slug}.md"
            story.write_text(story.read_text().replace("\ntitle: ", f"\ntitle: ({number}) ", 1))
            build(project, out, BufferReporter())
            assert on_disk(out) == render_site(project, BufferReporter()), f"without {gone.relative_to(cache)}"


def test_the_site_is_in_the_order_of_its_stories_moments_whether_prepared_now_or_stored(make_site):
    """Stories are ordered by the instant of their date (validate.sort_key: a date alone is the
    start of that day in WIB), then by slug; each story's instant is worked out as it is prepared
    and kept with it (stories.PreparedStory.moment). The slugs' order is not the dates'."""
    from site_builder import dates, validate
    from site_builder.cache import StoryStore
    from site_builder.load import load_content
    from site_builder.pipeline import validate_content

    published = {"a-pagi": "2020-02-12T09:00:00+07:00", "b-tokyo": "2020-02-12T01:00:00+09:00",
                 "c-tanggal": "2020-02-12", "d-pagi-juga": "2020-02-12T09:00:00+07:00",
                 "e-makassar": "2020-02-12T09:30:00+08:00"}
    project = make_site({f"content/articles/{slug}.md": f"---\ntitle: Cerita {slug}\noutlet: tempo\n"
                                                         f"published: {moment}\n---\nIsi cerita {slug}.\n"
                         for slug, moment in published.items()})
    for _ in ("prepared now", "from the store"):
        store = StoryStore(project.root)
        raw, problems = load_content(project)
        content, prepared, errors, _ = validate_content(raw, store)  # (which saves the store)
        assert not problems and not errors
        order = [a.slug for a in content.articles]
        assert order == [a.slug for a in sorted(content.articles, key=validate.sort_key)]
        assert order[:6] == ["b-tokyo", "c-tanggal", "e-makassar", "a-pagi", "d-pagi-juga", "trump-enggan"]
        assert all(story.moment == dates.instant(story.article.published) for story in prepared.values())
    assert not store.analysed  # (the second time, every story came from the store)


def test_a_process_building_again_and_again_finds_the_stories_added_to_its_store_shards(make_site, monkeypatch):
    """As `serve` builds (cache.remember_between_builds: what the cache files hold is kept in the
    process): stories added to a shard, then the shard written whole, are found as they are."""
    from site_builder import cache
    from site_builder.cache import FOLDER, StoryStore
    from site_builder.pipeline import reclaim_cycles

    monkeypatch.setattr(StoryStore, "SHARDS", 1)
    monkeypatch.setattr(StoryStore, "STALE", 1)  # the second story no longer used has the shard written whole
    monkeypatch.setattr(cache, "memory", None)
    cache.remember_between_builds()
    project = make_site()
    out = project.root / "_site"
    build(project, out, BufferReporter())
    added = project.root / FOLDER / "stories" / "00.added.pickle"
    seen = []  # whether the shard had stories added to it, after each build
    for step, slug in enumerate(["kim-sinis", "trump-enggan", "kim-sinis", "kim-sinis", "trump-enggan"]):
        add_a_paragraph(project, slug)
        (project.content / "articles" / f"{slug}.md").write_text(
            (project.content / "articles" / f"{slug}.md").read_text() + f"\nLangkah {step}.\n")
        for analysed in ((slug,), ()):  # an edit, then a build with nothing new (the files too recent
            assert build(project, out, BufferReporter()).analysed == analysed, step  # for the stamp)
            cache.write_after_build()
            reclaim_cycles()
            seen.append(added.exists())
            assert on_disk(out) == render_site(project, BufferReporter()), step
    assert True in seen and False in seen  # stories added to the shard, and the shard written whole
