"""Benchmark: site_builder against Hugo and Pelican on the same synthetic corpus, side by side in one run.

    python tests/benchmarks/bench.py --sizes 100 1000 10000 --repeat 3 [--lighthouse]

For each size it times, in new processes, a cold full build, a rebuild with no change, a rebuild after
editing one story (the first build after the cold one, which also fills the spare folder the writer
keeps the site before last in: write.SiteWriter), a rebuild after editing another (as every edit
after the first), one after adding a story, one after editing a story with the last site removed
(as in CI when the Actions cache held the build cache only), edits rebuilt by the preview server's
process (serving.py), and an edit after the site and the build cache were restored as the Actions
cache does, in a fresh checkout (.github/workflows/pages.yml), and a build that renders and writes
every page into a new `_site/` with the stories' analysis kept (what a cold build would take were
the analysis free), each repeated and reported as median (min-max), with peak memory
(proportional set size of the build's processes together) and the CPU time it took, in user mode
and in the kernel (where making files costs: see from_scratch);
then checks that the site after those rebuilds is byte-identical to a clean build.
The builds are taken in rounds: each round times every one of these builds, Hugo's and Pelican's,
at every size, once (the preview server's edits, timed in one process of its own, come after the
rounds). The machine's speed drifts (other work on it comes and goes), and a ratio of two times
taken in the same rounds drifts with both, not with one of them only; each ratio is also given
round by round. Each build is timed with the files of those before it written out to disk (settle).
Hugo (Debian package `hugo`) and Pelican (PyPI: `pelican markdown`) build the same stories when they
are installed; our time is printed as a ratio to theirs. It also times a cold build of the project's
own five-story site, and with --lighthouse runs Lighthouse (mobile) on its home, a story, the outlet
comparison and the chart page (npm: `npm install --prefix tests/benchmarks lighthouse@13`; Debian's
Chromium). Nothing here is a test: the machines are noisy.
"""
from __future__ import annotations

import argparse
import filecmp
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

from corpus import REPO, write_corpus


def tree_memory(root: int) -> int:
    """Memory (KiB) of a process and all its descendants (the worker processes), from /proc: the
    sum of their proportional set sizes, so pages that forked workers share with their parent
    count once."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    family = {root}
    for pid in sorted(parents):
        ancestor = pid
        while ancestor and ancestor not in family and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor in family:
            family.add(pid)
    total = 0
    for pid in family:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    return total


class Timed(NamedTuple):
    """One command's run (run)."""
    seconds: float
    peak: int  # KiB: the most memory the process and its descendants held together, sampled every 100 ms
    user: float  # CPU seconds in user mode of the process and the descendants it (or they) waited for
    system: float  # CPU seconds in the kernel, likewise: making and writing files, forking, page faults


