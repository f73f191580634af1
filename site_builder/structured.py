"""Machine-readable outputs: JSON-LD, the open data file, robots.txt."""
from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

from markupsafe import Markup

from site_builder import dates, urls
from site_builder.models import Site

if TYPE_CHECKING:  # (articles_kept.py uses json_lines)
    from site_builder.articles_kept import KeptLines


def dump_json(data) -> bytes:
    """Stable bytes: sorted keys, fixed indentation, a final newline."""
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def json_line(record) -> bytes:
    return json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")


LINES_OPEN, LINES_BETWEEN, LINES_CLOSE = b"[\n", b",\n", b"\n]\n"  # json_lines' framing


def json_lines(lines: list) -> bytes:
    """A long list as stable bytes, one record (json_line) per line: quick to write (no
    indentation to compute) and to compare from one build to the next. The brackets go on the
    first and last lines."""
    return b"".join(framed_lines(lines))


def framed_lines(lines: list) -> tuple:
    """json_lines' pieces: the lines between its brackets and separators, as they are (bytes, or
    for articles_kept.py ranges of the last build's file)."""
    if not lines:
        return (b"[\n]\n",)
    pieces = [LINES_OPEN]
    for line in lines:
        pieces += (line, LINES_BETWEEN)
    pieces[-1] = LINES_CLOSE
    return tuple(pieces)


def script_json(data) -> Markup:
    """JSON safe inside a <script type="application/ld+json"> element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return Markup(text)


def news_article(story, site: Site) -> Markup:
    article = story.article
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": dates.iso_full(article.published),
        "inLanguage": article.language,
        "publisher": {"@type": "Organization", "name": story.outlet.name},
        "author": [{"@type": "Person", "name": name} for name in article.authors],
        "wordCount": story.body.words,
    }
    if story.summary:
        data["description"] = story.summary
    if site.base_url:
        data["url"] = urls.absolute(story.url, site.base_url)
    if article.original_url:
        data["isBasedOn"] = article.original_url
    return script_json(data)


def articles_json(stories, kept: KeptLines | None = None) -> bytes:
    """One line per story; with `kept`, the lines of stories unchanged since the last build come
    from the last build's file (at 10,000 stories, making them all took 0.6 s)."""
    if kept is None:
        return json_lines([_article_line(s) for s in stories])
    return kept.made_of(stories, _article_line)


def _article_line(story) -> bytes:
    return json_line(_article_record(story))


def _article_record(s) -> dict:
    return {
        "slug": s.article.slug,
        "url": s.url,
        "title": s.article.title,
        "outlet": s.outlet.key,
        "outlet_name": s.outlet.name,
        "published": dates.iso(s.article.published),
        "authors": list(s.article.authors),
        "editors": list(s.article.editors),
        "language": s.article.language,
        "section": s.article.section,
        "summary": s.article.summary,
        "words": s.body.words,
        "original_url": s.article.original_url,
        "provenance": dict(s.article.provenance),
        **findings_record(s),
    }


def findings_record(story) -> dict:
    """The analysis of one story, as open data."""
    found = story.findings
    return {
        "quotes": [{"speaker": q.speaker.name if q.speaker else None,
                    "side": q.speaker.side if q.speaker else None, "text": q.text} for q in found.statements],
        "terms": list(found.terms),
        "sources": [{"id": m.source.id, "name": m.source.name, "kind": m.source.kind, "evidence": m.evidence}
                    for m in found.sources],
        "photo_credits": list(found.photo_credits),
        "events": [{"id": m.event.id, "evidence": m.evidence} for m in found.events],
        "people": [{"id": n.item.id, "name": n.item.name, "side": n.item.side, "mentions": n.count}
                   for n in found.people],
        "places": [{"id": n.item.id, "name": n.item.name, "mentions": n.count} for n in found.places],
        "shared_quotes": [{"story": q.other.slug, "outlet": q.other.outlet_name,
                           "text": " ".join(w for w, _ in q.mine), "other_text": " ".join(w for w, _ in q.theirs),
                           "similarity": q.similarity} for q in story.shared_quotes],
        "reused_passages": [{"story": r.other.slug, "outlet": r.other.outlet_name, "text": r.mine,
                             "other_text": r.theirs, "similarity": r.similarity, "first_published_by": r.first}
                            for r in story.reused_passages],
    }


