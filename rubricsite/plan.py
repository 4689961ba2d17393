"""Stage 4, plan: every page of the site, what it shows and which input files it depends on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import urls
from .invite import cell_links, exemplar_links
from .load import meta_key
from .model import Cell, CellKey, Exemplar, Site, Standard
from .validate import slugify


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


@dataclass(frozen=True, slots=True)
class Crumb:
    """One step of a breadcrumb trail."""

    title: str
    url: str


def site_inputs(site: Site) -> frozenset[str]:
    """Files every page depends on: settings, phases, every standard and the content pages' titles
    (every page's menu names them all, and cell pages link the contribute page when there is one)."""
    root = site.root
    files = {root / "site.yaml", root / "rubric" / "levels.yaml"}
    files.update(s.path for s in site.standards)
    return frozenset({*(str(f) for f in files), *(meta_key(p.path) for p in site.pages)})


def _paths(exemplars: Iterable[Exemplar]) -> frozenset[str]:
    """A list shows titles and summaries, so it depends on front matter, not on stories."""
    return frozenset(meta_key(e.path) for e in exemplars)


def plan_pages(site: Site) -> list[Page]:
    """Every HTML page, in a stable order."""
    pages = [_home(site), _exemplar_index(site), _tag_index(site)]
    for standard in site.standards:
        pages.extend(_standard_pages(site, standard))
    for exemplar in site.exemplars.values():
        pages.append(_exemplar_page(site, exemplar))
    for tag_slug, slugs in site.tags.items():
        members = [site.exemplars[s] for s in slugs]
        name = site.tag_names[tag_slug]
        pages.append(Page(urls.tag(tag_slug), "tag.html", f"Tagged “{name}”",
                          {"tag": name, "exemplars": members,
                           "crumbs": [Crumb("Exemplars", "/exemplars/"), Crumb("Tags", "/tags/")]},
                          _paths(members)))
    for content_page in site.pages:
        pages.append(Page(f"/{content_page.slug}/", "page.html", content_page.title,
                          {"content": content_page}, frozenset({str(content_page.path)})))
    pages.append(_assess_page(site))
    pages.append(Page("/search/", "search.html", "Search", {}, frozenset(), in_sitemap=False))
    pages.append(Page("/404.html", "404.html", "Page not found", {}, frozenset(),
                      in_sitemap=False))
    return pages


def _home(site: Site) -> Page:
    counts = {s.id: sum(1 for e in site.exemplars.values() if s.id in e.standards)
              for s in site.standards}
    return Page("/", "home.html", site.config.title, {"counts": counts},
                _paths(site.exemplars.values()))


def _exemplar_index(site: Site) -> Page:
    groups = []  # standard -> theme -> level -> exemplars: the no-JavaScript way to browse
    for standard in site.standards:
        themes = []
        for theme in standard.themes:
            phases = [(site.cell(k), site.exemplars_in(k)) for k in _theme_keys(site, standard, theme.id)]
            themes.append((theme, [(c, ex) for c, ex in phases if ex]))
        groups.append((standard, themes))
    regions = sorted({e.region for e in site.exemplars.values() if e.region})
    grades = sorted({g for e in site.exemplars.values() for g in e.grades}, key=_grade_order)
    # the filters' choices, as (id, label): ids go in data attributes and in the URL
    tags = sorted(((slug, site.tag_names[slug]) for slug in site.tags), key=lambda t: t[1].lower())
    return Page("/exemplars/", "exemplars.html", "All exemplars",
                {"groups": groups, "exemplars": list(site.exemplars.values()),
                 "regions": [(slugify(r), r) for r in regions], "grades": grades, "tags": tags},
                _paths(site.exemplars.values()))


def _grade_order(band: str) -> tuple[int, str]:
    """K-3 before 4-6 before 10-12: by the band's first grade, not alphabetically."""
    first = band.split("-", 1)[0].strip().upper()
    return (0 if first in ("K", "JK", "SK", "PK") else int(first) if first.isdigit() else 99, band)


def _assess_page(site: Site) -> Page:
    """The self-assessment: its data is embedded in the page (see assess_data)."""
    return Page("/assess/", "assess.html", "Where is your school? A growth plan",
                {"assess_data": assess_data(site, "/assess/")}, _paths(site.exemplars.values()))


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
                    "exemplars": [{"title": e.title, "url": link(urls.exemplar(e.slug))}
                                  for e in site.exemplars_in(CellKey(s.id, t.id, lv.id))],
                } for lv in site.statement_levels},
            } for t in s.themes],
        } for s in site.standards],
    }


def _tag_index(site: Site) -> Page:
    tags = [(slug, site.tag_names[slug], len(members)) for slug, members in site.tags.items()]
    return Page("/tags/", "tags.html", "Tags",
                {"tags": tags, "crumbs": [Crumb("Exemplars", "/exemplars/")]},
                _paths(site.exemplars.values()))


