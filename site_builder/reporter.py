"""Progress and warnings go through a reporter, so the build logic never prints."""
from __future__ import annotations

import os
import sys
from typing import TextIO


class Reporter:
    """Prints to a terminal: warnings to stderr, progress and the summary to stdout."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None, quiet: bool = False):
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.quiet = quiet
        self.warnings: list[str] = []

    def info(self, message: str) -> None:
        if not self.quiet:
            print(message, file=self.out, flush=True)

    def warning(self, message: str) -> None:
        self.warnings.append(message)
        print(f"warning: {message}", file=self.err, flush=True)

    def error(self, message: str) -> None:
        print(f"error: {message}", file=self.err, flush=True)

    def progress(self, message: str) -> None:
        """A line that overwrites itself on a terminal; nothing in CI, in a pipe or with --quiet."""
        if not self.quiet and not os.environ.get("CI") and self.out.isatty():
            print(f"\r\033[K{message}", end="", file=self.out, flush=True)

    def done(self) -> None:
        if not self.quiet and not os.environ.get("CI") and self.out.isatty():
            print("\r\033[K", end="", file=self.out, flush=True)


class BufferReporter(Reporter):
    """Keeps everything in lists, for tests."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def info(self, message: str) -> None:
        self.messages.append(message)

    def warning(self, message: str) -> None:
        self.warnings.append(message)

    def error(self, message: str) -> None:
        self.messages.append(f"error: {message}")

    def progress(self, message: str) -> None:
        self.messages.append(message)

    def done(self) -> None:
        pass
