"""The stages wired together: load -> validate -> model -> plan -> render -> post -> write."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import os
import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import __version__, urls
from .claims import check_output_paths
from .errors import ContentError, Problems
from .load import ParseCache, meta_key, read_markdown_file, read_sources
from .markup import MarkupCache, to_html
from .model import Exemplar, Site, frozen_map
from .plan import Page, plan_exemplar_page, plan_pages, site_inputs
from .post import copy_assets, post_files
from .render import (
    PARALLEL_FROM,
    Rendered,
    asset_dirs,
    make_environment,
    page_globals,
    render_pages,
    template_dirs,
    tree_digest,
)
from .search_index import BUNDLE, SEARCHABLE, stage_search_index
from .sync import stale_files
from .validate import to_exemplar, to_site
from .write import Stage, existing_files, staged_output

STATE_VERSION = 2  # 2: Doc carries end_line and the problems of a tolerant re-read
_PAGEFIND = importlib.metadata.version("pagefind")  # a new indexer may write other bytes


@dataclass
class BuildReport:
    """What a build did: its errors, or what it wrote."""

    errors: list[ContentError] = field(default_factory=list)
    pages: int = 0
    rendered: list[str] = field(default_factory=list)  # URLs drawn anew this time
    changed: list[str] = field(default_factory=list)  # output files written or removed
    pages_changed: int = 0  # pages among them; the search bundle's files are not pages
    notes: tuple[str, ...] = ()  # lines to show that are not problems (see Site.notes)
    files: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """One line for the end of a build: `Built 10,247 pages (3 changed) in 1.21 s`."""
        return f"Built {self.pages:,} pages ({self.pages_changed:,} changed) in {self.seconds:.2f} s"


def cache_dir(root: Path) -> Path:
    """The persistent cache: safe to delete, ignored by git."""
    return root / ".cache" / "rubricsite"


def check_site(root: Path, base_url: str | None = None) -> tuple[Site | None, list[ContentError]]:
    """Load and validate everything; the Site when there is no problem, and all problems."""
    problems = Problems()
    site = to_site(read_sources(root, problems), problems, base_url)
    if not problems:  # what check passes, build renders: the same claims on output paths
        check_output_paths(plan_pages(site), problems)
    if not problems:  # the generated files are compared only with a rubric that reads
        problems.extend(stale_files(root, site))
    return (None if problems else site), problems.sorted()


def _fingerprint(page: Page, site: Site, shared_digest: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{shared_digest}\0{page.url}\0{page.template}\0".encode())
    for key in sorted(page.inputs):
        h.update(f"{key}\0{site.digests.get(key, '-')}\0".encode())
    return h.hexdigest()


class _State:
    """What the last build left on disk: parsed files and each page's fingerprint."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        data: dict = _load_pickle(path)
        if data.get("version") != (STATE_VERSION, __version__):
            data = {}
        self.parsed: dict = data.get("parse", {})
        self.pages: dict[str, str] = data.get("pages", {})


def _save_state(path: Path | None, parsed: dict, pages: dict[str, str]) -> None:
    _save_pickle(path, {"version": (STATE_VERSION, __version__), "parse": parsed, "pages": pages})


def _load_pickle(path: Path | None) -> dict:
    if path is None or not path.is_file():
        return {}
    try:
        with path.open("rb") as f:
            data = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return {}  # a damaged cache is only a slower build
    return data if isinstance(data, dict) else {}


def _save_pickle(path: Path | None, data: dict) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


# --- nothing changed: answer from file stats alone ------------------------------------------


def _stats(paths: dict[str, tuple[int, int]], top: str, skip: frozenset[str] = frozenset()) -> None:
    try:
        entries = os.scandir(top)
    except (FileNotFoundError, NotADirectoryError):
        return
    with entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):  # a link to a folder can loop forever
                if entry.name not in skip:
                    _stats(paths, entry.path, skip)
            else:
                stat = entry.stat()
                paths[entry.path] = (stat.st_mtime_ns, stat.st_size)


