"""Sources a story relies on (named with a citing cue) and the agencies credited for its photo."""
from __future__ import annotations

import re
from typing import NamedTuple

from site_builder.analysis.names import AliasIndex
from site_builder.analysis.text import AnyCase, sentences
from site_builder.models import Source

CUE_WINDOW = 50  # characters before a source's name in which a cue must stand


class SourceMention(NamedTuple):
    source: Source
    evidence: str  # the sentence that cites it, or "wires:" when only the front matter names it


class SourceFinder:
    def __init__(self, gazetteer):
        self.index = AliasIndex(gazetteer.sources)
        cues = "|".join(sorted(map(re.escape, gazetteer.cues), key=len, reverse=True)) or "(?!)"
        self.cue = re.compile(rf"(?<!\w)(?:{cues})(?!\w)", re.IGNORECASE)
        self.cue_texts = AnyCase(gazetteer.cues) if gazetteer.cues else None

    def cited(self, paragraphs, wires=()) -> list[SourceMention]:
        """Sources in citing sentences, in order of first citation, then any only named in wires."""
        found: dict[str, SourceMention] = {}
        for paragraph in paragraphs:
            if not self._may_name(paragraph):
                continue
            for sentence in sentences(paragraph):
                if not self._may_cite(sentence):
                    continue
                for mention in self.index.find(sentence):
                    window = sentence[max(0, mention.start - CUE_WINDOW):mention.start]
                    if self.cue.search(window) and mention.item.id not in found:
                        found[mention.item.id] = SourceMention(mention.item, sentence)
        for wire in wires:
            for mention in self.index.find(wire):
                found.setdefault(mention.item.id, SourceMention(mention.item, "wires: " + wire))
        return list(found.values())

    def _may_name(self, paragraph: str) -> bool:
        """False when no source is named in the paragraph, and so in none of its sentences (a
        name found in a sentence is found at the same place in its paragraph): sources are named
        in about one paragraph in eight, and looking at each sentence of the others for a cue
        and a name took a worker 0.04 ms a story of about 1.7 at 10,000 stories."""
        return self.index.named_in(paragraph)

    def _may_cite(self, sentence: str) -> bool:
        """False only when the sentence cannot cite a source: no cue's text is anywhere in it, so
        none is in the window before a name (most sentences; finding the names in each took a
        fifth of the work on a story at 10,000 stories)."""
        return self.cue_texts is not None and self.cue_texts.may_be_in(sentence)

    def credits(self, credit: str) -> list[str]:
        """Names of the agencies in a photo credit; the credit as written when none is known."""
        named = [m.item.name for m in self.index.find(credit)]
        return list(dict.fromkeys(named)) or ([credit] if credit else [])
