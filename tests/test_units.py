"""Unit tests of the pure stages."""
from __future__ import annotations

import collections
import hashlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from site_builder import dates, fields, numerals, urls
from site_builder.frontmatter import split_front_matter
from site_builder.load import RawFile
from site_builder.markdown import render_markdown


@pytest.mark.parametrize("value, expected", [
    ("2024-11-23T16:05:00+07:00", "Sabtu, 23 November 2024, 16.05 WIB"),
    ("2024-11-23T16:05:00+08:00", "Sabtu, 23 November 2024, 16.05 WITA"),
    ("2019-06-30T09:00:00+09:00", "Minggu, 30 Juni 2019, 09.00 WIT"),
    ("2020-02-12T17:00:00+00:00", "Rabu, 12 Februari 2020, 17.00 UTC+00.00"),
    ("2020-02-12T17:00:00-05:30", "Rabu, 12 Februari 2020, 17.00 UTC-05.30"),
    ("2020-12-10", "Kamis, 10 Desember 2020"),
])
def test_indonesian_long_date(value, expected):
    moment, error = fields.published(value)
    assert error is None
    assert dates.long_id(moment) == expected


def test_dates_with_the_same_offset_share_one_time_zone_and_keep_their_moment():
    first, _ = fields.published("2024-11-23T16:05:00+07:00")
    second, _ = fields.published("2019-06-30T09:00:00+07:00")
    other, _ = fields.published("2019-06-30T09:00:00+09:00")
    assert first.tzinfo is second.tzinfo and other.tzinfo is not first.tzinfo
    assert [m.isoformat() for m in (first, second, other)] == [
        "2024-11-23T16:05:00+07:00", "2019-06-30T09:00:00+07:00", "2019-06-30T09:00:00+09:00"]


def test_date_alone_sorts_as_start_of_day_in_wib():
    assert dates.iso_full(date(2020, 12, 10)) == "2020-12-10T00:00:00+07:00"
    assert dates.short_id(date(2020, 12, 10)) == "10 Des 2020"


@pytest.mark.parametrize("target, page, expected", [
    ("index.html", "index.html", "index.html"),
    ("index.html", "stories/a.html", "../index.html"),
    ("stories/b.html", "stories/a.html", "b.html"),
    ("outlets.html#outlet-tempo", "stories/a.html", "../outlets.html#outlet-tempo"),
    ("assets/style.1.css", "data/x/y.html", "../../assets/style.1.css"),
])
def test_relative_links(target, page, expected):
    assert urls.relative(target, page) == expected


def test_base_path_of_a_project_site():
    assert urls.base_path("https://user.github.io/repo/") == "/repo/"
    assert urls.base_path("") == "/"
    assert fields.base_url("https://user.github.io/repo")[0] == "https://user.github.io/repo/"
    assert fields.base_url("ftp://x")[1] == "'ftp://x' is not a web address; write it as https://…"


def test_front_matter_reports_body_line():
    doc, problems = split_front_matter(RawFile("a.md", "---\ntitle: T\n---\n\n\nFirst line.\n"))
    assert problems == []
    assert doc.meta.data == {"title": "T"}
    assert doc.body_line == 6
    assert doc.body == "First line.\n"


def test_yaml_dates_stay_text_for_the_validator():
    doc, _ = split_front_matter(RawFile("a.md", "---\npublished: 2020-02-12\n---\nx\n"))
    assert doc.meta.data["published"] == "2020-02-12"


def test_markdown_counts_words_joined_by_hyphen_or_apostrophe_as_one():
    body, problems = render_markdown("Kim Jong-un dan\nO'Brien *bertemu*, (12/6/2018).\n\nLagi `kode`.\n", "a.md", 1)
    assert problems == []
    # Kim | Jong-un | dan | O'Brien | bertemu | 12 | 6 | 2018 | Lagi | kode
    assert body.words == 10
    assert body.lead == "Kim Jong-un dan O'Brien bertemu, (12/6/2018)."


def test_markdown_shows_raw_html_as_text():
    body, _ = render_markdown("Ada <b>tebal</b> dan <script>x()</script>.\n", "a.md", 1)
    assert "&lt;b&gt;" in body.html and "<b>" not in body.html and "<script>" not in body.html


