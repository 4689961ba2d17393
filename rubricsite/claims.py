"""No two sources may claim one output path, nor two values one slug: each an error naming both.

Every page the planner makes, every whole-site file and the engine's own folders claim their
place here, in one list, so a content page named `exemplars.md`, a standard with the id of a
content page, or tags `C` and `C++` (both /tags/c/) are all the same check.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from . import urls
from .errors import Problems
from .load import SourceFile

Page = Any  # plan.Page: plan imports validate, which imports this module

# folders the engine fills itself: a page inside one would be replaced or removed with it
ENGINE_FOLDERS = ("assets", "data", "pagefind")
WHOLE_SITE_FILES = ("sitemap.xml", "feed.xml", "robots.txt", ".nojekyll", "data/rubric.json",
                    "data/exemplars.json", "data/exemplar.schema.json")

Claimant = tuple[Path | None, int | None, str]  # the file and line behind a claim, and a name


def _claimant(page: Page) -> Claimant:
    context = page.context
    if "exemplar" in context and page.template == "exemplar.html":
        e = context["exemplar"]
        return e.path, None, f"exemplar {e.path.name}"
    if "content" in context:
        c = context["content"]
        return c.path, None, f"content page {c.path.name}"
    if page.template == "tag.html":
        first = context["exemplars"][0]
        return first.path, None, f"tag '{context['tag']}' of {first.path.name}"
    if "standard" in context:
        s = context["standard"]
        what = f"theme '{context['theme'].id}'" if "theme" in context else "standard"
        return s.path, None, f"{what} of {s.path.name}"
    return None, None, f"the built-in page {page.url}"


def check_output_paths(pages: Iterable[Page], problems: Problems) -> None:
    """Every page's output path is claimed once and lies outside the engine's own folders."""
    taken: dict[str, Claimant] = {p: (None, None, f"the built-in file {p}") for p in WHOLE_SITE_FILES}
    for page in pages:
        claimant = _claimant(page)
        path = urls.output_path(page.url)
        key = path.casefold()  # on macOS and Windows, Foo/ and foo/ are one folder
        top = path.split("/", 1)[0]
        if top in ENGINE_FOLDERS and "/" in path:
            _report(problems, claimant, (None, None, f"the engine's own {top}/ folder"), page.url)
        elif key in taken:
            _report(problems, claimant, taken[key], page.url)
        else:
            taken[key] = claimant


def _report(problems: Problems, new: Claimant, old: Claimant, url: str) -> None:
    # the error goes to a contributed file: built-ins cannot be renamed
    first, second = (new, old) if new[0] is not None else (old, new)
    where = first[0] if first[0] is not None else Path("site.yaml")
    problems.add(where, first[1], f"{first[2]} and {second[2]} both claim the address {url}",
                 "rename one of them: two pages cannot share one address")


@functools.lru_cache(maxsize=1 << 16)  # a tag recurs on thousands of exemplars
def _norm(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def check_slug_collisions(sources: Iterable[SourceFile], kept: Mapping[str, object],
                          slugify: Callable[[str], str], problems: Problems) -> None:
    """Two different tags (or regions) with one slug are an error naming both, not a merge.

    Values that differ only in case or spacing ('Video', 'video') are one value.
    """
    for key, what in (("tags", "tag"), ("region", "region")):
        # slug -> (norm, value, the file, where in it): its line is looked up only when needed
        seen: dict[str, tuple[str, str, SourceFile, tuple[str | int, ...]]] = {}
        for source in sources:
            if source.slug not in kept or not isinstance(source.meta.data, dict):
                continue
            raw = source.meta.data.get(key)
            values = raw if isinstance(raw, list) else [raw] if raw is not None else []
            for index, value in enumerate(values):
                if not isinstance(value, str) or not value.strip():
                    continue
                at = (key, index) if isinstance(raw, list) else (key,)
                slug = slugify(value)
                if slug not in seen:
                    seen[slug] = (_norm(value), value, source, at)
                    continue
                norm, other, first, first_at = seen[slug]
                if norm != _norm(value):
                    problems.add(source.path, source.meta.line_of(*at),
                                 f"{what} '{value}' and {what} '{other}' ({first.path.name}:"
                                 f"{first.meta.line_of(*first_at)}) both become '{slug}'",
                                 "write both the same way, or make them differ in letters or "
                                 "digits")
