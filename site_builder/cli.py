"""Command line: `site-builder build|check`. Maps SiteError to exit status 1, no traceback."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from site_builder import __version__, leftovers
from site_builder.build import build
from site_builder.errors import SiteError
from site_builder.project import Project
from site_builder.reporter import Reporter


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="site-builder",
                                   description="Build the US-DPRK coverage microsite from content/.")
    main.add_argument("--version", action="version", version=f"site-builder {__version__}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build_cmd = commands.add_parser("build", help="build the site into _site/",
                                    description="Build the site from content/ into an output folder.")
    build_cmd.add_argument("--out", default=None, type=Path,
                           help="output folder, replaced atomically (default: _site in the project)")
    build_cmd.add_argument("--clean", action="store_true",
                           help="ignore the build cache (.site-cache/) and render every page")
    _shared_options(build_cmd)

    import_cmd = commands.add_parser(
        "import", help="turn pasted news pages into article files for review",
        description="Turn the text of news pages (e.g. content/raw/*.txt) into content/articles/<slug>.md, "
                    "with page furniture removed and every inferred field recorded under provenance.")
    import_cmd.add_argument("files", nargs="+", type=Path, metavar="FILE", help="text of a news page")
    import_cmd.add_argument("--outlet", help="outlet key from content/outlets.yaml, when the page does not say")
    import_cmd.add_argument("--slug", help="file name of the article (default: year-month and title words)")
    import_cmd.add_argument("--force", action="store_true", help="overwrite an existing article file")
    import_cmd.add_argument("--dry-run", action="store_true", help="print the article instead of writing it")
    import_cmd.add_argument("--project", default=".", type=Path, help="project folder (default: .)")

    serve_cmd = commands.add_parser(
        "serve", help="preview the site: build, serve, rebuild on changes, reload pages",
        description="Build the site, serve it on 127.0.0.1 under its base path, watch content/, templates/ and "
                    "static/, rebuild after a change and reload open pages. A failed build shows its errors in "
                    "the page while the last good build stays served. Ctrl-C stops.")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve_cmd.add_argument("--port", default=8000, type=int, help="port (default: 8000; 0 picks a free one)")
    serve_cmd.add_argument("--base-url", default=None, help="address the site will be published at")
    serve_cmd.add_argument("--project", default=".", type=Path, help="project folder (default: .)")

    check_cmd = commands.add_parser("check", help="report every problem in content/, write nothing",
                                    description="Validate content and templates; write nothing.")
    _shared_options(check_cmd)
    return main


def _shared_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--base-url", default=None,
                         help="address the site is published at, e.g. https://user.github.io/repo/ "
                              "(default: base_url in content/site.yaml)")
    command.add_argument("--strict", action="store_true", help="treat warnings as errors")
    command.add_argument("--project", default=".", type=Path,
                         help="project folder holding content/, templates/ and static/ (default: .)")
    command.add_argument("--quiet", action="store_true", help="print only warnings and errors")
    cores = default_workers()
    command.add_argument("--workers", default=cores, type=_positive,
                         help="processes that share the work on stories when there are many "
                              f"(default: the {cores} CPU core(s) this process may use); "
                              "the output is the same for any number")


def default_workers() -> int:
    """The CPU cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def run() -> None:
    """The `site-builder` command (and `python -m site_builder`): main(), then out of the process
    at once, as mypy does. Every file the command writes is closed by then and the output is
    flushed here; what is skipped is Python taking apart, one by one, the millions of objects a
    build leaves (0.05 s at 10,000 stories, a sixth of what an edit rebuild has left to save);
    for the same reason, what a build's stages leave is not freed as they return either
    (leftovers.py)."""
    code = main(leaving=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None, leaving: bool = False) -> int:
    """`leaving`: the process ends as soon as this returns (run)."""
    args = parser().parse_args(argv)
    reporter = Reporter(quiet=getattr(args, "quiet", False))
    project = Project.at(args.project)
    if leaving and args.command != "serve":  # serve builds again and again: it frees as it goes
        leftovers.until_exit()
    try:
        if args.command == "import":
            from site_builder.importer.command import ImportOptions, run_import

            options = ImportOptions(args.outlet, args.slug, args.force, args.dry_run)
            return 1 if run_import(project, args.files, options, Reporter()) else 0
        if args.command == "serve":
            from site_builder.serve import serve

            serve(project, project.root / "_site", reporter, args.host, args.port, args.base_url)
            return 0
        if args.command == "build":
            reporter.progress("starting")
            out = args.out or project.root / "_site"
            build(project, out, reporter, args.base_url, args.strict, clean=args.clean, workers=args.workers)
        else:
            from site_builder.pipeline import render_site

            files = render_site(project, reporter, args.base_url, args.strict, workers=args.workers)
            reporter.info(f"content is valid: {len(files)} files would be written")
    except SiteError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130
    return 0
