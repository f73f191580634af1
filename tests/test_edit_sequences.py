"""Random sequences of what editors and CI do to a site, each followed by an incremental build that
must equal a clean build of the same content: the build cache's shortcuts (stories kept in the
store, pages kept from the last build, the passage index, the spare folder, the process pool and
the writer's process) checked together, in orders no other test takes. The seeds are fixed, so a
failure names its seed and step and is the same on every run."""
from __future__ import annotations

import os
import random
import re
import shutil
import sys
from pathlib import Path

import pytest

from site_builder import build as build_module
from site_builder import render_beside
from site_builder import workers as workers_module
from site_builder.build import build
from site_builder.cache import FOLDER
from site_builder.errors import SiteError
from site_builder.pipeline import render_site
from site_builder.project import Project
from site_builder.reporter import BufferReporter

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from bench import restore_as_tar_does  # noqa: E402
from corpus import OUTLETS, write_corpus  # noqa: E402
from test_incremental import on_disk  # noqa: E402

pytestmark = pytest.mark.slow

STORIES = 16
STEPS = 12


class Editor:
    """Changes a project as people and tools do. Files it changes get a modification time from a
    clock of its own, ten seconds a step, in the past (so the build trusts them as settled), or
    now, one time in six (so that the build must not trust it)."""

    def __init__(self, root: Path, rng: random.Random):
        self.root, self.rng = root, rng
        self.articles = root / "content" / "articles"
        self.clock = 1_700_000_000

    def stories(self) -> list[Path]:
        return sorted(self.articles.glob("*.md"))

    def changed(self, path: Path) -> None:
        if self.rng.random() < 5 / 6:
            self.clock += 10
            os.utime(path, (self.clock, self.clock))

    def number(self) -> int:
        return self.rng.randrange(10 ** 6)

    # what is done to one story: each returns the story's file afterwards (None: gone)

    def add_a_paragraph(self, story: Path) -> Path:
        story.write_text(story.read_text() + f"\nParagraf tambahan {self.number()} tentang Trump dan Kim.\n")
        return story

    def drop_a_paragraph(self, story: Path) -> Path:
        front, body = story.read_text().rsplit("---\n", 1)
        paragraphs = body.split("\n\n")
        if len(paragraphs) > 2:
            del paragraphs[self.rng.randrange(len(paragraphs))]
        story.write_text(front + "---\n" + "\n\n".join(paragraphs))
        return story

    def copy_paragraphs(self, story: Path) -> Path:
        """Wire copy: two paragraphs of another story (reused passages, shared quotes)."""
        other = self.rng.choice(self.stories()).read_text().rsplit("---\n", 1)[1].split("\n\n")
        copied = self.rng.sample(other, min(2, len(other)))
        story.write_text(story.read_text() + "\n\n" + "\n\n".join(copied) + "\n")
        return story

    def retitle(self, story: Path) -> Path:
        return self._field(story, "title", f"Judul baru {self.number()}")

    def redate(self, story: Path) -> Path:
        day = f"{self.rng.randrange(2018, 2026)}-{self.rng.randrange(1, 13):02d}-{self.rng.randrange(1, 29):02d}"
        return self._field(story, "published", f"{day}T10:00:00+07:00")

    def move_to_another_outlet(self, story: Path) -> Path:
        return self._field(story, "outlet", self.rng.choice(OUTLETS))

    def touch(self, story: Path) -> Path:
        return story

    def delete(self, story: Path) -> Path | None:
        if len(self.stories()) > 4:
            story.unlink()
            return None
        return story

    def rename(self, story: Path) -> Path:
        return story.rename(story.with_name(f"2021-06-berganti-nama-{self.number()}.md"))

    def add_a_copy(self, story: Path) -> Path:
        copy = self.articles / f"2024-05-salinan-{self.number()}.md"
        copy.write_text(story.read_text().replace("title: ", "title: Salinan ", 1))
        return copy

    def _field(self, story: Path, name: str, value: str) -> Path:
        story.write_text(re.sub(rf"^{name}: .*$", f"{name}: {value}", story.read_text(), count=1, flags=re.M))
        return story

    STORY_STEPS = (add_a_paragraph, drop_a_paragraph, copy_paragraphs, retitle, redate, move_to_another_outlet,
                   touch, delete, rename, add_a_copy)

    # what is done to the rest of the project, the output or the build cache

    def change_a_template(self) -> None:
        self._append(self.root / "templates" / "partials" / "story_item.html", f"{{# {self.number()} #}}")

    def change_the_style_sheet(self) -> None:
        self._append(self.root / "static" / "style.css", f"/* {self.number()} */")

    def rename_an_outlet(self) -> None:
        outlets = self.root / "content" / "outlets.yaml"
        outlets.write_text(re.sub(r"^  name: .*$", f"  name: Outlet {self.number()}", outlets.read_text(), count=1,
                                  flags=re.M))
        self.changed(outlets)

    def remove_the_output(self) -> None:
        shutil.rmtree(self.root / "_site", ignore_errors=True)

    def remove_the_build_cache(self) -> None:
        shutil.rmtree(self.root / FOLDER, ignore_errors=True)

    def remove_a_cache_file(self) -> None:
        files = sorted(p for p in (self.root / FOLDER).rglob("*") if p.is_file() and "spare" not in p.parts)
        if files:
            self.rng.choice(files).unlink()

    def remove_the_spare(self) -> None:
        shutil.rmtree(self.root / FOLDER / "spare", ignore_errors=True)

    def restore_as_actions_cache_does(self) -> None:
        """The output and the build cache, those there are: the same bytes, times to the
        nanosecond and hard links, other inodes."""
        folders = [name for name in ("_site", FOLDER) if (self.root / name).exists()]
        if folders:
            restore_as_tar_does(self.root, folders)

    def change_a_page_by_hand(self) -> None:
        pages = sorted((self.root / "_site").rglob("*.html"))
        if pages:
            page = self.rng.choice(pages)
            page.write_bytes(page.read_bytes() + b"<!-- diubah -->")
            self.changed(page)

    def _append(self, path: Path, line: str) -> None:
        path.write_text(path.read_text() + f"\n{line}\n")
        self.changed(path)

    SITE_STEPS = (change_a_template, change_the_style_sheet, rename_an_outlet, remove_the_output,
                  remove_the_build_cache, remove_a_cache_file, remove_the_spare, restore_as_actions_cache_does,
                  change_a_page_by_hand)

    def step(self) -> list[str]:
        """One to three changes; what was done."""
        done = []
        for _ in range(self.rng.choice((1, 1, 2, 3))):
            if self.rng.random() < 0.7:
                change, story = self.rng.choice(self.STORY_STEPS), self.rng.choice(self.stories())
                after = change(self, story)
                if after is not None:
                    self.changed(after)
                done.append(f"{change.__name__}({story.name})")
            else:
                change = self.rng.choice(self.SITE_STEPS)
                change(self)
                done.append(change.__name__)
        return done


def outcome(make):
    """What make() gives, or the problems of the SiteError it raises."""
    try:
        return make()
    except SiteError as error:
        return error.problems


@pytest.mark.parametrize("seed", range(4))
def test_after_any_sequence_of_changes_the_build_equals_a_clean_build(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    root = write_corpus(STORIES, tmp_path / "site")
    # small sites are neither prepared in a pool nor written and rendered beside the build: here, by turns
    monkeypatch.setattr(workers_module, "PARALLEL_FROM", 0 if seed % 2 else 200)
    monkeypatch.setattr(build_module, "BESIDE_FROM", 0 if seed // 2 % 2 else 200)
    monkeypatch.setattr(render_beside, "BESIDE_FROM", 0 if seed // 2 % 2 else 2000)
    project, out, editor = Project.at(root), root / "_site", Editor(root, rng)
    build(project, out, BufferReporter(), workers=2)
    for step in range(STEPS):
        done, workers = editor.step(), rng.choice((1, 2))
        built = outcome(lambda: build(project, out, BufferReporter(), workers=workers) and on_disk(out))
        clean = outcome(lambda: dict(render_site(project, BufferReporter())))
        assert built == clean, f"seed {seed}, step {step}, {workers} worker(s), after {done}"