def test_excerpt_cuts_at_a_word():
    body, _ = render_markdown("satu dua tiga empat lima enam\n", "a.md", 1)
    assert body.excerpt(14) == "satu dua tiga …"
    assert body.excerpt(100) == "satu dua tiga empat lima enam"


def test_the_story_store_reads_a_pickle_naming_a_class_that_is_gone_as_not_stored():
    from site_builder.cache import Shared
    from site_builder.models import Outlet

    outlet = Outlet("tempo", "Tempo", "tempo.co", "Tempo Media", "online")
    by_name = Shared({}).dumps(outlet)
    assert Shared({}).loads(by_name) == outlet
    assert Shared({}).loads(by_name.replace(b"Outlet", b"Outlex")) is None  # written by code with another class
    referred = Shared({("class", "models.Outlet"): Outlet})
    assert b"Outlet" not in referred.dumps(outlet).replace(b"models.Outlet", b"")  # a reference, not a name
    assert referred.loads(referred.dumps(outlet)) == outlet
    assert Shared({}).loads(referred.dumps(outlet)) is None  # a reference this build does not know


def test_reads_give_a_files_digest_only_while_its_stamp_is_the_one_read_and_settled():
    import pickle

    from site_builder.load import Reads, StoryFile, file_digest
    from site_builder.stamp import SETTLE

    started = 1_700_000_000 * 10**9
    old = started - int(SETTLE * 1e9) - 1  # modified before the build started, settled
    files = [StoryFile("content/articles/a.md", "/x/a.md", (10, 2**63 + 5, old), file_digest(b"a"), None),
             StoryFile("content/articles/b\nc.md", "/x/b", (20, 7, old - 1), file_digest(b"b"), None),
             StoryFile("content/articles/d.md", "/x/d.md", (30, 8, started - 1), file_digest(b"d"), None)]
    reads = pickle.loads(pickle.dumps(Reads.of(started, files), 5))  # as the build cache keeps it
    a, b, d = files
    assert reads.digest(a.path, a.stamp) == a.digest and reads.digest(b.path, b.stamp) == b.digest
    assert reads.digest(d.path, d.stamp) is None  # modified within SETTLE of the build: may have changed since
    assert reads.digest(a.path, (11, *a.stamp[1:])) is None and reads.digest(a.path, (10, 3, old)) is None
    assert reads.digest(a.path, (10, 2**63 + 5, old - 1)) is None  # size, inode, time: each moved
    assert reads.digest("content/articles/e.md", a.stamp) is None
    assert reads.digests_of([(b.path, b.stamp), (a.path, None), (a.path, a.stamp)]) == [b.digest, None, a.digest]
    assert reads.held(d.path, d.digest) and not reads.held(d.path, a.digest) and not reads.held("e.md", a.digest)
    assert Reads.of(started, []).digest(a.path, a.stamp) is None


class _Counted(collections.namedtuple("_Counted", "name words")):
    made = 0

    def __new__(cls, *values):
        cls.made += 1
        return super().__new__(cls, *values)


def test_the_story_store_reads_named_tuples_back_without_calling_their_class():
    from site_builder.cache import Shared

    shared = Shared({("class", "_Counted"): _Counted})
    value = [_Counted("satu", 1), (_Counted("dua", (_Counted("tiga", 3),)), "empat")]
    data = shared.dumps(value)
    made = _Counted.made
    back = shared.loads(data)
    assert back == value and type(back[0]) is _Counted and type(back[1][0][1][0]) is _Counted
    assert back[0].name == "satu" and back[1][0].words[0].words == 3
    assert _Counted.made == made  # made by tuple.__new__, not by the class's own __new__ (a Python function)
    assert Shared({}).loads(data) is None  # still a reference to the class, which a build without it cannot read


def test_value_digest_follows_values_not_how_they_are_shared():
    from site_builder.cache import value_digest

    part = ("Kim", 2019)
    assert value_digest((part, part)) == value_digest((("Kim", 2019), ("Kim", 2019)))
    assert value_digest((part, part)) != value_digest((part, ("Kim", 2018)))
    assert value_digest(["a"]) != value_digest(("a",))
    assert value_digest({"render": lambda: 1}) is None  # cannot be pickled: never cached

    class View:
        cache_digest = "digest-of-a-story"

    assert value_digest([View()]) is not None  # a local class cannot be pickled: it stands in as its digest
    assert value_digest([View()], stand_ins=False) is None


