"""Render planned pages with Jinja2: project templates, autoescape on, undefined names fail."""
from __future__ import annotations

from functools import partial
from pathlib import Path

import jinja2
from jinja2 import pass_context

from site_builder import dates, structured, urls
from site_builder.errors import Problem, SiteError
from site_builder.pages import Page
from site_builder.project import Project
from site_builder.render_beside import RendererBeside


def make_environment(project: Project, asset_urls: dict[str, str], base_url: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(project.templates)),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no need to look at each template's file for every page
    )

    @pass_context
    def link(ctx, target: str) -> str:
        if ctx.get("absolute_links"):
            return urls.base_path(base_url) + target
        return urls.relative(target, ctx["page_url"])

    @pass_context
    def asset(ctx, name: str) -> str:
        if name not in asset_urls:
            raise SiteError(f"static file {name!r} not found in {project.display(project.static)}/")
        return link(ctx, asset_urls[name])

    @pass_context
    def number(ctx, value, digits: int = 0) -> str:
        return ctx["t"].number(value, digits)  # the page's strings know the site's language

    env.globals.update(link=link, asset=asset,
                       absolute=lambda target: urls.absolute(target, base_url),
                       urls=urls, news_article=structured.news_article)
    env.filters.update(date_long=dates.long_id, date_short=dates.short_id,
                       date_iso=dates.iso, date_full=dates.iso_full,
                       event_date=lambda e: dates.event_label(e.date, e.precision),
                       event_iso=lambda e: dates.event_iso(e.date, e.precision),
                       groupby_speaker=_by_speaker, number=number)
    return env


def _by_speaker(quotes) -> list[tuple]:
    """Quotes grouped by speaker, in order of each speaker's first quote; unknown speakers last."""
    groups: dict = {}
    for quote in quotes:
        groups.setdefault(quote.speaker, []).append(quote)
    return sorted(groups.items(), key=lambda kv: kv[0] is None)


def render_pages(project: Project, asset_urls: dict[str, str], base_url: str, pages: list[Page], into,
                 cache=None) -> tuple[list[str], list[Problem]]:
    """Hands each page to `into`: those `cache` keeps from the last build all at once (into.keep),
    then each page rendered, as it is (into.add); the URLs of the pages handed over, in page
    order, and the problems met.

    Rendering stays in this process, but for a site written from nothing, whose pages a child
    renders too (render_beside.py). Measured at 10,000 stories: sending contexts to workers cost
    more than rendering them."""
    env = make_environment(project, asset_urls, base_url)
    keys = [cache.key(page.template, page.context, page.shared) for page in pages] if cache else [None] * len(pages)
    kept = cache.kept([page.url for page in pages], keys) if cache else {}
    if kept:
        into.keep(kept)
    handed: list[str | None] = [page.url if page.url in kept else None for page in pages]  # the URLs handed over
    to_render = [place for place, url in enumerate(handed) if url is None]
    if not to_render:
        return [url for url in handed if url is not None], []
    if cache:
        env.bytecode_cache = _CompiledTemplates(cache.folder / "templates")
    beside = RendererBeside.start(partial(_render_into, env, project), pages, keys, to_render, into, cache)
    problems: list[Problem] = []
    try:
        for place in beside.mine if beside else to_render:
            handed[place] = _render_into(env, project, pages[place], keys[place], into, cache, problems)
        if beside:
            problems.extend(beside.join(handed, cache))
    finally:
        if beside:
            beside.end()
    return [url for url in handed if url is not None], _unique(problems)


def _render_into(env: jinja2.Environment, project: Project, page: Page, key: tuple | None, into, cache,
                 problems: list[Problem]) -> str | None:
    """The page rendered and handed to `into` (and to `cache`, under `key`): its URL, or None
    where it could not be rendered; the problems met go in `problems`."""
    data, errors = render_page(env, page, project)
    problems.extend(errors)
    if data is None:
        return None
    into.add(page.url, data)
    if cache:
        cache.put(page.url, key, data)
    return page.url


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates, kept with the build cache: compiling them again took 0.15 s of
    every build. Jinja compiles a template again when its source changed."""

    def __init__(self, folder: Path):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # then dump_bytecode fails, and is ignored
        super().__init__(str(folder))

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower


def render_page(env: jinja2.Environment, page: Page, project: Project) -> tuple[bytes | None, list[Problem]]:
    """The page's bytes, or None and what went wrong."""
    try:
        template = env.get_template(page.template)
        text = template.render(page.shared, **page.context, page_url=page.url, absolute_links=page.absolute_links)
    except SiteError as exc:
        return None, list(exc.problems)
    except jinja2.TemplateNotFound as exc:
        return None, [Problem(project.display(project.templates), None, None,
                              f"template {exc.name!r} not found; searched {project.display(project.templates)}/")]
    except jinja2.TemplateSyntaxError as exc:
        return None, [Problem(_shown(project, exc.filename), exc.lineno, None, f"template error: {exc.message}")]
    except Exception as exc:  # any other error inside a template: point at its line
        return None, [_runtime_problem(project, page, exc)]
    return text.encode("utf-8"), []


def _runtime_problem(project: Project, page: Page, exc: Exception) -> Problem:
    import traceback  # here: only a template that fails needs it (1.7 ms of every build's imports)

    where, line = f"templates/{page.template}", None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename and Path(frame.filename).suffix in (".html", ".xml"):
            where, line = _shown(project, frame.filename), frame.lineno
    return Problem(where, line, None, f"template error while rendering {page.url}: {exc}")


def _shown(project: Project, filename: str | None) -> str:
    return project.display(Path(filename)) if filename else "templates"


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
