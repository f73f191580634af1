"""Split a Markdown file into its YAML front matter and its body."""
from __future__ import annotations

from typing import NamedTuple

from site_builder.errors import Problem
from site_builder.load import RawFile
from site_builder.yamltext import YamlDoc, parse_yaml

FENCE = "---"


class Document(NamedTuple):
    path: str
    meta: YamlDoc
    body: str
    body_line: int  # file line on which the body starts


def split_front_matter(raw: RawFile) -> tuple[Document | None, list[Problem]]:
    lines = raw.text.split("\n")
    if lines[0].rstrip() != FENCE:
        return None, [Problem(raw.path, 1, None,
                              "no front matter: start the file with a line '---', the fields, then '---'")]
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() == FENCE), None)
    if closing is None:
        return None, [Problem(raw.path, 1, None,
                              "front matter is not closed: add a line '---' after the last field")]
    doc, problems = parse_yaml("\n".join(lines[1:closing]), raw.path, first_line=2)
    if doc is None:
        return None, problems
    if not isinstance(doc.data, dict):
        return None, problems + [Problem(raw.path, 2, None,
                                         "front matter must be fields of the form 'name: value'")]
    body = "\n".join(lines[closing + 1:]).strip("\n") + "\n"
    body_start = closing + 2 + _leading_blank_lines(lines[closing + 1:])
    return Document(raw.path, doc, body, body_start), problems


def _leading_blank_lines(lines: list[str]) -> int:
    count = 0
    for line in lines:
        if line.strip():
            break
        count += 1
    return count
