"""The stylesheet: WCAG AA contrast in both colour schemes, no outside resources, print and dark modes."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "static" / "style.css").read_text("utf-8")
PAIRS = [("text", "bg"), ("text", "surface"), ("muted", "bg"), ("muted", "surface"),
         ("accent", "bg"), ("accent", "surface")]


def variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", block))


def schemes() -> dict[str, dict[str, str]]:
    light = variables(CSS.split("@media (prefers-color-scheme: dark)")[0])
    dark_block = re.search(r"@media \(prefers-color-scheme: dark\) \{(.*?)\n\}", CSS, re.S).group(1)
    return {"light": light, "dark": {**light, **variables(dark_block)}}


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("fg, bg", PAIRS)
def test_text_colours_pass_wcag_aa(scheme, fg, bg):
    colours = schemes()[scheme]
    assert contrast(colours[fg], colours[bg]) >= 4.5


def test_contrast_formula_on_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_no_outside_resources_and_the_needed_media_blocks():
    assert "@import" not in CSS and not re.search(r"url\(\s*['\"]?(https?:)?//", CSS)
    assert "@media print" in CSS and "@media (prefers-color-scheme: dark)" in CSS
    assert ":focus-visible" in CSS
