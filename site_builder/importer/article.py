"""Compose the article file: front matter with provenance, the Markdown body, notes for the editor."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import yaml

from site_builder.errors import SiteError
from site_builder.importer.dates import dated_references
from site_builder.importer.extract import Extracted
from site_builder.importer.outlets import OutletFinding

SLUG_WORDS = 6


@dataclass(frozen=True)
class Draft:
    slug: str
    text: str  # the whole article file
    notes: tuple[str, ...]  # what was found and what to check, for the editor


def compose(found: Extracted, outlet: OutletFinding, source: str, slug: str | None) -> Draft:
    if not found.body:
        raise SiteError(f"{source}: no paragraphs found; is this the text of a news page?")
    notes, provenance = [], {"source": f"{source}, diimpor dengan site-builder import"}
    title = _title(found, notes, provenance)
    published = _published(found, source, notes, provenance)
    provenance["outlet"] = outlet.how
    notes.append(f"outlet: {outlet.outlet.key} ({outlet.outlet.name})"
                 + (", new outlet added to content/outlets.yaml, please review" if outlet.new
                    else ", please review" if outlet.review else ""))
    body = [line.text for line in found.body]
    provenance["body"] = _body_note(found)
    dropped = f"lines {line_ranges(found.dropped)}" if found.dropped else "no lines"
    after = f", and everything from line {found.stop.number} ({found.stop.text!r})" if found.stop else ""
    notes.append(f"body: {len(body)} paragraphs; page furniture dropped: {dropped}{after}")
    meta = _front_matter(found, title, outlet.outlet.key, published, provenance)
    notes += _found_notes(found)
    slug = slug or make_slug(published[:7], title)
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100) + "---\n"
    text += "\n\n".join(escape_markdown(p) for p in body) + "\n"
    return Draft(slug, text, tuple(notes))


def _title(found: Extracted, notes, provenance) -> str:
    if found.title:
        return found.title.text
    first = re.split(r"(?<=[.!?])\s", found.body[0].text)[0].rstrip(".")
    provenance["title"] = (f"Halaman tidak memuat judul. Judul diambil dari kalimat pertama berita "
                           f"(baris {found.body[0].number}); periksa dan tulis judul yang tepat.")
    notes.append("title: no headline found: title taken from the first sentence, please review")
    return first


def _published(found: Extracted, source: str, notes, provenance) -> str:
    if found.published:
        value = found.published.value.isoformat()
        if found.published.zone_assumed:
            provenance["published"] = (f'Dari "{found.published.text}" (baris {found.published_line}); '
                                       "zona waktu tidak tertulis, WIB diasumsikan.")
            notes.append(f"published: {value} (no time zone given: WIB assumed, please review)")
        else:
            notes.append(f"published: {value} (line {found.published_line})")
        return value
    references = [(ref, line) for line in found.body for ref in dated_references(line.text)]
    if not references:
        raise SiteError(f"{source}: no publication date found (no date line and no dated reference such as "
                        "'Kamis (10/12/2020)'); add the date line to the file or write published: by hand")
    latest, line = max(references, key=lambda item: (item[0].value, item[1].number))
    provenance["published"] = (f'Halaman tidak memuat tanggal terbit. Disimpulkan dari rujukan bertanggal '
                               f'terakhir di dalam teks, "{latest.text}" (baris {line.number}); jamnya tidak diketahui.')
    notes.append(f"published: {latest.value.isoformat()} inferred from \"{latest.text}\" (line {line.number}), "
                 "please review")
    return latest.value.isoformat()


def _front_matter(found: Extracted, title: str, outlet: str, published: str, provenance: dict) -> dict:
    meta = {"title": title, "outlet": outlet, "published": published}
    optional = {
        "section": found.section, "summary": found.summary, "authors": found.authors,
        "editors": found.editors, "dateline": found.dateline_place.title() if found.dateline_place else "",
        "image": {"caption": found.caption, "credit": found.credit} if found.caption else None,
        "wires": found.wires,
    }
    meta.update({key: value for key, value in optional.items() if value})
    meta["provenance"] = provenance
    return meta


def _body_note(found: Extracted) -> str:
    parts = []
    if found.dateline:
        parts.append(f'Dateline "{found.dateline.text}" dihapus dari paragraf pertama.')
    if found.dropped:
        parts.append(f"Perabot halaman dibuang: baris {line_ranges(found.dropped)}.")
    if found.stop:
        parts.append(f'Semua baris mulai baris {found.stop.number} ("{found.stop.text}") dibuang.')
    return " ".join(parts) or "Tidak ada yang dibuang."


def _found_notes(found: Extracted) -> list[str]:
    notes = [f"authors: {', '.join(found.authors) or 'none found'}",
             f"editors: {', '.join(found.editors) or 'none found'}"]
    if found.caption:
        notes.append(f"image: caption and credit ({found.credit}) kept once, not in the body")
    return notes


def line_ranges(lines) -> str:
    numbers = sorted({line.number for line in lines})
    ranges, start = [], numbers[0]
    for previous, current in zip(numbers, numbers[1:] + [None], strict=True):
        if current is None or current != previous + 1:
            ranges.append(str(start) if start == previous else f"{start}-{previous}")
            start = current
    return ", ".join(ranges)


def make_slug(year_month: str, title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())[:SLUG_WORDS]
    return "-".join([year_month, *words]) if words else year_month


def escape_markdown(paragraph: str) -> str:
    """Keep the text as text: escape what Markdown would read as markup."""
    text = re.sub(r"([\\`*_\[\]<])", r"\\\1", paragraph)
    return re.sub(r"^(\d+)([.)]) ", r"\1\\\2 ", re.sub(r"^([#>+-]) ", r"\\\1 ", text))
