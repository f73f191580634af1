"""The benchmark's instruments (tests/benchmarks/): a script, not a timed test, but one that must
keep working. Checked here at a tiny size: the corpus is deterministic and builds cleanly, and the
benchmark runs every measurement it reports and finds the rebuilt site identical to a clean build."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.project import Project
from site_builder.reporter import BufferReporter

BENCHMARKS = Path(__file__).parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
from corpus import write_corpus  # noqa: E402

pytestmark = pytest.mark.slow


def test_corpus_is_the_same_for_a_given_size_and_builds_without_a_problem(tmp_path):
    first, second = write_corpus(30, tmp_path / "a"), write_corpus(30, tmp_path / "b")
    files = sorted(p.relative_to(first) for p in (first / "content").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in (second / "content").rglob("*") if p.is_file())
    assert [f for f in files if (first / f).read_bytes() != (second / f).read_bytes()] == []
    assert sum(1 for f in files if f.parent.name == "articles") == 30
    reporter = BufferReporter()
    result = build(Project.at(first), first / "_site", reporter, base_url="https://example.org/bench/", strict=True)
    assert reporter.warnings == []
    assert sum(1 for url in result.urls if url.startswith("stories/")) == 30


def test_benchmark_runs_every_measurement_and_checks_the_rebuilt_site(tmp_path):
    done = subprocess.run([sys.executable, str(BENCHMARKS / "bench.py"), "--sizes", "20", "--repeat", "1",
                           "--only-ours"], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for line in ("five-story site, new process, no cache", "cold full build", "no change", "edit one story",
                 "edit one story again", "edit again / cold",
                 "add one story", "edit, no _site (CI)", "edit while serving", "edit while serving / cold",
                 "edit, restored (CI)", "edit restored / cold", "pages, analysis kept",
                 "pages, analysis kept / cold", "s user,", "s kernel",
                 "20 stories: after the rebuilds, _site is byte-identical to a clean build"):
        assert line in done.stdout, line


def test_the_pages_only_build_prepares_no_story_and_renders_every_page(tmp_path):
    """bench.py's "pages, analysis kept" build: the floor that quicker analysis alone would reach,
    so it must keep the analysis and nothing else of the build cache."""
    from bench import only_analysis_kept, same_trees

    root = write_corpus(30, tmp_path / "corpus")
    project = Project.at(root)
    build(project, root / "_site", BufferReporter(), workers=2)
    build(project, tmp_path / "clean", BufferReporter(), clean=True)
    only_analysis_kept(root)
    assert not (root / "_site").exists()
    result = build(project, root / "_site", BufferReporter(), workers=2)
    assert result.analysed == ()
    assert sorted(result.rendered) == sorted(url for url in result.urls if url.endswith((".html", ".xml")))
    assert result.changed == len(result.urls)
    assert same_trees(root / "_site", tmp_path / "clean")
