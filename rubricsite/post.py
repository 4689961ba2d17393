"""Stage 6, post: the files made from the whole site (sitemap, feed, data, assets), staged with the pages."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

from . import urls
from .load import asset_dirs
from .model import CellKey, Exemplar, Site
from .plan import Page
from .safety import files_under
from .schema import schema_json


def copy_assets(root: Path) -> Iterator[tuple[str, bytes]]:
    """Built-in assets, then the site's own on top (same name wins)."""
    chosen: dict[str, Path] = {}
    for folder in asset_dirs(root):
        for path in files_under(folder, root):  # never a link that leads outside the site
            if not path.name.startswith("."):
                chosen[path.relative_to(folder).as_posix()] = path
    for name in sorted(chosen):
        yield urls.output_path(urls.asset(name)), chosen[name].read_bytes()


def _json(data: object) -> bytes:
    return (_json_text(data) + "\n").encode()


def rubric_json(site: Site) -> bytes:
    """data/rubric.json: the phases and every standard, by id, for scripts and other sites."""
    return _json({
        "levels": [{"id": lv.id, "label": lv.label, "order": lv.order, "summary": lv.summary}
                   for lv in site.levels],
        "standards": [{
            "id": s.id, "version": s.version, "title": s.title, "short_title": s.short_title,
            "url": urls.site_relative(urls.standard(s.id)),
            "themes": [{
                "id": t.id, "code": t.code, "title": t.title,
                "url": urls.site_relative(urls.theme(s.id, t.id)),
                "provocations": list(t.provocations),
                "cells": [{
                    "level": lv.id, "code": site.cell(CellKey(s.id, t.id, lv.id)).code,
                    "statement": t.indicators[lv.id],
                    "url": urls.site_relative(urls.cell(CellKey(s.id, t.id, lv.id))),
                    "exemplars": list(site.cell(CellKey(s.id, t.id, lv.id)).exemplars),
                } for lv in site.statement_levels if lv.id in t.indicators],
            } for t in s.themes],
        } for s in site.standards],
    })


def exemplars_json(site: Site) -> bytes:
    """data/exemplars.json: every exemplar's front matter and cells (URLs relative to the site),
    one exemplar a line.

    Made one record at a time: the list of 10,000 records and the encoder's pieces of it were
    the largest thing a build held while its pages were drawn. A record is not indented, as the
    other data files are: indenting takes json's Python encoder, not its C one, which made this
    file about three times slower to write, and the build's process does it alone.
    """
    if not site.exemplars:
        return _json([])
    records = (json.dumps(_exemplar_record(site, e), ensure_ascii=False)
               for e in site.exemplars.values())
    return ("[\n" + ",\n".join(records) + "\n]\n").encode()


def _json_text(data: object) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False)


def _exemplar_record(site: Site, e: Exemplar) -> dict[str, object]:
    return {
        "slug": e.slug, "title": e.title, "summary": e.summary,
        "url": urls.site_relative(urls.exemplar(e.slug)),
        "cells": [{"standard": k.standard, "theme": k.theme, "level": k.level,
                   "code": site.cell(k).code} for k in e.cells],
        "region": e.region, "grades": list(e.grades), "tags": list(e.tags),
        "date": e.date.isoformat() if e.date else None,
        "resources": [{"title": r.title, "author": r.author, "year": r.year, "url": r.url,
                       "kind": r.kind} for r in e.resources],
    }


def sitemap(site: Site, pages: list[Page]) -> bytes:
    """sitemap.xml; without a base_url there is no absolute address, so it lists paths."""
    rows = "".join(
        f"<url><loc>{_xml(urls.absolute_url(p.url, site.config.base_url))}</loc></url>\n"
        for p in pages if p.in_sitemap
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</urlset>\n").encode()


def _xml(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def feed(site: Site) -> bytes:
    """feed.xml (Atom): the newest dated exemplars; every date comes from the content."""
    base = site.config.base_url
    dated = sorted((e for e in site.exemplars.values() if e.date),
                   key=lambda e: (e.date, e.slug), reverse=True)[: site.config.feed_size]
    updated = _stamp(dated[0].date) if dated else "1970-01-01T00:00:00Z"
    feed_id = urls.absolute_url(urls.HOME, base) if base else "urn:rubricsite:" + site.config.title
    entries = []
    for e in dated:
        link = urls.absolute_url(urls.exemplar(e.slug), base)
        entries.append(
            "<entry>\n"
            f"  <title>{_xml(e.title)}</title>\n"
            f'  <link rel="alternate" href="{_xml(link)}"/>\n'
            f"  <id>{_xml(link if base else 'urn:rubricsite:exemplar:' + e.slug)}</id>\n"
            f"  <updated>{_stamp(e.date)}</updated>\n"
            f"  <summary>{_xml(e.summary)}</summary>\n"
            "</entry>\n"
        )
    self_link = f'<link rel="self" href="{_xml(urls.absolute_url(urls.FEED, base))}"/>\n' \
        if base else ""
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<title>{_xml(site.config.title)}: new exemplars</title>\n"
            f'<link rel="alternate" href="{_xml(urls.absolute_url(urls.HOME, base))}"/>\n'
            f"{self_link}"
            f"<id>{_xml(feed_id)}</id>\n<updated>{updated}</updated>\n"
            f"<author><name>{_xml(site.config.title)}</name></author>\n"
            + "".join(entries) + "</feed>\n").encode()


def _stamp(day: dt.date | None) -> str:
    return f"{day.isoformat()}T00:00:00Z" if day else ""


def robots(site: Site) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if site.config.base_url:
        lines.append(f"Sitemap: {urls.absolute_url(urls.SITEMAP, site.config.base_url)}")
    return ("\n".join(lines) + "\n").encode()


def post_files(site: Site, pages: list[Page]) -> Iterator[tuple[str, bytes]]:
    """Every whole-site file: cheap to make, so always made; written only when bytes change."""
    yield urls.output_path(urls.SITEMAP), sitemap(site, pages)
    yield urls.output_path(urls.FEED), feed(site)
    yield urls.output_path(urls.ROBOTS), robots(site)
    yield ".nojekyll", b""
    yield urls.output_path(urls.RUBRIC_DATA), rubric_json(site)
    yield urls.output_path(urls.EXEMPLAR_DATA), exemplars_json(site)
    # editors and other tools validate exemplar files against it (see schema.py)
    yield urls.output_path(urls.EXEMPLAR_SCHEMA), schema_json(site)
