"""Synthetic corpora for the benchmark: N stories in our content format, deterministic for a given N.

    python tests/benchmarks/corpus.py 1000 /tmp/corpus-1000

copies the project's templates, static files and data files, and writes N stories with realistic
Indonesian paragraphs, several outlets, dates across 2018-2025, quotes and event mentions. Sentences
name made-up people and places, as real news does, so that most runs of four words are rare; one
story in twelve is wire copy, taking two paragraphs and the statement (and its speaker) quoted in
a recent story (often another outlet's), so that the analysis across stories has shared quotes and
reused passages to find at every size (847 and 2,466 among 10,000 stories, 92 and 317 among 1,000).
The background paragraph most stories have (MIDDLES) recalls a summit, the Stockholm talks or the
pact with Russia, events of the site's events.yaml: 6,230 of 10,000 stories mention one.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WRITTEN = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()
OUTLETS = ["serambinews", "tempo", "politikindonesia", "kompas-tv", "medcom"]
SPEAKERS = [("Trump", "kata"), ("Kim Jong Un", "ujar"), ("Biegun", "tutur"), ("Putin", "imbuh"), ("O'Brien", "ungkap")]
OPENINGS = [
    "Presiden Amerika Serikat Donald Trump kembali menyinggung hubungannya dengan pemimpin Korea Utara Kim Jong Un.",
    "Pemimpin Korea Utara Kim Jong Un menanggapi pernyataan terbaru Washington tentang program nuklir negaranya.",
    "Hubungan Amerika Serikat dan Korea Utara kembali menjadi sorotan setelah pernyataan pejabat kedua negara.",
    "Korea Utara meluncurkan beberapa rudal balistik jarak pendek ke arah laut, menurut militer Korea Selatan.",
]
MIDDLES = [
    "Keduanya bertemu untuk pertama kalinya di Singapura pada 2018 dan menandatangani deklarasi bersama.",
    "Pertemuan kedua mereka di ibu kota Vietnam, Hanoi, pada 2019 berakhir tanpa kesepakatan.",
    "Trump menjadi presiden AS pertama yang menginjakkan kaki di Zona Demiliterisasi pada Juni 2019.",
    "Perundingan tingkat kerja di Stockholm terhenti setelah Korea Utara menyebut AS datang dengan tangan kosong.",
    "Korea Utara menandatangani pakta pertahanan dengan Rusia dan dituduh mengirim ribuan tentara ke Rusia.",
    "Para analis menilai sanksi internasional belum mengubah sikap Pyongyang terhadap senjata nuklirnya.",
    "Pemerintah Korea Selatan menyerukan dialog dan meminta kedua pihak menahan diri.",
    "Dikutip dari Reuters, pejabat AS menyatakan pintu diplomasi tetap terbuka bagi Pyongyang.",
]
QUOTES = [
    "Kami siap berbicara kapan saja jika mereka menunjukkan itikad baik",
    "Tidak ada yang bisa memaksa kami menyerahkan kemampuan pertahanan kami",
    "Saya punya hubungan yang sangat baik dengannya dan itu hal yang baik",
    "Negosiasi hanya menegaskan kebijakan permusuhan yang tidak berubah",
]


SUBJECTS = ["Kementerian Luar Negeri Korea Selatan", "Juru bicara Gedung Putih", "Kantor berita KCNA",
            "Seorang pejabat senior Departemen Luar Negeri AS", "Kepala Staf Gabungan Korea Selatan",
            "Duta besar Korea Utara untuk PBB", "Penasihat keamanan nasional AS", "Seorang peneliti di Seoul",
            "Menteri Unifikasi Korea Selatan", "Pejabat Jepang", "Kementerian Luar Negeri China",
            "Seorang diplomat Eropa di Pyongyang", "Analis dari sebuah lembaga kajian di Washington"]
VERBS = ["menyatakan", "menegaskan", "mengatakan", "memperingatkan", "menyebutkan", "mengungkapkan",
         "menilai", "mengklaim", "melaporkan", "menyoroti"]
CLAIMS = ["uji coba rudal terbaru menunjukkan kemajuan teknologi", "latihan militer gabungan akan tetap digelar",
          "sanksi ekonomi memperburuk kekurangan pangan", "jalur komunikasi militer masih terputus",
          "pembicaraan tingkat kerja dapat dilanjutkan", "fasilitas pengayaan uranium terus beroperasi",
          "bantuan kemanusiaan tertahan di perbatasan", "kapal tanker memindahkan minyak secara ilegal",
          "peluncuran satelit mata-mata gagal mencapai orbit", "pasukan tambahan dikerahkan ke perbatasan",
          "citra satelit memperlihatkan aktivitas di lokasi uji nuklir", "ekspor batu bara tetap berlangsung"]
PLACES = ["di Seoul", "di Tokyo", "di Beijing", "di New York", "di Jenewa", "di Panmunjom", "di Pyongyang",
          "di Washington", "di Moskow", "di Jakarta", "di Hanoi", "di Singapura"]
TIMES = ["pada Senin", "pada Selasa", "pada Rabu", "pada Kamis", "pada Jumat", "pada Sabtu", "pada Minggu",
         "pekan lalu", "dua hari lalu", "awal bulan ini", "Rabu malam", "Jumat pagi"]
DETAILS = ["sekitar {n} tentara", "lebih dari {n} ton bantuan", "{n} kilometer dari pantai timur",
           "ketinggian {n} kilometer", "nilai sekitar {n} juta dolar AS", "{n} peluncuran sejak Januari"]


SYLLABLES = ["ba", "da", "ka", "la", "ma", "na", "pa", "ra", "sa", "ta", "wa", "bi", "di", "ki", "li", "mi", "ni",
             "ri", "si", "ti", "bu", "du", "ku", "lu", "mu", "nu", "ru", "su", "tu", "be", "de", "ke", "le", "me",
             "ne", "re", "se", "te", "bo", "do", "ko", "lo", "mo", "no", "ro", "so", "to", "ng", "an", "in"]


def name(rng: random.Random) -> str:
    """A made-up proper name: of a person, a village, a firm."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def sentence(rng: random.Random) -> str:
    """A news sentence made of random parts and names: few runs of words repeat across stories, as in real news."""
    detail = rng.choice(DETAILS).format(n=f"{rng.randrange(2, 9999):,}".replace(",", "."))
    return (f"{rng.choice(SUBJECTS)} {name(rng)} {rng.choice(VERBS)} {rng.choice(TIMES)} di {name(rng)} bahwa "
            f"{rng.choice(CLAIMS)} di sekitar {name(rng)} {name(rng)} dan {name(rng)}, dengan {detail} menurut "
            f"{name(rng)} {name(rng)}.")