def input_stats(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file a build reads, the engine's own included."""
    found: dict[str, tuple[int, int]] = {}
    for name in ("site.yaml", "rubric", "content", "templates", "assets"):
        path = root / name
        if path.is_file():
            stat = path.stat()
            found[str(path)] = (stat.st_mtime_ns, stat.st_size)
        else:
            _stats(found, str(path))
    _stats(found, str(Path(__file__).parent), frozenset({"__pycache__"}))
    return found


def _manifest_key(output: Path, base_url: str | None) -> tuple:
    return (STATE_VERSION, __version__, str(output), base_url)


def _unchanged(root: Path, output: Path, base_url: str | None, search: bool) -> BuildReport | None:
    """A report without building when no input changed and the output is as the last build left it.

    Decided from stats alone (no parsing, no loading of the larger state), so a rebuild of a
    10,000-exemplar site with nothing changed costs a directory scan.
    """
    started = time.perf_counter()
    manifest = _load_pickle(cache_dir(root) / "manifest.pickle")
    if manifest.get("key") != _manifest_key(output, base_url):
        return None
    if search and not manifest.get("search_fresh"):
        return None
    if input_stats(root) != manifest.get("inputs"):
        return None
    for rel, stat in manifest.get("outputs", {}).items():
        try:
            now = os.stat(os.path.join(output, rel))
        except OSError:
            return None
        if (now.st_mtime_ns, now.st_size) != stat:
            return None
    return BuildReport(pages=manifest["pages"], files=len(manifest["outputs"]),
                       notes=tuple(manifest.get("notes", ())), seconds=time.perf_counter() - started)


# --- the build ----------------------------------------------------------------------------------


class Builder:
    """Builds one site into one output again and again, keeping what it learned in memory.

    build_site uses it once. serve keeps one alive: after an edit it re-reads only the files the
    watcher named, and when only exemplar stories changed (front matter untouched) it re-plans
    and re-renders only the pages that list those files as inputs; the Jinja environment,
    the Markdown cache and the output's file list stay loaded between builds.
    """

    def __init__(self, root: Path, output: Path, *, base_url: str | None = None,
                 use_cache: bool = True) -> None:
        self.root, self.output = root.resolve(), output.resolve()
        self.base_url = base_url
        self.cache = cache_dir(self.root) if use_cache else None
        state = _State(self.cache / "state.pickle" if self.cache else None)
        self._state_path = state.path
        self.parsed: dict = state.parsed  # ParseCache entries of the last good read
        self.fingerprints: dict[str, str] = state.pages  # of the pages the output holds
        self.markup = MarkupCache(self.cache / "markup.sqlite" if self.cache else None)
        self.site: Site | None = None
        self.pages: dict[str, Page] = {}  # by URL, in plan order
        self.outputs: set[str] | None = None  # the output's files after the last build
        self.index_stale = False  # a searchable page was drawn since the search index was made
        self._shared_digest = ""
        self._asset_version = ""
        self._env: tuple[str, jinja2.Environment] | None = None
        self._post_key = ""
        self._post_paths: list[str] = []
        self._slug_by_path: dict[Path, str] = {}
        self._story_urls: list[str] = []

    def close(self) -> None:
        self.markup.close()

    def warm(self) -> None:
        """Compile every template in use and set up Markdown now, not on the first edit."""
        if self._env is not None:
            for template in sorted({p.template for p in self.pages.values()}):
                self._env[1].get_template(template)
        to_html("")

    def build(
        self,
        changed: Iterable[Path] | None = None,
        *,
        clean: bool = False,
        search: bool = True,
        persist: bool = True,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> BuildReport:
        """Build; changed names the only files that changed since the last build (None: look at all).

        search=False keeps the last search index (see search_index.stage_search_index);
        persist=False leaves the on-disk state for later (serve saves it when it stops).
        """
        started = time.perf_counter()
        problems = Problems()
        changed_set = None if changed is None else {Path(p) for p in changed}
        fingerprints = None
        story_urls: list[str] | None = None
        if changed_set is not None and self.site is not None and not clean:
            fingerprints = self._replan_stories(changed_set)
            story_urls = self._story_urls if fingerprints is not None else None
        if fingerprints is None:
            fingerprints = self._plan_all(changed_set, problems)
        if fingerprints is None:  # all problems, sorted; nothing is written
            return BuildReport(errors=problems.sorted(), seconds=time.perf_counter() - started)
        assert self.site is not None
        site, pages = self.site, list(self.pages.values())
        report = BuildReport(pages=len(pages), notes=site.notes)
        # only stories changed: no page came or went, lists and data are as they were, and only
        # the re-planned pages can differ, so 10,000 others need not even be looked at
        quick = story_urls is not None and not search and self.outputs is not None
        previous = existing_files(self.output) if self.outputs is None else self.outputs
        env = self._env[1] if self._env else None
        try:
            with staged_output(self.output, clean=clean, previous=previous) as stage:
                if quick:
                    stale = [self.pages[u] for u in story_urls or ()
                             if self.fingerprints.get(u) != fingerprints[u]]
                else:
                    stale = [p for p in pages if self.fingerprints.get(p.url) != fingerprints[p.url]
                             or not stage.exists(urls.output_path(p.url))]
                shared = page_globals(site, self._asset_version)
                progress = (lambda done: on_progress(done, len(stale))) if on_progress else None
                if len(stale) >= PARALLEL_FROM:
                    self.markup.close()  # an sqlite connection must not cross a fork
                drawn: set[str] = set()

                def take(chunk: Rendered) -> None:  # staged as it comes, not held in memory
                    for url, data in chunk.files.items():
                        stage.put(urls.output_path(url), data)
                        drawn.add(url)
                    self.markup.save(chunk.new_markup)

                render_pages(stale, lambda: (env, self.markup), shared, problems, progress,
                             on_chunk=take)
                if problems:  # template errors, with template file and line
                    report.errors = problems.sorted()
                    raise _Abort
                self.markup.save()
                if quick:
                    stage.expected.update(previous)  # every file stays; a few have new bytes
                else:
                    for page in pages:
                        if page.url not in drawn:
                            stage.keep(urls.output_path(page.url))
                    self._stage_whole_site_files(stage, site, pages)
                    # staged with the pages, so the index lands in the same all-or-nothing swap
                    self._stage_search_index(stage, pages, drawn, fingerprints, search)
        except _Abort:
            report.seconds = time.perf_counter() - started
            return report
        self.fingerprints = fingerprints
        self.outputs = set(stage.expected)
        searchable = any(p.kind in SEARCHABLE for p in stale)
        self.index_stale = not search and (self.index_stale or searchable)
        if persist:
            self.save()
        report.rendered = [p.url for p in stale]
        report.changed = stage.changed
        # only the pages drawn this time can have new bytes: no set of all 10,000 on serve's hot path
        drawn_files = {urls.output_path(p.url) for p in stale}
        report.pages_changed = sum(1 for path in stage.changed if path in drawn_files
                                   or (path.endswith(".html") and path not in stage.expected))  # gone
        report.files = len(stage.expected)
        report.seconds = time.perf_counter() - started
        return report

    def save(self) -> None:
        """Write the state and the manifest, so the next process starts where this one is."""
        if self.cache is None or self.outputs is None:
            return
        _save_state(self._state_path, self.parsed, self.fingerprints)
        outputs = {}
        for rel in self.outputs:
            try:
                stat = os.stat(os.path.join(self.output, rel))
            except OSError:
                continue
            outputs[rel] = (stat.st_mtime_ns, stat.st_size)
        _save_pickle(self.cache / "manifest.pickle", {
            "key": _manifest_key(self.output, self.base_url), "inputs": input_stats(self.root),
            "outputs": outputs, "pages": len(self.pages), "search_fresh": not self.index_stale,
            "notes": self.site.notes if self.site else ()})

    def _plan_all(self, changed: set[Path] | None, problems: Problems) -> dict[str, str] | None:
        """Read (what changed), validate and plan the whole site; the pages' fingerprints."""
        cache = ParseCache(self.parsed, changed)
        site = to_site(read_sources(self.root, problems, cache), problems, self.base_url)
        self.parsed = cache.seen
        if problems:
            return None
        pages = plan_pages(site)
        check_output_paths(pages, problems)
        if problems:
            return None
        self._asset_version = tree_digest(asset_dirs(self.root))[:10]
        templates = tree_digest(template_dirs(self.root))
        self._shared_digest = hashlib.blake2b(repr((
            __version__, str(self.output), templates, self._asset_version,
            sorted((k, site.digests.get(k)) for k in site_inputs(site)), site.config,
        )).encode(), digest_size=16).hexdigest()
        if self._env is None or self._env[0] != templates:  # a template added or changed
            self._env = (templates, make_environment(self.root, self.markup))
        self.site, self.pages = site, {p.url: p for p in pages}
        self._slug_by_path = {e.path: e.slug for e in site.exemplars.values()}
        return {p.url: _fingerprint(p, site, self._shared_digest) for p in pages}

    def _replan_stories(self, changed: set[Path]) -> dict[str, str] | None:
        """When only exemplar stories changed (front matter the same): swap the new stories into
        the Site, re-plan the pages that list those files as inputs, and return every page's
        fingerprint. None when the change is anything more; the caller then plans it all."""
        site = self.site
        assert site is not None
        by_path = self._slug_by_path
        if not changed or not all(p in by_path and p.is_file() and not p.is_symlink()
                                  for p in changed):  # a link: the full path checks where it leads
            return None
        cache = ParseCache(self.parsed, changed)
        standards = {s.id: s for s in site.standards}
        updated: dict[str, Exemplar] = {}
        digests = dict(site.digests)
        for path in changed:
            try:
                source = read_markdown_file(path, cache)
            except ContentError:
                return None  # the full path reports it with all the others
            if source.meta_digest != site.digests.get(meta_key(path)):
                return None  # front matter shows on lists, feed and data: plan it all
            found = Problems()
            exemplar = to_exemplar(source, standards, site.levels, found)
            if found or exemplar is None or exemplar.slug != by_path[path]:
                return None
            updated[exemplar.slug] = exemplar
            digests[str(path)] = source.digest
        exemplars = dict(site.exemplars)
        exemplars.update(updated)  # same keys: the order (by title) stays
        new_site = dataclasses.replace(site, exemplars=frozen_map(exemplars),
                                       digests=frozen_map(digests))
        keys = {str(p) for p in changed}
        slug_of = {urls.exemplar(slug): slug for slug in updated}
        pages = dict(self.pages)
        for url, page in self.pages.items():
            if page.inputs.isdisjoint(keys):
                continue
            if url not in slug_of:
                return None  # some other page shows a story: plan it all to stay right
            pages[url] = plan_exemplar_page(new_site, new_site.exemplars[slug_of[url]])
        self.parsed = {**self.parsed, **cache.seen}
        self.site, self.pages = new_site, pages
        fingerprints = dict(self.fingerprints)
        self._story_urls = [url for url in slug_of if url in pages]
        for url in self._story_urls:
            fingerprints[url] = _fingerprint(pages[url], new_site, self._shared_digest)
        return fingerprints

    def _stage_search_index(self, stage: Stage, pages: list[Page], drawn: set[str],
                            fingerprints: dict[str, str], search: bool) -> None:
        """The search index, from the cache when the same searchable pages were indexed before.

        Pagefind takes longer than drawing every page from cached Markdown (~15 s at 10,000
        exemplars), and its bundle depends only on the bytes of the searchable pages, which
        their fingerprints stand for: a full build with a warm cache (CI) copies it back.
        """
        assert self.site is not None
        searchable = [p for p in pages if p.kind in SEARCHABLE]
        has_bundle = stage.exists(f"{BUNDLE}/pagefind-entry.json")
        remake = search and (not has_bundle or any(p.url in drawn for p in searchable))
        if not remake or self.cache is None:
            stage_search_index(stage, pages, _Drawn(stage, drawn), rebuild=search,
                               language=self.site.config.language)
            return
        h = hashlib.blake2b(repr((_PAGEFIND, self.site.config.language)).encode(), digest_size=16)
        for page in searchable:
            h.update(f"{page.url}\0{fingerprints[page.url]}\0".encode())
        saved = self.cache / "search" / f"{h.hexdigest()}.pickle"
        files = _load_pickle(saved).get("files")
        if files:
            for path, data in files:
                stage.put(path, data)
            return
        stage_search_index(stage, pages, _Drawn(stage, drawn), rebuild=True,
                           language=self.site.config.language)
        made = sorted(p for p in stage.expected if p.startswith(f"{BUNDLE}/"))
        for old in saved.parent.glob("*.pickle") if saved.parent.is_dir() else ():
            old.unlink()  # one bundle is enough: the cache must not grow with every edit
        _save_pickle(saved, {"files": [(p, _Drawn.read(stage, p)) for p in made]})

    def _stage_whole_site_files(self, stage: Stage, site: Site, pages: list[Page]) -> None:
        """Assets, sitemap, feed and data: made again only when what they show may have changed."""
        h = hashlib.blake2b(self._shared_digest.encode(), digest_size=16)
        for key, value in site.digests.items():
            if key.endswith("#meta"):  # front matter: what lists, feed and data show
                h.update(f"{key}\0{value}\0".encode())
        for page in pages:
            h.update(f"{page.url}\0{page.in_sitemap}\0".encode())
        key = h.hexdigest()
        if key == self._post_key and not stage.clean and all(stage.exists(p) for p in self._post_paths):
            for path in self._post_paths:
                stage.keep(path)
            return
        self._post_paths = []
        for path, data in (*copy_assets(self.root), *post_files(site, pages)):
            stage.put(path, data)
            self._post_paths.append(path)
        self._post_key = key


def build_site(
    root: Path,
    output: Path,
    *,
    base_url: str | None = None,
    clean: bool = False,
    use_cache: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
    search: bool = True,
) -> BuildReport:
    """Build the site at root into output; all or nothing, redrawing only what changed.

    search=False skips the search index (serve's quick rebuilds) and keeps the last one.
    """
    root, output = root.resolve(), output.resolve()
    if use_cache and not clean:
        report = _unchanged(root, output, base_url, search)
        if report is not None:
            return report
    builder = Builder(root, output, base_url=base_url, use_cache=use_cache)
    try:
        return builder.build(clean=clean, search=search, on_progress=on_progress)
    finally:
        builder.close()


class _Drawn(Mapping[str, bytes]):
    """The pages drawn this build, read back from the stage (or the output, when unchanged)."""

    def __init__(self, stage: Stage, drawn: set[str]) -> None:
        self.stage, self.drawn = stage, drawn

    def __contains__(self, url: object) -> bool:
        return url in self.drawn

    def __getitem__(self, url: str) -> bytes:
        if url not in self.drawn:
            raise KeyError(url)
        return self.read(self.stage, urls.output_path(url))

    @staticmethod
    def read(stage: Stage, rel: str) -> bytes:
        """A file of this build: staged when its bytes changed, else still in the output."""
        staged = stage.folder / rel
        return (staged if staged.is_file() else stage.output / rel).read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self.drawn)

    def __len__(self) -> int:
        return len(self.drawn)


class _Abort(Exception):
    """Leaves the staged block without publishing anything."""
