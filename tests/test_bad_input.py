"""Each kind of bad input: one pinned line, exit status 1, no traceback, _site untouched."""
from __future__ import annotations

import pytest

from site_builder.cli import main

GOOD_ARTICLE = "---\ntitle: T\noutlet: tempo\npublished: 2020-02-12\n---\nBody.\n"

CASES = {
    "no front matter": (
        {"content/articles/x.md": "title: T\n\nBody.\n"},
        "content/articles/x.md:1: no front matter: start the file with a line '---', the fields, then '---'",
    ),
    "unclosed front matter": (
        {"content/articles/x.md": "---\ntitle: T\noutlet: tempo\n\nBody.\n"},
        "content/articles/x.md:1: front matter is not closed: add a line '---' after the last field",
    ),
    "invalid yaml": (
        {"content/articles/x.md": "---\ntitle: T\noutlet: [tempo\npublished: 2020-02-12\n---\nBody.\n"},
        "content/articles/x.md:4: invalid YAML: expected ',' or ']', but got ':'; "
        "check quotes, colons and indentation",
    ),
    "missing required field": (
        {"content/articles/x.md": "---\ntitle: T\npublished: 2020-02-12\n---\nBody.\n"},
        "content/articles/x.md:1: outlet: missing; add a line like 'outlet: tempo'",
    ),
    "date written the Indonesian way": (
        {"content/articles/x.md": "---\ntitle: T\noutlet: tempo\n\npublished: '12/02/2020'\n---\nBody.\n"},
        "content/articles/x.md:5: published: '12/02/2020' is not a date; "
        "write it as 2020-02-12 or 2020-02-12T17:00:00+07:00",
    ),
    "time without offset": (
        {"content/articles/x.md": "---\ntitle: T\noutlet: tempo\npublished: 2020-02-12T17:00\n---\nB.\n"},
        "content/articles/x.md:4: published: '2020-02-12T17:00' has no UTC offset; "
        "add one, e.g. 2020-02-12T17:00+07:00 for WIB",
    ),
    "mistyped field": (
        {"content/articles/x.md": "---\ntitle: T\noutlet: tempo\npublished: 2020-02-12\nauthors: {a: 1}\n---\nB.\n"},
        "content/articles/x.md:5: authors: {'a': 1} is not a list of names; write [Name One, Name Two]",
    ),
    "unknown outlet": (
        {"content/articles/x.md": "---\ntitle: T\noutlet: cnn-indonesia\npublished: 2020-02-12\n---\nB.\n"},
        "content/articles/x.md:3: outlet: unknown outlet 'cnn-indonesia'; use one of kompas-tv, tempo "
        "or add it to content/outlets.yaml",
    ),
    "duplicate slug": (
        {"content/articles/x.md": GOOD_ARTICLE,
         "content/articles/y.md": GOOD_ARTICLE.replace("title: T", "title: T\nslug: x")},
        "content/articles/y.md: slug: article slug 'x' is already used by content/articles/x.md; "
        "give one of them another slug",
    ),
    "slug that climbs out of _site": (
        {"content/articles/x.md": GOOD_ARTICLE.replace("title: T", "title: T\nslug: ../../etc/passwd")},
        "content/articles/x.md:3: slug: '../../etc/passwd' is not a valid slug; use lowercase letters, "
        "digits and single hyphens, e.g. trump-kim-2020",
    ),
    "file name that is no address": (
        {"content/articles/Trump Kim.md": GOOD_ARTICLE},
        "content/articles/Trump Kim.md:1: slug: file name 'Trump Kim' cannot be a page address; rename "
        "the file using lowercase letters, digits and hyphens (e.g. trump-kim-2020.md) or set slug:",
    ),
    "not UTF-8": (
        {"content/articles/x.md": "---\ntitle: Caf\xe9\n---\n".encode("latin-1")},
        "content/articles/x.md:2: not UTF-8 text (byte 0xe9); save the file as UTF-8",
    ),
    "empty file": (
        {"content/articles/x.md": "\n  \n"},
        "content/articles/x.md: the file is empty; add front matter and text, or delete it",
    ),
    "javascript link": (
        {"content/articles/x.md": GOOD_ARTICLE.replace("Body.", "Intro.\n\nSee [this](javascript:alert(1)).")},
        "content/articles/x.md:8: body: link to 'javascript:alert(1)' is refused: only http, https and "
        "mailto links and links within the site are allowed",
    ),
    "data link": (
        {"content/articles/x.md": GOOD_ARTICLE.replace("Body.", "[x](data:text/html;base64,PHNjcmlwdD4=)")},
        "content/articles/x.md:6: body: link to 'data:text/html;base64,PHNjcmlwdD4=' is refused: only "
        "http, https and mailto links and links within the site are allowed",
    ),
    "template syntax error": (
        {"templates/home.html": "{% extends 'base.html' %}\n{% block main %}\n{% for x in %}\n{% endblock %}\n"},
        "templates/home.html:3: template error: Expected an expression, got 'end of statement block'",
    ),
    "template names an undefined variable": (
        {"templates/404.html": "{% extends 'base.html' %}\n{% block main %}\n{{ missing_name }}\n{% endblock %}\n"},
        "templates/404.html:3: template error while rendering 404.html: 'missing_name' is undefined",
    ),
    "template missing": (
        {"templates/outlets.html": None},
        "templates: template 'outlets.html' not found; searched templates/",
    ),
    "site.yaml missing": (
        {"content/site.yaml": None},
        "content/site.yaml: file not found; create it (see README, 'Content')",
    ),
}


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gives_one_clear_line_and_leaves_site_untouched(case, make_site, capsys):
    changes, expected = CASES[case]
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
    assert sorted(p.name for p in project.root.iterdir()) == ["_site", "content", "static", "templates"]


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
