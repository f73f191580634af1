"""Every URL rule of the site in one place. URLs are paths relative to the site root."""
from __future__ import annotations

import posixpath
from functools import lru_cache

HOME = "index.html"
OUTLETS = "outlets.html"
TIMELINE = "timeline.html"
NOT_FOUND = "404.html"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOJEKYLL = ".nojekyll"
ARTICLES_JSON = "data/articles.json"
OUTLETS_JSON = "data/outlets.json"
EVENTS_JSON = "data/events.json"
EVENTS_CSV = "data/events.csv"


def story(slug: str) -> str:
    return f"stories/{slug}.html"


def event(event_id: str) -> str:
    return f"{TIMELINE}#event-{event_id}"


def archive(year: int, page: int = 1) -> str:
    """A page of a year's archive: the first at archive/2024.html, the next at archive/2024-2.html."""
    return f"archive/{year}.html" if page == 1 else f"archive/{year}-{page}.html"


def prose(slug: str) -> str:
    return f"{slug}.html"


def asset(hashed_name: str) -> str:
    return f"assets/{hashed_name}"


def relative(target: str, from_page: str) -> str:
    """The link from one page to another that works at a root, a sub-path and from disk."""
    target_path, _, fragment = target.partition("#")
    link = _relative_path(target_path, _folder(from_page)) if target_path else ""
    return f"{link}#{fragment}" if fragment else link


@lru_cache(maxsize=65_536)  # a page links a dozen times or more: its folder is worked out once
def _folder(page: str) -> str:
    return posixpath.dirname(page) or "."


@lru_cache(maxsize=65_536)  # pages sit in a few folders and link to the same pages and assets
def _relative_path(target: str, folder: str) -> str:
    """posixpath.relpath(target, folder), worked out from the parts of the site's own paths
    (relative, without empty, "." or ".." parts) instead of from two calls to os.getcwd: 40 µs a
    link, a twentieth of an edit's rendering at 10,000 stories."""
    if not (_plain(target) and (folder == "." or _plain(folder))):
        return posixpath.relpath(target, folder)
    to, here = target.split("/"), folder.split("/") if folder != "." else []
    common = 0
    for mine, theirs in zip(to, here):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


def _plain(path: str) -> bool:
    return bool(path) and not path.startswith("/") and not any(part in ("", ".", "..") for part in path.split("/"))


def absolute(target: str, base_url: str) -> str:
    """Full address from the configured base URL; root-relative ('/x.html') without one."""
    return (base_url or "/") + target


def base_path(base_url: str) -> str:
    """'/repo/' for 'https://user.github.io/repo/', '/' without a base URL."""
    if not base_url:
        return "/"
    rest = base_url.split("://", 1)[1]
    return "/" + rest.partition("/")[2]