def _page_cache_and_view_class(tmp_path):
    """A page cache in `tmp_path`, and a class standing in for a StoryView (its digest alone): a
    local class, so that pickling one fails, as for anything a key cannot take."""
    from site_builder.cache import PageCache

    (tmp_path / "templates").mkdir()

    class View:
        def __init__(self, digest):
            self.cache_digest = digest

    return PageCache(tmp_path, tmp_path / "_site", tmp_path / "templates", {}), View


def test_a_page_key_follows_each_view_a_page_lists_in_order(tmp_path):
    """An archive page's list of views is digested by the views' own digests (cache_digest), in
    order, without pickling the list; a list with anything else in it is pickled as before."""
    cache, View = _page_cache_and_view_class(tmp_path)

    def key(stories):
        return cache.key("archive.html", {"stories": stories, "year": 2019})

    first, second, third = View("a" * 64), View("b" * 64), View("c" * 64)
    assert key([first, second]) == key([View("a" * 64), View("b" * 64)])  # the same views, made again
    assert key([first, second]) != key([second, first])
    assert key([first, second]) != key([first, third])
    assert key([first, second]) != key([first])
    assert key([View("ab"), View("c")]) != key([View("a"), View("bc")])
    assert key([first, ("Kim", 2019)]) != key([first, ("Kim", 2018)])  # not a view: pickled with the list
    assert key([first, lambda: None]) is None  # nor one that cannot be pickled
    assert key([]) == key([]) and key([]) != key([first])


def test_views_in_a_page_key_stand_in_as_their_views_digests_in_order(tmp_path):
    """views.Views (an outlet's stories in the comparison, an event's on the timeline) goes into
    a page's key as one digest of its views' digests: the same views give the same key, and any
    view changed, moved, added or taken out another."""
    from site_builder.views import Views

    cache, View = _page_cache_and_view_class(tmp_path)

    def key(stories):
        return cache.key("outlets.html", {"comparison": ("figures", Views(stories), 3)})

    first, second = View("a" * 64), View("b" * 64)
    assert key([first, second]) == key([View("a" * 64), View("b" * 64)])
    assert len({key([first, second]), key([second, first]), key([first, View("c" * 64)]), key([first]),
                key([]), key([View("a" * 64 + "\0" + "b" * 64)])}) == 6
    assert Views([first, View(None)]).cache_digest is None and key([first, View(None)]) is None  # pickled: a local class


def test_a_page_showing_one_view_gets_the_key_its_parts_make(tmp_path):
    """A page key is the template, the shared part and each value's name and digest. A story
    page, one view with its own digest, takes a short way to it: the key must be that all the
    same, and any other page's the one made part by part."""
    cache, View = _page_cache_and_view_class(tmp_path)

    common, other = {"site": ("Kim", 2019)}, {"site": ("Trump", 2018)}
    first, second = View("a" * 64), View("b" * 64)
    assert cache.key("story.html", {"story": first}, common) == \
        ("story.html", cache._digested(common), "story", "a" * 64)
    assert cache.key("story.html", {"story": second}, other) == \
        ("story.html", cache._digested(other), "story", "b" * 64)
    assert cache._digested(common) != cache._digested(other)
    assert cache.key("story.html", {"story": ("Kim", 2019)}, common) == \
        ("story.html", cache._digested(common), "story", cache._digest_of(("Kim", 2019)))  # not a view: pickled
    assert cache.key("story.html", {"story": View(None)}, common) is None  # no digest, and a local class: unpicklable
    assert cache.key("story.html", {"story": first}, {}) == ("story.html", "story", "a" * 64)  # nothing shared
    assert cache.key("story.html", {"story": first}, {"nav": lambda: None}) is None  # cannot be pickled
    assert cache.key("archive.html", {"stories": [first], "year": 2019}, common) == \
        ("archive.html", cache._digested(common), "stories", cache._digest_of([first]), "year",
         cache._digest_of(2019))


def test_value_digest_is_the_same_whatever_was_digested_before():
    from site_builder.cache import value_digest

    short, long = ("Kim",), ("Trump dan Kim bertemu di Singapura pada 2018.",) * 50
    for stand_ins in (False, True):
        first = value_digest(short, stand_ins=stand_ins)
        assert value_digest(long, stand_ins=stand_ins) != first
        assert value_digest(short, stand_ins=stand_ins) == first  # nothing left of the long value
        assert value_digest((long, lambda: None), stand_ins=stand_ins) is None
        assert value_digest(short, stand_ins=stand_ins) == first  # nor of one that could not be digested


