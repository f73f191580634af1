"""Turn the site's content into the list of pages and files to write. Pure: no I/O."""
from __future__ import annotations

from functools import partial
from typing import NamedTuple

from markupsafe import Markup

from site_builder import chart, dates, structured, urls
from site_builder.articles_kept import KeptLines
from site_builder.assets import OutputFile
from site_builder.cache import ResultCache, value_digest
from site_builder.comparison import OutletCounts, PairFigures, compare, outlet_counts, pair_figures
from site_builder.key_findings import key_findings
from site_builder.errors import Problem
from site_builder.models import Content
from site_builder.strings import Strings
from site_builder.views import DigestsKept, StoryView, Views, stories_by_event


HOME_STORIES = 20  # the newest stories on the home page; the rest are in the yearly archives
ARCHIVE_PAGE = 100  # stories on each page of a year's archive (a whole year at 10,000 stories was 0.5 MB)


class Page(NamedTuple):
    """A page to render; a tuple, as a build at 10,000 stories plans 10,000 of them. The template
    sees `shared` and `context` together; `shared`, the same dict for every page, is digested
    once for all pages (cache.PageCache.key), where at 10,000 stories digesting its values for
    each page again took 0.02 s of every edit."""
    url: str
    template: str
    context: dict  # what the page shows of its own
    shared: dict  # what every page shows (the site, its strings, the navigation)
    absolute_links: bool = False  # 404.html is served at any depth, so its links are absolute


class NavItem(NamedTuple):
    label: str
    url: str


def plan_site(content: Content, stories: list[StoryView], prose_bodies, results: ResultCache | None = None,
              lines: KeptLines | None = None, kept: DigestsKept | None = None) -> tuple[list[Page], list[OutputFile]]:
    """`results` keeps each outlet's counts and the chart's figure between builds, `lines` the
    lines of articles.json. `kept`: the views' digests to keep (views.story_views), whose
    `around`, a digest of the outlets and of what a link shows of each story in the site's
    order, is what `results` keeps the chart's markers of the stories under, and whose `events`
    are the events each story recalls."""
    site = content.site
    newest_first = list(reversed(stories))
    # event id -> the stories that refer to it, oldest first
    referring = stories_by_event(stories, kept.events if kept else None)
    comparison = compare(content, stories, partial(_kept_outlet_counts, results) if results else None,
                         partial(_kept_pair_figures, results, kept.pairs_from, content)
                         if results and kept and kept.pairs_from else None)
    nav = [NavItem(site.string("nav_home"), urls.HOME), NavItem(site.string("nav_outlets"), urls.OUTLETS)]
    if content.events:
        nav.append(NavItem(site.string("nav_timeline"), urls.TIMELINE))
    nav += [NavItem(p.nav_title or p.title, urls.prose(p.slug)) for p in content.pages]
    common = {"site": site, "t": Strings(site.strings, site.language), "nav": nav}

    years = _by_year(newest_first)
    archive_links = [(year, urls.archive(year)) for year, _ in years]
    archive_counts = {year: len(items) for year, items in years}  # on the home page only: on an archive
    # page they would make each story added to one year change the archive pages of every year
    archive_pages = [(year, len(items), _in_pages(items)) for year, items in years]
    pages = [
        Page(urls.HOME, "home.html", {"stories": newest_first[:HOME_STORIES], "total": len(stories),
                                      "archives": archive_links, "archive_counts": archive_counts,
                                      "prose_pages": content.pages,
                                      "has_timeline": bool(content.events)}, shared=common),
        Page(urls.OUTLETS, "outlets.html", {"comparison": comparison,
                                            "key_findings": key_findings(comparison, common["t"])}, shared=common),
        Page(urls.NOT_FOUND, "404.html", {}, absolute_links=True, shared=common),
    ]
    if content.events:
        chart_context = _chart_context(content, stories, referring, common["t"], results, ArchivePlaces(years).url,
                                       kept.around if kept else "")
        pages.append(Page(urls.TIMELINE, "timeline.html", chart_context, shared=common))
    for year, total, parts in archive_pages:
        page_urls = [urls.archive(year, number) for number in range(1, len(parts) + 1)]
        for number, part in enumerate(parts, 1):
            pages.append(Page(page_urls[number - 1], "archive.html",
                              {"year": year, "stories": part, "archives": archive_links, "total": total,
                               "start": total - (number - 1) * ARCHIVE_PAGE, "number": number,
                               "page_urls": page_urls}, shared=common))
    pages += [Page(story.url, "story.html", {"story": story}, shared=common) for story in stories]
    for page in content.pages:
        pages.append(Page(urls.prose(page.slug), "page.html", {"page": page, "body": prose_bodies[page.slug]},
                          shared=common))
    if site.base_url:
        pages.append(Page(urls.FEED, "feed.xml", {"stories": newest_first[:50]}, shared=common))
        sitemap_urls = [p.url for p in pages if p.url.endswith(".html") and p.url != urls.NOT_FOUND]
        pages.append(Page(urls.SITEMAP, "sitemap.xml", {"page_urls": sorted(sitemap_urls),
                                                        "lastmod": structured.lastmod(stories)}, shared=common))
    events_json, events_csv = _events_files(content.events, referring, results)
    files = [
        OutputFile(urls.NOJEKYLL, b""),
        OutputFile(urls.ROBOTS, structured.robots_txt(site.base_url)),
        OutputFile(urls.ARTICLES_JSON, structured.articles_json(stories, lines)),
        OutputFile(urls.OUTLETS_JSON, structured.outlets_json(comparison, partial(_kept_outlet_record, results)
                                                             if results else None)),
        OutputFile(urls.EVENTS_JSON, events_json),
        OutputFile(urls.EVENTS_CSV, events_csv),
    ]
    return pages, files


