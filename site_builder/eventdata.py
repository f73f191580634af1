"""content/events.yaml: the engagement events, checked field by field and against the stories."""
from __future__ import annotations

import re
from datetime import date

from site_builder import fields
from site_builder.errors import Problem
from site_builder.load import RawFile
from site_builder.models import Article, Event, Evidence
from site_builder.schema import Field, check_fields
from site_builder.yamltext import parse_yaml

KINDS = ("summit", "talks", "letter", "statement", "weapons-test", "pressure", "alignment", "transition")


def event_date(value):
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return (date.fromisoformat(text + "-01"), "month"), None
        return (date.fromisoformat(text), "day"), None
    except ValueError:
        return None, f"{text!r} is not a date; write 2019-06-30, or 2019-06 with precision: month"


def kind(value):
    if value not in KINDS:
        return None, f"{value!r} is not a kind; use one of {', '.join(KINDS)}"
    return value, None


def tone(value):
    if isinstance(value, bool) or value not in (-2, -1, 0, 1, 2):
        return None, f"{value!r} is not a tone; use a whole number from -2 (hostile) to 2 (warm)"
    return value, None


def precision(value):
    if value not in ("day", "month"):
        return None, f"{value!r} is not a precision; use day or month"
    return value, None


def match_rules(value):
    hint = "write rules as [[term, term], [term]]: every group must have one of its terms"
    if not isinstance(value, list) or not value:
        return None, hint
    rules = []
    for rule in value:
        if not isinstance(rule, list) or not rule:
            return None, hint
        groups = []
        for group in rule:
            terms, error = fields.text_list(group)
            if error or not terms:
                return None, hint
            groups.append(terms)
        rules.append(tuple(groups))
    return tuple(rules), None


def evidence(value):
    if not isinstance(value, list) or not value:
        return None, "list at least one {article: SLUG, quote: ...} or {source: ..., url: ..., date: ...}"
    items = []
    for item in value:
        mapping, error = fields.text_mapping(item)
        values = dict(mapping or ())
        if error or not ({"article", "quote"} <= set(values) or {"source", "url", "date"} <= set(values)):
            return None, "each item needs article and quote, or source, url and date"
        if "url" in values and fields.web_url(values["url"])[1]:
            return None, f"url: {fields.web_url(values['url'])[1]}"
        items.append(Evidence(**{k: v for k, v in values.items() if k in Evidence._fields}))
    return tuple(items), None


EVENT = (
    Field("id", fields.slug, True, "id: singapore-summit"),
    Field("date", event_date, True, "date: 2018-06-12"),
    Field("precision", precision),
    Field("title", fields.text, True, "title: KTT Trump–Kim di Singapura"),
    Field("title_en", fields.text, True, "title_en: Trump–Kim summit in Singapore"),
    Field("kind", kind, True, "kind: summit"),
    Field("tone", tone, True, "tone: 2"),
    Field("tone_reason", fields.text, True, "tone_reason: …"),
    Field("description", fields.text, True, "description: …"),
    Field("match", match_rules, True, "match: [[[Singapura], [bertemu, KTT]]]"),
    Field("evidence", evidence, True, "evidence: [{article: SLUG, quote: …}]"),
)


def parse_events(raw: RawFile | None):
    """Returns (events oldest first, errors, warnings)."""
    if raw is None:
        return (), [], []
    doc, errors = parse_yaml(raw.text, raw.path)
    if doc is None:
        return (), errors, []
    if not isinstance(doc.data, list):
        return (), errors + [Problem(raw.path, 1, None, "list the events, each starting with '- id:'")], []
    events, warnings, seen = [], [], {}
    for index, data in enumerate(doc.data):
        if not isinstance(data, dict):
            errors.append(Problem(raw.path, doc.line(index), None, "each event must be fields (id, date, …)"))
            continue
        label = str(data.get("id") or f"event {index + 1}")
        clean, errs, warns = check_fields(data, EVENT, doc, raw.path, (index,), label)
        warnings += warns
        if clean.get("id") in seen:
            errs.append(Problem(raw.path, doc.line(index, "id"), "id",
                                f"{clean['id']!r} is already used at line {seen[clean['id']]}; ids must be unique"))
        errors += errs
        if not errs:
            seen[clean["id"]] = doc.line(index)
            events.append(_event(clean, doc.line(index)))
    return tuple(sorted(events, key=lambda e: (e.date, e.id))), errors, warnings


def _event(clean: dict, line: int) -> Event:
    (day, found_precision) = clean.pop("date")
    clean["precision"] = clean.get("precision", found_precision)
    return Event(date=day, line=line, **clean)


def check_evidence(events, articles: list[Article], path: str) -> list[Problem]:
    """Every quoted passage must stand verbatim in the story it names."""
    cited = {item.article for event in events for item in event.evidence if item.article}
    bodies = {a.slug: (a.source, " ".join(a.body.split())) for a in articles if a.slug in cited}
    problems = []
    for event in events:
        for item in event.evidence:
            if not item.article:
                continue
            if item.article not in bodies:
                problems.append(Problem(path, event.line, "evidence", f"event {event.id!r} cites article "
                                        f"{item.article!r}, which does not exist; use the file name of a story"))
            elif " ".join(item.quote.split()) not in bodies[item.article][1]:
                problems.append(Problem(path, event.line, "evidence", f"event {event.id!r}: the quote "
                                        f"{item.quote[:50]!r}… is not in {bodies[item.article][0]}; "
                                        "copy the passage exactly as it stands in the story"))
    return problems