def _views_of_six_stories(title_of: str = "", body_of: str = "", outlet_of: str = "", keys: bool = True,
                          outlet_name: str = "Tempo",
                          quote: str = "Kami siap berunding tanpa syarat apa pun.", similarity: float = 0.6,
                          speaker: str = "kim", passage: str | None = "Kalimat yang sama.", days: int = 1,
                          recalling: str = "ace", kept: bool = False, last=None):
    """story_views of six stories a-f, oldest first, `days` apart: a, c and e (`recalling`) recall
    one event, b and d share a quote, c and f a passage (none if `passage` is None). `title_of`,
    `body_of` and `outlet_of` name a story given another title, another body (its source key
    changes, not its link key) or the other outlet; `keys`: with the stories' source and link
    keys (stories.PreparedStory) or without. With `kept`, the views and the digests to keep
    (views.DigestsKept), the pairs said to be made from what they hold (as a build says so:
    pipeline.py), `last` the digests kept."""
    from datetime import date, timedelta

    from site_builder.analysis import SiteFindings, StoryFindings
    from site_builder.analysis.events import EventMention
    from site_builder.analysis.shared import Item, Pair
    from site_builder.markdown import RenderedBody
    from site_builder.models import Article, Event, Outlet, Person
    from site_builder.views import link_key, story_views

    slugs = "abcdef"
    outlets = (Outlet("tempo", outlet_name, "tempo.co", "Tempo Media", "daring"),
               Outlet("kompas-tv", "Kompas TV", "kompas.tv", "KG Media", "televisi"))
    articles = [Article(slug, f"{slug}.md", f"Judul {slug}" + ("!" if slug == title_of else ""),
                        "tempo" if (i % 2) != (slug == outlet_of) else "kompas-tv",
                        date(2020, 1, 1) + timedelta(days=i * days), "", 1)
                for i, slug in enumerate(slugs)]
    summit = Event("hanoi", date(2019, 2, 27), "day", "KTT Hanoi", "Hanoi summit", "summit", -1, "", "", (), ())
    recalled = (EventMention(summit, "KTT Hanoi."),)
    findings = {slug: StoryFindings((), (), (), recalled if slug in recalling else (), (), ()) for slug in slugs}
    who = Person(speaker, "Kim Jong Un", ("Kim",), "Pemimpin", "DPRK")
    site = SiteFindings(findings,
                        (Pair(Item("b", "tempo", quote, who), Item("d", "tempo", "Kami siap berunding.", who), similarity),),
                        (Pair(Item("c", "kompas-tv", passage), Item("f", "tempo", "Kalimat sama."), 0.7),)
                        if passage else ())
    bodies = {slug: RenderedBody(f"<p>{slug}{'!' if slug == body_of else ''}</p>", 1, (slug,)) for slug in slugs}
    source_keys = {a.slug: hashlib.sha256(repr((a, bodies[a.slug], findings[a.slug])).encode()).hexdigest()
                   for a in articles}
    link_keys = {a.slug: link_key(a) for a in articles}
    if kept:
        pairs_from = hashlib.sha256(repr((site.shared_quotes, site.reused_passages)).encode()).hexdigest()
        return story_views(articles, outlets, bodies, site, source_keys, link_keys, last, pairs_from)
    return story_views(articles, outlets, bodies, site, *((source_keys, link_keys) if keys else ()))[0]


def _shown(view) -> set[str]:
    """The stories a view shows: its own and those it links to."""
    links = [view.previous, view.next, *view.related, *(q.other for q in view.shared_quotes),
             *(p.other for p in view.reused_passages)]
    return {view.article.slug} | {link.slug for link in links if link is not None}


def _moved(**changes) -> set[str]:
    """The stories whose view's digest is not the same with `changes` (_views_of_six_stories)."""
    before, after = _views_of_six_stories(), _views_of_six_stories(**changes)
    return {old.article.slug for old, new in zip(before, after) if old.cache_digest != new.cache_digest}


