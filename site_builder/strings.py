"""The UI strings of content/site.yaml, with clear errors for a missing string or a bad placeholder."""
from __future__ import annotations

from site_builder import numerals
from site_builder.errors import Problem, SiteError

WHERE = "content/site.yaml"


class Strings(dict):
    def __init__(self, strings: dict, language: str = "id"):
        super().__init__(strings)
        self.language = language  # how numbers are written (numerals.py)

    def number(self, value: float, digits: int = 0, signed: bool = False) -> str:
        """A figure to fill a string with, written as the site's language writes numbers."""
        return numerals.number(value, digits, self.language, signed)

    def __missing__(self, key):
        raise SiteError(Problem(WHERE, None, f"strings.{key}", "missing; add this UI string under strings:"))

    def fill(self, key: str, **values) -> str:
        """The string `key` with its {placeholders} filled in."""
        try:
            return self[key].format(**values)
        except KeyError as missing:
            raise SiteError(Problem(WHERE, None, f"strings.{key}", f"unknown placeholder {{{missing.args[0]}}}; "
                                    f"use only {', '.join('{' + v + '}' for v in sorted(values))}")) from None
        except (ValueError, IndexError) as exc:
            raise SiteError(Problem(WHERE, None, f"strings.{key}", f"cannot be filled in ({exc}); "
                                    "write placeholders as {name} and a literal brace as {{ or }}")) from None