def run(command: list[str], cwd: Path | None = None, output: list[str] | None = None) -> Timed:
    """One command in a new process, timed (Timed); what it prints is appended to `output`, if given."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # works from a checkout without installing
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: our modules compiled once, not in every run
    with tempfile.TemporaryFile("w+") as errors, tempfile.TemporaryFile("w+") as printed:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=printed, stderr=errors)
        peak, ended = [0], threading.Event()

        def sample() -> None:
            while True:
                peak[0] = max(peak[0], tree_memory(process.pid))
                if ended.wait(0.1):
                    return

        # Sampled in a thread while this one waits for the command: a wait with a timeout polls, with
        # pauses that grow to 50 ms, and noticed the end of a 0.8 s command 7-37 ms late (21 ms by the median)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)  # as process.wait(), with the CPU it took
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        ended.set()
        sampler.join()
        peak = peak[0]
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"failed: {' '.join(command)}\n{errors.read()}")
        if output is not None:
            printed.seek(0)
            output.append(printed.read())
    return Timed(seconds, peak, usage.ru_utime, usage.ru_stime)


def our_build(root: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "site_builder", "build", "--project", str(root), "--quiet", *extra]


def ours(root: Path, *extra: str) -> Timed:
    return run(our_build(root, *extra))


def settle() -> None:
    """Before each measurement: the files earlier ones wrote go to disk first (os.sync), so that
    no build is timed while the kernel writes out another's. Left to the kernel, it writes a file
    out some 30 s after it was written (vm.dirty_expire_centisecs), on this machine's two cores
    beside the build then running: a cold build at 10,000 stories writes about 450 MB (the site
    and the build cache), and in the edit right after it, side by side over 3 pairs of rounds,
    the passage index's process took long enough for the build to wait 0.09 s for its answer
    (0.001 s with the cold build's files written out first). What a measurement does to get
    ready (removing the output, restoring a cache) is not settled: it is part of what is timed
    after it, as it would be in CI."""
    os.sync()


def measure(label: str, action, repeat: int) -> dict:
    return summary(label, [action(i) for i in range(repeat)])


def summary(label: str, runs: list[Timed]) -> dict:
    """Median, min and max of the runs' seconds, each run's seconds, the peak of their memory and
    the medians of their CPU seconds, in user mode and in the kernel."""
    times = [timed.seconds for timed in runs]
    return {"label": label, "median": statistics.median(times), "min": min(times), "max": max(times),
            "times": times, "rss": max(timed.peak for timed in runs),
            "user": statistics.median(timed.user for timed in runs),
            "system": statistics.median(timed.system for timed in runs)}


def restore_as_tar_does(root: Path, folders: list[str]) -> None:
    """The folders packed in a tar archive, removed and unpacked again: in the POSIX format, as
    actions/cache packs them (actions/toolkit, packages/cache/src/internal/tar.ts, createTar),
    which keeps modification times to the nanosecond (GNU tar's own format keeps whole seconds)."""
    with tempfile.TemporaryDirectory() as work:
        archive = os.path.join(work, "cache.tar")
        subprocess.run(["tar", "--posix", "-C", str(root), "-cf", archive, *folders], check=True)
        for folder in folders:
            shutil.rmtree(root / folder)
        subprocess.run(["tar", "-C", str(root), "-xf", archive], check=True)


def same_trees(a: Path, b: Path) -> bool:
    left = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    right = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return left == right and all(filecmp.cmp(a / p, b / p, shallow=False) for p in left)


def our_actions(root: Path, repeat: int) -> list[tuple[str, object]]:
    """Our measurements, in the order a round takes them: each action(i) builds once (round i)."""
    stories = sorted((root / "content" / "articles").glob("*.md"))

    def cold(_):
        return from_scratch(root / "_site", our_build(root, "--clean"))

    def edited(i):
        story = stories[(i * 7919) % len(stories)]
        story.write_text(story.read_text() + f"\nParagraf suntingan {i}.\n")

    def edit(i):
        edited(i)
        return ours(root)

    def edit_again(i):
        """The edit after the first: the spare folder holds the site before last (write.SiteWriter)."""
        return edit(3 * repeat + i)

    def add(i):
        (root / "content" / "articles" / f"2025-12-tambahan-{i}.md").write_text(
            f"---\ntitle: Tambahan {i}\noutlet: tempo\npublished: 2025-12-0{1 + i % 9}\n---\nIsi tambahan {i}.\n")
        return ours(root)

    def edit_without_output(i):
        """As in CI when the Actions cache held the build cache but not the last site."""
        shutil.rmtree(root / "_site")
        return edit(repeat + i)

    def edit_after_restore(i):
        """As in CI (.github/workflows/pages.yml): the build cache and the last site restored from
        the Actions cache, which is a tar archive: the same bytes, times and hard links, other
        inodes; and the project checked out afresh (git keeps no modification times: every file
        has the time of the checkout, here a minute before the build, as CI installs the
        dependencies in between). The edit comes with the checkout, as the commit CI builds holds
        it: the edited file has the checkout's time too."""
        restore_as_tar_does(root, ["_site", ".site-cache"])
        edited(2 * repeat + i)
        checkout = time.time() - 60
        for folder in ("content", "templates", "static"):
            for path in (root / folder).rglob("*"):
                os.utime(path, (checkout, checkout))
        return ours(root)

    def pages_only(_):
        """What a cold build would take were the analysis free."""
        only_analysis_kept(root)
        return ours(root)

    return [("cold full build", cold), ("no change", lambda _: ours(root)), ("edit one story", edit),
            ("edit one story again", edit_again), ("add one story", add),
            ("edit, no _site (CI)", edit_without_output), ("edit, restored (CI)", edit_after_restore),
            ("pages, analysis kept", pages_only)]


# What the build cache keeps of the stories' analysis (cache.py): each story's facts and rest, the
# passage index, the passage sentences and the results made across stories (the shared quotes,
# the reused passages, the outlets' counts, the chart's figure).
ANALYSIS_KEPT = ("stories", "passages.pickle", "sentences", "results")


def only_analysis_kept(root: Path) -> None:
    """`_site/` removed, and all of the build cache but ANALYSIS_KEPT: the page cache, the compiled
    templates, what the last build read, articles.json's lines and the views' digests. The next
    build reads every story file, prepares none and renders and writes every page."""
    cache = root / ".site-cache"
    missing = [name for name in ANALYSIS_KEPT if not (cache / name).exists()]
    if missing:
        raise SystemExit(f"bench.py: the build cache has no {', '.join(missing)}: update ANALYSIS_KEPT")
    shutil.rmtree(root / "_site")
    for path in cache.iterdir():
        if path.name not in ANALYSIS_KEPT:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()


def rebuilt_as_clean(root: Path) -> bool:
    """Whether the site the rebuilds left is byte-identical to a clean build of the same content."""
    ours(root, "--out", str(root / "clean-build"), "--clean")
    return same_trees(root / "_site", root / "clean-build")


def edits_while_serving(root: Path, repeat: int) -> dict:
    """Rebuilds after editing a story in `site-builder serve`'s process (serving.py), which builds
    again and again: no new process, and the build cache's files kept in memory while unchanged.
    Peak memory is the whole run's (the server's first build included)."""
    printed: list[str] = []
    settle()
    peak = run([sys.executable, str(Path(__file__).parent / "serving.py"), str(root), str(repeat)], output=printed).peak
    times = json.loads(printed[0])
    return {"label": "edit while serving", "median": statistics.median(times), "min": min(times),
            "max": max(times), "rss": peak}


def five_story_cold_start(repeat: int) -> dict:
    """The project's own site, built in a new process with no cache."""
    def once(_):
        with tempfile.TemporaryDirectory() as folder:
            project = Path(folder) / "site"
            for name in ("content", "templates", "static"):
                shutil.copytree(REPO / name, project / name)
            return ours(project)
    return measure("five-story cold start", once, repeat)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


LIGHTHOUSE_PAGES = ("index.html", "stories/2020-02-trump-enggan-bertemu-kim.html", "outlets.html", "timeline.html")


def lighthouse() -> None:
    """Lighthouse (mobile) scores of four pages of the five-story site, served under /repo/."""
    local = Path(__file__).parent / "node_modules" / ".bin" / "lighthouse"
    command = str(local) if local.exists() else shutil.which("lighthouse")
    if not command:
        print("\nLighthouse: not installed; npm install --prefix tests/benchmarks lighthouse@13")
        return
    with tempfile.TemporaryDirectory() as folder:
        run([sys.executable, "-m", "site_builder", "build", "--project", str(REPO), "--quiet",
             "--base-url", "https://user.github.io/repo/", "--out", str(Path(folder) / "repo")])
        handler = functools.partial(QuietHandler, directory=folder)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print("\nLighthouse (mobile), scores out of 100:")
        try:
            for page in LIGHTHOUSE_PAGES:
                report = Path(folder) / "report.json"
                subprocess.run([command, f"http://127.0.0.1:{server.server_port}/repo/{page}", "--quiet",
                                "--output", "json", "--output-path", str(report),
                                "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking "
                                "--disable-component-update --disable-sync --no-first-run"],
                               env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
                               capture_output=True, check=True)
                categories = json.loads(report.read_text())["categories"]
                scores = ", ".join(f"{key} {round(100 * categories[key]['score'])}"
                                   for key in ("performance", "accessibility", "best-practices", "seo"))
                print(f"  {page:<50} {scores}")
        finally:
            server.shutdown()


def hugo_site(source: Path, target: Path) -> Path:
    (target / "content" / "posts").mkdir(parents=True)
    (target / "layouts" / "_default").mkdir(parents=True)
    (target / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Bench"\n'
                                      'disableKinds = ["taxonomy", "term"]\n[pagination]\npagerSize = 50\n')
    (target / "layouts" / "_default" / "baseof.html").write_text(
        '<!doctype html><html lang="id"><head><title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>')
    (target / "layouts" / "_default" / "single.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1><time>{{ .Date }}</time>{{ .Content }}{{ end }}')
    (target / "layouts" / "_default" / "list.html").write_text(
        '{{ define "main" }}{{ range .Paginator.Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}')
    for story in (source / "content" / "articles").glob("*.md"):
        text = story.read_text().replace("published:", "date:", 1)
        (target / "content" / "posts" / story.name).write_text(text)
    return target


def pelican_site(source: Path, target: Path) -> Path:
    (target / "content").mkdir(parents=True)
    (target / "pelicanconf.py").write_text('SITENAME = "Bench"\nSITEURL = ""\nTIMEZONE = "Asia/Jakarta"\n'
                                           'DEFAULT_LANG = "id"\nFEED_ALL_ATOM = None\nDEFAULT_PAGINATION = 50\n')
    for story in (source / "content" / "articles").glob("*.md"):
        meta, body = story.read_text().split("---\n", 2)[1:]
        fields = dict(line.split(": ", 1) for line in meta.splitlines() if ": " in line)
        (target / "content" / story.name).write_text(
            f"Title: {fields['title']}\nDate: {fields['published'][:16].replace('T', ' ')}\n\n{body}")
    return target


def from_scratch(output: Path, command: list[str], cwd: Path | None = None) -> Timed:
    """A build with its output folder removed first, as every cold build here starts: without it,
    Hugo and Pelican rewrite the files of their last build in place, while a build into an empty
    folder makes every file anew. Where the file system is ext4 without a journal (as on the
    machine of the README's figures), making files just after many were removed costs kernel time
    (its allocator steps over recently deleted inodes one by one): Hugo at 10,000 stories took
    4.5 s with its output kept and 6.4-9.3 s with it removed just before."""
    shutil.rmtree(output, ignore_errors=True)
    return run(command, cwd=cwd)


def other_actions(source: Path, work: Path) -> list[tuple[str, object]]:
    """Cold builds of the same stories by Hugo and Pelican, where they are installed."""
    found = []
    if shutil.which("hugo"):
        hugo = hugo_site(source, work / "hugo")
        found.append(("Hugo cold build", lambda _: from_scratch(hugo / "public", ["hugo", "--quiet", "-d", "public"], hugo)))
    pelican = Path(sys.executable).parent / "pelican"
    if pelican.exists() or shutil.which("pelican"):
        site = pelican_site(source, work / "pelican")
        command = [str(pelican) if pelican.exists() else "pelican", "content", "-o", "output", "-s", "pelicanconf.py", "-q"]
        found.append(("Pelican cold build", lambda _: from_scratch(site / "output", command, site)))
    return found


def ratio(mine: dict, theirs: dict) -> str:
    """Of the medians, then the range of the ratios round by round (each pair taken minutes apart
    at most)."""
    rounds = [a / b for a, b in zip(mine["times"], theirs["times"])]
    spread = f" (rounds {min(rounds):.2f}-{max(rounds):.2f})" if len(rounds) > 1 else ""
    return f"{mine['median'] / theirs['median']:.2f}{spread}"


def per_story(result: dict, count: int) -> dict:
    """A result's times divided by its number of stories."""
    return {"median": result["median"] / count, "times": [t / count for t in result["times"]]}


def report(count: int, measured: dict[str, dict], serving: dict) -> None:
    others = ("Hugo cold build", "Pelican cold build")
    theirs = [measured[label] for label in others if label in measured]
    mine = [*(r for label, r in measured.items() if label not in others), serving]  # serving: timed after the rounds
    print(f"\n{count} stories")
    for r in mine + theirs:
        print(f"  {r['label']:<22} {r['median']:7.2f} s  ({r['min']:.2f}-{r['max']:.2f})  "
              f"{1000 * r['median'] / count:7.2f} ms/story  peak {r['rss'] / 1024:6.0f} MB"
              + (f"  CPU {r['user']:.2f} s user, {r['system']:.2f} s kernel" if "user" in r else ""))
    cold = measured["cold full build"]
    pages = measured["pages, analysis kept"]  # the floor that quicker analysis alone would reach
    for r in theirs:
        print(f"  ours / {r['label'].split()[0]}: {ratio(cold, r)}   "
              f"pages, analysis kept / {r['label'].split()[0]}: {ratio(pages, r)}")
    edits = [("edit one", "edit one story"), ("edit again", "edit one story again")]  # also given round by round
    shares = [("no change", "no change"), *edits, ("add one", "add one story"),
              ("edit without _site", "edit, no _site (CI)"), ("edit restored", "edit, restored (CI)"),
              ("pages, analysis kept", "pages, analysis kept")]
    print("  " + "   ".join(f"{name} / cold: {measured[label]['median'] / cold['median']:.1%}" for name, label in shares)
          + f"   edit while serving / cold: {serving['median'] / cold['median']:.1%}")
    for name, label in edits:
        by_round = [e / c for e, c in zip(measured[label]["times"], cold["times"])]
        if len(by_round) > 1:
            print(f"  {name} / cold, round by round: {', '.join(f'{share:.1%}' for share in by_round)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lighthouse", action="store_true", help="also run Lighthouse on the five-story site")
    parser.add_argument("--only-ours", action="store_true", help="leave out Hugo and Pelican (for quick checks; "
                                                                     "the figures to report compare all three)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPU cores, Python {sys.version.split()[0]}; our builds use every core "
          "(site-builder build --workers defaults to them)")
    start = five_story_cold_start(args.repeat)
    print(f"\nfive-story site, new process, no cache: {start['median']:.2f} s ({start['min']:.2f}-{start['max']:.2f})")
    with tempfile.TemporaryDirectory() as folder:
        corpora = {}
        for count in args.sizes:
            work = Path(folder) / str(count)
            root = write_corpus(count, work / "ours")
            theirs = [] if args.only_ours else other_actions(root, work)
            corpora[count] = (root, theirs + our_actions(root, args.repeat))
        runs = {count: {label: [] for label, _ in actions} for count, (_, actions) in corpora.items()}
        for i in range(args.repeat):  # in rounds, every measurement of every size once a round: the
            for count, (_, actions) in corpora.items():  # machine's speed drifts, and then drifts for all alike
                for label, action in actions:
                    settle()
                    runs[count][label].append(action(i))
        cold = {}
        for count, (root, _) in corpora.items():
            measured = {label: summary(label, done) for label, done in runs[count].items()}
            serving = edits_while_serving(root, args.repeat)
            print(f"  {count} stories: after the rebuilds, _site is "
                  f"{'byte-identical to' if rebuilt_as_clean(root) else 'DIFFERENT from'} a clean build")
            cold[count] = measured["cold full build"]
            report(count, measured, serving)
    sizes = sorted(cold)
    if len(sizes) > 1:
        big, small = sizes[-1], sizes[-2]
        print(f"\nms per story, {big} vs {small}: {ratio(per_story(cold[big], big), per_story(cold[small], small))}")
    if args.lighthouse:
        lighthouse()


if __name__ == "__main__":
    main()
