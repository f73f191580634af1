"""The outlet comparison page and outlets.json, computed from the analysed stories."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from conftest import OUTLETS_YAML
from htmltext import read_html

from site_builder.pipeline import render_site
from site_builder.project import Project
from site_builder.reporter import BufferReporter

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site():
    return render_site(Project.at(REPO), BufferReporter(), base_url="https://user.github.io/repo/")


def table_rows(html: str, caption: str) -> list[list[str]]:
    """The body rows of the table with this caption, as lists of cell texts."""
    table = html.split(f">{caption}</caption>")[1].split("</table>")[0]
    body = table.split("<tbody>")[1]
    rows = []
    for row in body.split("</tr>")[:-1]:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([" ".join(read_html(c).lines) for c in cells])
    return rows


def test_figures_on_the_page_match_the_analysis(site):
    articles = json.loads(site["data/articles.json"])
    outlets = {o["outlet"]: o for o in json.loads(site["data/outlets.json"])}
    for key, figures in outlets.items():
        mine = [a for a in articles if a["outlet"] == key]
        assert figures["stories"] == [a["slug"] for a in reversed(mine)]
        assert figures["statements"] == sum(len(a["quotes"]) for a in mine)
        assert figures["words"] == sum(a["words"] for a in mine)
        assert {s["name"] for s in figures["sources"]} == {s["name"] for a in mine for s in a["sources"]}
        assert set(figures["events"]) == {e["id"] for a in mine for e in a["events"]}
    html = site["outlets.html"].decode()
    glance = table_rows(html, "Jumlah berita, rentang terbit, panjang, dan jumlah pernyataan per media")
    for name, count, _, median, statements in glance:
        record = next(o for o in outlets.values() if o["name"] == name)
        assert (int(count), int(median), int(statements)) == (
            len(record["stories"]), round(record["median_words"]), record["statements"])


def test_outlets_json_is_written_record_by_record_as_the_whole_list_would_be(site):
    from site_builder.structured import dump_json

    data = site["data/outlets.json"]
    assert len(json.loads(data)) == 5
    assert data == dump_json(json.loads(data))  # the records joined: the same bytes as the list dumped at once


def test_key_findings_state_what_the_data_shows(site):
    html = site["outlets.html"].decode()
    findings = html.split('id="findings-heading"')[1].split("</section>")[0]
    text = " ".join(read_html(findings).lines)
    assert "Hanya politikindonesia.id yang mengutip media pemerintah Rusia, RT." in text
    assert "Tempo.co tidak memuat satu pun kutipan pernyataan langsung" in text
    assert "Medcom.id dan Kompas TV memuat 2 kutipan Kim Jong Un yang sama" in text
    assert "politikindonesia.id memuat 2 kalimat yang hampir sama dengan berita Medcom.id yang terbit 77 hari lebih dulu." in text


def test_events_matrix_links_each_hit_to_the_evidence_in_the_story(site):
    html = site["outlets.html"].decode()
    hits = re.findall(r'<td class="hit" data-label="[^"]+"><a href="([^"]+)"', html)
    assert hits
    for href in hits:
        page, anchor = href.split("#")
        assert f'id="{anchor}"' in site[page].decode(), href


def test_the_framing_table_writes_its_decimals_as_indonesian_does(site):
    html = site["outlets.html"].decode()
    rows = table_rows(html, "Kemunculan kata per 1.000 kata, menurut kelompok kata")
    cells = [cell for row in rows for cell in row[1:]]
    assert len(cells) == 5 * 4
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*,\d", cell) for cell in cells), cells  # 11,5 not 11.5


def contents_and_sections(html: str) -> tuple[list[str], list[str]]:
    """The targets of the page's own contents list, and the ids of its section headings."""
    contents = html.split('<nav class="page-toc"')[1].split("</nav>")[0]
    return re.findall(r'href="#([^"]+)"', contents), re.findall(r'<h2 id="([^"]+)"', html)


def test_the_contents_list_every_section_of_the_page_in_order(site, make_site):
    targets, sections = contents_and_sections(site["outlets.html"].decode())
    assert len(sections) == 8 and targets == sections
    no_events = make_site({"content/events.yaml": None})  # fewer sections: no events matrix, no shared quotes
    targets, sections = contents_and_sections(render_site(no_events, BufferReporter())["outlets.html"].decode())
    assert "events-matrix-heading" not in sections and targets == sections


