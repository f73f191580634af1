"""Which engagement events each story refers to, with the sentence that shows it."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from site_builder.analysis.text import matches_rule, sentences
from site_builder.models import Event


@dataclass(frozen=True)
class EventMention:
    event: Event
    evidence: str  # the first sentence of the story that matches one of the event's rules


_WORD = re.compile(r"\w+")


class WordList:
    """The distinct words of a text in lower case, sorted."""

    def __init__(self, text: str):
        self.words = sorted(set(_WORD.findall(text.lower())))

    def may_start(self, term: str) -> bool:
        """False only when no word of the text starts with the term's first word, so the term
        cannot match (terms match at the start of a word, in any case)."""
        head = _WORD.match(term.lower())
        if head is None:
            return True  # a term that starts with punctuation: no shortcut
        i = bisect_left(self.words, head.group(0))
        return i < len(self.words) and self.words[i].startswith(head.group(0))


def events_in(paragraphs, events) -> tuple[EventMention, ...]:
    """Events in date order, each with its first matching sentence.

    A sentence can only match a rule whose every group has a term that starts some word of the
    story, so only those rules are tried sentence by sentence; the story's words, sorted, answer
    that question with a binary search instead of a search of the text.
    """
    words = WordList(" ".join(paragraphs))
    story_sentences = [s for paragraph in paragraphs for s in sentences(paragraph)]
    mentions = []
    for event in events:
        rules = [r for r in event.match if all(any(words.may_start(t) for t in group) for group in r)]
        found = rules and next((s for s in story_sentences if any(matches_rule(s, r) for r in rules)), None)
        if found:
            mentions.append(EventMention(event, found))
    return tuple(mentions)
