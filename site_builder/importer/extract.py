"""Read a pasted news page line by line: metadata, photo caption, body, and what is furniture."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from site_builder.importer.dates import FoundDate, parse_date_line
from site_builder.importer.rules import Rules

MAX_TITLE_WORDS = 25
MAX_BYLINE_WORDS = 15
_URL = re.compile(r"https?://[^\s)\]]+")
_TRAILING_PARENS = re.compile(r"\s*\(\s*(?:sumber\s*:\s*)?([^()]+)\)\s*$", re.IGNORECASE)
_TRAILING_CREDIT = re.compile(r"(?<=[.!?”\"])\s+([A-Z][\w /&.-]{1,40})$")
_CAPTION_LABEL = re.compile(r"^(?:foto|ilustrasi foto|keterangan foto)\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    number: int
    text: str


@dataclass
class Extracted:
    title: Line | None = None
    section: str = ""
    summary: str = ""
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    byline: Line | None = None
    published: FoundDate | None = None
    published_line: int = 0
    dateline: Line | None = None  # the dateline text as found, e.g. "TEMPO.CO, Jakarta -"
    dateline_place: str = ""
    dateline_outlet: str = ""
    caption: str = ""
    credit: str = ""
    wires: list[str] = field(default_factory=list)
    urls: list[tuple[int, str]] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    dropped: list[Line] = field(default_factory=list)  # page furniture and repeated captions
    stop: Line | None = None  # from this line on, everything was furniture
    lines: list[Line] = field(default_factory=list)  # every non-empty line, as found


def extract(text: str, rules: Rules) -> Extracted:
    found = Extracted()
    # Runs of spaces, tabs and no-break spaces become one space.
    found.lines = [Line(n, " ".join(t.split())) for n, t in enumerate(text.split("\n"), 1) if t.strip()]
    found.urls = [(line.number, url) for line in found.lines for url in _URL.findall(line.text)]
    lines = _before_stop(found.lines, rules, found)
    dateline_at = _first_dateline(lines, rules)
    in_body, pending_credit = False, ""
    for line in lines:
        text = _trim(line.text, rules)
        if not text or _any(rules.furniture, text) or text.lower() in rules.mastheads:
            found.dropped.append(line)
        elif _byline(text, rules, found, line) or _wire(text, rules, found):
            continue
        elif (credit := caption_credit(text, rules.photo_credits)) is not None:
            _caption(found, line, *credit)
        elif in_body:
            found.body.append(Line(line.number, text))
        elif line is dateline_at:
            in_body = True
            found.body.append(Line(line.number, _cut_dateline(text, rules, found, line)))
        elif pending_credit and not found.caption and _is_sentence(text):
            found.caption, found.credit, pending_credit = text, pending_credit, ""
        else:
            in_body, pending_credit = _header_line(text, line, rules, found, dateline_at, pending_credit)
    return found


def _header_line(text, line, rules, found, dateline_at, pending_credit) -> tuple[bool, str]:
    """Classify a line above the story; returns (story has started, pending photo credit)."""
    date = parse_date_line(text) if found.published is None else None
    rest = text.replace(date.text, "").strip(" |,-–") if date else text
    if date and len(rest.split()) <= 4:
        found.published, found.published_line = date, line.number
        if _is_section(rest, rules):
            found.section = found.section or rest
    elif _is_section(rest, rules):
        found.section = rest
    elif found.title is None and not text.endswith(".") and len(text.split()) <= MAX_TITLE_WORDS:
        found.title = Line(line.number, text)
    elif found.title and _credit_only(text, rules.photo_credits):
        return False, text
    elif dateline_at is not None and not found.summary and _is_sentence(text):
        found.summary = text
    elif dateline_at is None and _is_sentence(text):
        found.body.append(Line(line.number, text))
        return True, ""
    else:
        found.dropped.append(line)
    return False, pending_credit


def _is_section(text: str, rules: Rules) -> bool:
    return text.lower() in (s.lower() for s in rules.sections)


def caption_credit(text: str, credits) -> tuple[str, str] | None:
    """(caption, credit) when the line ends with a photo credit, else None."""
    caption, credit = text, ""
    while match := _TRAILING_PARENS.search(caption):
        if not _names_credit(match.group(1), credits):
            break
        caption, credit = caption[: match.start()].rstrip(), match.group(1).strip()
    if not credit and (match := _TRAILING_CREDIT.search(text)) and _names_credit(match.group(1), credits):
        caption, credit = text[: match.start()].rstrip(), match.group(1).strip()
    caption = _CAPTION_LABEL.sub("", caption)
    return (caption, credit) if credit and caption else None


def _names_credit(text: str, credits) -> bool:
    return any(re.search(r"(?<!\w)" + re.escape(c) + r"(?!\w)", text, re.IGNORECASE) for c in credits)


def _credit_only(text: str, credits) -> bool:
    return len(text.split()) <= 12 and not _is_sentence(text) and _names_credit(text, credits)


def _caption(found: Extracted, line: Line, caption: str, credit: str) -> None:
    if found.caption:
        found.dropped.append(line)  # a later or repeated photo caption
    else:
        found.caption, found.credit = caption, credit


def _byline(text: str, rules: Rules, found: Extracted, line: Line) -> bool:
    match = _byline_match(text, rules)
    if not match:
        return False
    groups = match.groupdict()
    found.authors = found.authors or split_names(groups.get("authors"))
    found.editors = found.editors or split_names(groups.get("editors"))
    found.byline = found.byline or line
    if groups.get("date") and found.published is None:
        found.published, found.published_line = parse_date_line(groups["date"]), line.number
    return True


def _wire(text: str, rules: Rules, found: Extracted) -> bool:
    match = _match(rules.wire_lines, text)
    if match and match.group("wire").strip() not in found.wires:
        found.wires.append(match.group("wire").strip())
    return bool(match)


def split_names(text: str | None) -> list[str]:
    if not text:
        return []
    return [n.strip(" .") for n in re.split(r",|\s+dan\s+|\s*&\s*", text) if n.strip(" .")]


def _before_stop(lines: list[Line], rules: Rules, found: Extracted) -> list[Line]:
    for index, line in enumerate(lines):
        if index > 0 and _any(rules.stop, line.text):
            found.stop = line
            return lines[:index]
    return lines


def _first_dateline(lines: list[Line], rules: Rules) -> Line | None:
    for line in lines:
        text = _trim(line.text, rules)
        if _any(rules.furniture, text) or _byline_match(text, rules) or _match(rules.wire_lines, text):
            continue
        if _match(rules.datelines, text) and _is_sentence(text):
            return line
    return None


def _cut_dateline(text: str, rules: Rules, found: Extracted, line: Line) -> str:
    match = _match(rules.datelines, text)
    groups = match.groupdict()
    found.dateline = Line(line.number, match.group(0).strip())
    found.dateline_place = (groups.get("place") or "").strip()
    found.dateline_outlet = (groups.get("outlet") or "").strip()
    return text[match.end():].strip()


def _byline_match(text: str, rules: Rules):
    return _match(rules.bylines, text) if len(text.split()) <= MAX_BYLINE_WORDS else None


def _is_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", '"', "”", "’")) or len(text.split()) > 20


def _trim(text: str, rules: Rules) -> str:
    for pattern in rules.trailing:
        text = pattern.sub("", text)
    return text.strip()


def _any(patterns, text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _match(patterns, text: str):
    return next((m for p in patterns if (m := p.search(text))), None)