def test_a_story_views_digest_changes_with_every_story_it_shows_and_with_no_other():
    views = _views_of_six_stories()
    assert len({v.cache_digest for v in views}) == 6 and None not in {v.cache_digest for v in views}
    assert [v.cache_digest for v in _views_of_six_stories()] == [v.cache_digest for v in views]
    assert _shown(views[0]) == {"a", "b", "c", "e"} and _shown(views[1]) == {"a", "b", "c", "d"}  # as said above
    for slug in "abcdef":
        assert _moved(title_of=slug) == {v.article.slug for v in views if slug in _shown(v)}
        assert _moved(outlet_of=slug) == {v.article.slug for v in views if slug in _shown(v)}
        assert _moved(body_of=slug) == {slug}  # what links to it shows the same link


def test_a_view_without_its_digest_is_digested_by_what_it_shows_not_by_the_whole_site():
    from site_builder.cache import value_digest

    views = _views_of_six_stories(keys=False)
    assert {v.cache_digest for v in views} == {None}
    assert [value_digest(v) for v in views] == [value_digest(v) for v in _views_of_six_stories(keys=False)]
    for slug in "abcdef":
        retitled = _views_of_six_stories(keys=False, title_of=slug)
        moved = {old.article.slug for old, new in zip(views, retitled) if value_digest(old) != value_digest(new)}
        assert moved == {v.article.slug for v in views if slug in _shown(v)}


def test_a_story_views_digest_follows_its_outlet_and_its_shared_quotes_and_passages():
    assert _moved(outlet_name="Tempo.co") == set("abcdef")
    for changes in ({"quote": "Kami siap berunding."}, {"similarity": 0.65}, {"speaker": "kim-jong-un"}):
        assert _moved(**changes) == {"b", "d"}, changes
    assert _moved(passage="Kalimat yang hampir sama.") == {"c", "f"}
    assert _moved(days=2) == set("abcdef")  # every date; and the days between c and f


def test_digests_kept_from_the_last_build_are_the_digests_made_afresh():
    from site_builder.views import stories_by_event

    views, kept = _views_of_six_stories(kept=True)
    assert kept.digests == tuple(v.cache_digest for v in views) and None not in kept.digests
    changes = [{}, {"outlet_name": "Tempo.co"}, {"quote": "Kami siap berunding."}, {"similarity": 0.65},
               {"speaker": "kim-jong-un"}, {"passage": "Kalimat yang hampir sama."}, {"days": 2},
               {"passage": None}, {"recalling": "abce"}, {"recalling": "ac"}]  # (then others' related ones move)
    changes += [{name: slug} for slug in "abcdef" for name in ("title_of", "body_of", "outlet_of")]
    for change in changes:
        afresh_views = _views_of_six_stories(**change)
        afresh = [v.cache_digest for v in afresh_views]
        again, kept_again = _views_of_six_stories(kept=True, last=kept, **change)
        assert [v.cache_digest for v in again] == afresh, change
        assert kept_again.digests == tuple(afresh)
        related = [[link.slug for link in v.related] for v in afresh_views]  # taken from `kept` where events are alike
        assert [[link.slug for link in v.related] for v in again] == related, change
        assert stories_by_event(again, kept_again.events) == stories_by_event(again), change  # (pages.plan_site)


def test_digests_kept_from_the_last_build_stand_for_the_stories_that_did_not_change():
    _, kept = _views_of_six_stories(kept=True)
    marked = kept._replace(digests=tuple(f"kept {slug}" for slug in "abcdef"))  # what the last build kept
    afresh = _views_of_six_stories(body_of="c")[2].cache_digest
    views, _ = _views_of_six_stories(kept=True, last=marked, body_of="c")
    assert [v.cache_digest for v in views] == ["kept a", "kept b", afresh, "kept d", "kept e", "kept f"]
    requoted, _ = _views_of_six_stories(kept=True, last=marked, quote="Kami siap berunding.")
    afresh = _views_of_six_stories(quote="Kami siap berunding.")
    assert [v.cache_digest for v in requoted] == ["kept a", afresh[1].cache_digest, afresh[2].cache_digest,
                                                  afresh[3].cache_digest, "kept e", afresh[5].cache_digest]
    retitled, _ = _views_of_six_stories(kept=True, last=marked, title_of="c")  # a link changed: all again
    assert [v.cache_digest for v in retitled] == [v.cache_digest for v in _views_of_six_stories(title_of="c")]
    short, _ = _views_of_six_stories(kept=True, last=marked._replace(digests=marked.digests[:5]), body_of="c")
    assert [v.cache_digest for v in short] == [v.cache_digest for v in _views_of_six_stories(body_of="c")]
    without, none_kept = _views_of_six_stories(kept=True, last=None, body_of="c")
    assert [v.cache_digest for v in without] == [v.cache_digest for v in _views_of_six_stories(body_of="c")]
    assert none_kept is not None


