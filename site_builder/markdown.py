"""Markdown to safe HTML: raw HTML is shown as text, unsafe links are refused with their line."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from itertools import filterfalse
from typing import TYPE_CHECKING

from site_builder.errors import Problem

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

WORDS_PER_MINUTE = 200  # a common estimate for reading news prose; see the methodology page
SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def word_count(text: str) -> int:
    """How many words _WORD finds in `text`. A part of the text between whitespace that is all
    letters and digits is one word (re's \\w is what str.isalnum() takes, and "_"; no word spans
    whitespace), so only the other parts are searched: about 0.06 against 0.1 ms a story of the
    benchmark's (tested against the search on arbitrary text)."""
    parts = text.split()
    others = list(filterfalse(str.isalnum, parts))
    return len(parts) - len(others) + len(_WORD.findall(" ".join(others)))


class BodyText:
    """What lists and meta descriptions show of a body (needs `words` and `lead`)."""
    __slots__ = ()

    def excerpt(self, limit: int = 220) -> str:
        """The lead cut at a word boundary, for lists and meta descriptions."""
        if len(self.lead) <= limit:
            return self.lead
        return self.lead[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class RenderedBody(BodyText):
    html: str
    words: int
    paragraphs: tuple[str, ...] = ()  # plain text of each paragraph, for the analysis

    @property
    def lead(self) -> str:
        """Plain text of the first paragraph."""
        return self.paragraphs[0] if self.paragraphs else ""


@cache
def _parser() -> MarkdownIt:
    """The Markdown parser, made (and markdown-it imported: 30-40 ms) only when a body needs it."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = lambda url: True  # we refuse bad links ourselves, with a message

    def link_open(renderer, tokens, idx, options, env):
        if _SCHEME.match(tokens[idx].attrGet("href") or ""):
            tokens[idx].attrSet("rel", "noopener noreferrer")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def render_markdown(body: str, path: str, first_line: int) -> tuple[RenderedBody, list[Problem]]:
    """The body's HTML, words and paragraphs, and its refused links and images (with their line)."""
    plain = plain_paragraphs(body)
    if plain is not None:
        return _render_plain(plain), []
    return _render_parsed(body, path, first_line)


# Prose Markdown leaves as it is: no character that starts inline markup (emphasis, code, links,
# images, autolinks, raw HTML, entities, escapes, hard breaks) or that the parser rewrites, and no
# line that could start a block (a heading, quote, list, code, rule) or a hard break. Most news
# bodies are only that; parsing them took a sixth of the work on each story at 10,000 stories.
# Left out for safety though harmless alone: `[` or `]` (a link needs both), DEL.
_MARKUP = re.compile(r"[\\`*_\[\]<>&\x00-\x08\x0b-\x1f\x7f]")  # and control characters but tab and newline
_PLAIN_OPENERS = "\"'“‘("  # besides letters, what a plain line may start with


def plain_paragraphs(body: str) -> list[str] | None:
    """The body's paragraphs as written (lines joined by newlines) when the body is plain prose
    that Markdown turns into paragraphs of the same text; None when it may hold any markup.
    Checked against the parser on arbitrary text (tests/test_shortcuts.py)."""
    if _MARKUP.search(body):
        return None
    paragraphs, lines = [], []
    for line in body.split("\n"):
        if not line:
            if lines:
                paragraphs.append("\n".join(lines))
                lines = []
        elif (line[0].isalpha() or line[0] in _PLAIN_OPENERS) and not line[-1].isspace():
            lines.append(line)
        else:
            return None
    if lines:
        paragraphs.append("\n".join(lines))
    return paragraphs


def _render_plain(paragraphs: list[str]) -> RenderedBody:
    """What the parser makes of plain_paragraphs: the same HTML, words and paragraph texts."""
    html = "".join("<p>" + text.replace('"', "&quot;") + "</p>\n" for text in paragraphs)  # < > & are not there
    words = sum(map(word_count, paragraphs))
    return RenderedBody(html, words, tuple(" ".join(text.split()) for text in paragraphs))


def _render_parsed(body: str, path: str, first_line: int) -> tuple[RenderedBody, list[Problem]]:
    parser = _parser()
    tokens = parser.parse(body)
    problems = []
    words = 0
    paragraphs = []
    for index, block in enumerate(tokens):
        if block.type != "inline":
            continue
        if tokens[index - 1].type == "paragraph_open":
            text = "".join(" " if t.type.endswith("break") else t.content for t in block.children or ())
            paragraphs.append(" ".join(text.split()))
        line = first_line + (block.map[0] if block.map else 0)
        for token in block.children or ():
            if token.type in ("text", "code_inline"):
                words += word_count(token.content)
            problem = _check_target(token, path, line)
            if problem:
                problems.append(problem)
    html = parser.renderer.render(tokens, parser.options, {})
    return RenderedBody(html, words, tuple(paragraphs)), problems


def _check_target(token, path: str, line: int) -> Problem | None:
    if token.type == "link_open":
        href = token.attrGet("href") or ""
        scheme = _SCHEME.match(href)
        if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
            return Problem(path, line, "body", f"link to {href[:40]!r} is refused: only http, https "
                           "and mailto links and links within the site are allowed")
    if token.type == "image":
        src = token.attrGet("src") or ""
        if _SCHEME.match(src) or src.startswith("//"):
            return Problem(path, line, "body", f"image {src[:60]!r} is on another site; pages load "
                           "nothing from other sites: remove it, or keep its caption in image:")
    return None
