"""Indonesian date lines and dated references, parsed by a small tested parser."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from site_builder.dates import DAYS

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "pebruari": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8,
    "agu": 8, "agt": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "oct": 10, "november": 11, "nov": 11, "nopember": 11, "desember": 12, "des": 12, "dec": 12,
}
ZONES = {"WIB": 7, "WITA": 8, "WIT": 9}
WEEKDAYS = {name.lower(): index for index, name in enumerate(DAYS)} | {"ahad": 6, "jum'at": 4}

_WEEKDAY = r"(?:(?P<weekday>Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu|Ahad),?\s+)?"
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_LINE = re.compile(
    _WEEKDAY + r"(?P<day>\d{1,2})(?:\s+(?P<month>" + _MONTH + r")\.?\s+|/(?P<month_number>\d{1,2})/)(?P<year>\d{4})"
    r"(?:,?\s*(?:pukul\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:\s*(?P<zone>WIB|WITA|WIT))?)?",
    re.IGNORECASE,
)
DATED_REFERENCE = re.compile(
    r"(?P<weekday>Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu|Ahad)\s*"
    r"\((?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})\)", re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    value: datetime | date
    text: str  # the words it was read from
    zone_assumed: bool = False  # a time without a zone: WIB was assumed


def parse_date_line(text: str) -> FoundDate | None:
    """The first Indonesian date in `text`, with its time and zone when given."""
    match = DATE_LINE.search(text)
    if not match:
        return None
    try:
        month = MONTHS[match["month"].lower()] if match["month"] else int(match["month_number"])
        day = date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None
    if match["hour"] is None:
        return FoundDate(day, match.group(0))
    zone = (match["zone"] or "WIB").upper()
    offset = timezone(timedelta(hours=ZONES[zone]))
    try:
        moment = datetime(day.year, day.month, day.day, int(match["hour"]), int(match["minute"]), tzinfo=offset)
    except ValueError:
        return None
    return FoundDate(moment, match.group(0).strip(), zone_assumed=match["zone"] is None)


def dated_references(text: str) -> list[FoundDate]:
    """References such as 'Kamis (10/12/2020)' whose weekday agrees with the date."""
    found = []
    for match in DATED_REFERENCE.finditer(text):
        try:
            day = date(int(match["year"]), int(match["month"]), int(match["day"]))
        except ValueError:
            continue
        if _weekday_fits(match["weekday"], day) and 1990 <= day.year <= 2100:
            found.append(FoundDate(day, match.group(0)))
    return found


def _weekday_fits(weekday: str | None, day: date) -> bool:
    return weekday is None or WEEKDAYS[weekday.lower()] == day.weekday()