def _site_links(outlets_and_days: list[tuple[str, int]], names: dict[str, str], quotes: tuple, passages: tuple):
    """views.SiteLinks of stories s0, s1... of the outlets (by key) and on the days of January 2019
    given, in that order, with these shared quotes and reused passages and no related stories."""
    from datetime import datetime, timezone
    from typing import NamedTuple

    from site_builder.analysis import SiteFindings
    from site_builder.models import Outlet
    from site_builder.views import SiteLinks

    class Story(NamedTuple):  # what SiteLinks reads of an article
        slug: str
        title: str
        outlet: str
        published: datetime

    stories = [Story(f"s{i}", f"Judul {i}", outlet, datetime(2019, 1, day, tzinfo=timezone.utc))
               for i, (outlet, day) in enumerate(outlets_and_days)]
    outlets = {key: Outlet(key, name, "", "", "") for key, name in names.items()}
    return SiteLinks(stories, outlets, SiteFindings({}, quotes, passages), [()] * len(stories))


def test_site_links_make_each_storys_side_of_its_pairs_and_see_each_pair_once_from_the_earlier():
    """A story's shared quotes and reused passages are made from the site's pairs when asked for;
    the comparison counts each pair once, from the earlier story, in the site's order."""
    from site_builder.analysis.shared import Item, Pair
    from site_builder.views import ReusedPassage, SharedQuote

    later_first = Pair(Item("s1", "b", "kalimat dua"), Item("s2", "c", "kalimat tiga"), 0.8)  # not in the site's order
    earlier_second = Pair(Item("s1", "b", "kalimat satu"), Item("s0", "a", "kalimat nol"), 0.9)
    quote = Pair(Item("s2", "c", "Kami siap", "juru bicara"), Item("s0", "a", "Kami siap.", None), 0.95)
    links = _site_links([("a", 1), ("b", 3), ("c", 10)], {"a": "Satu", "b": "Dua", "c": "Tiga"},
                        (quote,), (later_first, earlier_second))

    assert links.passages_of("s1") == (
        ReusedPassage(links.of("s2"), "kalimat dua", "kalimat tiga", 0.8, "Dua", 7),
        ReusedPassage(links.of("s0"), "kalimat satu", "kalimat nol", 0.9, "Satu", 2))
    assert links.passages_of("s0") == (ReusedPassage(links.of("s1"), "kalimat nol", "kalimat satu", 0.9, "Satu", 2),)
    assert links.passages_of("s2")[0].first == "Dua" and links.passages_of("nothing-shared") == ()
    assert links.quotes_of("s0") == (SharedQuote(links.of("s2"), "juru bicara", ("Kami siap", "Kami siap."), 1, 0.95),)
    assert links.quotes_of("s2")[0].side == 0 and links.quotes_of("s2")[0].mine == [("Kami", False), ("siap", False)]
    assert links.once("passages") == [(0, 0, earlier_second, 1, 1), (1, 0, later_first, 0, 2)]
    assert links.once("quotes") == [(0, 0, quote, 1, 2)]


def test_pair_figures_count_each_outlets_pairs_with_the_days_between_the_last_two_stories():
    from site_builder.analysis.shared import Item, Pair
    from site_builder.comparison import pair_figures

    passages = (Pair(Item("s1", "b", "dua"), Item("s0", "a", "nol"), 0.9),  # s1 two days after s0
                Pair(Item("s2", "a", "empat"), Item("s3", "b", "tiga"), 0.8))  # s3 fifteen days after s2: the last
    links = _site_links([("a", 1), ("b", 3), ("a", 5), ("b", 20)], {"a": "Satu", "b": "Dua"}, (), passages)
    figures = pair_figures(links)
    assert figures.passage_pairs == (("Dua", "Satu", 2, 15),)  # later outlet, earlier one, pairs, days
    assert figures.shown_passages == (("s0", 0), ("s2", 0)) and figures.quote_pairs == figures.shown_quotes == ()


