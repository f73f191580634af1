"""The build, start to finish. Everything is gathered and checked before anything is written.

    content/ --load--> raw files --validate--> models --markdown--> bodies --analyse--> findings
      --views/pages--> list of Page --render--> bytes --write--> _site/ (atomic)
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from site_builder import fields
from site_builder.analysis import analyse
from site_builder.assets import hashed_assets
from site_builder.cache import FindingsStore, PageCache
from site_builder.errors import Problem, SiteError
from site_builder.load import load_content
from site_builder.markdown import render_markdown
from site_builder.models import Content
from site_builder.pages import find_collisions, plan_site
from site_builder.project import Project
from site_builder.render import make_environment, render_pages
from site_builder.reporter import Reporter
from site_builder.validate import validate
from site_builder.views import story_views
from site_builder.write import check_output_folder, write_site


@dataclass(frozen=True)
class BuildResult:
    files: dict[str, bytes]  # URL -> bytes, everything the site consists of
    seconds: float
    changed: int  # files written; the others were left as they were
    rendered: tuple[str, ...]  # pages rendered from templates; the others came from the cache
    analysed: tuple[str, ...]  # stories analysed; the others' findings came from the cache


def build(project: Project, out: Path, reporter: Reporter, base_url: str | None = None,
          strict: bool = False, clean: bool = False) -> BuildResult:
    started = time.perf_counter()
    check_output_folder(out, project)
    rendered: list[str] = []
    analysed: list[str] = []
    files = render_site(project, reporter, base_url, strict, cache=True, clean=clean, rendered=rendered,
                        analysed=analysed)
    changed = write_site(out, files)
    result = BuildResult(files, time.perf_counter() - started, changed, tuple(rendered), tuple(analysed))
    pages = sum(1 for url in files if url.endswith(".html"))
    warnings = f", {len(reporter.warnings)} warning(s)" if reporter.warnings else ""
    reporter.done()
    reporter.info(f"built {pages} pages ({len(files)} files: {changed} written, {len(files) - changed} "
                  f"unchanged) in {result.seconds:.2f} s into {out}{warnings}")
    return result


def render_site(project: Project, reporter: Reporter, base_url: str | None = None, strict: bool = False,
                cache: bool = False, clean: bool = False, rendered: list | None = None,
                analysed: list | None = None) -> dict[str, bytes]:
    """Everything up to the bytes of each file; raises SiteError listing every problem.

    With `cache`, pages whose template and context did not change since the last build are taken
    from the page cache instead of being rendered again (see cache.py); `rendered` receives the
    URLs that were rendered, `analysed` the slugs of the stories analysed (not found in the cache).
    """
    reporter.progress("reading content")
    content = load_and_validate(project, reporter, base_url, strict)
    reporter.progress(f"analysing {len(content.articles)} stories")
    errors: list[Problem] = []
    article_bodies = _render_bodies(content.articles, errors)
    prose_bodies = _render_bodies(content.pages, errors)
    _fail_on(errors)
    asset_urls, asset_files = hashed_assets(project.static)
    store = FindingsStore(project.root, content.gazetteer, content.events, clean) if cache else None
    findings = analyse(content, article_bodies, store)
    stories = story_views(content.articles, content.outlets, article_bodies, findings)
    pages, data_files = plan_site(content, stories, prose_bodies)
    reporter.progress(f"rendering {len(pages)} pages")
    env = make_environment(project, asset_urls, content.site.base_url)
    page_cache = PageCache.for_project(project.root, project.templates,
                                       {"assets": asset_urls, "base_url": content.site.base_url},
                                       clean) if cache else None
    html, errors = render_pages(env, pages, project, page_cache)
    outputs = [*html, *(f.url for f in data_files), *(f.url for f in asset_files)]
    _fail_on(errors + find_collisions(outputs))
    if page_cache:
        page_cache.prune()
        store.prune()
        if rendered is not None:
            rendered.extend(page_cache.rendered)
        if analysed is not None:
            analysed.extend(store.analysed)
    return {**html, **{f.url: f.data for f in data_files + asset_files}}


def load_and_validate(project: Project, reporter: Reporter, base_url: str | None = None,
                      strict: bool = False) -> Content:
    raw, errors = load_content(project)
    content, invalid, warnings = validate(raw)
    errors += invalid
    if base_url is not None and content is not None:
        clean, error = fields.base_url(base_url)
        if error:
            errors.append(Problem("--base-url", None, None, error))
        else:
            content = replace(content, site=replace(content.site, base_url=clean))
    if content is not None and not content.site.base_url:
        warnings.append(Problem("content/site.yaml", None, "base_url",
                                "not set: feed.xml and sitemap.xml are left out, and canonical "
                                "links are omitted; pass --base-url or set base_url"))
    for warning in warnings:
        reporter.warning(str(warning))
    if strict and warnings:
        errors += [replace(w, message=w.message + " (an error with --strict)") for w in warnings]
    _fail_on(errors)
    return content


def _render_bodies(items, errors: list[Problem]) -> dict:
    bodies = {}
    for item in items:
        bodies[item.slug], problems = render_markdown(item.body, item.source, item.body_line)
        errors.extend(problems)
    return bodies


def _fail_on(problems: list[Problem]) -> None:
    if problems:
        raise SiteError(sorted(set(problems), key=_problem_order))


def _problem_order(problem: Problem):
    return (problem.path, problem.line or 0, problem.field or "", problem.message)
