"""Fixture factories: a small site written from inline strings into tmp_path."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from browsing import browser, served  # noqa: F401  (fixtures for the browser tests)

from site_builder.project import Project

REPO = Path(__file__).resolve().parent.parent

SITE_YAML = """\
title: Test Site
description: A small site for tests.
language: id
base_url: ""
strings:
{strings}
"""

OUTLETS_YAML = """\
tempo:
  name: Tempo.co
  domain: tempo.co
  group: Tempo Media Group
  medium: daring
kompas-tv:
  name: Kompas TV
  domain: kompas.tv
  group: KG Media
  medium: televisi
"""

ARTICLE_ONE = """\
---
title: Trump Enggan Bertemu Kim
outlet: tempo
published: 2020-02-12T17:00:00+07:00
authors: [Ana Writer]
editors: [Edi Tor]
summary: Ringkasan berita pertama.
image:
  caption: Trump dan Kim di DMZ.
  credit: REUTERS
---
Paragraf pertama berita ini.

Paragraf kedua dengan [tautan](https://example.org/a) ke luar. Trump dan Kim bertemu di Singapura pada 2018.
"""

ARTICLE_TWO = """\
---
title: Kim Sinis atas Pertemuan
outlet: kompas-tv
published: 2024-11-23
---
Pemimpin Korea Utara sinis menanggapi pertemuan pertamanya.

Keduanya bertemu di Singapura, lalu di Hanoi.
"""

EVENTS_YAML = """\
- id: singapore-summit
  date: 2018-06-12
  title: KTT Singapura
  title_en: Singapore summit
  kind: summit
  tone: 2
  tone_reason: Pertemuan pertama.
  description: Trump dan Kim bertemu.
  match:
    - [[Singapura], [bertemu]]
  evidence:
    - article: trump-enggan
      quote: Trump dan Kim bertemu di Singapura pada 2018.
- id: liaison-office
  date: 2020-06
  precision: month
  title: Kantor penghubung diledakkan
  title_en: Liaison office demolished
  kind: pressure
  tone: -2
  tone_reason: Korea Utara meledakkan kantor penghubung.
  description: Kantor penghubung antar-Korea di Kaesong diledakkan.
  match:
    - [[kantor penghubung]]
  evidence:
    - source: Example Wire, Liaison office blown up
      url: https://example.org/liaison
      date: 2020-06-16
"""

PAGE = """\
---
title: Metodologi
---
Cara kami menghitung.
"""


def site_strings() -> str:
    """The UI strings of the real site, so fixture sites render with the real templates."""
    import yaml

    strings = yaml.safe_load((REPO / "content" / "site.yaml").read_text("utf-8"))["strings"]
    return "\n".join(f"  {key}: {value!r}" for key, value in sorted(strings.items()))


def default_files() -> dict[str, str]:
    return {
        "content/site.yaml": SITE_YAML.format(strings=site_strings()),
        "content/outlets.yaml": OUTLETS_YAML,
        "content/events.yaml": EVENTS_YAML,
        "content/articles/trump-enggan.md": ARTICLE_ONE,
        "content/articles/kim-sinis.md": ARTICLE_TWO,
        "content/pages/metodologi.md": PAGE,
    }


def write_files(root: Path, files: dict[str, str | bytes | None]) -> None:
    for name, data in files.items():
        path = root / name
        if data is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data) if data.startswith("\n") else data, "utf-8")


@pytest.fixture
def make_site(tmp_path):
    """make_site({path: text or None}) -> Project with the default files, changed as given."""

    def make(changes: dict | None = None, root: Path | None = None) -> Project:
        root = root or tmp_path / "site"
        shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)
        shutil.copytree(REPO / "static", root / "static", dirs_exist_ok=True)
        write_files(root, {**default_files(), **(changes or {})})
        return Project.at(root)

    return make
