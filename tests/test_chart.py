"""The engagement chart: figure data, plotly.js delivery, text alternative and data files."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from site_builder import chart
from site_builder.pipeline import render_site
from site_builder.models import Event
from site_builder.project import Project
from site_builder.reporter import BufferReporter

REPO = Path(__file__).resolve().parent.parent
BUNDLE = REPO / "static" / "vendor" / "plotly-basic.min.js"


@pytest.fixture(scope="module")
def site():
    return render_site(Project.at(REPO), BufferReporter(), base_url="https://user.github.io/repo/")


def figure(site) -> dict:
    html = site["timeline.html"].decode()
    return json.loads(re.search(r'<script type="application/json" id="engagement-figure">(.*?)</script>',
                                html, re.S).group(1))


def test_bundled_plotly_js_is_the_version_plotly_py_expects():
    from plotly.offline import get_plotlyjs_version

    header = BUNDLE.read_text("utf-8")[:200]
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}" in header
    css = (REPO / "static" / "vendor" / "plotly.css").read_text("utf-8")
    assert f"plotly.js {get_plotlyjs_version()} (basic bundle)" in css


def test_one_marker_per_event_and_one_per_story(site):
    events = json.loads(site["data/events.json"])
    stories = json.loads(site["data/articles.json"])
    traces = figure(site)["data"]
    event_points = [p for t in traces if t.get("legendgroup") == "events" for p in t["customdata"]]
    story_points = [p for t in traces if t.get("legendgroup") == "stories" for p in t["customdata"]]
    assert sorted(p[0] for p in event_points) == sorted(f"#event-{e['id']}" for e in events)
    assert sorted(p[0] for p in story_points) == sorted(s["url"] for s in stories)
    assert len(events) >= 30


def test_click_targets_exist(site):
    html = site["timeline.html"].decode()
    for trace in figure(site)["data"]:
        for point in trace.get("customdata") or []:
            target = point[0]
            if target.startswith("#"):
                assert f'id="{target[1:]}"' in html
            else:
                assert target in site


def test_hover_shows_date_title_kind_tone_and_story_count(site):
    summit = next(t for t in figure(site)["data"] if t.get("name") == "pertemuan puncak")
    singapore = next(p for p in summit["customdata"] if p[0] == "#event-singapore-summit")
    assert singapore[1:] == ["12 Juni 2018", "KTT pertama Trump–Kim di Singapura", "pertemuan puncak", "+2", 4]
    assert "%{customdata[5]}" in summit["hovertemplate"]


def test_engagement_index_halves_the_weight_every_half_life():
    def event(day, tone):
        return Event(f"e{day}", day, "day", "t", "t", "statement", tone, "r", "d", ((("x",),),), ())

    events = [event(date(2020, 1, 1), 2), event(date(2020, 1, 1) + chart.timedelta(days=180), -2)]
    assert chart.engagement_index(events, date(2019, 12, 31)) is None
    assert chart.engagement_index(events, date(2020, 1, 1)) == 2
    # at the second event the first weighs 0.5 and the second 1: (0.5*2 + 1*-2) / 1.5
    assert chart.engagement_index(events, date(2020, 6, 29)) == pytest.approx(-2 / 3, abs=0.001)


def test_figure_is_deterministic_and_has_no_random_ids(site):
    text = json.dumps(figure(site), sort_keys=True)
    assert '"uid"' not in text
    again = render_site(Project.at(REPO), BufferReporter(), base_url="https://user.github.io/repo/")
    assert again["timeline.html"] == site["timeline.html"]


def test_plotly_loads_only_on_the_chart_page(site):
    for url, data in site.items():
        if url.endswith(".html"):
            assert ("plotly-basic.min" in data.decode()) == (url == "timeline.html"), url


def test_text_alternative_and_table(site):
    html = site["timeline.html"].decode()
    assert 'aria-describedby="chart-summary"' in html
    summary = re.search(r'<figcaption id="chart-summary">(.*?)</figcaption>', html, re.S).group(1)
    events = json.loads(site["data/events.json"])
    assert f"Grafik memuat {len(events)} peristiwa" in summary
    warm = sum(1 for e in events if e["tone"] > 0)
    assert f"{warm} bernada hangat" in summary
    for event in events:
        assert f'<tr id="event-{event["id"]}">' in html


def test_events_csv_has_one_row_per_event_with_referring_stories(site):
    rows = list(csv.DictReader(io.StringIO(site["data/events.csv"].decode())))
    events = json.loads(site["data/events.json"])
    assert [r["id"] for r in rows] == [e["id"] for e in events]
    singapore = next(r for r in rows if r["id"] == "singapore-summit")
    assert len(singapore["stories"].split()) == 4
    assert 'href="data/events.csv"' in site["timeline.html"].decode()


def test_every_outside_source_has_publisher_title_url_and_date(site):
    for event in json.loads(site["data/events.json"]):
        for item in event["evidence"]:
            if "source" in item:
                assert item["url"].startswith(("https://", "http://"))
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["date"])
                assert ", " in item["source"]  # "Publisher, title"


def test_several_stories_of_one_outlet_in_a_month_share_one_marker_linking_to_the_archive(make_site):
    story = "---\ntitle: Berita {n}\noutlet: tempo\npublished: 2024-03-{day:02d}\n---\nTrump dan Kim bertemu.\n"
    project = make_site({f"content/articles/maret-{n}.md": story.format(n=n, day=n + 1) for n in range(3)})
    files = render_site(project, BufferReporter())
    tempo = next(t for t in figure(files)["data"] if t.get("name") == "Tempo.co")
    march = [p for p in tempo["customdata"] if p[0] == "archive/2024.html"]
    assert march == [["archive/2024.html", "3 berita bulan ini; klik untuk membuka arsip tahunnya", "Maret 2024"]]
    assert tempo["x"][tempo["customdata"].index(march[0])] == "2024-03-15"
    assert all(p[0] in files for p in tempo["customdata"])  # every marker still leads somewhere


def test_a_months_marker_links_to_the_archive_page_listing_its_newest_story(make_site, monkeypatch):
    from site_builder import pages

    monkeypatch.setattr(pages, "ARCHIVE_PAGE", 2)  # 2021, newest first: April 2, April 1 | March 3, 2 | March 1
    story = "---\ntitle: Berita {n}\noutlet: tempo\npublished: 2021-{month:02d}-{day:02d}\n---\nTrump dan Kim bertemu.\n"
    extra = {f"content/articles/maret-{n}.md": story.format(n=n, month=3, day=n + 1) for n in range(3)}
    extra.update({f"content/articles/april-{n}.md": story.format(n=n, month=4, day=n + 1) for n in range(2)})
    files = render_site(make_site(extra), BufferReporter())
    tempo = next(t for t in figure(files)["data"] if t.get("name") == "Tempo.co")
    links = {day: point[0] for day, point in zip(tempo["x"], tempo["customdata"])}
    assert links["2021-03-15"] == "archive/2021-2.html" and links["2021-04-15"] == "archive/2021.html"
    assert "maret-2.html" in files["archive/2021-2.html"].decode()


def test_a_marker_links_to_its_archive_page_where_time_zones_interleave_two_years(make_site, monkeypatch):
    """The site is in order of instants, the archives by each story's own year: 00:30 and 01:00 on
    1 January 2021 in Jakarta come before 20:00 on 31 December 2020 in London."""
    from site_builder import pages

    monkeypatch.setattr(pages, "ARCHIVE_PAGE", 1)  # 2021, newest first: februari, satu, nol
    story = "---\ntitle: Berita {n}\noutlet: tempo\npublished: {moment}\n---\nTrump dan Kim bertemu.\n"
    moments = {"nol": "2021-01-01T00:30:00+07:00", "satu": "2021-01-01T01:00:00+07:00",
               "london": "2020-12-31T20:00:00+00:00", "februari": "2021-02-01T10:00:00+07:00"}
    files = render_site(make_site({f"content/articles/{n}.md": story.format(n=n, moment=moment)
                                   for n, moment in moments.items()}), BufferReporter())
    tempo = next(t for t in figure(files)["data"] if t.get("name") == "Tempo.co")
    links = {day: point[0] for day, point in zip(tempo["x"], tempo["customdata"])}
    assert links["2021-01-15"] == "archive/2021-2.html"  # the newest of January, "satu", is second in 2021
    assert "satu.html" in files["archive/2021-2.html"].decode()


def test_the_index_line_hovers_in_indonesian(site):
    index = figure(site)["data"][0]
    assert index["name"] == "Indeks keterlibatan" and len(index["text"]) == len(index["x"]) > 12
    months = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
    for text, x, y in zip(index["text"], index["x"], index["y"]):
        month, value = text.split(": ")
        assert re.fullmatch(rf"({months}) {x[:4]}", month) and value == f"{y:.2f}".replace(".", ",")
    assert "%{y" not in index["hovertemplate"] and "%{x" not in index["hovertemplate"]


def _story_trace_with_plotly(outlet, points, lane, colour, t) -> dict:
    """What chart.story_trace stands for: plotly's own JSON of the trace (chart.py before it was
    made without plotly)."""
    import plotly.graph_objects as go

    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=[day for day, _ in points], y=[lane] * len(points),
        mode="markers", name=outlet.name, legendgroup="stories", legendgrouptitle={"text": t["chart_stories"]},
        marker={"color": colour, "symbol": "circle-open", "size": 12, "line": {"width": 3}},
        customdata=[data for _, data in points],
        hovertemplate="<b>%{customdata[1]}</b><br>" + outlet.name + ", %{customdata[2]}<extra></extra>"))
    return figure.to_plotly_json()["data"][0]


@pytest.mark.parametrize("name, titles", [
    ("Tempo", ["Kim sinis"]),
    ("Kompas <TV> & \"Medcom\"", ["Trump–Kim: \u201cpertemuan\u201d <b>", "€ 1.000", "\u0000 ganjil", ""]),
    ("Serambinews", [f"Berita {i}" for i in range(300)]),
])
def test_a_story_trace_is_what_plotly_makes_of_it(name, titles):
    from site_builder.models import Outlet
    from site_builder.strings import Strings

    outlet = Outlet("o", name, "o.example", "national", "online")
    t = Strings({"chart_stories": "Berita"}, "id")
    points = [(f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}", [f"../stories/{i}.html", title, f"{i} Jan"])
              for i, title in enumerate(titles)]
    for lane, colour in ((-2.8, "#0072B2"), (-3.25, "#D55E00")):
        assert chart.story_trace(outlet, points, lane, colour, t) == _story_trace_with_plotly(
            outlet, points, lane, colour, t)


def test_the_figure_is_the_one_plotly_draws_with_every_trace(site):
    """The base drawn with plotly and the stories' traces added after it (chart.with_stories) give
    the figure plotly gives with the stories' traces added to it."""
    import plotly.graph_objects as go

    project = Project.at(REPO)
    drawn = []
    real = chart.with_stories

    def keep(base, markers, t):
        drawn.append((base, markers, t))
        return real(base, markers, t)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chart, "with_stories", keep)
        render_site(project, BufferReporter(), base_url="https://user.github.io/repo/")
    base, markers, t = drawn[0]
    whole = go.Figure(data=base["data"], layout=base["layout"])
    for position, (lane, outlet, points) in enumerate(markers.lanes):
        whole.add_trace(go.Scatter(_story_trace_with_plotly(outlet, points, chart._lane(lane),
                                                            chart.OUTLET_COLOURS[position], t)))
    expected = whole.to_plotly_json()
    assert chart.with_stories(base, markers, t)["data"] == expected["data"]
    assert base["layout"] == expected["layout"]
    assert figure(site)["data"] == json.loads(json.dumps(expected["data"]))
