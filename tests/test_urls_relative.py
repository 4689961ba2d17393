"""urls.relative_url's own path arithmetic gives what posixpath.relpath gives, for every pair."""

from __future__ import annotations

import itertools
import posixpath

from rubricsite import urls

PATHS = ["/", "/a/", "/a/b/", "/a/b/c/", "/exemplars/x/", "/exemplars/y/", "/assets/site.css",
         "/feed.xml", "/404.html", "/a/b", "/a//b/", "/a/./b/", "/a/../b/", "/tags/t/", "/ab/",
         "/a/bc/", "/.hidden/", "/a/b/index.html", "relative/x"]


def test_relative_paths_equal_posixpaths():
    for target, from_url in itertools.product(PATHS, ["/", "/a/", "/a/b/", "/exemplars/x/", "/404.html"]):
        base = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
        assert urls._relative_path(target, base) == posixpath.relpath(target, base), (target, from_url)


def test_links_between_pages():
    assert urls.relative_url("/assets/site.css", "/exemplars/x/") == "../../assets/site.css"
    assert urls.relative_url("/", "/exemplars/x/") == "../../"
    assert urls.relative_url("/exemplars/x/", "/exemplars/x/") == "./"
    assert urls.relative_url("/a/#cell", "/a/b/") == "../#cell"
    assert urls.relative_url("#top", "/a/") == "#top"


def _reference(target: str, from_url: str) -> str:
    """relative_url as posixpath would make it, the slow way."""
    target, hashmark, fragment = target.partition("#")
    if target == "" and hashmark:
        return hashmark + fragment
    base = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    rel = posixpath.relpath(target, base)
    if target.endswith("/") and not rel.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel + hashmark + fragment


def test_relative_urls_equal_posixpaths_for_every_pair():
    targets = [*PATHS, "/a#x", "/a/#x", "/exemplars#x", "/b/c/#x", "#x", "/a/b/?q", "/a?q"]
    pages = [*PATHS, "/a/b.html", "/b/c/", "/tags/t/index.html", "/a/../b/c/", "x/y/"]
    for target, from_url in itertools.product(targets, pages):
        assert urls.relative_url(target, from_url) == _reference(target, from_url), (target, from_url)
