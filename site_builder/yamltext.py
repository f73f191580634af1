"""YAML parsing that keeps line numbers and leaves dates as text.

Every value comes back as plain Python data (timestamps stay strings, so the
validators decide what a date is), together with a map from each key path to
the 1-based line it stands on, so errors can point at the line to fix.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from site_builder.errors import Problem

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _TextDatesLoader(yaml.SafeLoader):
    """SafeLoader that does not turn 2020-02-12 into a date object."""

    yaml_implicit_resolvers = _RESOLVERS


class _FastTextDatesLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same with LibYAML's parser where PyYAML has it (much faster). Its error messages differ,
    so a document it rejects is parsed again by the pure-Python loader for the message."""

    yaml_implicit_resolvers = _RESOLVERS

KeyPath = tuple


@dataclass(frozen=True)
class YamlDoc:
    data: object
    lines: dict = field(default_factory=dict)  # KeyPath -> 1-based line

    def line(self, *path) -> int | None:
        """Line of the deepest known key on `path` (falls back towards the root)."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


def parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one YAML document; `first_line` is the file line the text starts on."""
    doc, problems = _parse(_FastTextDatesLoader, text, path, first_line)
    if doc is None and _FastTextDatesLoader.__mro__[1] is not yaml.SafeLoader:
        return _parse(_TextDatesLoader, text, path, first_line)
    return doc, problems


def _parse(loader_class, text: str, path: str, first_line: int) -> tuple[YamlDoc | None, list[Problem]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(None), []
        problems: list[Problem] = []
        lines: dict = {}
        _collect_lines(node, (), lines, problems, path, first_line)
        return YamlDoc(loader.construct_document(node), lines), problems
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(exc, path, first_line)]
    finally:
        loader.dispose()


def _collect_lines(node, prefix, lines, problems, path, first_line) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + first_line
            if key in seen:
                problems.append(Problem(path, line, str(key), "this key appears twice; keep one"))
            seen.add(key)
            lines[prefix + (key,)] = line
            _collect_lines(value_node, prefix + (key,), lines, problems, path, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[prefix + (index,)] = item.start_mark.line + first_line
            _collect_lines(item, prefix + (index,), lines, problems, path, first_line)


def _yaml_problem(exc: yaml.YAMLError, path: str, first_line: int) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + first_line if mark is not None else None
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return Problem(path, line, None, f"invalid YAML: {reason}; check quotes, colons and indentation")
