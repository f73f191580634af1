"""content/people.yaml and content/sources.yaml: who and what the analysis recognises."""
from __future__ import annotations

from site_builder import fields
from site_builder.errors import Problem
from site_builder.load import RawFile
from site_builder.models import Gazetteer, Person, Place, Source
from site_builder.schema import Field, check_fields
from site_builder.yamltext import parse_yaml

SIDES = ("US", "DPRK", "ROK", "Russia", "other")
SOURCE_KINDS = ("wire", "broadcaster", "state media", "newspaper", "photo agency")


def _one_of(choices):
    def check(value):
        if value not in choices:
            return None, f"{value!r} is not one of {', '.join(choices)}"
        return value, None
    return check


PERSON = (
    Field("id", fields.slug, True, "id: donald-trump"),
    Field("name", fields.text, True, "name: Donald Trump"),
    Field("aliases", fields.text_list, True, "aliases: [Trump, Donald Trump]"),
    Field("role", fields.text, True, "role: Presiden AS"),
    Field("side", _one_of(SIDES), True, "side: US"),
)
PLACE = (
    Field("id", fields.slug, True, "id: pyongyang"),
    Field("name", fields.text, True, "name: Pyongyang"),
    Field("aliases", fields.text_list, True, "aliases: [Pyongyang]"),
    Field("country", _one_of(SIDES), True, "country: DPRK"),
)
SOURCE = (
    Field("id", fields.slug, True, "id: reuters"),
    Field("name", fields.text, True, "name: Reuters"),
    Field("aliases", fields.text_list, True, "aliases: [Reuters]"),
    Field("kind", _one_of(SOURCE_KINDS), True, "kind: wire"),
    Field("country", fields.text, True, "country: UK"),
)
PEOPLE_FILE = (
    Field("people", lambda v: (v, None) if isinstance(v, list) else (None, "list the people"), True, "people: [...]"),
    Field("places", lambda v: (v, None) if isinstance(v, list) else (None, "list the places")),
    Field("reporting_verbs", fields.text_list, True, "reporting_verbs: [kata, ujar]"),
    Field("introducing", fields.text_list, True, "introducing: [mengatakan, menurut]"),
)
SOURCES_FILE = (
    Field("sources", lambda v: (v, None) if isinstance(v, list) else (None, "list the sources"), True, "sources: [...]"),
    Field("cues", fields.text_list, True, "cues: [dikutip dari, dilaporkan]"),
)


def parse_gazetteer(people_raw: RawFile | None, sources_raw: RawFile | None):
    """Returns (gazetteer, errors, warnings); a missing file means nothing of its kind is recognised."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    values: dict = {}
    if people_raw:
        top = _top(people_raw, PEOPLE_FILE, errors, warnings)
        values["people"] = _items(people_raw, top, "people", PERSON, Person, errors, warnings)
        values["places"] = _items(people_raw, top, "places", PLACE, Place, errors, warnings)
        values["reporting_verbs"] = top.get("reporting_verbs", ())
        values["introducing"] = top.get("introducing", ())
    if sources_raw:
        top = _top(sources_raw, SOURCES_FILE, errors, warnings)
        values["sources"] = _items(sources_raw, top, "sources", SOURCE, Source, errors, warnings)
        values["cues"] = top.get("cues", ())
    return Gazetteer(**values), errors, warnings


def _top(raw: RawFile, schema, errors, warnings) -> dict:
    doc, problems = parse_yaml(raw.text, raw.path)
    errors += problems
    if doc is None or not isinstance(doc.data, dict):
        if doc is not None:
            errors.append(Problem(raw.path, 1, None, "must be fields such as people: [...]"))
        return {}
    clean, errs, warns = check_fields(doc.data, schema, doc, raw.path)
    errors += errs
    warnings += warns
    return {**clean, "_doc": doc}


def _items(raw: RawFile, top: dict, key: str, schema, model, errors, warnings) -> tuple:
    items = []
    for index, data in enumerate(top.get(key) or ()):
        if not isinstance(data, dict):
            errors.append(Problem(raw.path, top["_doc"].line(key, index), key, "each entry must be fields"))
            continue
        label = f"{key}.{data.get('id') or index + 1}"
        clean, errs, warns = check_fields(data, schema, top["_doc"], raw.path, (key, index), label)
        errors += errs
        warnings += warns
        if not errs:
            items.append(model(**clean))
    return tuple(items)
