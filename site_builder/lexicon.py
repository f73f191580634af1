"""content/lexicon.yaml: groups of framing terms for the outlet comparison."""
from __future__ import annotations

from typing import NamedTuple

from site_builder import fields
from site_builder.errors import Problem
from site_builder.load import RawFile
from site_builder.schema import Field, check_fields
from site_builder.yamltext import parse_yaml


class TermGroup(NamedTuple):
    id: str
    label: str
    terms: tuple[str, ...]


GROUP = (
    Field("id", fields.slug, True, "id: diplomacy"),
    Field("label", fields.text, True, "label: Diplomasi"),
    Field("terms", fields.text_list, True, "terms: [diplomasi, perundingan]"),
)


def parse_lexicon(raw: RawFile | None):
    """Returns (groups, errors, warnings); no file means no framing table."""
    if raw is None:
        return (), [], []
    doc, errors = parse_yaml(raw.text, raw.path)
    if doc is None or not isinstance(doc.data, dict) or not isinstance(doc.data.get("groups"), list):
        return (), errors or [Problem(raw.path, 1, "groups", "list the term groups under groups:")], []
    groups, warnings = [], []
    for index, data in enumerate(doc.data["groups"]):
        if not isinstance(data, dict):
            errors.append(Problem(raw.path, doc.line("groups", index), "groups", "each group must be fields"))
            continue
        clean, errs, warns = check_fields(data, GROUP, doc, raw.path, ("groups", index),
                                          f"groups.{data.get('id') or index + 1}")
        errors += errs
        warnings += warns
        if not errs and any(group.id == clean["id"] for group in groups):
            errors.append(Problem(raw.path, doc.line("groups", index, "id"), f"groups.{clean['id']}.id",
                                  "another group has this id; give each group its own"))
        elif not errs and not clean["terms"]:
            errors.append(Problem(raw.path, doc.line("groups", index, "terms"), f"groups.{clean['id']}.terms",
                                  "list at least one term, e.g. terms: [diplomasi, perundingan]"))
        elif not errs:
            groups.append(TermGroup(**clean))
    return tuple(groups), errors, warnings
