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
