"""Each story on its own: front matter, Markdown and analysis, one file at a time.

This is the part of the build whose cost grows with the number of stories. A story's result
depends only on its file and on the site's data (outlet keys, gazetteer, events, lexicon), so it is
cached by both between builds (cache.StoryStore) and, when many stories need it, computed in a
pool of processes. Results come back in file order, so the output is the same whatever the
number of workers.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from typing import NamedTuple

from site_builder.analysis import Analyser, Named, StoryFindings, statements_key
from site_builder.analysis.events import EventMention
from site_builder.analysis.passages import SHINGLED_TOGETHER, passage_shingles_of
from site_builder.analysis.quotes import Quote
from site_builder.analysis.shingling import NUMPY_FROM, load_numpy
from site_builder.analysis.sources import SourceMention
from site_builder.cache import NewFacts, Shared, StoryStore, code_digest
from site_builder.dates import instant
from site_builder.errors import Problem, SiteError
from site_builder.load import RawFile, StoryFile
from site_builder.markdown import RenderedBody, render_markdown
from site_builder.stored import RestParts, Rests, StoredBody, StoredFindings, facts_of, rest_of, stored, whole
from site_builder.models import Article, Event, Gazetteer, Image
from site_builder.validate import validate_article
from site_builder.views import link_key
from site_builder.workers import map_in_order, start_method


@dataclass(frozen=True)
class Setting:
    """What the work on one story reads besides the story's own file."""
    outlet_keys: frozenset[str]
    outlets_known: bool  # False when outlets.yaml is missing: its own error says so
    gazetteer: Gazetteer
    events: tuple[Event, ...]
    lexicon: tuple  # lexicon.TermGroup

    @classmethod
    def of(cls, data, outlets_known: bool = True) -> Setting:
        """The setting that a site's data files (validate.validate_data) make."""
        return cls(frozenset(o.key for o in data.outlets), outlets_known, data.gazetteer, data.events, data.lexicon)

    @cached_property
    def analyser(self) -> Analyser:
        return Analyser(self.gazetteer, self.events, self.lexicon)

    @cached_property
    def cited(self) -> frozenset[str]:
        """Slugs of the stories events quote as evidence: the only ones whose Markdown is read
        once they are prepared (eventdata.check_evidence)."""
        return frozenset(item.article for event in self.events for item in event.evidence if item.article)

    def shared(self) -> Shared:
        """The objects of the site's data that a story's findings refer to, by kind and id; and
        the classes a prepared story is made of, by name (STORED_CLASSES)."""
        gazetteer = self.gazetteer
        named = [("person", gazetteer.people), ("place", gazetteer.places), ("source", gazetteer.sources),
                 ("event", self.events)]
        objects = {(kind, item.id): item for kind, items in named for item in items}
        objects.update({("class", f"{kind.__module__}.{kind.__qualname__}"): kind for kind in STORED_CLASSES})
        return Shared(objects)


class PreparedStory(NamedTuple):
    """A named tuple, as the story store loads one for every story of every build."""
    article: Article | None  # None when the file has errors
    body: RenderedBody | StoredBody | None = None  # stored.py: as the story store gives it back
    findings: StoryFindings | StoredFindings | None = None
    passages: tuple[bytes, ...] | None = None  # passages.passage_shingles, when prepared in this build (the
                                              # passage index keeps them between builds, not the story store)
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    key: str = ""  # digest of everything it was made from (story_keys)
    link_key: str = ""  # digest of what a link to the story shows of it (views.link_key)
    moment: int = 0  # dates.instant of the article's date, which orders the site (validate.assemble)
    statements_key: bytes = b""  # analysis.statements_key: what its statements are to the shared quotes


# The classes of what a prepared story holds, in its two parts (stored.py). Pickled as references
# (cache.Shared) rather than by module and name, which pickle looks up through the import system
# for every story loaded: 9 lookups a story, a quarter of the time loading 10,000 stories' facts.
# A class missing here is still pickled by name (test_incremental checks the list is complete).
STORED_CLASSES = (PreparedStory, Article, Image, Problem, StoredBody, StoredFindings, RestParts, Quote, SourceMention,
                  EventMention, Named, datetime, date, timezone, timedelta)


def prepare_story(raw: RawFile, setting: Setting) -> PreparedStory:
    """The story's PreparedStory, but for its passages' shingles, which _prepare_in_worker works
    out for many stories at once (passages.passage_shingles_of)."""
    article, errors, warnings = validate_article(raw, setting.outlet_keys, setting.outlets_known)
    if article is None:
        return PreparedStory(None, errors=tuple(errors), warnings=tuple(warnings))
    body, problems = render_markdown(article.body, article.source, article.body_line)
    if problems:
        return PreparedStory(None, errors=tuple(problems), warnings=tuple(warnings))
    credit = article.image.credit if article.image else ""
    findings = setting.analyser.story(body.paragraphs, credit, article.wires)
    return PreparedStory(article, body, findings, warnings=tuple(warnings), link_key=link_key(article),
                         moment=instant(article.published),
                         statements_key=statements_key(article.slug, article.outlet, findings.statements))


def story_keys(files: tuple[StoryFile, ...], setting: Setting) -> list[str]:
    """For each file, a digest of everything its PreparedStory depends on: its path and text
    (by its digest), the setting and the code."""
    described = repr((sorted(setting.outlet_keys), setting.outlets_known, setting.gazetteer, setting.events,
                      setting.lexicon))
    salt = hashlib.sha256(code_digest() + described.encode()).digest()
    return [hashlib.sha256(salt + file.path.encode() + b"\0" + file.digest).hexdigest() for file in files]