def story(index: int, rng: random.Random, earlier: list[tuple[list[str], str, str]]) -> tuple[str, str]:
    """A story's slug and file text; `earlier` holds what wire copy can take from the stories before."""
    moment = datetime(2018, 1, 1, 8, tzinfo=timezone(timedelta(hours=7))) + timedelta(
        minutes=rng.randrange(0, 8 * 365 * 24 * 60))
    speaker, verb = rng.choice(SPEAKERS)
    paragraphs = [rng.choice(OPENINGS)]
    for _ in range(rng.randint(5, 10)):
        paragraphs.append(" ".join(sentence(rng) for _ in range(rng.randint(1, 3))))
    paragraphs.insert(3, rng.choice(MIDDLES))  # the background paragraph many stories repeat
    statement = f"{rng.choice(QUOTES)} soal {name(rng)} dan {name(rng)}"
    if earlier and rng.random() < 1 / 12:  # wire copy: two paragraphs and the statement of a recent story
        taken, statement, speaker = rng.choice(earlier[-50:])
        for at, paragraph in enumerate(rng.sample(taken, min(2, len(taken)))):
            paragraphs.insert(4 + at, paragraph)
    paragraphs.insert(2, f'"{statement}," {verb} {speaker}.')
    earlier.append(([p for p in paragraphs if " bahwa " in p], statement, speaker))
    slug = f"{moment:%Y-%m}-cerita-{index:05d}"
    text = (f"---\ntitle: Berita sintetis nomor {index} tentang Trump dan Kim\noutlet: {rng.choice(OUTLETS)}\n"
            f"published: {moment.isoformat()}\nauthors: [Penulis {index % 37}]\n---\n" + "\n\n".join(paragraphs) + "\n")
    return slug, text


def events_without_articles(events: str) -> str:
    """The site's events, each passage of a real story cited as evidence (which a synthetic corpus
    does not have) replaced by a stand-in source: every event stays, so that the background
    paragraphs (MIDDLES) recall the summits, the talks and the pact as real stories do."""
    return re.sub(r"^    - article: .*\n      quote: .*$",
                  "    - {source: Stand-in for a story of the real site, url: 'https://example.org/', date: '2018'}",
                  events, flags=re.M)


def write_corpus(count: int, root: Path) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    content = root / "content"
    content.mkdir(parents=True)
    for name in ("site.yaml", "outlets.yaml", "people.yaml", "sources.yaml", "lexicon.yaml"):
        shutil.copy(REPO / "content" / name, content / name)
    shutil.copytree(REPO / "content" / "pages", content / "pages")
    events = (REPO / "content" / "events.yaml").read_text("utf-8")
    (content / "events.yaml").write_text(events_without_articles(events), "utf-8")
    articles = content / "articles"
    articles.mkdir()
    rng = random.Random(count)
    earlier: list[tuple[list[str], str, str]] = []
    for index in range(count):
        slug, text = story(index, rng, earlier)
        (articles / f"{slug}.md").write_text(text, "utf-8")
    for path in root.rglob("*"):  # as if written a day ago, as a newsroom's files would be
        os.utime(path, (WRITTEN, WRITTEN))
    return root


if __name__ == "__main__":
    print(write_corpus(int(sys.argv[1]), Path(sys.argv[2])))
