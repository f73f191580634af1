"""The real site built from content/: pages, links, metadata and open data."""
from __future__ import annotations

import hashlib
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from htmltext import read_html

from site_builder.pipeline import render_site
from site_builder.project import Project
from site_builder.reporter import BufferReporter

REPO = Path(__file__).resolve().parent.parent
BASE = "https://user.github.io/repo/"


@pytest.fixture(scope="module")
def site() -> dict[str, bytes]:
    return render_site(Project.at(REPO), BufferReporter(), base_url=BASE)


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8").split("---\n")[1])


def iso(value) -> str:
    """published as written in the file: YAML reads an unquoted timestamp as a datetime."""
    return value if isinstance(value, str) else value.isoformat()


def articles() -> list[Path]:
    return sorted((REPO / "content" / "articles").glob("*.md"))


def test_one_page_per_article_and_the_site_pages(site):
    stories = sorted(u for u in site if u.startswith("stories/"))
    assert stories == [f"stories/{p.stem}.html" for p in articles()]
    for url in ("index.html", "outlets.html", "404.html", "metodologi.html", "feed.xml",
                "sitemap.xml", "robots.txt", ".nojekyll", "data/articles.json"):
        assert url in site


def test_every_internal_link_resolves_from_disk_and_under_a_sub_path(site):
    for url, data in site.items():
        if not url.endswith(".html"):
            continue
        for tag, attr, href in read_html(data.decode()).links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("#"):
                assert parts.scheme in ("https", "http", "mailto") or not parts.scheme, (url, href)
                continue
            if url == "404.html":  # served at any depth: absolute paths under the base
                assert parts.path.startswith("/repo/"), href
                target = parts.path.removeprefix("/repo/")
            else:
                assert not parts.path.startswith("/"), (url, href)
                target = posixpath.normpath(posixpath.join(posixpath.dirname(url), parts.path))
            assert target in site, f"{url}: {tag} {attr}={href} points at nothing"
            if parts.fragment and target.endswith(".html"):
                assert f'id="{parts.fragment}"' in site[target].decode(), (url, href)


def test_crawl_from_home_reaches_every_page_in_the_sitemap(site):
    sitemap = re.findall(r"<loc>(.*?)</loc>", site["sitemap.xml"].decode())
    expected = {loc.removeprefix(BASE) for loc in sitemap}
    seen, queue = set(), ["index.html"]
    while queue:
        url = queue.pop()
        if url in seen or not url.endswith(".html"):
            continue
        seen.add(url)
        for _, _, href in read_html(site[url].decode()).links:
            if not urlsplit(href).scheme and not href.startswith("#"):
                queue.append(posixpath.normpath(posixpath.join(posixpath.dirname(url), href.split("#")[0])))
    assert expected <= seen
    assert all(loc.startswith(BASE) for loc in sitemap)


def test_story_pages_show_the_metadata_of_their_article(site):
    for path in articles():
        meta = front_matter(path)
        html = site[f"stories/{path.stem}.html"].decode()
        text = "\n".join(read_html(html).lines)
        assert f"<h1>{meta['title']}</h1>" in html
        assert f'<time datetime="{iso(meta["published"])}">' in html
        for name in meta.get("authors", []) + meta.get("editors", []):
            assert name in text
        if "image" in meta:
            assert meta["image"]["caption"].split()[0] in text and meta["image"]["credit"] in text
        assert f'<link rel="canonical" href="{BASE}stories/{path.stem}.html">' in html
        ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
        assert ld["@type"] == "NewsArticle" and ld["headline"] == meta["title"]


def test_indonesian_date_line_for_a_story_with_a_time(site):
    html = site["stories/2024-11-kim-sinis-pertemuan-trump.html"].decode()
    assert '<time datetime="2024-11-23T16:05:00+07:00">Sabtu, 23 November 2024, 16.05 WIB</time>' in html


def test_every_paragraph_of_the_story_is_on_its_page(site):
    for path in articles():
        body = path.read_text("utf-8").split("---\n", 2)[2]
        text = " ".join(read_html(site[f"stories/{path.stem}.html"].decode()).lines)
        for paragraph in filter(None, (p.strip() for p in body.split("\n\n"))):
            assert " ".join(paragraph.split()) in text, paragraph[:60]


def test_open_data_lists_every_story_with_its_fields(site):
    records = json.loads(site["data/articles.json"])
    assert [r["slug"] for r in records] == sorted(
        (p.stem for p in articles()), key=lambda s: next(r["published"] for r in records if r["slug"] == s))
    outlets = yaml.safe_load((REPO / "content" / "outlets.yaml").read_text("utf-8"))
    for record in records:
        meta = front_matter(REPO / "content" / "articles" / f"{record['slug']}.md")
        assert record["url"] == f"stories/{record['slug']}.html"
        assert record["title"] == meta["title"]
        assert record["outlet"] == meta["outlet"]
        assert record["outlet_name"] == outlets[meta["outlet"]]["name"]
        assert record["published"] == iso(meta["published"])
        assert record["authors"] == meta.get("authors", [])
        assert record["words"] > 100


