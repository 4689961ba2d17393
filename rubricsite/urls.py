"""Where each page lives, and relative links between pages so the site works under any prefix."""

from __future__ import annotations

import posixpath

from .model import CellKey

_UNCLEAN = "/."  # a "." or ".." segment (or a name starting with a dot): leave it to posixpath


def home() -> str:
    return "/"


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


def output_path(url: str) -> str:
    """'/a/b/' -> 'a/b/index.html'; '/feed.xml' -> 'feed.xml'."""
    path = url.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def relative_url(target: str, from_url: str) -> str:
    """A link from one site URL to another that needs no knowledge of the prefix it is served at."""
    fragment = ""
    if "#" in target:
        target, fragment = target.split("#", 1)
        fragment = "#" + fragment
    if target == "" and fragment:
        return fragment
    base = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    rel = _relative_path(target, base)
    if target.endswith("/") and not rel.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel + fragment


def _relative_path(target: str, base: str) -> str:
    """posixpath.relpath(target, base) for clean site paths, by comparing their folders (drawing
    a page makes ~30 links, and relpath's normalising made them a tenth of the render time)."""
    if not (target.startswith("/") and base.startswith("/")) or _UNCLEAN in f"{target}{base}/":
        return posixpath.relpath(target, base)
    to, start = target.strip("/").split("/"), base.strip("/").split("/")
    to, start = [p for p in to if p], [p for p in start if p]
    common = 0
    for a, b in zip(to, start, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


def absolute_url(target: str, base_url: str) -> str:
    """A full address for canonical links, the sitemap and the feed ('' when base_url is unset)."""
    return base_url.rstrip("/") + target if base_url else target
