"""The analysis of the five stories, each finding checked by hand against the text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from site_builder.analysis.names import AliasIndex
from site_builder.analysis.quotes import QuoteFinder
from site_builder.analysis.passage_index import PassageIndex
from site_builder.analysis.passages import StoryPassages
from site_builder.analysis.shared import Item, shared_quotes, word_diff
from site_builder.markdown import RenderedBody
from site_builder.pipeline import render_site
from site_builder.models import Gazetteer, Person
from site_builder.project import Project
from site_builder.reporter import BufferReporter

REPO = Path(__file__).resolve().parent.parent
BIEGUN, TRUMP, KIM = "Stephen Biegun", "Donald Trump", "Kim Jong Un"

# (speaker, first words) of every statement, read off each story by hand.
EXPECTED_QUOTES = {
    "2020-12-biegun-kim-sia-siakan-kesempatan": [
        (BIEGUN, "Sayangnya, banyak kesempatan"), (BIEGUN, "(Mereka) terlalu sering"), (BIEGUN, "Visi ini sangat")],
    "2020-02-trump-enggan-bertemu-kim": [],
    "2025-02-trump-ingin-bertemu-kim": [
        (TRUMP, "Kami akan memiliki"), (TRUMP, "Saya rasa jika"), (TRUMP, "Saya pikir itu"),
        (TRUMP, "Saya dapat memberi")],
    "2024-11-kim-sinis-pertemuan-trump": [(KIM, "Kami telah melakukan"), (KIM, "Mengingat kenyataan ini")],
    "2024-11-kim-kesampingkan-hubungan-as": [(KIM, "Kami telah melakukan"), (KIM, "Mengingat kenyataan ini")],
}
EXPECTED_TERMS = {
    "2020-02-trump-enggan-bertemu-kim": ["tangan kosong", "mati", "manusia roket", "penghambat", "Rocket Man"],
    "2025-02-trump-ingin-bertemu-kim": ["musuh permanen"],
    "2024-11-kim-kesampingkan-hubungan-as": ["bandul keseimbangan militer", "musuh permanen", "akrab", "bertindak"],
}
EXPECTED_SOURCES = {
    "2020-12-biegun-kim-sia-siakan-kesempatan": (["Reuters"], ["The Straits Times", "Anadolu Agency"]),
    "2020-02-trump-enggan-bertemu-kim": (["CNN", "Axios"], ["Reuters"]),
    "2025-02-trump-ingin-bertemu-kim": (["RT"], []),
    "2024-11-kim-sinis-pertemuan-trump": (["Anadolu Agency"], ["Associated Press"]),
    "2024-11-kim-kesampingkan-hubungan-as": (["KCNA", "Radio Free Asia"], ["Getty Images"]),
}


@pytest.fixture(scope="module")
def records():
    files = render_site(Project.at(REPO), BufferReporter(), base_url="https://user.github.io/repo/")
    return {r["slug"]: r for r in json.loads(files["data/articles.json"])}


@pytest.mark.parametrize("slug", sorted(EXPECTED_QUOTES))
def test_quotes_and_speakers(records, slug):
    quotes = records[slug]["quotes"]
    assert [(q["speaker"], q["text"][: len(start)]) for q, (_, start) in zip(quotes, EXPECTED_QUOTES[slug])] \
        == EXPECTED_QUOTES[slug]
    assert len(quotes) == len(EXPECTED_QUOTES[slug])
    assert records[slug]["terms"] == EXPECTED_TERMS.get(slug, [])


@pytest.mark.parametrize("slug", sorted(EXPECTED_SOURCES))
def test_sources_are_kept_apart_from_photo_credits(records, slug):
    sources, credits = EXPECTED_SOURCES[slug]
    assert [s["name"] for s in records[slug]["sources"]] == sources
    assert records[slug]["photo_credits"] == credits


def test_only_one_outlet_cites_russian_state_media(records):
    citing = [slug for slug, r in records.items() if any(s["id"] == "rt" for s in r["sources"])]
    assert citing == ["2025-02-trump-ingin-bertemu-kim"]


def test_kompas_tv_and_medcom_share_two_kim_quotes(records):
    shared = records["2024-11-kim-sinis-pertemuan-trump"]["shared_quotes"]
    assert [(q["story"], q["text"][:20]) for q in shared] == [
        ("2024-11-kim-kesampingkan-hubungan-as", "Kami telah melakukan"),
        ("2024-11-kim-kesampingkan-hubungan-as", "Mengingat kenyataan "),
    ]


def test_politikindonesia_reuses_medcom_sentences_published_months_earlier(records):
    reused = records["2025-02-trump-ingin-bertemu-kim"]["reused_passages"]
    assert {r["story"] for r in reused} == {"2024-11-kim-kesampingkan-hubungan-as"}
    assert all(r["first_published_by"] == "Medcom.id" for r in reused)
    assert any('"musuh permanen"' in r["text"] and '"musuh permanen"' in r["other_text"] for r in reused)


def test_people_counted_with_their_side(records):
    people = {p["name"]: (p["side"], p["mentions"]) for p in records["2020-12-biegun-kim-sia-siakan-kesempatan"]["people"]}
    assert people[BIEGUN][0] == "US" and people[BIEGUN][1] == 4  # "Stephen Biegun", 3 × "Biegun"
    assert people["Joe Biden"] == ("US", 1)


GAZ = Gazetteer(
    people=(Person("ana", "Ana Putri", ("Ana Putri", "Ana"), "Menteri", "other"),
            Person("bo", "Bo Lee", ("Bo Lee", "Bo"), "Duta besar", "ROK")),
    reporting_verbs=("kata", "ujar", "tutur", "kat"), introducing=("mengatakan", "menurut"),
)


@pytest.mark.parametrize("paragraphs, expected", [
    (['"Kita akan bertemu lagi bulan depan," kata Ana Putri.'], [("Ana Putri", "after")]),
    (["Bo Lee tiba di Jakarta.", "“Kami siap berunding kapan saja,” ujarnya."], [("Bo Lee", "pronoun")]),
    (['Menurut Bo, "hubungan kedua negara terus membaik setiap tahun."'], [("Bo Lee", "before")]),
    (['Ana mengatakan, "kami tidak akan mundur dari perundingan ini."'], [("Ana Putri", "before")]),
    (['"Semua berjalan sesuai rencana kami," kat Ana.'], [("Ana Putri", "after")]),
    (['"Ini bukan pernyataan siapa pun yang dikenal," kata sumber itu.'], [(None, "after")]),
])
def test_attribution_rules_in_other_styles(paragraphs, expected):
    quotes = QuoteFinder(GAZ).find(paragraphs)
    assert [(q.speaker.name if q.speaker else None, q.how) for q in quotes] == expected


def test_all_capital_aliases_match_only_in_capitals():
    from site_builder.models import Source

    index = AliasIndex([Source("rt", "RT", ("RT",), "state media", "Russia")])
    assert [m.item.id for m in index.find("Dikutip dari RT, warga satu rt berkumpul")] == ["rt"]


def test_letters_that_lower_to_themselves_but_match_ignoring_case_are_counted():
    """Python's re, ignoring case, matches "s" to the long s "ſ", which str.lower() leaves as it is:
    such text (content is untrusted) once stopped the build with a traceback."""
    from site_builder.analysis.framing import framing_counts
    from site_builder.models import Source

    text = "Dikutip dari Reuterſ, ſanksi baru dibahas di KTT."
    index = AliasIndex([Source("reuters", "Reuters", ("Reuters",), "wire", "UK")])
    assert [m.item.id for m in index.find(text)] == ["reuters"]
    assert framing_counts(("sanksi", "ktt", "rudal"), [text]) == (1, 1, 0)


def test_shared_quote_needs_the_same_speaker_and_different_outlets():
    a = Item("s1", "tempo", "Kami akan terus memperkuat pertahanan negara kami", "kim")
    b = Item("s2", "medcom", "Kami akan terus memperkuat pertahanan negeri kami", "kim")
    c = Item("s3", "antara", "Kami akan terus memperkuat pertahanan negara kami", "trump")
    d = Item("s4", "tempo", "Kami akan terus memperkuat pertahanan negara kami", "kim")
    pairs = shared_quotes([a, b, c, d])
    assert {(p.a.story, p.b.story) for p in pairs} == {("s1", "s2"), ("s2", "s4")}


def passages_of(key: str, slug: str, outlet: str, *paragraphs: str) -> StoryPassages:
    return StoryPassages(key, slug, outlet, RenderedBody("", 0, paragraphs))


def test_reused_passages_ignore_short_overlaps():
    long = "Korea Utara telah meningkatkan pengujian senjatanya dan berjanji untuk memperluas persenjataan nuklirnya"
    other = "Korea Utara telah meningkatkan hubungan dagang dengan Tiongkok tahun lalu"
    stories = [passages_of("k1", "s1", "a", long), passages_of("k2", "s2", "b", long + " tahun ini."),
               passages_of("k3", "s3", "c", other)]
    assert [(p.a.story, p.b.story) for p in PassageIndex().reused_passages(stories)] == [("s1", "s2")]


def test_a_passage_sentence_is_counted_and_shingled_without_its_quotes():
    from site_builder.analysis.passages import passage_sentences, passage_shingles

    words_outside = "Juru bicara itu mengatakan kepada wartawan di Seoul pada hari Senin"
    for quote in ('"kami tidak akan pernah menyerah dalam perundingan yang panjang ini"',
                  "“kami tidak akan pernah menyerah dalam perundingan yang panjang ini”"):
        short = f"Ia berkata, {quote}, kemarin."  # three words outside the quote: no passage (quotes count apart)
        assert passage_sentences([short]) == []
        long = f"{words_outside}, {quote}."
        assert passage_sentences([long]) == [long]
        assert passage_shingles([long]) == passage_shingles([words_outside + "."])
    plain = "Ia berkata bahwa mereka tidak akan pernah menyerah dalam perundingan yang panjang itu."
    assert passage_sentences([plain]) == [plain]


@pytest.mark.parametrize("with_numpy", [True, False])
def test_passage_shingles_of_many_stories_are_each_storys_own(monkeypatch, with_numpy):
    """Worked out SHINGLED_TOGETHER stories at a time, each story's shingles are those it has alone:
    none runs from one story's sentences into the next's, and stories without passages keep their
    place (70 stories: two whole groups and a part)."""
    import random
    import sys

    from site_builder.analysis.passages import SHINGLED_TOGETHER, passage_shingles, passage_shingles_of

    if with_numpy:
        import numpy  # noqa: F401
    else:
        monkeypatch.setitem(sys.modules, "numpy", None)  # shingling.py then hashes in Python
    rng = random.Random(9)
    vocabulary = "Korea Utara Selatan Trump Kim bertemu di Hanoi pada tahun lalu dan perundingan nuklir".split()

    def sentence(words: int) -> str:
        text = " ".join(rng.choice(vocabulary) for _ in range(words))
        return text[0].upper() + text[1:] + rng.choice(".!?")

    def paragraph() -> str:
        quote = f' "{sentence(9)}"' if rng.random() < 0.3 else ""
        return " ".join(sentence(rng.choice((3, 8, 12, 20))) for _ in range(rng.randrange(1, 4))) + quote

    stories = [[paragraph() for _ in range(rng.randrange(0, 4))] for _ in range(2 * SHINGLED_TOGETHER + 6)]
    stories[SHINGLED_TOGETHER - 1] = stories[SHINGLED_TOGETHER] = []  # none, at a group's end and the next's start
    together = passage_shingles_of(stories)
    assert together == [passage_shingles(paragraphs) for paragraphs in stories]
    assert sum(1 for shingles in together if shingles) > SHINGLED_TOGETHER  # most stories have passages
    assert passage_shingles_of([]) == []


def test_the_passage_index_takes_in_again_only_the_stories_that_changed():
    long = "Korea Utara telah meningkatkan pengujian senjatanya dan berjanji untuk memperluas persenjataan nuklirnya."
    stories = [passages_of("k1", "s1", "a", long), passages_of("k2", "s2", "b", "Satu dua tiga empat."),
               passages_of("k3", "s3", "c", "Lima enam tujuh delapan.")]
    index = PassageIndex()
    assert index.reused_passages(stories) == []
    numbers = {key: entry[0] for key, entry in index.stories.items()}
    stories[1] = passages_of("k2-edited", "s2", "b", long)
    assert [(p.a.story, p.b.story, p.similarity) for p in index.reused_passages(stories)] == [("s1", "s2", 1.0)]
    assert {key: entry[0] for key, entry in index.stories.items()} == {
        "k1": numbers["k1"], "k3": numbers["k3"], "k2-edited": max(numbers.values()) + 1}
    assert index.reused_passages(stories[:1] + stories[2:]) == []


def test_word_diff_marks_only_changed_words():
    left, right = word_diff("yang tak berubah terhadap", "yang tidak berubah terhadap")
    assert [w for w, changed in left if changed] == ["tak"]
    assert [w for w, changed in right if changed] == ["tidak"]


def test_word_diff_of_the_same_words_marks_none():
    text = "Kami akan terus, (tentu saja) memperkuat pertahanan."
    assert word_diff(text, text) == ([(w, False) for w in text.split()],) * 2
    left, right = word_diff("Kami akan  terus", "kami akan terus.")  # alike once lowered and stripped
    assert [changed for _, changed in left + right] == [False] * 6


_QUOTE_WORDS = st.sampled_from(["Kami", "kami", "kami.", "(kami)", "akan", "Akan,", "terus", "tidak", "tak", "AS"])


@given(st.lists(_QUOTE_WORDS, max_size=8), st.lists(_QUOTE_WORDS, max_size=8), st.sampled_from([" ", "  ", "\n"]))
def test_a_quote_is_reworded_exactly_when_word_diff_marks_a_word(left, right, space):
    from site_builder.analysis.shared import reworded

    a, b = space.join(left), " ".join(right)
    marked = word_diff(a, b)
    assert reworded(a, b) == any(changed for _, changed in marked[0] + marked[1])


def test_adding_an_article_updates_findings_that_depend_on_it(make_site):
    people = ("people:\n  - {id: kim, name: Kim Jong Un, aliases: [Kim Jong Un, Kim], role: Pemimpin, side: DPRK}\n"
              "reporting_verbs: [kata]\nintroducing: [menurut]\n")
    quote = '"Kami tidak akan pernah menyerahkan senjata nuklir kami," kata Kim.\n'
    first = "---\ntitle: A\noutlet: tempo\npublished: 2024-01-01\n---\n" + quote
    project = make_site({"content/people.yaml": people, "content/articles/a.md": first})
    before = {r["slug"]: r for r in json.loads(render_site(project, BufferReporter())["data/articles.json"])}
    assert before["a"]["quotes"] == [{"speaker": "Kim Jong Un", "side": "DPRK",
                                      "text": "Kami tidak akan pernah menyerahkan senjata nuklir kami"}]
    assert before["a"]["shared_quotes"] == []

    second = "---\ntitle: B\noutlet: kompas-tv\npublished: 2024-01-02\n---\n" + quote.replace("nuklir kami", "nuklirnya")
    make_site({"content/people.yaml": people, "content/articles/b.md": second}, root=project.root)
    after = {r["slug"]: r for r in json.loads(render_site(project, BufferReporter())["data/articles.json"])}
    assert [q["story"] for q in after["a"]["shared_quotes"]] == ["b"]
    assert [q["story"] for q in after["b"]["shared_quotes"]] == ["a"]


def test_an_analyser_in_use_travels_to_a_worker_started_afresh_and_finds_the_same():
    """Where workers start from a clean process (the preview server's builds: workers.start_method),
    their setting is pickled; one whose analyser was made already must pickle too."""
    import pickle

    from site_builder.load import load_content
    from site_builder.stories import Setting
    from site_builder.validate import validate_data

    raw, _ = load_content(Project.at(REPO))
    data, _, _ = validate_data(raw)
    setting = Setting.of(data)
    paragraphs = ["Donald Trump dan Kim Jong Un bertemu untuk pertama kalinya di Singapura pada 2018, "
                  "menurut kantor berita Yonhap dan Reuters, dalam KTT yang membahas sanksi."]
    found = setting.analyser.story(paragraphs, "AP Photo", ())
    assert found.events and found.people and found.places  # (something to compare)
    assert pickle.loads(pickle.dumps(setting)).analyser.story(paragraphs, "AP Photo", ()) == found
