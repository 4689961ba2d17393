"""The build's spine: load -> validate -> model -> plan -> render -> post -> write.

`Builder.build` reads in that order, one call per stage. It decides nothing about what to redraw:
what each page depends on and when it is stale is incremental.py; what persists between builds
is store.py; how the output folder is guarded, staged and swapped is write.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import incremental, parallel, unchanged, urls
from .claims import check_output_paths
from .errors import ContentError, Problems
from .heap import collector_paused
from .links import check_markdown, check_text, site_paths
from .load import ParseCache, asset_dirs, read_markdown_file, read_sources, template_dirs
from .markup import MarkupCache, to_html
from .model import Exemplar, Site, frozen_map
from .plan import Page, exemplar_page, plan_pages
from .post import copy_assets, post_files
from .render import Rendered, make_environment, page_globals, render_pages
from .report import BuildReport
from .search_index import BUNDLE, Gathered
from .store import LastBuild, Store, cache_dir
from .sync import stale_files
from .validate import to_exemplar, to_site
from .write import (
    MARKER,
    Stage,
    check_output,
    output_lock,
    remove_leftovers,
    staged_output,
)


def check_site(root: Path, base_url: str | None = None) -> tuple[Site | None, list[ContentError]]:
    """Load and validate everything; the Site when there is no problem, and all problems."""
    problems = Problems()
    with collector_paused():
        site = to_site(read_sources(root, problems), problems, base_url)
    if not problems:  # what check passes, build renders: the same claims on output paths
        check_output_paths(plan_pages(site), problems)
    if not problems:  # the generated files are compared only with a rubric that reads
        problems.extend(stale_files(root, site))
        pages = plan_pages(site)
        problems.extend(check_markdown(site, site_paths(root, (p.url for p in pages))))
    return (None if problems else site), problems.sorted()


@dataclass
class Plan:
    """A planned site: the model, every page by URL in plan order, and each page's fingerprint."""

    site: Site
    pages: dict[str, Page]
    fingerprints: dict[str, str]
    shared: str  # incremental.shared_key: what every fingerprint includes
    asset_version: str
    templates: str  # digest of the template folders
    only: list[str] | None = None  # a story edit: only these pages can differ (None: any)
    site_paths: frozenset[str] = frozenset()  # every file the build writes: links must lead there


