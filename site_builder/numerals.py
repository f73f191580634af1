"""Numbers as the site's language writes them: 10.234 and 11,5 in Indonesian, 10,234 and 11.5 in
English. A page in Indonesian that showed "11.5" would say eleven and a half in a way its readers
write thousands."""
from __future__ import annotations

SEPARATORS = {"id": (".", ","), "en": (",", ".")}  # language -> (thousands, decimal)
OTHERWISE = ("", ".")  # a language not listed: no grouping, a decimal point


def separators(language: str) -> tuple[str, str]:
    """(thousands, decimal) of the language; tags like "id-ID" count as their language."""
    return SEPARATORS.get(language.split("-")[0].lower(), OTHERWISE)


def number(value: float, digits: int = 0, language: str = "id", signed: bool = False) -> str:
    """`value` with `digits` decimals and the language's separators; with `signed`, a + before
    a positive value (and zero), as Python's format does."""
    thousands, decimal = separators(language)
    text = f"{value:{'+' if signed else ''},.{digits}f}"  # Python writes 1,234.5
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)
