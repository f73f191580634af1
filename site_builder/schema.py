"""Declared schemas: which fields each kind of content has, and how each is checked."""
from __future__ import annotations

from typing import Callable, NamedTuple

from site_builder import fields
from site_builder.errors import Problem
from site_builder.yamltext import YamlDoc


class Field(NamedTuple):
    name: str
    check: Callable
    required: bool = False
    example: str = ""


def image(value):
    mapping, error = fields.text_mapping(value)
    if error:
        return None, error
    values = dict(mapping)
    unknown = sorted(set(values) - {"caption", "credit"})
    if unknown or "caption" not in values:
        return None, "write it as caption: … and credit: … (credit may be left out)"
    return (values["caption"], values.get("credit", "")), None


ARTICLE = (
    Field("title", fields.text, True, "title: Trump Ingin Bertemu Kim Jong Un"),
    Field("outlet", fields.slug, True, "outlet: tempo"),
    Field("published", fields.published, True, "published: 2024-11-23T16:05:00+07:00"),
    Field("slug", fields.slug),
    Field("authors", fields.text_list),
    Field("editors", fields.text_list),
    Field("language", fields.language),
    Field("summary", fields.text),
    Field("section", fields.text),
    Field("dateline", fields.text),
    Field("image", image),
    Field("wires", fields.text_list),
    Field("original_url", fields.web_url),
    Field("provenance", fields.text_mapping),
)

PAGE = (
    Field("title", fields.text, True, "title: Metodologi"),
    Field("slug", fields.slug),
    Field("summary", fields.text),
    Field("nav_title", fields.text),
    Field("order", fields.integer),
)

SITE = (
    Field("title", fields.text, True, "title: Trump, Kim dan Media Indonesia"),
    Field("description", fields.text, True, "description: …"),
    Field("language", fields.language, True, "language: id"),
    Field("base_url", fields.base_url),
    Field("methodology", fields.slug),
    Field("strings", fields.text_mapping, True, "strings: {home: Beranda, …}"),
)

OUTLET = (
    Field("name", fields.text, True, "name: Tempo"),
    Field("domain", fields.text, True, "domain: tempo.co"),
    Field("group", fields.text, True, "group: Tempo Media Group"),
    Field("medium", fields.text, True, "medium: online"),
    Field("aliases", fields.text_list),
    Field("furniture", fields.text_list),
    Field("signatures", fields.text_list),
)


def check_fields(data: dict, schema, doc: YamlDoc, path: str, prefix: tuple = (), label: str = ""):
    """Check `data` against `schema`. Returns (clean values, errors, unknown-key warnings).

    `prefix` is the key path of `data` in the document; `label` names it in messages.
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    clean = {}
    known = {f.name for f in schema}
    label = label or ".".join(str(p) for p in prefix)
    for field in schema:
        name = f"{label}.{field.name}" if label else field.name
        if data.get(field.name) is None:
            if field.required:
                errors.append(Problem(path, doc.line(*prefix) or 1, name,
                                      f"missing; add a line like '{field.example}'"))
            continue
        value, error = field.check(data[field.name])
        if error:
            errors.append(Problem(path, doc.line(*prefix, field.name), name, error))
        else:
            clean[field.name] = value
    for key in sorted(set(map(str, data)) - known):
        name = f"{label}.{key}" if label else key
        warnings.append(Problem(path, doc.line(*prefix, key), name,
                                f"unknown field; known fields are: {', '.join(sorted(known))}"))
    return clean, errors, warnings
