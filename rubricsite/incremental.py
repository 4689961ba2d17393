"""Incremental builds, all their rules in one place: what each page depends on, when it is stale.

A page lists the *input keys* it is made from (`Page.inputs`, filled in by plan.py with the
functions below): a file's path stands for its whole text, `meta_key(path)` for its front matter
alone (what lists of exemplars show). Its *fingerprint* hashes those inputs' digests together
with everything every page shares: the engine and library versions (engine_key), the sanitiser's allowlist,
the settings, the templates and the assets (`shared_key`). A page is drawn again when its
fingerprint differs from the one it was last drawn with, or its file is missing from the output
or changed since that build (`as_left`); an incremental build therefore equals a clean one after
any change to any of these.

The files made from the whole site (sitemap, feed, data, assets) and the search bundle have
keys of their own (`whole_site_key`, `search_key`). A rebuild in which no input changed is
answered from file stats alone, before the rest of the engine loads (unchanged.py). What the last
build left is kept in store.Store.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import jinja2

from . import __version__, markup, search_index
from .model import Exemplar, Site
from .safety import files_under


def engine_key() -> str:
    """Everything outside the site that shapes a page: a new engine, Jinja, Markdown or nh3
    version, Markdown settings or sanitiser allowlist redraws every page."""
    return repr((__version__, jinja2.__version__, markup.converter_key(), markup.sanitiser_key()))


class Planned(Protocol):
    """What the rules need of a plan.Page."""

    url: str
    template: str
    inputs: frozenset[str]
    in_sitemap: bool


# --- what a page depends on (plan.py builds Page.inputs from these) ----------------------------


def meta_key(path: Path) -> str:
    """The input key of a file's front matter alone."""
    # one string per file, however many pages list it: 10,000 exemplar pages each list their
    # neighbours', and every list page lists its members'
    return sys.intern(f"{path}#meta")


def file_key(path: Path) -> str:
    """The input key of a whole file: its front matter and its story."""
    return str(path)


def site_inputs(site: Site) -> frozenset[str]:
    """What every page shows: settings, phases, every standard, the content pages' titles (every
    page's menu names them, and cell pages link the contribute page when there is one)."""
    files = [site.root / "site.yaml", site.root / "rubric" / "levels.yaml"]
    files += [s.path for s in site.standards]
    return frozenset({*(file_key(f) for f in files), *(meta_key(p.path) for p in site.pages)})


def list_inputs(exemplars: Iterable[Exemplar]) -> frozenset[str]:
    """A list shows titles and summaries, so it depends on front matter, not on stories."""
    return frozenset(meta_key(e.path) for e in exemplars)


def exemplar_inputs(exemplar: Exemplar, neighbours: Iterable[Exemplar]) -> frozenset[str]:
    """An exemplar's page shows its whole file and only the titles of its neighbours in each
    cell, so an edit elsewhere in a large cell does not redraw every page of the cell."""
    return frozenset({file_key(exemplar.path), *(meta_key(e.path) for e in neighbours)})


def content_page_inputs(path: Path) -> frozenset[str]:
    return frozenset({file_key(path)})


NO_INPUTS: frozenset[str] = frozenset()  # a page that shows only what every page does (search, 404)


# --- fingerprints and what is stale --------------------------------------------------------------


def tree_digest(folders: Sequence[Path]) -> str:
    """One hash of every file's name and bytes under the folders: changes when any of them does."""
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        for path in files_under(folder, folder.parent):  # a link out is neither read nor hashed
            h.update(f"{path.relative_to(folder)}\0".encode())
            h.update(path.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def shared_key(site: Site, output: Path, templates: str, assets: str) -> str:
    """What every page's fingerprint includes besides its own inputs."""
    settings = sorted((k, site.digests.get(k)) for k in site_inputs(site))
    return _hash(repr((engine_key(), str(output), templates, assets, settings, site.config)))


def fingerprint(page: Planned, digests: Mapping[str, str], shared: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{shared}\0{page.url}\0{page.template}\0".encode())
    for key in sorted(page.inputs):
        h.update(f"{key}\0{digests.get(key, '-')}\0".encode())
    return h.hexdigest()


def fingerprints(pages: Iterable[Planned], digests: Mapping[str, str], shared: str) -> dict[str, str]:
    return {p.url: fingerprint(p, digests, shared) for p in pages}


def stale(urls: Iterable[str], now: Mapping[str, str], drawn: Mapping[str, str],
          present: Callable[[str], bool]) -> list[str]:
    """The URLs among urls to draw: a new fingerprint, or no file in the output."""
    return [u for u in urls if drawn.get(u) != now[u] or not present(u)]


def as_left(drawn: Mapping[str, str], path_of: Callable[[str], str],
            recorded: Mapping[str, tuple[int, int]], now: Mapping[str, tuple[int, int]],
            ) -> dict[str, str]:
    """The fingerprints of drawn pages whose output files are as the last build left them (their
    stats when it ended, and now): a file changed since by anything else is drawn again."""
    return {url: fp for url, fp in drawn.items()
            if (path := path_of(url)) in now and now[path] == recorded.get(path)}


def users(pages: Iterable[Planned]) -> dict[str, list[str]]:
    """Input key -> the URLs of the pages made from it: which pages an edit reaches, looked up
    (serve asks after every save; asking each of 10,000 pages took longer than drawing one)."""
    found: dict[str, list[str]] = {}
    for page in pages:
        for key in page.inputs:
            found.setdefault(key, []).append(page.url)
    return found


def whole_site_key(shared: str, digests: Mapping[str, str], pages: Iterable[Planned]) -> str:
    """Sitemap, feed, data and assets show front matter and the list of pages, never stories."""
    h = hashlib.blake2b(shared.encode(), digest_size=16)
    for key, value in sorted(digests.items()):
        if key.endswith("#meta"):
            h.update(f"{key}\0{value}\0".encode())
    for page in pages:
        h.update(f"{page.url}\0{page.in_sitemap}\0".encode())
    return h.hexdigest()


def search_key(searchable: Iterable[str], now: Mapping[str, str], language: str) -> str:
    """The search bundle depends only on the bytes of the searchable pages (their fingerprints)."""
    h = hashlib.blake2b(repr((search_index.FORMAT, __version__, language)).encode(), digest_size=16)
    for url in searchable:
        h.update(f"{url}\0{now[url]}\0".encode())
    return h.hexdigest()


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
