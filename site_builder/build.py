"""`site-builder build`: run the pipeline (pipeline.py) with the build cache and write the site.

A build that would change nothing stops after comparing file stamps (stamp.py). With one worker
that is before the pipeline's modules (Jinja, Markdown, analysis) are even imported; with more,
the stamp is taken in a child process while this one imports them (stamp.stamp_beside), and a
site written from nothing is written by a child process while this one renders (write_beside.py).
"""
from __future__ import annotations

import importlib
import time
from functools import partial
from pathlib import Path
from typing import NamedTuple

from site_builder import cache, leftovers
from site_builder.project import Project
from site_builder.reporter import Reporter
from site_builder.stamp import Stamp, stamp_beside, take_stamp
from site_builder.write import check_output_folder, last_pages
from site_builder.write_beside import BESIDE_FROM, writer_for


# The pipeline's modules, imported in steps while the stamp is taken beside (stamp.stamp_beside):
# the heaviest libraries and the modules that import most, each step 0.01-0.04 s.
PIPELINE_IMPORTS = tuple(partial(importlib.import_module, name) for name in (
    "yaml", "jinja2", "site_builder.validate", "site_builder.analysis", "site_builder.pages", "site_builder.pipeline"))


class BuildResult(NamedTuple):
    urls: tuple[str, ...]  # of every file of the site, sorted; none when it was up to date
    seconds: float
    changed: int  # files written; the others were left as they were
    rendered: tuple[str, ...]  # pages rendered from templates; the others came from the cache
    analysed: tuple[str, ...]  # slugs of the stories prepared, sorted; the others came from the cache


def build(project: Project, out: Path, reporter: Reporter, base_url: str | None = None,
          strict: bool = False, clean: bool = False, workers: int = 1) -> BuildResult:
    started = time.perf_counter()
    check_output_folder(out, project)
    cache.remove_cleared(project.root)
    cleared = cache.clear(project.root) if clean else None  # removed as the build goes (SiteWriter.remove)
    first_warning = len(reporter.warnings)
    options = (base_url, strict)
    if workers > 1:  # the stamp is taken in a process of its own while this one imports the pipeline
        stamp, earlier_warnings = stamp_beside(project, out, options, PIPELINE_IMPORTS)
    else:
        stamp, earlier_warnings = take_stamp(project, out, options)
    if earlier_warnings is not None:  # nothing changed since the last build: it stands as it is
        for warning in earlier_warnings:
            reporter.warning(warning)
        result = BuildResult((), time.perf_counter() - started, 0, (), ())
        return _report(reporter, result, first_warning, f"{out} is up to date: nothing changed since the last "
                                                         f"build (checked in {result.seconds:.2f} s)")
    from site_builder.pipeline import Caches, cycle_collector_paused, render_site  # Jinja, Markdown, analysis

    with cycle_collector_paused():
        spare = project.root / cache.FOLDER / "spare"  # (write.SiteWriter)
        caches = Caches.open(project.root, out.resolve(), workers, stamp.content, last_pages(out.resolve(), spare))
        writer = None
        try:
            beside = workers > 1 and _written_from_nothing(out, stamp)
            writer = writer_for(out, spare, beside)
            if cleared:
                writer.remove(cleared)
            render_site(project, reporter, base_url, strict, caches, workers, into=writer)
            written = writer.finish()
        except BaseException:
            if writer is not None:
                writer.discard()
            caches.close()
            raise
        caches.save(written.stamps)
        stamp.record(reporter.warnings[first_warning:], written.stamps)
    changed, urls = written.changed, tuple(sorted(written.stamps))
    result = BuildResult(urls, time.perf_counter() - started, changed, tuple(caches.pages.rendered),
                         tuple(sorted(caches.stories.analysed)))
    leftovers.keep(caches, stamp, written, result)
    pages = sum(1 for url in urls if url.endswith(".html"))
    return _report(reporter, result, first_warning, f"built {pages} pages ({len(urls)} files: {changed} written, "
                                                     f"{len(urls) - changed} unchanged) in {result.seconds:.2f} s "
                                                     f"into {out}")


def _written_from_nothing(out: Path, stamp: Stamp) -> bool:
    """Whether every file of a site of BESIDE_FROM content files or more is to be made anew (no
    output folder yet): then a process of its own makes them (write_beside.py)."""
    return not out.exists() and len(stamp.content.files) >= BESIDE_FROM


def _report(reporter: Reporter, result: BuildResult, first_warning: int, summary: str) -> BuildResult:
    count = len(reporter.warnings) - first_warning
    reporter.done()
    reporter.info(summary + (f", {count} warning(s)" if count else ""))
    return result


