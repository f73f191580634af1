"""The import rules: content/import.yaml plus what outlets.yaml says of each outlet, compiled."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from site_builder import fields
from site_builder.errors import Problem, SiteError
from site_builder.load import RawFile
from site_builder.models import Outlet
from site_builder.schema import Field, check_fields
from site_builder.yamltext import parse_yaml

Patterns = tuple[re.Pattern, ...]


@dataclass(frozen=True)
class Rules:
    furniture: Patterns
    stop: Patterns
    trailing: Patterns
    sections: tuple[str, ...]
    photo_credits: tuple[str, ...]
    datelines: Patterns
    bylines: Patterns
    wire_lines: Patterns
    mastheads: frozenset[str] = frozenset()  # lower-case outlet names: a line that is only a name is furniture

    def with_outlets(self, outlets) -> "Rules":
        """The generic rules, knowing the outlets' names and aliases as mastheads."""
        names = {n.lower() for o in outlets for n in (o.name, o.domain, *o.aliases)}
        return replace(self, mastheads=frozenset(names))

    def with_outlet(self, outlet: Outlet | None) -> "Rules":
        """These rules plus the furniture patterns of one outlet."""
        if outlet is None or not outlet.furniture:
            return self
        extra = tuple(_compile(p) for p in outlet.furniture)
        return replace(self, furniture=self.furniture + extra)


def _compile(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def _patterns(value):
    items, error = fields.text_list(value)
    if error:
        return None, error
    try:
        return tuple(_compile(p) for p in items), None
    except re.error as exc:
        return None, f"not a valid regular expression ({exc}); check brackets and escapes"


RULES = (
    Field("furniture", _patterns, True, "furniture: ['^baca juga']"),
    Field("stop", _patterns, True, "stop: ['^berita terkait$']"),
    Field("trailing", _patterns, True, "trailing: ['\\s*\\[\\]$']"),
    Field("sections", fields.text_list, True, "sections: [Luar Negeri]"),
    Field("photo_credits", fields.text_list, True, "photo_credits: [REUTERS, AFP]"),
    Field("datelines", _patterns, True, "datelines: ['^(?P<outlet>TEMPO.CO), ...']"),
    Field("bylines", _patterns, True, "bylines: ['^penulis: (?P<authors>.+)$']"),
    Field("wire_lines", _patterns, True, "wire_lines: ['^sumber: (?P<wire>.+)$']"),
)


def parse_rules(raw: RawFile) -> Rules:
    doc, problems = parse_yaml(raw.text, raw.path)
    if doc is None or not isinstance(doc.data, dict):
        raise SiteError(problems or [Problem(raw.path, 1, None, "must be fields such as furniture: [...]")])
    clean, errors, _ = check_fields(doc.data, RULES, doc, raw.path)
    if errors:
        raise SiteError(errors)
    return Rules(**clean)


def outlet_signatures(outlets) -> list[tuple[Outlet, re.Pattern]]:
    found = []
    for outlet in outlets:
        for pattern in outlet.signatures:
            try:
                found.append((outlet, _compile(pattern)))
            except re.error as exc:
                raise SiteError(f"content/outlets.yaml: {outlet.key}.signatures: {pattern!r} is not a valid "
                                f"regular expression ({exc})") from None
    return found
