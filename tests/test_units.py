"""Unit tests of the pure stages."""
from __future__ import annotations

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


def test_value_digest_is_the_same_whatever_was_digested_before():
    from site_builder.cache import value_digest

    short, long = ("Kim",), ("Trump dan Kim bertemu di Singapura pada 2018.",) * 50
    for stand_ins in (False, True):
        first = value_digest(short, stand_ins=stand_ins)
        assert value_digest(long, stand_ins=stand_ins) != first
        assert value_digest(short, stand_ins=stand_ins) == first  # nothing left of the long value
        assert value_digest((long, lambda: None), stand_ins=stand_ins) is None
        assert value_digest(short, stand_ins=stand_ins) == first  # nor of one that could not be digested


def test_a_story_views_digest_follows_every_field_of_its_outlet_links_and_what_it_shares():
    from dataclasses import fields as fields_of, replace

    from site_builder.models import Outlet, Person
    from site_builder.views import ReusedPassage, SharedQuote, StoryLink, StoryView

    def link(slug: str) -> StoryLink:
        return StoryLink(slug, f"Judul {slug}", f"stories/{slug}.html", "Tempo", "1 Jan 2020")

    outlet = Outlet("tempo", "Tempo", "tempo.co", "Tempo Media", "online")
    view = StoryView(None, outlet, None, "stories/b.html", None, previous=link("a"), next=link("c"),
                     related=(link("d"), link("e")), source_key="key-of-b")
    same = StoryView(None, replace(outlet), None, "stories/b.html", None, previous=link("a"), next=link("c"),
                     related=(link("d"), link("e")), source_key="key-of-b")
    assert view.cache_digest == same.cache_digest
    changed = [replace(view, source_key="other"), replace(view, url="stories/x.html"),
               replace(view, previous=None), replace(view, next=link("a")), replace(view, previous=link("c")),
               replace(view, related=(link("e"), link("d"))), replace(view, related=(link("d"),))]
    changed += [replace(view, outlet=replace(outlet, **{f.name: "x" if f.type == "str" else ("x",)}))
                for f in fields_of(Outlet)]
    for place in ("previous", "next"):
        changed += [replace(view, **{place: getattr(view, place)._replace(**{f: "x"})}) for f in StoryLink._fields]
    changed += [replace(view, related=(link("d")._replace(**{f: "x"}), link("e"))) for f in StoryLink._fields]
    speaker = Person("kim", "Kim Jong Un", ("Kim",), "Pemimpin", "DPRK")
    quote = SharedQuote(link("d"), speaker, ("Kami siap.", "Kami tidak siap."), 0, 0.5)
    passage = ReusedPassage(link("d"), "Kalimat ini.", "Kalimat itu.", 0.6, "Tempo", 2)
    changed += [replace(view, shared_quotes=(quote,)), replace(view, reused_passages=(passage,))]
    other = {"other": link("x"), "speaker": replace(speaker, side="US"), "texts": ("Kami siap.", "Kita siap."),
             "side": 1, "mine": "Kalimat lain.", "theirs": "Kalimat lain lagi.", "similarity": 0.7,
             "first": "Kompas TV", "days_apart": 3}
    for shared, kind in ((quote, "shared_quotes"), (passage, "reused_passages")):
        changed += [replace(view, **{kind: (shared._replace(**{f: other.get(f, "x")}),)}) for f in shared._fields]
        changed += [replace(view, **{kind: (shared._replace(other=link("d")._replace(**{f: "x"})),)})
                    for f in StoryLink._fields]
    digests = [v.cache_digest for v in changed]
    assert view.cache_digest not in digests and len(set(digests)) == len(digests)


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
