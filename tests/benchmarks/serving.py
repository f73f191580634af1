"""The preview server's rebuilds, timed: `site-builder serve` without the server and the watcher.

    python tests/benchmarks/serving.py PROJECT REPEAT

Builds the project as the server does at start, then REPEAT times edits one story (adds a
paragraph) and rebuilds in the same process, as the server does when a story is saved. Prints
the seconds of each rebuild (build.BuildResult.seconds: until the site is written and the browser
can be told) as a JSON list. bench.py runs it in a new process.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from site_builder.project import Project
from site_builder.reporter import BufferReporter
from site_builder.serve import Preview


def main() -> None:
    root, repeat = Path(sys.argv[1]), int(sys.argv[2])
    preview = Preview(Project.at(root), root / "_site", None, BufferReporter())
    preview.rebuild()
    stories = sorted((root / "content" / "articles").glob("*.md"))
    seconds = []
    for i in range(repeat):
        story = stories[(i * 7919 + 4243) % len(stories)]
        story.write_text(story.read_text() + f"\nParagraf pratinjau {i}.\n")
        result = preview.rebuild()
        if result is None:
            raise SystemExit(preview.error)
        seconds.append(result.seconds)
    print(json.dumps(seconds))


if __name__ == "__main__":
    main()
