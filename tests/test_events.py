"""Events: the dataset is checked against the stories, and stories are matched to events."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.analysis.events import events_in
from site_builder.analysis.text import matches_rule, sentences
from site_builder.pipeline import render_site
from site_builder.cli import main
from site_builder.project import Project
from site_builder.reporter import BufferReporter

REPO = Path(__file__).resolve().parent.parent

# Checked by hand against each story's text (see the sentences in content/articles/).
EXPECTED_EVENTS = {
    "2020-02-trump-enggan-bertemu-kim": [
        "singapore-summit", "short-range-tests-resume", "stockholm-talks", "rocket-man-nato", "birthday-message",
        "obrien-contact"],
    "2020-12-biegun-kim-sia-siakan-kesempatan": ["singapore-summit", "hanoi-summit", "biegun-seoul", "biden-inauguration"],
    "2024-11-kim-kesampingkan-hubungan-as": [
        "singapore-summit", "hanoi-summit", "dmz-meeting", "russia-dprk-pact", "troops-to-russia", "trump-reelected",
        "kim-expo-speech"],
    "2024-11-kim-sinis-pertemuan-trump": [
        "singapore-summit", "hanoi-summit", "dmz-meeting", "russia-dprk-pact", "troops-to-russia", "trump-reelected",
        "kim-expo-speech"],
    "2025-02-trump-ingin-bertemu-kim": [
        "russia-dprk-pact", "troops-to-russia", "missiles-before-inauguration",
        "trump-second-inauguration", "trump-press-conference"],
}


@pytest.fixture(scope="module")
def records():
    files = render_site(Project.at(REPO), BufferReporter(), base_url="https://user.github.io/repo/")
    return {r["slug"]: r for r in json.loads(files["data/articles.json"])}, files


def test_each_story_refers_to_the_events_read_in_its_text(records):
    by_slug, _ = records
    assert {slug: [e["id"] for e in r["events"]] for slug, r in by_slug.items()} == EXPECTED_EVENTS


def test_evidence_sentence_is_a_sentence_of_the_story(records):
    by_slug, _ = records
    for slug, record in by_slug.items():
        body = " ".join((REPO / "content" / "articles" / f"{slug}.md").read_text("utf-8").split())
        for event in record["events"]:
            assert event["evidence"] in body


def test_story_page_links_its_events_and_stories_on_the_same_events(records):
    _, files = records
    html = files["stories/2020-12-biegun-kim-sia-siakan-kesempatan.html"].decode()
    assert 'href="../timeline.html#event-hanoi-summit"' in html
    assert "ibu kota Vietnam, Hanoi, pada 2019" in html
    # Kompas TV and Medcom share the most events with this story (2 each), newest first.
    related = html.split('id="related-heading"')[1]
    assert related.index("2024-11-kim-sinis") < related.index("2024-11-kim-kesampingkan")
    timeline = files["timeline.html"].decode()
    for event_id in {e for ids in EXPECTED_EVENTS.values() for e in ids}:
        assert f'id="event-{event_id}"' in timeline


def test_a_place_name_alone_is_not_the_summit():
    rule = (("Singapura", "Singapore"), ("bertemu", "pertemuan", "KTT"))
    assert matches_rule("Donald Trump dan Kim Jong UN bertemu untuk pertama kalinya di Singapura pada 2018.", rule)
    assert not matches_rule("Menteri itu terbang ke Singapura untuk urusan dagang.", rule)


def test_terms_match_at_word_start_with_indonesian_suffixes():
    assert matches_rule("mengirim ribuan tentaranya ke Rusia", (("tentara",), ("Rusia",)))
    assert not matches_rule("kontentara", (("tentara",),))


def test_terms_match_letters_that_case_fold_to_them_as_regular_expressions_do():
    """Python's re, ignoring case, matches "s" to the long s "ſ" and "K" to the Kelvin sign, which
    str.lower() leaves as they are: a story holding such letters is searched sentence by sentence,
    with no shortcut that lowers it first."""
    from datetime import date

    from site_builder.models import Event

    rule = (("surat",), ("kim",))
    sentence = "Trump mengirim ſurat kepada \u212aim."
    assert matches_rule(sentence, rule)
    letter = Event("e1", date(2019, 1, 1), "day", "T", "T", "letters", 0, "", "", (rule,), ())
    found = events_in(["Pembuka berita.", sentence], [letter])
    assert [(m.event.id, m.evidence) for m in found] == [("e1", sentence)]


def test_sentences_split_after_closing_quotes():
    text = "“Visi ini sangat berani,” kata Biegun. Donald Trump bertemu Kim. Lalu \"pergi.\" Selesai."
    assert list(sentences(text)) == ["“Visi ini sangat berani,” kata Biegun.", "Donald Trump bertemu Kim.",
                               "Lalu \"pergi.\"", "Selesai."]


def test_events_in_keeps_date_order_and_first_matching_sentence(make_site):
    from site_builder.pipeline import load_and_validate

    content, _ = load_and_validate(make_site(), BufferReporter())
    mentions = events_in(["Keduanya bertemu di Singapura, lalu di Hanoi. Lalu bertemu lagi di Singapura."],
                         content.events)
    assert [(m.event.id, m.evidence) for m in mentions] == [
        ("singapore-summit", "Keduanya bertemu di Singapura, lalu di Hanoi.")]


def test_a_quote_removed_from_its_article_fails_the_build_naming_event_and_article(make_site, capsys):
    project = make_site()
    article = project.content / "articles" / "trump-enggan.md"
    article.write_text(article.read_text().replace("Trump dan Kim bertemu di Singapura pada 2018.", ""))
    assert main(["build", "--project", str(project.root)]) == 1
    assert ("error: content/events.yaml:1: evidence: event 'singapore-summit': the quote 'Trump dan Kim "
            "bertemu di Singapura pada 2018.'… is not in content/articles/trump-enggan.md; copy the passage "
            "exactly as it stands in the story") in capsys.readouterr().err
    assert not (project.root / "_site").exists()


@pytest.mark.parametrize("field, value, message", [
    ("tone: 2", "tone: 3", "singapore-summit.tone: 3 is not a tone; use a whole number from -2 (hostile) to 2 (warm)"),
    ("kind: summit", "kind: party", "singapore-summit.kind: 'party' is not a kind; use one of summit, talks, "
     "letter, statement, weapons-test, pressure, alignment, transition"),
    ("date: 2018-06-12", "date: 12 Juni 2018", "singapore-summit.date: '12 Juni 2018' is not a date; write "
     "2019-06-30, or 2019-06 with precision: month"),
])
def test_bad_event_fields(make_site, capsys, field, value, message):
    project = make_site()
    events = project.content / "events.yaml"
    events.write_text(events.read_text().replace(field, value, 1))
    assert main(["check", "--project", str(project.root)]) == 1
    assert message in capsys.readouterr().err