def test_feed_is_atom_with_absolute_links_newest_first(site):
    feed = site["feed.xml"].decode()
    ids = re.findall(r"<id>(.*?)</id>", feed)
    assert ids[0] == BASE + "index.html"
    assert all(i.startswith(BASE) for i in ids)
    published = re.findall(r"<published>(.*?)</published>", feed)
    assert len(published) == len(articles())


def test_assets_carry_the_hash_of_their_content(site):
    assets = [u for u in site if u.startswith("assets/")]
    static = REPO / "static"
    assert len(assets) == sum(1 for p in static.rglob("*") if p.is_file())
    for url in assets:
        digest = re.search(r"\.([0-9a-f]{10})\.", url).group(1)
        assert hashlib.sha256(site[url]).hexdigest()[:10] == digest


def test_language_and_external_links(site):
    for url, data in site.items():
        if url.endswith(".html"):
            html = data.decode()
            assert html.startswith('<!doctype html>\n<html lang="id">'), url
            for tag in re.findall(r'<a [^>]*href="https?://[^"]*"[^>]*>', html):
                assert 'rel="noopener noreferrer"' in tag, (url, tag)


def test_without_base_url_feed_and_sitemap_are_left_out_with_a_warning():
    reporter = BufferReporter()
    files = render_site(Project.at(REPO), reporter)
    assert "feed.xml" not in files and "sitemap.xml" not in files
    assert "canonical" not in files["index.html"].decode()
    assert 'href="/index.html"' in files["404.html"].decode()
    assert any("base_url: not set" in w for w in reporter.warnings)


def test_home_lists_the_newest_stories_and_yearly_archives_list_them_all(make_site):
    from site_builder.pages import HOME_STORIES

    extra = {f"content/articles/b{i:02d}.md": f"---\ntitle: Berita {i}\noutlet: tempo\npublished: 20{19 + i % 3}-03-{1 + i:02d}\n---\nIsi {i}.\n"
             for i in range(HOME_STORIES + 3)}
    files = render_site(make_site(extra), BufferReporter())
    home = files["index.html"].decode()
    assert home.count('class="story-item"') == HOME_STORIES
    archived = sum(files[u].decode().count('class="story-item"') for u in files if u.startswith("archive/"))
    assert archived == HOME_STORIES + 3 + 2  # every story, the fixture's two included
    for url in (u for u in files if u.startswith("archive/")):
        assert f'href="{url}"' in home


def test_a_years_archive_comes_in_pages_that_link_to_each_other(make_site, monkeypatch):
    from site_builder import pages

    monkeypatch.setattr(pages, "ARCHIVE_PAGE", 2)
    extra = {f"content/articles/b{i}.md": f"---\ntitle: Berita {i}\noutlet: tempo\npublished: 2021-03-0{1 + i}\n---\nIsi {i}.\n"
             for i in range(5)}
    files = render_site(make_site(extra), BufferReporter())
    year = ["archive/2021.html", "archive/2021-2.html", "archive/2021-3.html"]
    assert sorted(u for u in files if u.startswith("archive/2021")) == sorted(year)
    listed = [re.findall(r'href="\.\./stories/(b\d)\.html"', files[url].decode()) for url in year]
    assert listed == [["b4", "b3"], ["b2", "b1"], ["b0"]]  # newest first, each story once
    titles = {re.search(r"<title>(.*?)</title>", files[url].decode()).group(1) for url in year}
    assert len(titles) == 3 and "halaman 2 dari 3" in files["archive/2021-2.html"].decode()
    for number, url in enumerate(year, 1):
        page = files[url].decode()
        pager = page[page.index('class="archive-pages"'):]
        assert re.findall(r'href="([^"]+)"', pager)[:3] == ["2021.html", "2021-2.html", "2021-3.html"]
        assert pager.count('aria-current="page"') == 1 and f'aria-current="page">{number}<' in pager
        assert 'start="' + str(5 - 2 * (number - 1)) + '"' in page
    home = files["index.html"].decode()
    assert 'href="archive/2021.html"' in home and "archive/2021-2.html" not in home
    assert 'class="archive-pages"' not in files["archive/2024.html"].decode()  # one page: no pager


def test_a_long_storys_length_is_written_as_indonesian_does(make_site):
    words = " ".join(["kata"] * 1234)
    story = f"---\ntitle: Panjang\noutlet: tempo\npublished: 2024-05-01\n---\n{words}.\n"
    files = render_site(make_site({"content/articles/panjang.md": story}), BufferReporter())
    assert "1.234 kata" in files["stories/panjang.html"].decode()
