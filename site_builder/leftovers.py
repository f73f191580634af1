"""What a build leaves behind, kept from being freed when the process is about to end anyway.

Python frees an object the moment its last reference goes, one by one. A build at 10,000
stories leaves a few million objects (articles, analysis, views, pages), freed as the
pipeline's stages return and as the build hands back its result: 0.06–0.09 s of an edit
rebuild, for memory the operating system takes back at once when the process ends.

`site-builder build` ends the process as soon as it is done (cli.run), so it asks for them to
be kept (`until_exit`); anything else that builds (serve, the tests) goes on freeing them as
usual, and `keep` does nothing there.
"""
from __future__ import annotations

_kept: list | None = None


def until_exit() -> None:
    """From now on, `keep` holds what it is given until the process ends."""
    global _kept
    if _kept is None:
        _kept = []


def keep(*objects) -> None:
    """Hold these until the process ends, if it was asked for (`until_exit`)."""
    if _kept is not None:
        _kept.append(objects)
