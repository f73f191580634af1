"""Helpers that read built HTML the way tests need it: visible text, links, elements."""
from __future__ import annotations

from html.parser import HTMLParser

BLOCKS = {"p", "h1", "h2", "h3", "h4", "li", "dt", "dd", "tr", "caption", "title", "summary",
          "header", "footer", "nav", "section", "article", "div", "blockquote", "ol", "ul", "table", "th", "td"}
SKIP = {"script", "style"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.elements: list[tuple[str, dict]] = []
        self.skipping = 0

    def flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        for name in ("href", "src"):
            if attributes.get(name) is not None:
                self.links.append((tag, name, attributes[name]))
        if tag in SKIP:
            self.skipping += 1
        if tag in BLOCKS or tag == "br":
            self.flush()

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skipping -= 1
        if tag in BLOCKS:
            self.flush()

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data)


def read_html(text: str) -> _Reader:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    reader.flush()
    return reader


def visible_text(text: str) -> list[str]:
    return read_html(text).lines
