"""The build pipeline, start to finish. Everything is gathered and checked before anything is written.

    content/ --load--> raw files --validate--> data files
      --prepare, story by story (stories.py)--> articles, bodies, findings
      --analyse across stories--> shared quotes, reused passages
      --views/pages--> list of Page --render--> bytes   (written as they come, swapped in at the end: write.py)
"""
from __future__ import annotations

import gc
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from site_builder import fields, leftovers, urls
from site_builder.analysis import analyse, quote_items
from site_builder.articles_kept import KeptLines
from site_builder.assets import hashed_assets
from site_builder.analysis.passages import SentencePair, StoryPassages, pairs_in_order, passage_sentences
from site_builder.analysis.shared import Item, Pair, shared_quote_places
from site_builder.cache import PageCache, ResultCache, StoryStore, load_kept, save_kept, value_digest
from site_builder.errors import Problem, SiteError
from site_builder.load import RawContent, Reads, load_content
from site_builder.markdown import render_markdown
from site_builder.models import Content
from site_builder.passage_keeper import PassageKeeper
from site_builder.pages import find_collisions, plan_site
from site_builder.project import Project
from site_builder.render import render_pages
from site_builder.reporter import Reporter
from site_builder.stamp import Listing
from site_builder.stories import PreparedStory, Setting, prepare_stories
from site_builder.validate import assemble, validate_data
from site_builder.views import DigestsKept, story_views
from site_builder.write import Kept, SiteWriter, Spliced


@dataclass
class Caches:
    """The build cache (cache.py) of one build, which writes to `out`."""
    root: Path
    out: Path
    reads: Reads | None  # what the last build read of the story files; then what this build read
    stories: StoryStore
    results: ResultCache  # the chart's figure, outlets' counts, shared quotes, reused passages in order...
    sentences: ResultCache  # the passage sentences of stories in reused passages
    lines: KeptLines  # articles.json's lines
    passages: PassageKeeper  # the reused-passage index
    digests: DigestsKept | None  # the story views' digests (views.DigestsKept); then this build's
    listing: Listing | None = None  # the content's files as the stamp found them when the build started
    pages: PageCache | None = None  # made once the asset URLs and the base URL are known
    pages_from: Path | None = None  # where the last build's pages are (write.last_pages); `out` by default (open)

    @classmethod
    def open(cls, root: Path, out: Path, workers: int = 1, listing: Listing | None = None,
             pages_from: Path | None = None) -> Caches:
        """With more than one worker, the reused-passage index starts loading in a process of its own,
        first: at 10,000 stories, an edit's build could be asking for its answer before it had
        loaded the index (0.07 s, after importing numpy, 0.09 s)."""
        pages_from = pages_from or out
        passages = PassageKeeper(root, beside=workers > 1, out=pages_from)
        return cls(root, out, load_kept(root, "reads", Reads), StoryStore(root), ResultCache(root, "results"),
                   ResultCache(root, "sentences", keep_unread=True), KeptLines(root), passages,
                   load_kept(root, "digests", DigestsKept), listing, pages_from=pages_from)

    def save(self, written: dict[str, tuple]) -> None:
        """After the site was written, with the stamp of each file written (write.Written)."""
        self.pages.save(written)
        self.results.save()
        self.sentences.save()
        self.lines.save(self.out, urls.ARTICLES_JSON, written)
        save_kept(self.root, "reads", self.reads)
        if self.digests:
            save_kept(self.root, "digests", self.digests)
        self.passages.close(save=True)

    def close(self) -> None:
        """After a build that stopped before `save`."""
        self.passages.close(save=False)


