"""The command line as a user meets it."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from site_builder.cli import main


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"], ["check", "--help"]])
def test_help_on_every_command(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    assert "usage: site-builder" in capsys.readouterr().out


def test_build_ends_with_a_one_line_summary(make_site, capsys):
    project = make_site()
    assert main(["build", "--project", str(project.root)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(r"built 7 pages \(12 files\) in \d+\.\d\d s into .*/_site", out[-1])


def test_check_writes_nothing(make_site, capsys):
    project = make_site()
    assert main(["check", "--project", str(project.root)]) == 0
    assert "content is valid: 12 files would be written" in capsys.readouterr().out
    assert not (project.root / "_site").exists()


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