def test_views_without_source_keys_have_no_digest_and_are_never_cached():
    assert {v.cache_digest for v in _views_of_six_stories(keys=False)} == {None}


def test_a_library_is_known_by_its_installed_version_not_by_when_it_was_installed(tmp_path, monkeypatch):
    import importlib
    import os

    from site_builder.cache import _installed

    (tmp_path / "fakelib").mkdir()
    init = tmp_path / "fakelib" / "__init__.py"
    init.write_text("")
    (tmp_path / "fakelib-1.0.dist-info").mkdir()
    (tmp_path / "fakelib_extras-2.0.dist-info").mkdir()  # another distribution whose name starts alike
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    first = _installed("fakelib", "fakelib")
    assert first[2] == ("fakelib-1.0.dist-info",)
    os.utime(init, ns=(1, 1))  # installed again: the same version, other times
    assert _installed("fakelib", "fakelib") == first
    (tmp_path / "fakelib-1.0.dist-info").rename(tmp_path / "fakelib-1.1.dist-info")
    assert _installed("fakelib", "fakelib") != first


def test_every_library_the_build_depends_on_is_in_the_caches_key():
    """A cache made with another version of a library that shapes the output is not used: each
    runtime dependency in pyproject.toml is in cache.LIBRARIES, but the watcher `serve` uses."""
    import re
    from pathlib import Path

    from site_builder.cache import LIBRARIES, _installed

    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]
    names = {re.sub(r"[-_.]+", "_", re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower())
             for requirement in project["dependencies"]}
    assert names - {"watchfiles"} == set(LIBRARIES.values())
    for module, distribution in LIBRARIES.items():
        assert len(_installed(module, distribution)) == 3, module  # found, with its version


@pytest.mark.parametrize("count", [0, 1, 2, 3])
def test_json_lines_is_a_json_list_with_one_record_per_line(count):
    import json

    from site_builder.structured import json_line, json_lines

    records = [{"slug": f"cerita-{i}", "words": i} for i in range(count)]
    data = json_lines([json_line(r) for r in records])
    assert json.loads(data) == records
    assert data.decode().split("\n") == ["[", *(json.dumps(r, sort_keys=True) + "," for r in records[:-1]),
                                         *(json.dumps(r, sort_keys=True) for r in records[-1:]), "]", ""]


@pytest.mark.parametrize("value, digits, language, expected", [
    (10234, 0, "id", "10.234"), (11.5, 1, "id", "11,5"), (0.0, 1, "id", "0,0"), (1234567.25, 2, "id", "1.234.567,25"),
    (10234, 0, "en", "10,234"), (11.5, 1, "en-GB", "11.5"), (999, 0, "id", "999"), (10234.5, 1, "fr", "10234.5"),
])
def test_numbers_are_written_as_the_sites_language_writes_them(value, digits, language, expected):
    assert numerals.number(value, digits, language) == expected


def test_a_signed_number_keeps_pythons_sign():
    assert [numerals.number(v, 2, "id", signed=True) for v in (0.35, -0.35, 0.0, -0.001)] == \
        ["+0,35", "-0,35", "+0,00", "-0,00"]
    assert [numerals.number(v, 2, "id", signed=True) for v in (0.35, -0.35, 0.0, -0.001)] == \
        [f"{v:+.2f}".replace(".", ",") for v in (0.35, -0.35, 0.0, -0.001)]


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_an_indonesian_number_reads_back_as_the_number(value, digits):
    written = numerals.number(value, digits, "id")
    assert float(written.replace(".", "").replace(",", ".")) == float(f"{value:.{digits}f}")
    whole = written.split(",")[0]
    assert all(len(group) == 3 for group in whole.split(".")[1:]) and 1 <= len(whole.split(".")[0]) <= 3


