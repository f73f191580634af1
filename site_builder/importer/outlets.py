"""Which outlet published the page: from --outlet, the dateline, a URL, a footer or a house style."""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from site_builder.errors import SiteError
from site_builder.importer.extract import Extracted
from site_builder.importer.rules import outlet_signatures
from site_builder.models import Outlet


@dataclass(frozen=True)
class OutletFinding:
    outlet: Outlet
    how: str  # for provenance, in Indonesian
    review: bool = False  # weak evidence, or a new outlet added to outlets.yaml
    new: bool = False


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _names(outlet: Outlet) -> set[str]:
    return {_norm(n) for n in (outlet.key, outlet.name, outlet.domain, *outlet.aliases)} - {""}


def find_outlet(found: Extracted, outlets, chosen: str | None, path: str) -> OutletFinding:
    by_key = {o.key: o for o in outlets}
    if chosen:
        if chosen not in by_key:
            raise SiteError(f"{path}: --outlet: unknown outlet {chosen!r}; use one of "
                            f"{', '.join(sorted(by_key))} or add it to content/outlets.yaml")
        return OutletFinding(by_key[chosen], "Dipilih editor dengan --outlet.")
    for finder in (_from_dateline, _from_urls, _from_footer, _from_signature):
        finding = finder(found, outlets)
        if finding:
            return finding
    if found.dateline_outlet:
        return _new_outlet(found)
    raise SiteError(f"{path}: no outlet found (no dateline, known domain or byline style); "
                    f"pass --outlet KEY with one of {', '.join(sorted(by_key))}")


def _from_dateline(found: Extracted, outlets):
    wanted = _norm(found.dateline_outlet)
    for outlet in outlets:
        if wanted and wanted in _names(outlet):
            return OutletFinding(outlet, f'Dari dateline "{found.dateline.text}" (baris {found.dateline.number}).')
    return None


def _from_urls(found: Extracted, outlets):
    for number, url in found.urls:
        host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0].lower()
        for outlet in outlets:
            if host == outlet.domain or host.endswith("." + outlet.domain):
                return OutletFinding(outlet, f"Dari domain alamat di halaman, {host} (baris {number}).")
    return None


def _from_footer(found: Extracted, outlets):
    """An alias standing in a line of page furniture, such as a network's copyright footer."""
    for line in found.dropped + ([found.stop] if found.stop else []) + _after_stop(found):
        for outlet in outlets:
            for alias in outlet.aliases:
                if len(alias) > 4 and re.search(r"(?<!\w)" + re.escape(alias) + r"(?!\w)", line.text, re.I):
                    return OutletFinding(outlet, f'Dari catatan kaki "{line.text[:60]}" (baris {line.number}).',
                                         review=True)
    return None


def _after_stop(found: Extracted) -> list:
    return [line for line in found.lines if found.stop and line.number > found.stop.number]


def _from_signature(found: Extracted, outlets):
    for outlet, pattern in outlet_signatures(outlets):
        for line in found.lines:
            if pattern.search(line.text):
                return OutletFinding(outlet, f'Halaman tidak menyebut nama media. Disimpulkan dari baris '
                                     f'"{line.text}" (baris {line.number}), gaya khas {outlet.name}.', review=True)
    return None


def _new_outlet(found: Extracted) -> OutletFinding:
    name = found.dateline_outlet
    key = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    domain = name.lower() if "." in name else "belum diketahui"
    outlet = Outlet(key=key, name=name, domain=domain, group="perlu diperiksa", medium="daring", aliases=(name,))
    how = f'Dari dateline "{found.dateline.text}" (baris {found.dateline.number}); media baru, ditambahkan ke outlets.yaml.'
    return OutletFinding(outlet, how, review=True, new=True)


def outlet_yaml(outlet: Outlet) -> str:
    """The block appended to outlets.yaml for a new outlet, flagged for review."""
    fields = {"name": outlet.name, "domain": outlet.domain, "group": outlet.group,
              "medium": outlet.medium, "aliases": list(outlet.aliases)}
    block = yaml.safe_dump({outlet.key: fields}, allow_unicode=True, sort_keys=False)
    return "\n# Added by site-builder import: check name, domain, group and medium.\n" + block
