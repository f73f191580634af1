"""The command line as a user meets it."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import weakref

import pytest

from site_builder.cli import main


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"], ["check", "--help"]])
def test_help_on_every_command(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    assert "usage: site-builder" in capsys.readouterr().out


def test_build_ends_with_a_one_line_summary_that_counts_what_was_written(make_site, capsys):
    project = make_site()
    assert main(["build", "--project", str(project.root)]) == 0
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    match = re.fullmatch(r"built (\d+) pages \((\d+) files: (\d+) written, (\d+) unchanged\) in \d+\.\d\d s "
                         r"into (.*?)(, \d+ warning\(s\))?", summary)
    written = [p for p in (project.root / "_site").rglob("*") if p.is_file()]
    assert match and match.group(5) == str(project.root / "_site")
    assert int(match.group(1)) == sum(1 for p in written if p.suffix == ".html")
    assert int(match.group(2)) == int(match.group(3)) == len(written)
    assert match.group(4) == "0"


def test_check_writes_nothing_and_counts_what_build_would_write(make_site, capsys):
    project = make_site()
    assert main(["check", "--project", str(project.root)]) == 0
    counted = re.search(r"content is valid: (\d+) files would be written", capsys.readouterr().out).group(1)
    assert not (project.root / "_site").exists()
    assert main(["build", "--project", str(project.root), "--quiet"]) == 0
    assert int(counted) == sum(1 for p in (project.root / "_site").rglob("*") if p.is_file())


def test_bad_base_url_is_a_clear_error(make_site, capsys):
    project = make_site()
    assert main(["build", "--project", str(project.root), "--base-url", "user.github.io"]) == 1
    assert ("error: --base-url: 'user.github.io' is not a web address; write it as https://…"
            in capsys.readouterr().err)


@pytest.mark.slow
def test_python_dash_m_runs_the_cli(make_site):
    project = make_site()
    result = subprocess.run([sys.executable, "-m", "site_builder", "check", "--project", str(project.root)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "content is valid" in result.stdout


@pytest.mark.slow
def test_the_command_leaves_at_once_with_its_output_flushed_and_its_exit_code(make_site):
    """cli.run ends the process with os._exit: what it printed must still arrive, and the code."""
    project = make_site()
    command = [sys.executable, "-m", "site_builder", "build", "--project", str(project.root), "--workers", "2"]
    built = subprocess.run(command, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert "built " in built.stdout and "base_url: not set" in built.stderr
    assert (project.root / "_site" / "index.html").is_file()
    (project.content / "articles" / "kim-sinis.md").write_text("---\ntitle: [\n---\n")
    failed = subprocess.run(command, capture_output=True, text=True)
    assert failed.returncode == 1
    assert failed.stderr.rstrip().endswith("problem(s); nothing was written") and "kim-sinis.md" in failed.stderr


def test_what_a_build_leaves_is_kept_only_when_the_process_ends_after_it(make_site, monkeypatch):
    """cli.run calls main with leaving=True: leftovers.keep then holds what the build leaves until
    the process ends. Without it (serve, these tests), a build's objects are freed as ever."""
    from site_builder import leftovers
    from site_builder.build import BuildResult, build
    from site_builder.reporter import BufferReporter

    project = make_site()
    monkeypatch.setattr(leftovers, "_kept", None)
    left: list[weakref.ref] = []  # to what the build hands leftovers.keep (its content, caches, stamp...)
    real_keep = leftovers.keep

    def keep(*objects):
        left.extend(weakref.ref(o) for o in objects if type(o).__weakrefoffset__)
        real_keep(*objects)

    monkeypatch.setattr(leftovers, "keep", keep)
    build(project, project.root / "_site", BufferReporter(), clean=True)
    assert main(["build", "--project", str(project.root), "--clean"]) == 0
    assert len(left) >= 4 and leftovers._kept is None and all(ref() is None for ref in left)
    assert main(["build", "--project", str(project.root), "--clean"], leaving=True) == 0
    assert any(isinstance(left, BuildResult) for group in leftovers._kept for left in group)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_but_not_in_ci_or_with_quiet(monkeypatch):
    from site_builder.reporter import Reporter

    monkeypatch.delenv("CI", raising=False)
    terminal = FakeTerminal()
    Reporter(out=terminal).progress("rendering 10 pages")
    assert "rendering 10 pages" in terminal.getvalue()
    quiet = FakeTerminal()
    Reporter(out=quiet, quiet=True).progress("rendering 10 pages")
    monkeypatch.setenv("CI", "true")
    ci = FakeTerminal()
    Reporter(out=ci).progress("rendering 10 pages")
    assert quiet.getvalue() == ci.getvalue() == ""