@contextmanager
def cycle_collector_paused():
    """A build makes millions of objects that live until it ends, and next to no reference
    cycles; Python's cycle collector would go through all of them again and again as they pile
    up (measured at 10,000 stories, editing one: 6.3 s with it paused, 9.7 s without). Paused
    while the pipeline runs, and in the worker processes it forks; build.py keeps it paused
    until the site is written.

    All that was made while it was paused then moves to the collector's permanent generation
    (gc.freeze): re-enabled, it would otherwise go through every one of those objects at its
    next collection (0.4 s at 10,000 stories). Objects freed by reference counting are freed as
    ever; the few thousand a build leaves in reference cycles wait for `reclaim_cycles`."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def reclaim_cycles() -> None:
    """For a long-running process (serve.py), between builds: collect what the builds frozen by
    `cycle_collector_paused` left in reference cycles."""
    gc.unfreeze()
    gc.collect()


class Files(dict):
    """The site in memory, URL -> bytes (or write.Kept): where render_site puts the files it
    makes unless it is given a write.SiteWriter, which writes them as they come instead."""

    def add(self, url: str, data: bytes | Kept | Spliced) -> None:
        self[url] = data.read() if isinstance(data, Spliced) else data

    def keep(self, kept: dict[str, tuple]) -> None:
        """(As SiteWriter.keep: a write.Kept for each.)"""
        self.update((url, Kept(url, stamp)) for url, stamp in kept.items())

    def expect(self, urls: list[str]) -> None:
        """(As SiteWriter.expect: nothing to do ahead.)"""


@cycle_collector_paused()
def render_site(project: Project, reporter: Reporter, base_url: str | None = None, strict: bool = False,
                caches: Caches | None = None, workers: int = 1,
                into: Files | SiteWriter | None = None) -> Files | SiteWriter:
    """Everything up to the bytes of each file (or write.Kept, for a page the last build wrote as it
    would be now), each handed to `into` as it is made; returns `into` (by default, new Files).
    Raises SiteError listing every problem, once every page was tried.

    With `caches`, stories whose file and data did not change since the last build are not
    prepared again, and pages whose template and context did not change are kept from the last
    build instead of being rendered again. `workers` processes share the work on stories when
    there are many.
    """
    reporter.progress("reading content")
    passages = caches.passages if caches else PassageKeeper(None, beside=False)
    content, prepared = load_and_validate(project, reporter, base_url, strict, caches, workers, passages)
    into = Files() if into is None else into
    if caches is None or not PageCache.left_in(project.root):  # every page is made anew: its file may be made ahead
        into.expect([urls.story(article.slug) for article in content.articles])
    reporter.progress(f"analysing {len(content.articles)} stories")
    errors: list[Problem] = []
    prose_bodies = _render_bodies(content.pages, errors, caches.results if caches else None)
    _fail_on(errors)
    asset_urls, asset_files = hashed_assets(project.static)
    pairs = KeptPairs(caches.results) if caches else None
    findings = analyse(content.articles, {slug: p.findings for slug, p in prepared.items()},
                       partial(passages.reused_passages, [article.slug for article in content.articles],
                               partial(_kept_passage_sentences, caches.sentences) if caches else None,
                               pairs.passages_in_order if pairs else pairs_in_order),
                       partial(pairs.shared_quotes, content.gazetteer,
                               [prepared[a.slug].statements_key for a in content.articles]) if pairs else None)
    stories, kept = story_views(content.articles, content.outlets, {slug: p.body for slug, p in prepared.items()},
                                findings, {slug: p.key for slug, p in prepared.items()},
                                {slug: p.link_key for slug, p in prepared.items()}, caches.digests if caches else None,
                                pairs.made_from if pairs else "")
    if caches:
        caches.digests = kept  # the views' digests, for the next build
    pages, data_files = plan_site(content, stories, prose_bodies, caches.results if caches else None,
                                  caches.lines if caches else None, kept)
    reporter.progress(f"rendering {len(pages)} pages")
    if caches:
        caches.pages = PageCache(project.root, caches.pages_from, project.templates,
                                 {"assets": asset_urls, "base_url": content.site.base_url},
                                 caches.passages.pages_changed())
    html, errors = render_pages(project, asset_urls, content.site.base_url, pages, into,
                                caches.pages if caches else None)
    outputs = [*html, *(f.url for f in data_files), *(f.url for f in asset_files)]
    _fail_on(errors + find_collisions(outputs))
    for file in data_files + asset_files:
        into.add(file.url, file.data)
    leftovers.keep(content, prepared, findings, stories, pages)
    return into


def load_and_validate(project: Project, reporter: Reporter, base_url: str | None = None, strict: bool = False,
                      caches: Caches | None = None, workers: int = 1,
                      passages: PassageKeeper | None = None) -> tuple[Content, dict[str, PreparedStory]]:
    """The validated content, and each story prepared (stories.py) by slug. `passages` is asked
    to bring the reused-passage index up to date as soon as the stories are prepared."""
    raw, errors = load_content(project, caches.reads if caches else None, caches.listing if caches else None)
    if caches:
        caches.reads = raw.reads()
    content, prepared, invalid, warnings = validate_content(raw, caches.stories if caches else None, workers,
                                                            passages, caches.results if caches else None)
    errors += invalid
    if base_url is not None and content is not None:
        clean, error = fields.base_url(base_url)
        if error:
            errors.append(Problem("--base-url", None, None, error))
        else:
            content = content._replace(site=content.site._replace(base_url=clean))
    if content is not None and not content.site.base_url:
        warnings.append(Problem("content/site.yaml", None, "base_url",
                                "not set: feed.xml and sitemap.xml are left out, and canonical "
                                "links are omitted; pass --base-url or set base_url"))
    for warning in warnings:
        reporter.warning(str(warning))
    if strict and warnings:
        errors += [w._replace(message=w.message + " (an error with --strict)") for w in warnings]
    _fail_on(errors)
    return content, prepared


def validate_content(raw: RawContent, store: StoryStore | None = None, workers: int = 1,
                     passages: PassageKeeper | None = None, results: ResultCache | None = None):
    """Returns (content or None, prepared stories by slug, errors, warnings): the data files first
    (as `results` kept them, while their texts are the same), then each story on its own, then
    the checks that span files."""
    data, errors, warnings = _kept_data(results, raw) if results else validate_data(raw)
    setting = Setting.of(data, raw.outlets is not None)
    articles, by_slug, moments, asked = [], {}, {}, []  # of the stories that are articles (one pass over them)
    for story in prepare_stories(raw.articles, setting, store, workers):
        if story.errors or story.warnings:
            errors.extend(story.errors)
            warnings.extend(story.warnings)
        article = story.article
        if article:
            articles.append(article)
            moments[article.slug] = story.moment
            asked.append(StoryPassages(story.key, article.slug, article.outlet, story.body, story.passages))
            # its shingles go to the passage index (asked), not further down the pipeline
            by_slug[article.slug] = story if story.passages is None else story._replace(passages=None)
    if passages and not errors:  # the index comes up to date while the checks across files run
        passages.ask(asked)
    if store:  # once the index has its question: an edit's answer took longer than the build took to ask
        store.save()
    content, invalid = assemble(raw, data, articles, moments)
    errors.extend(invalid)
    if errors:
        content = None
    return content, by_slug, errors, warnings


def _kept_data(results: ResultCache, raw: RawContent):
    """validate_data, kept in `results` under the data files' paths and texts: at 10,000 stories,
    parsing and checking them again took 0.01 s of every edit, unpickling what they made 0.3 ms."""
    files = (raw.site, raw.outlets, raw.events, raw.people, raw.sources, raw.lexicon, raw.pages)
    return results.get_value(value_digest(files, b"site data", stand_ins=False), validate_data, raw)


def _render_bodies(items, errors: list[Problem], results: ResultCache | None = None) -> dict:
    """Each prose page's RenderedBody, by slug; kept in `results` between builds (a page with
    links or headings needs the Markdown parser, which a build need not import otherwise)."""
    bodies = {}
    for item in items:
        source = (item.body, item.source, item.body_line)
        if results is None:
            rendered = render_markdown(*source)
        else:
            rendered = results.get_value(value_digest(source, b"prose", stand_ins=False), _markdown_of, source)
        bodies[item.slug], problems = rendered
        errors.extend(problems)
    return bodies


class KeptPairs:
    """The reused passages in order and the shared quotes, kept in `results` between builds, and
    what they were made from (`made_from`): the digests they are kept under, for the views' digests
    (views.story_views)."""

    def __init__(self, results: ResultCache):
        self.results = results
        self.kept_under: dict[str, str] = {}  # "quotes", "passages" -> the digest, once asked for

    @property
    def made_from(self) -> str:
        """Both digests, once both were asked for; else empty."""
        under = self.kept_under
        return under["quotes"] + under["passages"] if len(under) == 2 else ""

    def passages_in_order(self, stories: list[StoryPassages], found: list[SentencePair], sentences_of) -> list[Pair]:
        """passages.pairs_in_order, kept under the sentence pairs found and, for each story in them
        in the site's order, its key (which covers its sentences), slug and outlet: an edit of a
        story in no reused passage changes none of them. The pairs' order depends on the order of
        those stories among themselves, not on their places in the site: a story added or moved
        that is in no pair leaves them kept (at 10,000 stories, a story added took about 0.02 s
        more when the places were in the key). At 10,000 stories, putting 2,473 pairs in order,
        with the sentences of the 1,166 stories in them, took an edit 0.035-0.04 s; looking them
        up, about 0.01 s."""
        involved = {pair.a_key for pair in found}
        involved.update(pair.b_key for pair in found)
        in_order = [(story.key, story.slug, story.outlet) for story in stories if story.key in involved]
        digest = value_digest(([tuple(pair) for pair in found], in_order), b"reused passages", stand_ins=False)
        self.kept_under["passages"] = digest
        return self.results.get_value(digest, _pairs_in_order, (stories, found, sentences_of))

    def shared_quotes(self, gazetteer, statements_keys: list[bytes], articles, findings: dict) -> list[Pair]:
        """analysis.shared_quotes_among, kept under the stories' statements_key, in the site's
        order, for as long as they are the same: most edits leave the statements alone. At 10,000
        stories looking for the shared quotes again took 0.08 s of every edit, and putting the
        17,000 statements together to digest them 0.02 s; only the pairs are kept, each speaker by
        id."""
        digest = hashlib.sha256(b"shared quotes\0" + b"".join(statements_keys)).hexdigest()
        self.kept_under["quotes"] = digest
        speakers = {"": None, **{person.id: person for person in gazetteer.people}}  # by id; "": none known
        return [Pair(Item(*a[:3], speakers[a[3]]), Item(*b[:3], speakers[b[3]]), similarity)
                for a, b, similarity in self.results.get_value(digest, _shared_quote_pairs, (articles, findings))]


def _pairs_in_order(work: tuple) -> list[Pair]:
    return pairs_in_order(*work)


def _kept_passage_sentences(results: ResultCache, story: StoryPassages) -> list[str]:
    """A story's passage sentences, kept in `results` under its key (which covers its text) for
    as long as it is in a reused passage: at 10,000 stories with 2,677 reused passages, splitting
    the 1,221 stories in them into sentences again (loading their paragraphs from the store)
    took 0.7 s of every edit where the passages changed."""
    digest = hashlib.sha256(b"passage sentences\0" + story.key.encode()).hexdigest()
    return results.get_value(digest, _sentences_of, story)


def _shared_quote_pairs(work: tuple) -> list[tuple[tuple, tuple, float]]:
    items, shingles = quote_items(*work)
    described = [(item.story, item.outlet, item.text, item.extra.id if item.extra else "") for item in items]
    return [(described[i], described[j], similarity) for i, j, similarity in shared_quote_places(items, shingles)]


def _sentences_of(story: StoryPassages) -> list[str]:
    return passage_sentences(story.body.paragraphs)


def _markdown_of(source: tuple[str, str, int]):
    return render_markdown(*source)


def _fail_on(problems: list[Problem]) -> None:
    if problems:
        raise SiteError(sorted(set(problems), key=_problem_order))


def _problem_order(problem: Problem):
    return (problem.path, problem.line or 0, problem.field or "", problem.message)