class Builder:
    """Builds one site into one output again and again, keeping what it learned in memory.

    build_site uses it once. serve keeps one alive: after an edit it re-reads only the files the
    watcher named, and when only exemplar stories changed it re-plans and redraws only their
    pages; the Jinja environment, the Markdown and the output's file list stay loaded.
    """

    def __init__(self, root: Path, output: Path, *, base_url: str | None = None,
                 use_cache: bool = True, again: bool = True) -> None:
        self.root, self.output = root.resolve(), output.resolve()
        self.base_url = base_url
        self.store = Store(cache_dir(self.root) if use_cache else None)
        self.markup = MarkupCache(self.store)
        self.plan: Plan | None = None
        self.parse: ParseCache | None = None  # the last good read
        self.again = again  # False: one build only, so what was read is not kept for the next
        self.drawn: dict[str, str] | None = None  # URL -> fingerprint of the output's copy
        self.outputs: set[str] | None = None  # the output's files after the last build
        self.index_stale = False  # a searchable page was drawn since the search index was made
        self._marker: tuple[int, int] | None = None  # the marker's stat after the last build
        self._inputs: unchanged.Stats = {}  # input stats when the last build began
        self._env: tuple[str, jinja2.Environment] | None = None
        self._post_key = ""
        self._users: dict[str, list[str]] | None = None  # incremental.users of the last full plan
        self._post_paths: list[str] = []
        self._post_staged: tuple[str, list[str]] | None = None  # this build's, until published
        self._search_staged: str | None = None  # key of the stored index this build staged whole

    @property
    def site(self) -> Site | None:
        return self.plan.site if self.plan else None

    @property
    def pages(self) -> dict[str, Page]:
        return self.plan.pages if self.plan else {}

    def close(self) -> None:
        self.store.close()

    def warm(self) -> None:
        """Set up Markdown and learn which pages each input reaches now, not on the first edit
        (the templates are compiled when the environment is made)."""
        to_html("")
        if self.plan is not None and self._users is None:
            self._users = incremental.users(self.pages.values())

    def build(
        self,
        changed: Iterable[Path] | None = None,
        *,
        clean: bool = False,
        search: bool = True,
        persist: bool = True,
        on_progress: Callable[[int, int], None] | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> BuildReport:
        """Build; changed names the only files that changed since the last build (None: look at all).

        search=False keeps the last search index (serve makes it later, publish_search_index);
        persist=False leaves the store for later (serve saves it when it stops). Raises
        write.OutputRefused for an output the engine must not touch, OSError when the system
        refuses a write.
        """
        started = time.perf_counter()
        problems = Problems()
        self._post_staged = None
        self._search_staged = None
        if persist:
            self._inputs = unchanged.input_stats(self.root)
        plan = self._replan_stories(changed, clean) or self._plan(changed, problems)  # load..plan
        if plan is None:
            return BuildReport(errors=problems.sorted(), seconds=time.perf_counter() - started)
        with output_lock(self.output, on_wait):
            try:
                with staged_output(self.output, self._output_files(), clean=clean) as stage:  # write
                    index, copy = self._search_work(plan, stage, search)  # the index's parts
                    drawn = self._render(plan, stage, problems, on_progress, index, copy)  # render
                    if problems:  # template errors, with template file and line
                        raise _Abort
                    self._post(plan, stage, set(drawn), search, index)  # post: whole-site files, search
            except _Abort:  # nothing is written
                return BuildReport(errors=problems.sorted(), seconds=time.perf_counter() - started)
            self._published(plan, stage, drawn, search)
        if persist:
            self.save()
        return self._report(plan, stage, drawn, started)

    # --- load, validate, model, plan --------------------------------------------------------------

    def _plan(self, changed: Iterable[Path] | None, problems: Problems) -> Plan | None:
        """Read (what changed), validate and plan the whole site."""
        with collector_paused():  # what is made here lives as long as the plan
            return self._plan_site(changed, problems)

    def _plan_site(self, changed: Iterable[Path] | None, problems: Problems) -> Plan | None:
        if self.parse is None:
            self.parse = ParseCache(self.store.parsed(), rows=self.store.path is not None)
        cache = ParseCache(self.parse.stored, self.parse.seen, changed, rows=self.parse.rows)
        templates = incremental.tree_digest(template_dirs(self.root))
        # compiled while the workers read the exemplars: this process would only wait for them
        sources = read_sources(self.root, problems, cache,
                               meanwhile=parallel.one_step(functools.partial(self._environment, templates)))
        site = to_site(sources, problems, self.base_url)
        if problems:
            return None
        cache.new = {**self.parse.new, **cache.new}  # rows serve has not saved yet
        self.parse = cache
        if not self.again:
            cache.forget_parses()
        self._users = None
        pages = plan_pages(site)
        check_output_paths(pages, problems)  # one claim per output path
        paths = site_paths(self.root, (p.url for p in pages))
        problems.extend(check_markdown(site, paths))
        if problems:  # a broken link in a story, a page or an intro: nothing is drawn
            return None
        asset_version = incremental.tree_digest(asset_dirs(self.root))[:10]
        shared = incremental.shared_key(site, self.output, templates, asset_version)
        return Plan(site, {p.url: p for p in pages},
                    incremental.fingerprints(pages, site.digests, shared), shared, asset_version,
                    templates, site_paths=paths)

    def _replan_stories(self, changed: Iterable[Path] | None, clean: bool) -> Plan | None:
        """When only exemplar stories changed (front matter the same): swap the new stories into
        the Site and re-plan the pages that list those files as inputs. None when the change is
        anything more; the caller then plans it all."""
        plan, changed = self.plan, None if changed is None else {Path(p) for p in changed}
        if plan is None or self.parse is None or clean or not changed:
            return None
        by_path = {p: plan.site.exemplars.get(p.stem) for p in changed}  # an exemplar's slug is its stem
        if not all(e is not None and e.path == p and p.is_file() and not p.is_symlink()
                   for p, e in by_path.items()):
            return None  # not an exemplar, or a link: the full path checks where it leads
        cache = ParseCache(self.parse.stored, self.parse.seen, changed, rows=self.parse.rows)
        updated, digests = {}, dict(plan.site.digests)
        for path in changed:
            exemplar = _reread_story(path, cache, plan.site, by_path[path], plan.site_paths)
            if exemplar is None:
                return None
            updated[exemplar.slug] = exemplar
            digests[incremental.file_key(path)] = cache.seen[str(path)][0]
        keys = {incremental.file_key(p) for p in changed}
        if self._users is None:  # the pages' inputs stay the same while only stories change
            self._users = incremental.users(plan.pages.values())
        dependants = sorted({url for key in keys for url in self._users.get(key, ())})
        slug_of = {urls.exemplar(slug): slug for slug in updated}
        if any(url not in slug_of for url in dependants):
            return None  # some other page shows a story: plan it all to stay right
        site = dataclasses.replace(plan.site, exemplars=frozen_map({**plan.site.exemplars, **updated}),
                                   digests=frozen_map(digests))
        pages, fingerprints = dict(plan.pages), dict(plan.fingerprints)
        for url in dependants:
            pages[url] = exemplar_page(site, site.exemplars[slug_of[url]])
            fingerprints[url] = incremental.fingerprint(pages[url], site.digests, plan.shared)
        cache.seen = {**self.parse.seen, **cache.seen}
        cache.new = {**self.parse.new, **cache.new}
        self.parse = cache
        return dataclasses.replace(plan, site=site, pages=pages, fingerprints=fingerprints,
                                   only=dependants)

    # --- write: which files the output holds ---------------------------------------------------------

    def _output_files(self) -> set[str]:
        """The output's files: known from the last build, else looked at (and the folder checked)."""
        remove_leftovers(self.output)
        if self.outputs is None or self._marker != _stat(self.output / MARKER):
            self.outputs = None  # another build wrote here meanwhile: look again
            self.drawn = None
            return check_output(self.root, self.output)
        return self.outputs

    # --- render ----------------------------------------------------------------------------------------

    def _environment(self, templates: str) -> jinja2.Environment:
        """The Jinja environment for templates of this digest, compiled when they changed."""
        if self._env is None or self._env[0] != templates:  # a template added or changed
            self._env = (templates, _compiled(make_environment(self.root, self.markup)))
            to_html("")  # the converter and sanitiser set up once, here, not in every worker
        return self._env[1]

    def _render(self, plan: Plan, stage: Stage, problems: Problems,
                on_progress: Callable[[int, int], None] | None, index: Gathered | None,
                meanwhile: Iterable[object]) -> list[str]:
        """Draw the stale pages into the stage, their parts of the search index into index, and
        take meanwhile's steps here while the workers draw; the URLs drawn, in plan order."""
        if self.drawn is None:
            self.drawn = self._drawn_as_left(stage)
        candidates = plan.only if plan.only is not None and self.outputs is not None else plan.pages
        stale = incremental.stale(candidates, plan.fingerprints, self.drawn,
                                  lambda url: stage.exists(urls.output_path(url)))
        env = self._environment(plan.templates)
        done = 0

        def take(chunk: Rendered) -> None:  # recorded as it comes; the workers wrote the files
            nonlocal done
            for url, written in chunk.written.items():
                stage.record(urls.output_path(url), written)
            self.markup.save(chunk.new_markup)
            if index is not None:
                index.add(chunk.search)
            done += len(chunk.written) + len(chunk.errors)
            if on_progress:
                on_progress(done, len(stale))

        shared = page_globals(plan.site, plan.asset_version)
        shared["site_paths"] = plan.site_paths  # templates' links are checked as they are drawn
        # drawn in URL order, the search index's order: a chunk's searchable pages are then one run
        # of consecutive ranks, one part of the index, not a part each (9,418 parts held 235 MB)
        render_pages([plan.pages[u] for u in sorted(stale)], lambda: (env, self.markup), shared, problems,
                     lambda url, data: stage.write(urls.output_path(url), data), take,
                     search_ranks=index.ranks if index else None, meanwhile=meanwhile)
        self.markup.save()
        return stale

    def _drawn_as_left(self, stage: Stage) -> dict[str, str]:
        """The store's fingerprints of the pages whose files the output holds as the last build
        into it left them (a page file edited by hand since is drawn again)."""
        last = self.store.last_build()
        same = last is not None and last.key == unchanged.build_key(self.output, self.base_url)
        recorded = last.outputs if last is not None and same else {}
        now = unchanged.output_stats(self.output, (p for p in stage.previous if p in recorded))
        return incremental.as_left(self.store.fingerprints(), urls.output_path, recorded, now)

    # --- post ------------------------------------------------------------------------------------------

    def _post(self, plan: Plan, stage: Stage, drawn: set[str], search: bool,
              index: Gathered | None) -> None:
        """Everything besides the pages drawn: kept pages, whole-site files, the search index.

        Made in this process after the workers are gone: memory this process writes while a
        forked worker lives is copied, and the data files of 10,000 exemplars made then were
        the build's peak."""
        if plan.only is not None and not search and self.outputs is not None:
            stage.expected.update(stage.previous)  # a story edit: every file stays, a few change
            return
        for url in plan.pages:
            if url not in drawn:
                stage.keep(urls.output_path(url))
        self._stage_whole_site_files(stage, plan)
        self._stage_search_index(stage, plan, drawn, search, index)

    def _stage_whole_site_files(self, stage: Stage, plan: Plan) -> None:
        """Assets, sitemap, feed and data: made again only when what they show may have changed."""
        key = incremental.whole_site_key(plan.shared, plan.site.digests, plan.pages.values())
        if key == self._post_key and all(stage.exists(p) for p in self._post_paths):
            for path in self._post_paths:
                stage.keep(path)
            return
        paths = []
        for path, data in itertools.chain(copy_assets(self.root),
                                          post_files(plan.site, list(plan.pages.values()))):
            stage.put(path, data)  # one at a time: the data files of 10,000 exemplars are large
            paths.append(path)
        self._post_staged = (key, paths)  # known to the next build once this one is published

    def _search_work(self, plan: Plan, stage: Stage, search: bool,
                     ) -> tuple[Gathered | None, Iterable[object]]:
        """Where render puts the drawn pages' parts of the search index (None when this build makes
        no new index: search=False, or the store holds the one for these pages), and the steps
        that stage the stored one while the workers draw: into an output without an index (a
        warm CI build), where after them the copy held one core while the other waited."""
        if not search:
            return None, ()
        key = _search_key(plan)
        if not self.store.holds_search(key):
            return Gathered(_searchable(plan), stage.put), ()
        return None, () if _bundle(stage) else self._stage_stored_index(key, stage)

    def _stage_stored_index(self, key: str, stage: Stage) -> Iterator[None]:
        """Stage the store's search index for key, a file a step; _search_staged says it is done
        (a damaged store leaves it unset, and the index is made anew)."""
        paths = self.store.search_paths(key) or []
        for path in paths:
            data = self.store.search_file(path)
            if data is None:
                return
            stage.put(path, data)
            yield
        if paths:
            self._search_staged = key

    def _stage_search_index(self, stage: Stage, plan: Plan, drawn: set[str], search: bool,
                            index: Gathered | None) -> None:
        """The search index: kept while no searchable page was drawn, else made again, or taken
        from the store when the same searchable pages were indexed before (a warm CI build):
        it depends only on the bytes of the searchable pages, which their fingerprints stand for.
        """
        searchable = _searchable(plan)
        bundle = _bundle(stage)
        if bundle and (not search or drawn.isdisjoint(searchable)):
            for path in bundle:
                stage.keep(path)
            return
        if not search:
            return
        key = _search_key(plan)
        if self._search_staged != key:  # not staged while the workers drew
            for _step in self._stage_stored_index(key, stage):
                pass
        if self._search_staged == key:
            return
        index = index or Gathered(searchable, stage.put)  # pages not drawn now are read back
        made = index.finish(lambda url: stage.read(urls.output_path(url)), plan.site.config.language)
        self.store.put_search_files(key, ((path, stage.read(path)) for path in made))

    # --- after the swap --------------------------------------------------------------------------------

    def _published(self, plan: Plan, stage: Stage, drawn: list[str], search: bool) -> None:
        self.plan = dataclasses.replace(plan, only=None)
        self.drawn = plan.fingerprints
        if self._post_staged is not None:
            self._post_key, self._post_paths = self._post_staged
        self.outputs = set(stage.expected)
        self._marker = _stat(self.output / MARKER)
        searchable = any(plan.pages[url].searchable for url in drawn)
        self.index_stale = not search and (self.index_stale or searchable)

    def search_sources(self) -> list[tuple[str, Path]]:
        """The searchable pages' URLs and files in the output, in URL order, as a build shards them."""
        return [(url, self.output / urls.output_path(url))
                for url in _searchable(self.plan)] if self.plan else []

    def publish_search_index(self, files: list[tuple[str, bytes]]) -> None:
        """Put a search bundle made after a build (serve's, in the background) into the output."""
        assert self.outputs is not None
        with output_lock(self.output):
            previous = self._output_files()
            with staged_output(self.output, previous) as stage:
                for path in previous:
                    if not path.startswith(f"{BUNDLE}/"):
                        stage.keep(path)
                for path, data in files:
                    stage.put(path, data)
            self.outputs = set(stage.expected)
            self._marker = _stat(self.output / MARKER)
        self.index_stale = False

    def save(self) -> None:
        """Write the store, so the next process starts where this one is."""
        if self.plan is None or self.outputs is None or self.drawn is None:
            return
        last = LastBuild(unchanged.build_key(self.output, self.base_url), len(self.plan.pages),
                         not self.index_stale, self._inputs or unchanged.input_stats(self.root),
                         unchanged.output_stats(self.output, self.outputs), self.plan.site.notes,
                         incremental.engine_key())
        parse = self.parse or ParseCache()
        rows = {path: row for path, row in parse.new.items() if path in parse.seen}
        self.store.save_build(last, self.drawn, rows, parse.seen)
        parse.new = {}

    def _report(self, plan: Plan, stage: Stage, drawn: list[str], started: float) -> BuildReport:
        # only the pages drawn this time can have new bytes: no set of all 10,000 on serve's hot path
        drawn_files = {urls.output_path(url) for url in drawn}
        gone = [p for p in stage.changed if p.endswith(".html") and p not in stage.expected]
        return BuildReport(
            pages=len(plan.pages), rendered=drawn, changed=stage.changed, notes=plan.site.notes,
            pages_changed=sum(1 for p in stage.changed if p in drawn_files) + len(gone),
            files=len(stage.expected), seconds=time.perf_counter() - started)


def _reread_story(path: Path, cache: ParseCache, site: Site, old: Exemplar,
                  known: frozenset[str]) -> Exemplar | None:
    """An exemplar read again after its story changed; None when more than the story did."""
    try:
        source = read_markdown_file(path, cache)
    except ContentError:
        return None  # the full path reports it with all the others
    if source.meta_digest != site.digests.get(incremental.meta_key(path)):
        return None  # front matter shows on lists, feed and data: plan it all
    found = Problems()
    standards = {s.id: s for s in site.standards}
    exemplar = to_exemplar(source, standards, site.levels, found)
    if found or exemplar is None or exemplar.slug != old.slug:
        return None
    if check_text(path, exemplar.body, exemplar.body_line, urls.exemplar(exemplar.slug), known):
        return None  # a broken link: the full path reports it
    return exemplar


def _compiled(env: jinja2.Environment) -> jinja2.Environment:
    """Every template compiled (those a page extends or imports too) before the workers fork:
    a fresh worker per chunk would otherwise compile them all again."""
    for name in env.list_templates(filter_func=lambda n: not n.startswith("builtin/")):
        # a broken one is reported by the page drawn with it, with the template's line
        with contextlib.suppress(jinja2.TemplateError):
            env.get_template(name)
    return env


def _searchable(plan: Plan) -> list[str]:
    """The URLs of the pages the search index holds, in URL order (the index's order)."""
    return sorted(url for url, page in plan.pages.items() if page.searchable)


def _search_key(plan: Plan) -> str:
    return incremental.search_key(_searchable(plan), plan.fingerprints, plan.site.config.language)


def _bundle(stage: Stage) -> list[str]:
    """The search index's files the output holds now."""
    return [p for p in stage.previous if p.startswith(f"{BUNDLE}/")]


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns)


def build_site(
    root: Path,
    output: Path,
    *,
    base_url: str | None = None,
    clean: bool = False,
    use_cache: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    search: bool = True,
    check_unchanged: bool = True,
) -> BuildReport:
    """Build the site at root into output; all or nothing, redrawing only what changed.

    Raises write.OutputRefused, before anything is touched, for an output folder the engine did
    not make; OSError when the system refuses a write (disk full, permissions).
    search=False skips the search index and keeps the last one. check_unchanged=False: the
    caller has just asked unchanged.nothing_changed (the command line does, before loading this).
    """
    started = time.perf_counter()
    root, output = root.resolve(), output.resolve()
    last = unchanged.nothing_changed(root, output, base_url, search, incremental.engine_key()) \
        if use_cache and not clean and check_unchanged else None
    if last is not None:  # nothing touched, nothing to refuse
        return BuildReport.of_unchanged(last, time.perf_counter() - started)
    check_output(root, output)
    builder = Builder(root, output, base_url=base_url, use_cache=use_cache, again=False)
    try:
        return builder.build(clean=clean, search=search, on_progress=on_progress, on_wait=on_wait)
    finally:
        builder.close()


class _Abort(Exception):
    """Leaves the staged block without publishing anything."""
