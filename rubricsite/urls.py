"""Where each page and file lives, and relative links between them, so the site works under any prefix.

Every address the engine writes comes from here: the planner, the post files, the templates
(as `urls`) and the search index. Site URLs start with "/" and are relative to the site's root;
`relative_url` turns them into links that need no knowledge of the prefix.
"""

from __future__ import annotations

import functools
import posixpath
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a hint only: the no-op rebuild loads urls (through store.py), not the model
    from .model import CellKey

HOME = "/"
EXEMPLARS = "/exemplars/"
TAGS = "/tags/"
ASSESS = "/assess/"
SEARCH = "/search/"
NOT_FOUND = "/404.html"  # a host serves it at any depth (see render.render_one)
FEED = "/feed.xml"
SITEMAP = "/sitemap.xml"
ROBOTS = "/robots.txt"
RUBRIC_DATA = "/data/rubric.json"
EXEMPLAR_DATA = "/data/exemplars.json"
EXEMPLAR_SCHEMA = "/data/exemplar.schema.json"
SEARCH_BUNDLE = "/search-index/"  # the search index's folder (search_index.py)

_UNCLEAN = "/."  # a "." or ".." segment (or a name starting with a dot): leave it to posixpath


def standard(standard_id: str) -> str:
    return f"/{standard_id}/"


def theme(standard_id: str, theme_id: str) -> str:
    return f"/{standard_id}/{theme_id}/"


def cell(key: CellKey) -> str:
    return f"/{key.standard}/{key.theme}/{key.level}/"


def exemplar(slug: str) -> str:
    return f"/exemplars/{slug}/"


def tag(tag_slug: str) -> str:
    return f"/tags/{tag_slug}/"


def content_page(slug: str) -> str:
    """A page of content/pages ('about' -> '/about/')."""
    return f"/{slug}/"


def asset(name: str) -> str:
    """A file of assets/ ('site.css', 'js/grid.js')."""
    return f"/assets/{name}"


def site_file(relpath: str) -> str:
    """A file named by its path in the output, as site.yaml's `logo: assets/logo.svg` is."""
    return "/" + relpath.lstrip("/")


def search_file(name: str) -> str:
    """A file of the search index ('index.json')."""
    return SEARCH_BUNDLE + name


def output_path(url: str) -> str:
    """'/a/b/' -> 'a/b/index.html'; '/feed.xml' -> 'feed.xml'."""
    path = url.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def site_relative(url: str) -> str:
    """'/exemplars/x/' -> 'exemplars/x/': how the JSON data files name pages."""
    return url.lstrip("/")


def relative_url(target: str, from_url: str) -> str:
    """A link from one site URL to another that needs no knowledge of the prefix it is served at."""
    base, up, top = _folder(from_url)
    # most links leave the page's first folder (assets, the grid, tags from an exemplar): they
    # go up to the root and down again, with no folder arithmetic; a page draws dozens
    if up and target[:1] == "/" and "#" not in target and "//" not in target \
            and _UNCLEAN not in target and target[1:].partition("/")[0] != top:
        return up + target[1:]
    fragment = ""
    if "#" in target:
        target, fragment = target.split("#", 1)
        fragment = "#" + fragment
    if target == "" and fragment:
        return fragment
    rel = _relative_path(target, base)
    if target.endswith("/") and not rel.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel + fragment


@functools.lru_cache(maxsize=4096)
def _folder(from_url: str) -> tuple[str, str, str]:
    """A page's folder, the way up from it to the root ('' when it is the root or not a clean
    site path) and its first folder's name."""
    base = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    clean = base.startswith("/") and "//" not in base and _UNCLEAN not in base
    return base, "../" * (base.count("/") - 1) if clean else "", base[1:].partition("/")[0]


def _relative_path(target: str, base: str) -> str:
    """posixpath.relpath(target, base) for clean site paths, by comparing their folders (drawing
    a page makes ~30 links, and relpath's normalising made them a tenth of the render time)."""
    if not (target.startswith("/") and base.startswith("/")) or _UNCLEAN in target \
            or _UNCLEAN in base:
        return posixpath.relpath(target, base)
    to, start = _segments(target), _segments(base)
    common = 0
    for a, b in zip(to, start, strict=False):
        if a != b:
            break
        common += 1
    return "/".join(("..",) * (len(start) - common) + to[common:]) or "."


@functools.lru_cache(maxsize=8192)
def _segments(path: str) -> tuple[str, ...]:
    # the same few dozen targets recur on every page, and a page's own folder on all its links
    return tuple(part for part in path.split("/") if part)


def absolute_url(target: str, base_url: str) -> str:
    """A full address for canonical links, the sitemap and the feed ('' when base_url is unset)."""
    return base_url.rstrip("/") + target if base_url else target
