"""`site-builder import FILE...`: read, extract, compose, then write (or print with --dry-run)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import Problem, SiteError
from site_builder.importer.article import Draft, compose
from site_builder.importer.extract import extract
from site_builder.importer.outlets import find_outlet, outlet_yaml
from site_builder.importer.rules import parse_rules
from site_builder.load import RawFile
from site_builder.project import Project
from site_builder.reporter import Reporter
from site_builder.validate import parse_outlets


@dataclass(frozen=True)
class ImportOptions:
    outlet: str | None = None
    slug: str | None = None
    force: bool = False
    dry_run: bool = False


def run_import(project: Project, files: list[Path], options: ImportOptions, reporter: Reporter) -> int:
    """Import each file; a file that fails is reported and skipped. Returns how many failed."""
    if options.slug and len(files) > 1:
        raise SiteError("--slug names one article: import one file at a time when you set it")
    outlets, errors, _ = parse_outlets(_read_text(project, project.content / "outlets.yaml"))
    if errors:
        raise SiteError(errors)
    outlets = list(outlets)
    rules = parse_rules(_read_text(project, project.content / "import.yaml")).with_outlets(outlets)
    failed = 0
    for path in files:
        try:
            draft, new_outlet = import_one(project, path, rules, outlets, options)
        except SiteError as exc:
            failed += 1
            for problem in exc.problems:
                reporter.error(str(problem).removeprefix("site-builder: "))
            continue
        if new_outlet:
            outlets.append(new_outlet)
            rules = rules.with_outlets(outlets)
        _report(project, path, draft, options, reporter)
    return failed


def import_one(project: Project, path: Path, rules, outlets, options: ImportOptions):
    raw = _read_text(project, path)
    found = extract(raw.text, rules)
    if not found.body:
        raise SiteError(f"{raw.path}: no paragraphs found; is this the text of a news page?")
    outlet = find_outlet(found, outlets, options.outlet, raw.path)
    found = extract(raw.text, rules.with_outlet(outlet.outlet))
    draft = compose(found, outlet, raw.path, options.slug)
    target = project.content / "articles" / f"{draft.slug}.md"
    if target.exists() and not options.force and not options.dry_run:
        raise SiteError(f"{project.display(target)} exists (an editor may have corrected it); "
                        "pass --force to overwrite it or --slug to write another file")
    if not options.dry_run:
        if outlet.new:
            with (project.content / "outlets.yaml").open("a", encoding="utf-8") as stream:
                stream.write(outlet_yaml(outlet.outlet))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(draft.text, encoding="utf-8")
    return draft, outlet.outlet if outlet.new else None


def _read_text(project: Project, path: Path) -> RawFile:
    shown = project.display(path)
    if not path.is_file():
        raise SiteError(Problem(shown, None, None, "no such file; check the path"))
    data = path.read_bytes()
    if b"\x00" in data:
        raise SiteError(Problem(shown, None, None, "this is a binary file, not text; paste the page's text into a .txt file"))
    try:
        text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SiteError(Problem(shown, line, None, "not UTF-8 text; save the file as UTF-8")) from None
    if not text.strip():
        raise SiteError(Problem(shown, None, None, "the file is empty; paste the text of the news page into it"))
    return RawFile(shown, text)


def _report(project: Project, path: Path, draft: Draft, options: ImportOptions, reporter: Reporter) -> None:
    target = f"content/articles/{draft.slug}.md"
    if options.dry_run:
        reporter.info(f"{project.display(path)} -> {target} (dry run, nothing written)")
    else:
        reporter.info(f"{project.display(path)} -> {target}")
    for note in draft.notes:
        reporter.info(f"  {note}")
    if options.dry_run:
        reporter.info(draft.text)
