"""Field checkers: each takes a raw YAML value and returns (clean value, error or None).

An error is a sentence that says what is wrong and how to write it instead.
"""
from __future__ import annotations

import re
from datetime import date, datetime

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def text(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        return None, f"{_show(value)} is not text; write it as a word or sentence"
    return " ".join(value.split()), None


def text_list(value):
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        return None, f"{_show(value)} is not a list of names; write [Name One, Name Two]"
    cleaned = []
    for item in items:
        clean, error = text(item)
        if error:
            return None, f"every entry must be text, but {_show(item)} is not"
        cleaned.append(clean)
    return tuple(cleaned), None


def published(value):
    hint = "write it as 2020-02-12 or 2020-02-12T17:00:00+07:00"
    if not isinstance(value, str):
        return None, f"{_show(value)} is not a date; {hint}"
    value = value.strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value), None
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None, f"{_show(value)} is not a date; {hint}"
    if moment.tzinfo is None:
        return None, f"{_show(value)} has no UTC offset; add one, e.g. {value}+07:00 for WIB"
    return moment.replace(tzinfo=_ZONES.setdefault(moment.utcoffset(), moment.tzinfo)), None


# One time zone object for each UTC offset, which the stories' dates share: pickled, a shard of the
# story store then holds each once instead of once a story (at 10,000 stories, a third of the time
# their front matter took to load was spent making 10,000 equal time zones).
_ZONES: dict = {}


def slug(value):
    clean, error = text(value)
    if error or not SLUG.match(clean):
        return None, (f"{_show(value)} is not a valid slug; use lowercase letters, digits and "
                      "single hyphens, e.g. trump-kim-2020")
    return clean, None


def language(value):
    if not isinstance(value, str) or not LANGUAGE.match(value):
        return None, f"{_show(value)} is not a language code; write e.g. id or en"
    return value, None


def web_url(value):
    clean, error = text(value)
    if error or not re.match(r"^https?://[^\s/]+", clean):
        return None, f"{_show(value)} is not a web address; write it as https://…"
    return clean, None


def base_url(value):
    if value in (None, ""):
        return "", None
    clean, error = web_url(value)
    if error:
        return None, error
    return clean.rstrip("/") + "/", None


def integer(value):
    if isinstance(value, bool) or not isinstance(value, int):
        return None, f"{_show(value)} is not a whole number"
    return value, None


def text_mapping(value):
    if not isinstance(value, dict):
        return None, "must be fields of the form 'name: text'"
    cleaned = {}
    for key, item in value.items():
        clean, error = text(item)
        if error:
            return None, f"{key}: {error}"
        cleaned[str(key)] = clean
    return tuple(sorted(cleaned.items())), None


def _show(value) -> str:
    shown = repr(value) if isinstance(value, str) else str(value)
    return shown if len(shown) <= 60 else shown[:57] + "…"
