"""Dates as Indonesian readers expect them, and as machines expect them."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
          "Agustus", "September", "Oktober", "November", "Desember")
ZONES = {7: "WIB", 8: "WITA", 9: "WIT"}
WIB = timezone(timedelta(hours=7))


def as_datetime(moment: datetime | date) -> datetime:
    """A date alone is taken as the start of that day in WIB."""
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time(0, 0), tzinfo=WIB)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)


def instant(moment: datetime | date) -> int:
    """Microseconds since 1970 (UTC), as_datetime counts the moment: orders moments as comparing
    them would, several times quicker when their time zones are different objects (as in
    stories loaded from the store, each with its own)."""
    return (as_datetime(moment) - _EPOCH) // _MICROSECOND


def iso(moment: datetime | date) -> str:
    """2024-11-23T16:05:00+07:00, or 2024-11-23 when the time is unknown."""
    return moment.isoformat()


def iso_full(moment: datetime | date) -> str:
    """Always a full timestamp, as Atom and JSON-LD require."""
    return as_datetime(moment).isoformat()


def long_id(moment: datetime | date) -> str:
    """'Sabtu, 23 November 2024, 16.05 WIB', or without the time when it is unknown."""
    day = f"{DAYS[moment.weekday()]}, {moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    if not isinstance(moment, datetime):
        return day
    return f"{day}, {moment.hour:02d}.{moment.minute:02d} {zone_name(moment)}"


def short_id(moment: datetime | date) -> str:
    """'23 Nov 2024'."""
    return f"{moment.day} {MONTHS[moment.month - 1][:3]} {moment.year}"


def zone_name(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest == 0 and hours in ZONES:
        return ZONES[hours]
    sign = "+" if offset >= timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}.{minutes % 60:02d}"


def event_label(day: date, precision: str) -> str:
    """'12 Juni 2018', or 'Juni 2018' when only the month is known."""
    month_year = f"{MONTHS[day.month - 1]} {day.year}"
    return month_year if precision == "month" else f"{day.day} {month_year}"


def event_iso(day: date, precision: str) -> str:
    """'2018-06-12', or '2018-06' when only the month is known (valid in <time datetime>)."""
    return day.isoformat()[:7] if precision == "month" else day.isoformat()
