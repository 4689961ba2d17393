"""Stage 4, plan: every page of the site, what it shows and which input files it depends on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import urls
from .incremental import (
    NO_INPUTS,
    content_page_inputs,
    exemplar_inputs,
    list_inputs,
)
from .invite import cell_links, exemplar_links
from .model import Cell, CellKey, Exemplar, Level, Site, Standard, Theme

SEARCHABLE = frozenset({"exemplar", "indicator", "theme"})  # Page.kind values search shows


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: where it goes, how it is drawn, and what it is made from."""

    url: str  # "/collaborative-engagement/vision-for-learning/established/"
    template: str  # "cell.html"
    title: str
    context: Mapping[str, object]
    inputs: frozenset[str]  # input keys (load.Sources.digests): a change to one makes it stale
    kind: str = "page"  # exemplar | indicator | theme | page: what search results call it
    in_sitemap: bool = True

    @property
    def searchable(self) -> bool:
        """Whether the search index holds this page: the one place that decides it."""
        return self.kind in SEARCHABLE


@dataclass(frozen=True, slots=True)
class Crumb:
    """One step of a breadcrumb trail."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Placement:
    """One cell an exemplar is in, as its page shows it: the cell, its standard, theme and phase,
    and the exemplars before and after this one there (an object, not a dict: a template reads a
    dict's keys only after asking it for an attribute of that name, which it lacks)."""

    cell: Cell
    standard: Standard
    theme: Theme
    level: Level
    prev: Exemplar | None
    next: Exemplar | None


@dataclass(frozen=True, slots=True)
class Phase:
    """One growth phase of a theme as a page shows it: the phase, its cell, the cell's exemplars.

    cell is None for a phase without statements (Exploring), which the grid shows as a start.
    """

    level: Level
    cell: Cell | None
    exemplars: tuple[Exemplar, ...] = ()


def _phases(site: Site, standard: Standard, theme_id: str, every: bool = False) -> list[Phase]:
    """The theme's phases in order: those with statements, or every phase (the grid's row)."""
    found = []
    for level in site.levels:
        if level.has_statements:
            key = CellKey(standard.id, theme_id, level.id)
            found.append(Phase(level, site.cell(key), site.exemplars_in(key)))
        elif every:
            found.append(Phase(level, None))
    return found


def plan_pages(site: Site) -> list[Page]:
    """Every HTML page, in a stable order."""
    every = list_inputs(site.exemplars.values())  # what a page listing every exemplar shows
    pages = [_home(site, every), _exemplar_index(site, every), _tag_index(site, every)]
    for standard in site.standards:
        pages.extend(_standard_pages(site, standard))
    for exemplar in site.exemplars.values():
        pages.append(exemplar_page(site, exemplar))
    for tag_slug, slugs in site.tags.items():
        members = [site.exemplars[s] for s in slugs]
        name = site.tag_names[tag_slug]
        pages.append(Page(urls.tag(tag_slug), "tag.html", f"Tagged “{name}”",
                          {"tag": name, "exemplars": members,
                           "crumbs": [Crumb("Exemplars", urls.EXEMPLARS), Crumb("Tags", urls.TAGS)]},
                          list_inputs(members)))
    for content_page in site.pages:
        pages.append(Page(urls.content_page(content_page.slug), "page.html", content_page.title,
                          {"content": content_page}, content_page_inputs(content_page.path)))
    pages.append(_assess_page(site, every))
    pages.append(Page(urls.SEARCH, "search.html", "Search", {}, NO_INPUTS, in_sitemap=False))
    pages.append(Page(urls.NOT_FOUND, "404.html", "Page not found", {}, NO_INPUTS,
                      in_sitemap=False))
    return pages


def _home(site: Site, every: frozenset[str]) -> Page:
    counts = {s.id: sum(1 for e in site.exemplars.values() if s.id in e.standards)
              for s in site.standards}
    return Page(urls.HOME, "home.html", site.config.title, {"counts": counts}, every)


def _exemplar_index(site: Site, every: frozenset[str]) -> Page:
    groups = []  # standard -> theme -> phases with exemplars: the no-JavaScript way to browse
    for standard in site.standards:
        themes = [(theme, [p for p in _phases(site, standard, theme.id) if p.exemplars])
                  for theme in standard.themes]
        groups.append((standard, themes))
    regions = sorted({(e.region_slug, e.region) for e in site.exemplars.values() if e.region},
                     key=lambda r: r[1])
    grades = sorted({g for e in site.exemplars.values() for g in e.grades}, key=_grade_order)
    # the filters' choices, as (id, label): ids go in data attributes and in the URL
    tags = sorted(((slug, site.tag_names[slug]) for slug in site.tags), key=lambda t: t[1].lower())
    return Page(urls.EXEMPLARS, "exemplars.html", "All exemplars",
                {"groups": groups, "exemplars": list(site.exemplars.values()),
                 "regions": regions, "grades": grades, "tags": tags}, every)


def _grade_order(band: str) -> tuple[int, str]:
    """K-3 before 4-6 before 10-12: by the band's first grade, not alphabetically."""
    first = band.split("-", 1)[0].strip().upper()
    return (0 if first in ("K", "JK", "SK", "PK") else int(first) if first.isdigit() else 99, band)


def _assess_page(site: Site, every: frozenset[str]) -> Page:
    """The self-assessment: its data is embedded in the page (see assess_data)."""
    return Page(urls.ASSESS, "assess.html", "Where is your school? A growth plan",
                {"assess_data": assess_data(site, urls.ASSESS)}, every)


def assess_data(site: Site, from_url: str) -> dict[str, object]:
    """What assets/js/assess.js needs to draw a growth plan, with links relative to from_url.

    Embedded in the page rather than fetched from data/rubric.json: no second request, it works
    from file:// and offline, and it carries what the JSON file does not (exemplar titles).
    """
    def link(url: str) -> str:
        return urls.relative_url(url, from_url)

    return {
        "levels": [{"id": lv.id, "label": lv.label, "order": lv.order, "summary": lv.summary}
                   for lv in site.levels],
        "standards": [{
            "id": s.id, "version": str(s.version), "title": s.title, "short_title": s.short_title,
            "url": link(urls.standard(s.id)),
            "themes": [{
                "id": t.id, "code": t.code, "title": t.title, "url": link(urls.theme(s.id, t.id)),
                "cells": {lv.id: {
                    "code": site.cell(CellKey(s.id, t.id, lv.id)).code,
                    "statement": site.cell(CellKey(s.id, t.id, lv.id)).statement,
                    "url": link(urls.cell(CellKey(s.id, t.id, lv.id))),
                    "exemplars": [{"title": e.title, "url": link(urls.exemplar(e.slug)),
                                   **({"lang": e.language} if e.language else {})}
                                  for e in site.exemplars_in(CellKey(s.id, t.id, lv.id))],
                } for lv in site.statement_levels},
            } for t in s.themes],
        } for s in site.standards],
    }


def _tag_index(site: Site, every: frozenset[str]) -> Page:
    tags = [(slug, site.tag_names[slug], len(members)) for slug, members in site.tags.items()]
    return Page(urls.TAGS, "tags.html", "Tags",
                {"tags": tags, "crumbs": [Crumb("Exemplars", urls.EXEMPLARS)]}, every)


def _standard_pages(site: Site, standard: Standard) -> Iterable[Page]:
    """The grid, then each theme's page followed by the pages of its cells."""
    in_standard = [e for e in site.exemplars.values() if standard.id in e.standards]
    rows = [(theme, _phases(site, standard, theme.id, every=True)) for theme in standard.themes]
    yield Page(urls.standard(standard.id), "grid.html", standard.short_title,
               {"standard": standard, "rows": rows}, list_inputs(in_standard))
    for t_index, theme in enumerate(standard.themes):
        phases = _phases(site, standard, theme.id)
        crumbs = [Crumb(standard.short_title, urls.standard(standard.id))]
        title = f"{theme.code}. {theme.title}"
        yield Page(urls.theme(standard.id, theme.id), "theme.html", title,
                   {"standard": standard, "theme": theme, "phases": phases,
                    "prev_theme": standard.themes[t_index - 1] if t_index > 0 else None,
                    "next_theme": standard.themes[t_index + 1]
                    if t_index + 1 < len(standard.themes) else None,
                    "crumbs": crumbs, "search_meta": _search_meta("theme", theme.code, title)},
                   list_inputs(e for p in phases for e in p.exemplars), kind="theme")
        crumbs = [*crumbs, Crumb(title, urls.theme(standard.id, theme.id))]
        for l_index in range(len(phases)):
            yield _cell_page(site, standard, t_index, phases, l_index, crumbs)


def _cell_page(site: Site, standard: Standard, t_index: int, phases: list[Phase], l_index: int,
               crumbs: list[Crumb]) -> Page:
    phase, theme = phases[l_index], standard.themes[t_index]
    cell = phase.cell
    assert cell is not None
    title = f"{cell.code}: {theme.title}, {phase.level.label}"
    neighbours = {
        "prev_level": phases[l_index - 1].cell if l_index > 0 else None,
        "next_level": phases[l_index + 1].cell if l_index + 1 < len(phases) else None,
        "prev_theme": _cell_at(site, standard, t_index - 1, cell.key.level),
        "next_theme": _cell_at(site, standard, t_index + 1, cell.key.level),
    }
    return Page(urls.cell(cell.key), "cell.html", title,
                {"standard": standard, "theme": theme, "cell": cell, "level": phase.level,
                 "exemplars": phase.exemplars, "crumbs": crumbs, **neighbours,
                 "contribute": cell_links(site, cell.key),
                 "search_meta": _search_meta("indicator", cell.code, title)},
                list_inputs(phase.exemplars), kind="indicator")


def _cell_at(site: Site, standard: Standard, index: int, level_id: str) -> Cell | None:
    if 0 <= index < len(standard.themes):
        return site.cell(CellKey(standard.id, standard.themes[index].id, level_id))
    return None


def exemplar_page(site: Site, exemplar: Exemplar) -> Page:
    """One exemplar's page; plan_pages makes it so, and a story edit re-plans only this one."""
    placements, neighbours = [], []
    for key in exemplar.cells:
        members = site.cell(key).exemplars
        at = members.index(exemplar.slug)
        prev = site.exemplars[members[at - 1]] if at > 0 else None
        nxt = site.exemplars[members[at + 1]] if at + 1 < len(members) else None
        neighbours += [e for e in (prev, nxt) if e]
        standard = site.standard(key.standard)
        placements.append(Placement(site.cell(key), standard, standard.theme(key.theme),
                                    site.level(key.level), prev, nxt))
    first = placements[0]
    crumbs = [Crumb(first.standard.short_title, urls.standard(first.standard.id)),
              Crumb(f"{first.theme.code}. {first.theme.title}",
                    urls.theme(first.standard.id, first.theme.id)),
              Crumb(first.cell.code, urls.cell(first.cell.key))]
    return Page(urls.exemplar(exemplar.slug), "exemplar.html", exemplar.title,
                {"exemplar": exemplar, "placements": placements, "crumbs": crumbs,
                 "contribute": exemplar_links(site, exemplar),
                 "search_meta": _search_meta(
                     "exemplar", " ".join(p.cell.code for p in placements), exemplar.title)},
                exemplar_inputs(exemplar, neighbours), kind="exemplar")


def _search_meta(kind: str, code: str, title: str) -> dict[str, str]:
    """What a search result shows of a page (base.html writes it as data-pagefind-meta)."""
    return {"type": kind, "code": code, "title": title}