def _by_year(newest_first: list[StoryView]) -> list[tuple[int, list[StoryView]]]:
    """Stories grouped by the year they were published, newest year first."""
    years: dict[int, list[StoryView]] = {}
    for story in newest_first:
        years.setdefault(story.article.published.year, []).append(story)
    return list(years.items())


def _in_pages(items: list) -> list[list]:
    """The items in runs of ARCHIVE_PAGE."""
    return [items[at:at + ARCHIVE_PAGE] for at in range(0, len(items), ARCHIVE_PAGE)]


class ArchivePlaces:
    """The page of its year's archive that lists a story, worked out for the few stories asked
    about (the chart links a month's marker to the newest of its stories): at 10,000 stories,
    mapping every story to its page's URL took an edit 0.006-0.01 s."""

    def __init__(self, years: list[tuple[int, list[StoryView]]]):
        self.years = dict(years)  # year -> its stories, newest first (_by_year), as its archive pages list them
        self.places: dict[int, dict[int, int]] = {}  # year -> story's index -> its place there, where needed

    def url(self, story: StoryView) -> str:
        year = story.article.published.year
        listed = self.years[year]
        place = listed[0].index - story.index  # the site is in date order, so a year's stories are together...
        if not 0 <= place < len(listed) or listed[place] is not story:  # ...unless time zones interleave two years
            if year not in self.places:
                self.places[year] = {other.index: number for number, other in enumerate(listed)}
            place = self.places[year][story.index]
        return urls.archive(year, place // ARCHIVE_PAGE + 1)


def _chart_context(content: Content, stories: list[StoryView], referring: dict, t: dict,
                   results: ResultCache | None, archive_page, links_digest: str = "") -> dict:
    work = (stories, referring, content.outlets, t, archive_page)
    if results is None or not links_digest:
        markers = _story_markers(work)
    else:  # a marker shows what links show of stories, with their archive pages (their place in the site's
        # order), and how many stories refer to each event: at 10,000 stories, 0.01 s to make again
        referring_counts = sorted((event, len(items)) for event, items in referring.items())
        digest = value_digest((links_digest, referring_counts, t, ARCHIVE_PAGE), b"story markers", stand_ins=False)
        markers = results.get_value(digest, _story_markers, work)
    drawn = (content.events, markers.referring, content.outlets, t)  # all but the stories' traces
    if results is None:
        figure_json = _figure_json((chart.base_figure(*drawn), markers, t))
    else:  # the same figure as the last build's unless what it draws changed, and the same base
        base = results.get_value(value_digest(drawn, b"chart base", stand_ins=False), _base_figure, drawn)
        figure_json = results.get(value_digest((drawn, markers), b"chart", stand_ins=False), _figure_json,
                                  (base, markers, t))  # (the base looked up every build, so that it is kept)
    figures = chart.summary(content.events, stories, t)
    sentence = t.fill("chart_summary",
        events=figures["events"], first=dates.event_label(figures["first"].date, figures["first"].precision),
        last=dates.event_label(figures["last"].date, figures["last"].precision), warm=figures["warm"],
        hostile=figures["hostile"], half_life=figures["half_life"], high_month=figures["high"][0],
        high=t.number(figures["high"][1], 2, signed=True), low_month=figures["low"][0],
        low=t.number(figures["low"][1], 2, signed=True), stories=t.number(figures["stories"]),
        outlets=len({s.outlet.key for s in stories}))
    return {"events": _event_rows(content, referring), "figure_json": Markup(figure_json.decode()),
            "chart_summary": sentence}


def _kept_outlet_counts(results: ResultCache, stories: list[StoryView], lexicon) -> OutletCounts:
    """outlet_counts, kept in `results` for as long as the outlet's stories are the same (their
    keys cover what they are made of): an edit changes one outlet's counts, and at 10,000 stories
    counting all five outlets' again took 0.02 s of every edit."""
    keys = _source_keys(stories)
    if keys is None:
        return outlet_counts(stories, lexicon)
    return results.get_value(value_digest((keys, lexicon), b"outlet counts", stand_ins=False), _counts_of,
                             (stories, lexicon))


def _kept_pair_figures(results: ResultCache, pairs_from: str, content: Content, links) -> PairFigures:
    """comparison.pair_figures, kept in `results` under what they are made of: the shared quotes
    and reused passages (`pairs_from`: what those were made from, DigestsKept.pairs_from, which
    covers the stories in them: their order among themselves, slugs and outlets, and the dates of
    those in reused passages), the outlets' names and the speakers' names (a kept shared quote
    names its speaker by id: pipeline.py); not the places of the stories in the site, which a
    story added before them moves (the figures name the stories shown by slug). At 10,000
    stories, counting 2,466 reused passages and 847 shared quotes took an edit about 0.011 s."""
    speakers = [(person.id, person.name) for person in content.gazetteer.people]
    outlets = [(outlet.key, outlet.name) for outlet in content.outlets]
    return results.get_value(value_digest((pairs_from, outlets, speakers), b"pair figures", stand_ins=False),
                             pair_figures, links)


def _kept_outlet_record(results: ResultCache, figures, make) -> bytes:
    """An outlet's record in outlets.json (structured.outlet_record: `make`), kept in `results`
    under the outlet and its stories' keys, which cover what its counts are made of (the lexicon
    and the gazetteer among it: stories.story_keys), as its counts are (_kept_outlet_counts):
    an edit changes one outlet's record. At 10,000 stories, making all five again took an edit
    0.009 s."""
    keys = _source_keys(figures.stories)
    if keys is None:
        return make(figures)
    return results.get(value_digest((figures.outlet, keys), b"outlet record", stand_ins=False), make, figures)


def _source_keys(stories: list[StoryView]) -> list[str] | None:
    """Each view's source key (stories.story_keys), or None where one has none (views made
    without them): what an outlet's kept counts and record are kept under, with what else they show."""
    keys = [story.source_key for story in stories]
    return keys if all(keys) else None


def _events_files(events, referring: dict, results: ResultCache | None) -> tuple[bytes, bytes]:
    """events.json and events.csv, kept in `results` under the events and the slugs of the
    stories that refer to each (`referring`: views.stories_by_event), which an edit seldom
    changes: at 10,000 stories, making the two files again took an edit 0.01 s."""
    slugs = {event_id: [story.article.slug for story in items] for event_id, items in referring.items()}
    if results is None:
        return _events_files_of((events, slugs))
    digest = value_digest((events, sorted(slugs.items())), b"events files", stand_ins=False)
    return results.get_value(digest, _events_files_of, (events, slugs))


def _events_files_of(work: tuple) -> tuple[bytes, bytes]:
    records = structured.event_records(*work)
    return structured.events_json(records), structured.events_csv(records)


def _counts_of(work: tuple[list[StoryView], tuple]) -> OutletCounts:
    return outlet_counts(*work)


def _story_markers(work: tuple) -> chart.StoryMarkers:
    return chart.story_markers(*work)


def _base_figure(drawn: tuple) -> dict:
    return chart.base_figure(*drawn)


def _figure_json(work: tuple) -> bytes:
    return structured.script_json(chart.with_stories(*work)).encode()


def _event_rows(content: Content, referring: dict) -> list[dict]:
    """Each event with the stories that refer to it, oldest story first."""
    return [{"event": e, "stories": Views(referring.get(e.id, ()))} for e in content.events]


def find_collisions(urls_written: list[str]) -> list[Problem]:
    """Two outputs at one path would silently overwrite each other: refuse instead."""
    seen: set[str] = set()
    problems = []
    for url in urls_written:
        key = url.lower()  # case-insensitive file systems would collide too
        if key in seen:
            problems.append(Problem("content", None, None,
                                    f"two pages would be written to {url}; rename one of them"))
        seen.add(key)
    return problems