def prepare_stories(files: tuple[StoryFile, ...], setting: Setting, store=None,
                    workers: int = 1) -> list[PreparedStory]:
    """Each file's PreparedStory, in the order given; from `store` (a cache.StoryStore) where it has them.
    A file not read by load.load_content is read here if the store does not have its story.

    Stories travel pickled, from the store and from worker processes, with references to the
    setting's people, places, sources and events instead of copies of them (cache.Shared), in
    two parts (stored.py): a story from the store loads its rest only when that is asked for.
    The stories to prepare go to the workers a store shard at a time, so that the facts of a
    shard's new stories come back as one pickle (cache.StoryStore). Once their rests are written
    to the store, new stories are held as stored ones are, and their texts let go: a first build
    at 10,000 stories would otherwise hold every story's HTML, paragraphs and Markdown (about
    140 MB) from preparing to rendering, while the passage index is built beside it. The caller
    saves the store before any rest is asked for."""
    keys = story_keys(files, setting)
    shared = setting.shared()
    rests = Rests(store.rest if store else _nothing, shared.loads, _RestAgain(files, keys, setting))
    prepared: list = store.load(keys, shared) if store else [None] * len(keys)
    for facts in prepared:
        if facts is not None:
            stored(facts, rests)
    work: dict[int, list[tuple[int, RawFile]]] = {}  # store shard -> the stories in it to prepare
    for i, found in enumerate(prepared):
        if found is None:
            problems: list[Problem] = []
            raw = files[i].raw(problems)
            if raw is None:
                prepared[i] = PreparedStory(None, errors=tuple(problems))
            else:
                work.setdefault(StoryStore.shard_of(keys[i]), []).append((i, raw))
    shards = sorted(work)
    size = sum(len(stories) for stories in work.values())
    many = size >= NUMPY_FROM
    if many and workers > 1 and start_method() == "fork":  # here, before the workers are forked, which then
        load_numpy()  # start with it: at 10,000 stories their first story began about 0.08 s sooner than with
        # both importing it (workers started otherwise, as in `serve`, would import it anyway)
    fresh = map_in_order(_prepare_in_worker, [[(raw, keys[i]) for i, raw in work[number]] for number in shards],
                         workers, _remember, (setting, many), size=size)
    for number, (data, rest_data, passages) in zip(shards, fresh):
        facts = shared.loads(data)
        kept_aside = store and store.put(number, NewFacts([keys[i] for i, _ in work[number]], data, facts),
                                         rest_data, [story.article and story.article.slug for story in facts])
        for (i, _), story, rest, found in zip(work[number], facts, rest_data, passages):
            if kept_aside:  # its rest is read back when asked for, as a stored story's is
                story = stored(story, rests)
            else:
                story = whole(story, rest, shared.loads)
            prepared[i] = story._replace(passages=found)
    return prepared


def _nothing(key: str) -> None:
    return None


class _RestAgain:
    """A stored story's rest (stored.Rests), made again from its file: for when the store does
    not give it back. The file's problems, should it no longer read or validate, stop the build,
    as does a text other than the one the story's facts were made of (StoryFile.raw): the file
    is read again, not taken from a text held since (nor are the texts held here: a first build
    would hold every story's Markdown until it ends)."""

    def __init__(self, files: tuple[StoryFile, ...], keys: list[str], setting: Setting):
        self.files = [file if file.text is None else file._replace(text=None) for file in files]
        self.keys, self.setting = keys, setting
        self.file_of: dict[str, StoryFile] | None = None  # by key, once one is asked for

    def __call__(self, key: str) -> RestParts:
        if self.file_of is None:
            self.file_of = dict(zip(self.keys, self.files))
        problems: list[Problem] = []
        raw = self.file_of[key].raw(problems, same=True)
        story = prepare_story(raw, self.setting) if raw is not None else None
        if story is not None and story.body is not None:
            return rest_of(story)
        raise SiteError(problems or list(story.errors))  # (a story without a body has errors)


_setting: Setting | None = None  # in a worker process: the setting every task shares
_shared: Shared | None = None


def _remember(setting: Setting, many: bool) -> None:
    """Starts a worker (or this process, doing the work itself) on `many` stories or a few."""
    global _setting, _shared
    _setting, _shared = setting, setting.shared()
    if many:
        load_numpy()  # for the passages' shingles


def _prepare_in_worker(work: list[tuple[RawFile, str]]) -> tuple[bytes, list[bytes | None], list]:
    """Stories of one store shard (each file with its key), prepared for the store: the facts of
    all of them pickled as one list (stored.facts_of, without their passages), the rest of each
    pickled on its own (stored.rest_of); and the passages of each (None for a story with errors),
    SHINGLED_TOGETHER stories at a time, right after those are prepared (their sentences are
    still in text.sentences' cache)."""
    stories, passages = [], []
    for first in range(0, len(work), SHINGLED_TOGETHER):
        prepared = [prepare_story(raw, _setting) for raw, _ in work[first:first + SHINGLED_TOGETHER]]
        shingles = iter(passage_shingles_of([story.body.paragraphs for story in prepared if story.body is not None]))
        stories += prepared
        passages += [next(shingles) if story.body is not None else None for story in prepared]
    facts = [facts_of(story._replace(key=key), _setting.cited) for story, (_, key) in zip(stories, work)]
    rests = [_shared.dumps(rest_of(story)) if story.body is not None else None for story in stories]
    return _shared.dumps(facts), rests, passages