def test_a_new_outlet_appears_everywhere_with_no_code_change(make_site):
    antara = "antara:\n  name: ANTARA\n  domain: antaranews.com\n  group: LKBN Antara\n  medium: kantor berita\n"
    story = "---\ntitle: Pakta\noutlet: antara\npublished: 2024-06-19\n---\nTrump dan Kim bertemu di Singapura.\n"
    project = make_site({"content/outlets.yaml": OUTLETS_YAML + antara, "content/articles/pakta.md": story})
    files = render_site(project, BufferReporter())
    html = files["outlets.html"].decode()
    assert html.count('<th scope="row">ANTARA</th>') == 2  # voices and sources rows
    assert '<th scope="col" class="outlet-col">ANTARA</th>' in html  # the events matrix's column
    assert 'href="#outlet-antara">ANTARA</a>' in html  # the glance row
    assert 'id="outlet-antara"' in html  # the profile
    assert any(o["outlet"] == "antara" for o in json.loads(files["data/outlets.json"]))
    assert "3 media, satu topik" in " ".join(read_html(html).lines)


def test_key_findings_write_counts_past_999_as_indonesian_does():
    from types import SimpleNamespace

    from site_builder.key_findings import key_findings
    from site_builder.strings import Strings

    strings = yaml.safe_load((REPO / "content" / "site.yaml").read_text("utf-8"))["strings"]
    outlets = [SimpleNamespace(outlet=SimpleNamespace(name=name), statements=n, stories=["x"], sources=(),
                               sides={"US": n // 2, "DPRK": n - n // 2}, events={})
               for name, n in (("Tempo.co", 1200), ("Kompas TV", 800))]
    comparison = SimpleNamespace(outlets=outlets, events=(), quote_pairs=(("Kompas TV", "Tempo.co", "Kim", 1500, 2),),
                                 passage_pairs=(("Tempo.co", "Kompas TV", 2048, 3),))
    text = " ".join(key_findings(comparison, Strings(strings, "id")))
    assert "terbanyak: 1.200 dari 2.000 pernyataan" in text and "Dari 2.000 pernyataan" in text
    assert "1.500 kutipan Kim yang sama" in text and "2.048 kalimat yang hampir sama" in text
    assert "1.200 dari 2.000" not in " ".join(key_findings(comparison, Strings(strings, "en")))


def test_the_comparison_shows_the_newest_shared_passages_and_counts_them_all(site, monkeypatch):
    """With wire copy, shared quotes and passages grow faster than the stories: the page shows the
    newest in full and counts every one, in its note and its key findings."""
    from site_builder import comparison

    def shown(page: str, kind: str) -> int:
        return page.count(f'class="compare-title">{kind} ')

    html = site["outlets.html"].decode()
    quotes, passages = shown(html, "Kutipan yang sama"), shown(html, "Kalimat yang hampir sama")
    assert quotes >= 2 and passages >= 2 and "Di sini yang terbaru saja" not in html  # the five stories': all
    monkeypatch.setattr(comparison, "SHARED_SHOWN", 1)
    capped = render_site(Project.at(REPO), BufferReporter(), base_url="https://user.github.io/repo/")["outlets.html"]
    capped = capped.decode()
    assert shown(capped, "Kutipan yang sama") == 1 and shown(capped, "Kalimat yang hampir sama") == 1
    assert (f"Di sini yang terbaru saja: 1 dari {quotes} kutipan yang sama dan 1 dari {passages} kalimat"
            in " ".join(read_html(capped).lines))

    def findings(page: str) -> str:
        return page.split('id="findings-heading"')[1].split("</section>")[0]

    assert findings(capped) == findings(html)  # written from every pair, shown or not


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1))
def test_median_words_is_what_statistics_median_gives_value_and_type(words):
    import statistics

    from site_builder.comparison import _median

    got, expected = _median(words), statistics.median(words)
    assert got == expected and type(got) is type(expected)  # outlets.json writes 7 for an int, 7.0 for a float
