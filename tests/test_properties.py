"""Property-based tests: no input text ends in a traceback."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.pipeline import validate_content
from site_builder.frontmatter import split_front_matter
from site_builder.load import RawContent, RawFile, StoryFile
from site_builder.markdown import render_markdown

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
YAMLISH = st.lists(st.sampled_from([
    "---", "title: T", "outlet: tempo", "published: 2020-02-12", "published: 12/02/2020", "authors: [A, B]",
    "image: {caption: c}", "slug: ../x", "- item", "key: [unclosed", "  indented: x", "tone: 3", "&anchor x",
    "*alias", "!!python/object:os.system", "? complex", "", "Isi berita.", "\ufeff", "\t",
]), max_size=20)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(TEXT, YAMLISH.map("\n".join)))
def test_front_matter_and_validation_report_problems_instead_of_crashing(text):
    document, problems = split_front_matter(RawFile("a.md", text or " "))
    assert document is not None or problems
    raw = RawContent(None, RawFile("content/outlets.yaml", "tempo: {name: T, domain: t, group: g, medium: m}"),
                     None, None, None, None, (StoryFile.of_text("content/articles/a.md", text or " "),), ())
    content, _, errors, _ = validate_content(raw)
    assert content is None  # no site.yaml in this fixture, so never valid
    assert all(str(e).startswith(("content/", "a.md")) for e in errors)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_markdown_renders_any_text_without_raw_html(text):
    body, problems = render_markdown(text, "a.md", 1)
    assert "<script" not in body.html.lower()
    assert body.words >= 0 and all(p.path == "a.md" for p in problems)
