"""The built site in a real browser: every page under /repo/ and from disk, the chart, the 404 page,
and hostile content that never runs."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browsing import html_pages, serve, stop, visit

from site_builder.build import build
from site_builder.reporter import BufferReporter

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_every_page_loads_cleanly_at_phone_width(browser, served):
    folder, base = served
    for url in html_pages(folder):
        page, report = visit(browser, base + url)
        scroll = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        page.close()
        assert report == {"console": [], "failed": [], "outside": [], "bad_status": []}, url
        assert scroll <= 0, f"{url} scrolls sideways by {scroll}px at 360px"


def test_tables_fit_their_box_on_phones_and_desktops(browser, served):
    """A table wider than its box hides columns (and the end of its caption) behind a sideways
    scroll that nothing on the page hints at: on phones the tables stack, row by row."""
    _, base = served
    for url in ("outlets.html", "timeline.html"):
        for width in (320, 360, 390, 1280):
            page, _ = visit(browser, base + url, width)
            boxes = page.evaluate("[...document.querySelectorAll('.table-scroll')]"
                                  ".map(e => [e.querySelector('caption').textContent, e.scrollWidth - e.clientWidth])")
            page.close()
            assert len(boxes) >= (5 if url == "outlets.html" else 1)
            assert [(caption, over) for caption, over in boxes if over > 0] == [], (url, width)


def test_chart_draws_one_marker_per_event_and_per_story(browser, served):
    folder, base = served
    expected = len(json.loads((folder / "data/events.json").read_text())) + \
        len(json.loads((folder / "data/articles.json").read_text()))
    for width in (390, 1280):
        page, report = visit(browser, base + "timeline.html", width)
        if width < 900:  # phones load plotly.js only when asked
            loaded = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
            assert not [name for name in loaded if "plotly-basic" in name]
            page.click("text=Tampilkan grafik interaktif")
        page.wait_for_selector(".cartesianlayer .scatterlayer .points path")
        markers = page.evaluate("document.querySelectorAll('.cartesianlayer .scatterlayer .points path').length")
        page.close()
        assert report["console"] == [] and report["outside"] == []
        assert markers == expected


def test_the_charts_dates_are_in_indonesian(browser, served):
    """plotly.js writes its axis in English unless a locale is registered (chart.py, chart.js)."""
    _, base = served
    page, report = visit(browser, base + "timeline.html", 1280)
    page.wait_for_selector(".cartesianlayer .scatterlayer .points path")
    page.click(".updatemenu-button >> text=2025")
    page.wait_for_timeout(500)
    ticks = page.evaluate("[...document.querySelectorAll('.xtick text')].map(t => t.textContent)")
    page.close()
    assert report["console"] == []
    assert "Mei 2025" in ticks and not any("May" in tick for tick in ticks), ticks


def test_pages_open_from_disk_with_styles_and_working_links(browser, served):
    folder, _ = served
    for url in html_pages(folder):
        page, report = visit(browser, (folder / url).as_uri())
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        targets = page.evaluate("[...document.querySelectorAll('a[href], link[href], script[src]')]"
                                ".map(e => (e.href || e.src).split('#')[0]).filter(h => h.startsWith('file:'))")
        broken = [t for t in targets if not Path(unquote(urlsplit(t).path)).is_file()]
        page.close()
        assert background == "rgb(251, 250, 247)", url  # the stylesheet's --bg: the hashed CSS loaded
        assert report["console"] == [] and report["failed"] == [], url
        assert broken == [], url


def test_navigation_works_from_disk(browser, served):
    folder, _ = served
    page, _ = visit(browser, (folder / "stories" / "2020-02-trump-enggan-bertemu-kim.html").as_uri())
    page.click("nav >> text=Media")
    assert page.url.endswith("/outlets.html")
    page.close()


def test_404_page_links_work_at_any_depth(browser, served):
    _, base = served
    page, _ = visit(browser, base + "no/such/page.html")
    page.click("text=Kembali ke beranda")
    assert page.url == base + "index.html"
    page.close()


def test_hostile_content_never_runs(browser, make_site, tmp_path):
    flag = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>{{ 7*7 }}'
    story = ("---\n" f"title: '{flag}'\noutlet: tempo\npublished: 2020-02-12\nauthors: ['{flag}']\n"
             f"summary: '{flag}'\nimage: {{caption: '{flag}', credit: x}}\n---\n{flag}\n\n[klik](https://x.y/\"onclick=\"window.__pwned=1)\n")
    outlets = ("tempo:\n  name: '" + flag + "'\n  domain: tempo.co\n  group: g\n  medium: m\n"
               "kompas-tv:\n  name: K\n  domain: kompas.tv\n  group: g\n  medium: m\n")
    events = (f"- id: hostile\n  date: 2020-02-01\n  title: '{flag}'\n  title_en: '{flag}'\n  kind: statement\n"
              f"  tone: 0\n  tone_reason: '{flag}'\n  description: '{flag}'\n  match: [[[Isi, window]]]\n"
              f"  evidence:\n    - {{source: '{flag}', url: 'https://x.y/?a=\"><script>window.__pwned=1</script>', "
              "date: 2020-02-01}\n")
    project = make_site({"content/articles/trump-enggan.md": story, "content/outlets.yaml": outlets,
                         "content/events.yaml": events})
    site_yaml = project.content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace(
        "  footer: 'Arsip analitis", "  footer: '" + flag.replace("'", "''") + " Arsip analitis"))
    out = tmp_path / "_site"
    build(project, out, BufferReporter())
    server, base = serve(out)
    try:
        for url in html_pages(out):
            page, _ = visit(browser, base + url)
            assert page.evaluate("document.body.textContent.includes('<script>window.__pwned=1</script>')"), url
            assert page.evaluate("window.__pwned === undefined"), url
            assert page.evaluate("document.querySelectorAll('[onerror], [onclick]').length") == 0, url
            page.close()
    finally:
        stop(server)
