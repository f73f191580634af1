"""Each kind of bad input: one pinned line, exit status 1, no traceback, _site untouched."""
from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.cli import main

GOOD_ARTICLE = "---\ntitle: T\noutlet: tempo\npublished: 2020-02-12\n---\nBody.\n"
CASES_DIR = Path(__file__).parent / "bad_input"
# Each folder under bad_input/ is one broken site: files/ is copied over the small fixture site,
# `delete` lists files to remove, and `expected` holds the one line the build must print.
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())


def broken_site(case: str) -> tuple[dict, str]:
    folder = CASES_DIR / case
    changes: dict = {p.relative_to(folder / "files").as_posix(): p.read_bytes()
                     for p in sorted((folder / "files").rglob("*")) if p.is_file()}
    if (folder / "delete").exists():
        changes.update({line: None for line in (folder / "delete").read_text().split()})
    return changes, (folder / "expected").read_text("utf-8").strip()


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_there_is_a_case_for_every_kind_of_bad_input():
    assert len(CASES) >= 17


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gives_one_clear_line_and_leaves_site_untouched(case, make_site, capsys):
    changes, expected = broken_site(case)
    project = make_site()
    assert main(["build", "--project", str(project.root), "--quiet"]) == 0
    before = _snapshot(project.root / "_site")
    capsys.readouterr()

    make_site(changes, root=project.root)
    status = main(["build", "--project", str(project.root), "--quiet"])

    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert status == 1
    assert errors == [f"error: {expected}"]
    assert "Traceback" not in err
    assert _snapshot(project.root / "_site") == before
    assert sorted(p.name for p in project.root.iterdir() if p.name != ".site-cache") == ["_site", "content", "static", "templates"]


def test_every_problem_is_reported_in_one_run(make_site, capsys):
    project = make_site({
        "content/articles/a.md": "---\ntitle: A\noutlet: nope\npublished: 2020-02-12\n---\nB.\n",
        "content/articles/b.md": "---\ntitle: B\noutlet: tempo\npublished: kemarin\n---\nB.\n",
        "content/articles/c.md": "",
    })
    assert main(["check", "--project", str(project.root)]) == 1
    err = capsys.readouterr().err
    assert "content/articles/a.md:3: outlet: unknown outlet 'nope'" in err
    assert "content/articles/b.md:4: published: 'kemarin' is not a date" in err
    assert "content/articles/c.md: the file is empty" in err
    assert "3 problem(s); nothing was written" in err


def test_unknown_field_warns_and_fails_only_with_strict(make_site, capsys):
    project = make_site({"content/articles/x.md": GOOD_ARTICLE.replace("title: T", "title: T\ntitel: typo")})
    assert main(["check", "--project", str(project.root)]) == 0
    assert "content/articles/x.md:3: titel: unknown field; known fields are:" in capsys.readouterr().err
    assert main(["check", "--project", str(project.root), "--strict"]) == 1
    assert "(an error with --strict)" in capsys.readouterr().err


def test_refuses_to_replace_a_folder_it_did_not_write(make_site, capsys):
    project = make_site()
    precious = project.root / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    assert main(["build", "--project", str(project.root), "--out", str(precious)]) == 1
    assert "it was not written by site-builder" in capsys.readouterr().err
    assert (precious / "thesis.txt").read_text() == "years of work"


def test_refuses_to_write_over_content(make_site, capsys):
    project = make_site()
    assert main(["build", "--project", str(project.root), "--out", str(project.content)]) == 1
    assert "it would replace" in capsys.readouterr().err
    assert (project.content / "site.yaml").exists()


def test_a_ui_string_with_an_unknown_placeholder_is_a_clear_error(make_site, capsys):
    project = make_site()
    site_yaml = project.content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("Grafik memuat {events} peristiwa", "Grafik memuat {jumlah} peristiwa"))
    assert main(["build", "--project", str(project.root)]) == 1
    err = capsys.readouterr().err
    assert "error: content/site.yaml: strings.chart_summary: unknown placeholder {jumlah}; use only {events}," in err
    assert "Traceback" not in err


def test_a_missing_ui_string_is_a_clear_error(make_site, capsys):
    project = make_site()
    site_yaml = project.content / "site.yaml"
    site_yaml.write_text("\n".join(line for line in site_yaml.read_text().splitlines()
                                   if not line.startswith("  chart_index:")) + "\n")
    assert main(["build", "--project", str(project.root)]) == 1
    assert ("error: content/site.yaml: strings.chart_index: missing; add this UI string under strings:"
            in capsys.readouterr().err)