def outlets_json(comparison, kept=None) -> bytes:
    """The outlet comparison's figures, as open data: one record an outlet, as `dump_json` would
    write the list of them. `kept(figures, make)`: an outlet's record as make(figures) gives it,
    or as a build before kept it (pages.py); by default, made."""
    records = [kept(figures, outlet_record) if kept else outlet_record(figures) for figures in comparison.outlets]
    if not records:
        return dump_json([])
    return b"[\n" + b",\n".join(records) + b"\n]\n"


def outlet_record(f) -> bytes:
    """An outlet's record (comparison.OutletFigures) in outlets.json: indented as an item of the list."""
    record = {
        "outlet": f.outlet.key, "name": f.outlet.name, "domain": f.outlet.domain, "group": f.outlet.group,
        "medium": f.outlet.medium, "stories": [s.article.slug for s in f.stories],
        "first_published": dates.iso(f.first.article.published) if f.first else None,
        "last_published": dates.iso(f.last.article.published) if f.last else None,
        "words": f.words, "median_words": f.median_words, "statements": f.statements,
        "speakers": [{"name": p.name if p else None, "side": p.side if p else None, "statements": n}
                     for p, n in f.speakers],
        "statements_by_side": {str(side): n for side, n in sorted(f.sides.items(), key=lambda kv: str(kv[0]))},
        "sources": [{"id": s.id, "name": s.name, "kind": s.kind, "stories": n} for s, n in f.sources],
        "photo_credits": [{"name": name, "stories": n} for name, n in f.credits],
        "events": {event_id: story.article.slug for event_id, (story, _) in sorted(f.events.items())},
        "framing": {group: {"matches": total, "per_1000_words": rate, "terms": terms}
                    for group, (total, rate, terms) in f.framing.items()},
    }
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, indent=2)
    return ("  " + text.replace("\n", "\n  ")).encode("utf-8")  # (JSON's strings hold no line break)


def event_records(events, slugs: dict[str, list[str]]) -> list[dict]:
    """Each event as open data, with the slugs of the stories that refer to it (`slugs`, by event
    id, oldest first: views.stories_by_event), for events_json and events_csv."""
    return [{
        "id": e.id, "date": dates.event_iso(e.date, e.precision), "precision": e.precision, "title": e.title,
        "title_en": e.title_en, "kind": e.kind, "tone": e.tone, "tone_reason": e.tone_reason,
        "description": e.description, "stories": slugs.get(e.id, []),
        "evidence": [{k: v for k, v in item._asdict().items() if v} for item in e.evidence],
    } for e in events]


def events_json(records: list[dict]) -> bytes:
    """The events' `event_records`."""
    return dump_json(records)


def events_csv(records: list[dict]) -> bytes:
    """The events' `event_records`, one row per event; evidence as 'source (url)' or 'article:
    quote', joined with ' | '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "date", "precision", "title", "title_en", "kind", "tone", "tone_reason", "stories", "evidence"])
    for r in records:
        evidence = " | ".join(f"{e['article']}: {e['quote']}" if "article" in e else f"{e['source']} ({e['url']})"
                              for e in r["evidence"])
        writer.writerow([r["id"], r["date"], r["precision"], r["title"], r["title_en"], r["kind"], r["tone"],
                         r["tone_reason"], " ".join(r["stories"]), evidence])
    return out.getvalue().encode("utf-8")


def robots_txt(base_url: str) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {urls.absolute(urls.SITEMAP, base_url)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def lastmod(stories) -> dict[str, str]:
    """Sitemap last-modified dates: a story's own date; listing pages the newest story's."""
    by_url = {s.url: s.article.published.isoformat()[:10] for s in stories}
    newest = max(by_url.values(), default="")
    return {"default": newest, **by_url}