def test_articles_json_with_lines_changed_in_place_is_what_looking_up_every_line_makes(tmp_path, monkeypatch):
    """KeptLines.made_of where the stories are the ones of the kept file, at the same places
    (_made_in_place): the same bytes, and the same record of each line's digest and start for the
    next build, as looking up every line's digest makes; lines that grow, shrink, or all but one."""
    import random
    from types import SimpleNamespace

    from site_builder import articles_kept
    from site_builder.articles_kept import KeptLines
    from site_builder.structured import json_lines
    from site_builder.write import Spliced, file_stamp

    out, url = tmp_path / "_site", "data/articles.json"
    (out / "data").mkdir(parents=True)
    (tmp_path / ".site-cache").mkdir()  # (as a build has made it by then)
    rng = random.Random(38)
    versions = {f"s{i}": 0 for i in range(40)}

    def stories():
        return [SimpleNamespace(slug=slug, cache_digest=f"{slug}-{version}") for slug, version in versions.items()]

    def line(story) -> bytes:
        return ('{"slug": "%s"%s}' % (story.slug, ', "x": 1' * int(story.cache_digest.split("-")[1]))).encode()

    def made(in_place: bool):
        if not in_place:
            monkeypatch.setattr(articles_kept, "_differing", lambda *args: None)
        kept = KeptLines(tmp_path)
        given = kept.made_of(stories(), line)
        monkeypatch.undo()
        return (given.read() if isinstance(given, Spliced) else given), kept

    data, kept = made(in_place=True)  # nothing kept yet: every line made
    for round_ in range(40):
        (out / url).write_bytes(data)
        kept.save(out, url, {url: file_stamp((out / url).stat())})
        changing = rng.sample(sorted(versions), [1, 2, 5, len(versions) - 1][round_ % 4])
        for slug in changing:
            versions[slug] = rng.randrange(4)  # (the same version again: a line that did not change)
        looked_up, by_lookup = made(in_place=False)
        data, kept = made(in_place=True)
        assert isinstance(KeptLines(tmp_path).made_of(stories(), line), Spliced)  # (the kept file is used)
        assert data == looked_up == json_lines([line(story) for story in stories()])
        assert kept.made[0] == by_lookup.made[0] and kept.made[1].tolist() == by_lookup.made[1].tolist()


def test_the_page_cache_reads_back_what_it_saved_whether_whole_or_as_the_changes_since(tmp_path):
    """PageCache.save writes the entries that changed and the pages gone, where they are few, and
    every entry now and then; a cache opened after it reads back what a save of every entry would
    have kept. The changes of another generation are not read."""
    import pickle
    import random

    from site_builder.cache import PageCache

    (tmp_path / "templates").mkdir()

    def opened():
        return PageCache(tmp_path, tmp_path / "_site", tmp_path / "templates", {})

    rng = random.Random(38)
    expected = {f"p{i}.html": (("page.html", f"k{i}"), bytes(32), (i, i, i)) for i in range(600)}
    cache = opened()
    for url, (key, digest, _) in expected.items():
        cache.put(url, key, b"")
        cache.entries[url] = (key, digest)
    cache.save({url: entry[2] for url, entry in expected.items()})
    kinds = []
    for number in range(60):
        cache = opened()
        assert cache.previous == expected, number
        written, urls = {}, list(cache.previous)
        rendered = set(rng.sample(urls, rng.choice([0, 1, 3, 40])))
        gone = set(rng.sample(urls, rng.choice([0, 0, 1, 2])))
        restored = set(rng.sample(urls, rng.choice([0, 0, 2])))  # kept, its file's stamp moved
        for url in urls:
            if url in gone:
                continue
            if url in rendered:
                cache.entries[url] = (("page.html", f"k{number}"), bytes([number]) * 32)
                written[url] = (number, 7, number)
            else:
                cache.entries[url] = cache.previous[url]
                written[url] = (0, 0, number) if url in restored else cache.previous[url][2]
        for added in range(rng.choice([0, 0, 1])):
            url = f"new-{number}-{added}.html"
            cache.entries[url], written[url] = (("page.html", "new"), bytes(32)), (1, 1, 1)
        changes_before = cache.changes_path.stat().st_mtime_ns if cache.changes_path.exists() else None
        cache.save(written)
        expected = {url: (entry[0], entry[1], written[url]) for url, entry in cache.entries.items() if url in written}
        kinds.append("changes" if cache.changes_path.exists() and
                     cache.changes_path.stat().st_mtime_ns != changes_before else "whole")
    assert opened().previous == expected
    assert "changes" in kinds and "whole" in kinds[1:]  # the changes piled up, then every entry was kept whole
    stored = pickle.loads(opened().path.read_bytes())
    opened().changes_path.write_bytes(pickle.dumps({"generation": "another", "changed": {}, "gone": set(expected)}))
    assert opened().previous == stored["pages"] != {}