def _theme_keys(site: Site, standard: Standard, theme_id: str) -> list[CellKey]:
    return [CellKey(standard.id, theme_id, lv.id) for lv in site.statement_levels]


def _standard_pages(site: Site, standard: Standard) -> Iterable[Page]:
    in_standard = [e for e in site.exemplars.values() if standard.id in e.standards]
    rows = [(theme, [site.cell(k) for k in _theme_keys(site, standard, theme.id)])
            for theme in standard.themes]
    yield Page(urls.standard(standard.id), "grid.html", standard.short_title,
               {"standard": standard, "rows": rows}, _paths(in_standard))
    levels = site.statement_levels
    for t_index, theme in enumerate(standard.themes):
        cells = [site.cell(k) for k in _theme_keys(site, standard, theme.id)]
        members = [e for c in cells for e in site.exemplars_in(c.key)]
        crumbs = [Crumb(standard.short_title, urls.standard(standard.id))]
        yield Page(urls.theme(standard.id, theme.id), "theme.html", f"{theme.code}. {theme.title}",
                   {"standard": standard, "theme": theme,
                    "cells": [(c, site.exemplars_in(c.key)) for c in cells],
                    "prev_theme": standard.themes[t_index - 1] if t_index > 0 else None,
                    "next_theme": standard.themes[t_index + 1]
                    if t_index + 1 < len(standard.themes) else None,
                    "crumbs": crumbs,
                    "search_meta": _search_meta("theme", theme.code, f"{theme.code}. {theme.title}")},
                   _paths(members), kind="theme")
        for l_index, cell in enumerate(cells):
            neighbours = {
                "prev_level": cells[l_index - 1] if l_index > 0 else None,
                "next_level": cells[l_index + 1] if l_index + 1 < len(cells) else None,
                "prev_theme": _cell_at(site, standard, t_index - 1, cell.key.level),
                "next_theme": _cell_at(site, standard, t_index + 1, cell.key.level),
            }
            exemplars = site.exemplars_in(cell.key)
            yield Page(urls.cell(cell.key), "cell.html",
                       f"{cell.code}: {theme.title}, {site.level(cell.key.level).label}",
                       {"standard": standard, "theme": theme, "cell": cell,
                        "level": levels[l_index], "exemplars": exemplars,
                        "crumbs": [*crumbs, Crumb(f"{theme.code}. {theme.title}",
                                                  urls.theme(standard.id, theme.id))],
                        **neighbours,
                        "contribute": cell_links(site, cell.key),
                        "search_meta": _search_meta(
                            "indicator", cell.code,
                            f"{cell.code}: {theme.title}, {site.level(cell.key.level).label}")},
                       _paths(exemplars), kind="indicator")


def _cell_at(site: Site, standard: Standard, index: int, level_id: str) -> Cell | None:
    if 0 <= index < len(standard.themes):
        return site.cell(CellKey(standard.id, standard.themes[index].id, level_id))
    return None


def plan_exemplar_page(site: Site, exemplar: Exemplar) -> Page:
    """One exemplar's page exactly as plan_pages makes it: a story edit re-plans only this."""
    return _exemplar_page(site, exemplar)


def _exemplar_page(site: Site, exemplar: Exemplar) -> Page:
    inputs = {str(exemplar.path)}
    placements = []
    for key in exemplar.cells:
        members = site.cell(key).exemplars
        at = members.index(exemplar.slug)
        prev = site.exemplars[members[at - 1]] if at > 0 else None
        nxt = site.exemplars[members[at + 1]] if at + 1 < len(members) else None
        # only the neighbours' titles appear here, so only they are inputs: an edit elsewhere
        # in a large cell does not re-render every page of the cell
        inputs.update(meta_key(e.path) for e in (prev, nxt) if e)
        standard = site.standard(key.standard)
        placements.append({"cell": site.cell(key), "standard": standard,
                           "theme": standard.theme(key.theme), "level": site.level(key.level),
                           "prev": prev, "next": nxt})
    first = placements[0]
    crumbs = [Crumb(first["standard"].short_title, urls.standard(key.standard)),
              Crumb(f"{first['theme'].code}. {first['theme'].title}",
                    urls.theme(first["standard"].id, first["theme"].id)),
              Crumb(first["cell"].code, urls.cell(first["cell"].key))]
    return Page(urls.exemplar(exemplar.slug), "exemplar.html", exemplar.title,
                {"exemplar": exemplar, "placements": placements, "crumbs": crumbs,
                 "contribute": exemplar_links(site, exemplar),
                 "search_meta": _search_meta(
                     "exemplar", " ".join(p["cell"].code for p in placements), exemplar.title)},
                frozenset(inputs), kind="exemplar")


def _search_meta(kind: str, code: str, title: str) -> dict[str, str]:
    """What a search result shows of a page (base.html writes it as data-pagefind-meta)."""
    return {"type": kind, "code": code, "title": title}
