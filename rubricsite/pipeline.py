"""The stages wired together: load -> validate -> model -> plan -> render -> post -> write."""

from __future__ import annotations

import hashlib
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, urls
from .errors import ContentError, Problems
from .load import ParseCache, read_sources
from .markup import MarkupCache
from .model import Site
from .plan import Page, plan_pages, site_inputs
from .post import copy_assets, post_files
from .render import (
    asset_dirs,
    make_environment,
    page_globals,
    render_pages,
    template_dirs,
    tree_digest,
)
from .search_index import stage_search_index
from .validate import to_site
from .write import staged_output

STATE_VERSION = 1


@dataclass
class BuildReport:
    """What a build did: its errors, or what it wrote."""

    errors: list[ContentError] = field(default_factory=list)
    pages: int = 0
    rendered: list[str] = field(default_factory=list)  # URLs drawn anew this time
    changed: list[str] = field(default_factory=list)  # output files written or removed
    files: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (f"Built {self.pages:,} pages ({len(self.changed):,} files changed, "
                f"{len(self.rendered):,} pages rendered) in {self.seconds:.2f} s")


def cache_dir(root: Path) -> Path:
    """The persistent cache: safe to delete, ignored by git."""
    return root / ".cache" / "rubricsite"


def check_site(root: Path, base_url: str | None = None) -> tuple[Site | None, list[ContentError]]:
    """Load and validate everything; the Site when there is no problem, and all problems."""
    problems = Problems()
    site = to_site(read_sources(root, problems), problems, base_url)
    return (None if problems else site), problems.sorted()


def _fingerprint(page: Page, site: Site, shared_digest: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{shared_digest}\0{page.url}\0{page.template}\0".encode())
    for key in sorted(page.inputs):
        h.update(f"{key}\0{site.digests.get(key, '-')}\0".encode())
    return h.hexdigest()


class _State:
    """What the last build left: parsed files and each page's fingerprint."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        data: dict = {}
        if path is not None and path.is_file():
            try:
                with path.open("rb") as f:
                    data = pickle.load(f)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                data = {}  # a damaged cache is only a slower build
        if data.get("version") != (STATE_VERSION, __version__):
            data = {}
        self.parse = ParseCache(data.get("parse"))
        self.pages: dict[str, str] = data.get("pages", {})

    def save(self, pages: dict[str, str]) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("wb") as f:
            pickle.dump({"version": (STATE_VERSION, __version__), "parse": self.parse.seen,
                         "pages": pages}, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(self.path)


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
    started = time.perf_counter()
    root, output = root.resolve(), output.resolve()
    cache = cache_dir(root) if use_cache else None
    state = _State(cache / "state.pickle" if cache else None)
    problems = Problems()
    site = to_site(read_sources(root, problems, state.parse), problems, base_url)
    if problems:  # all of them, sorted; nothing is written
        return BuildReport(errors=problems.sorted(), seconds=time.perf_counter() - started)
    pages = plan_pages(site)
    asset_version = tree_digest(asset_dirs(root))[:10]
    shared_digest = hashlib.blake2b(repr((
        __version__, str(output), tree_digest(template_dirs(root)), asset_version,
        sorted((k, site.digests.get(k)) for k in site_inputs(site)), site.config,
    )).encode(), digest_size=16).hexdigest()
    fingerprints = {p.url: _fingerprint(p, site, shared_digest) for p in pages}
    markup = MarkupCache(cache / "markup.sqlite" if cache else None)
    report = BuildReport(pages=len(pages))
    try:
        with staged_output(output, clean=clean) as stage:
            stale = [p for p in pages if state.pages.get(p.url) != fingerprints[p.url]
                     or not stage.exists(urls.output_path(p.url))]
            shared = page_globals(site, asset_version)
            progress = (lambda done: on_progress(done, len(stale))) if on_progress else None
            rendered = render_pages(stale, lambda: (make_environment(root, markup), markup),
                                    shared, problems, progress)
            if problems:  # template errors, with template file and line
                report.errors = problems.sorted()
                raise _Abort
            markup.save(rendered.new_markup)
            markup.save()
            for page in pages:
                path = urls.output_path(page.url)
                if page.url in rendered.files:
                    stage.put(path, rendered.files[page.url])
                else:
                    stage.keep(path)
            for path, data in (*copy_assets(root), *post_files(site, pages)):
                stage.put(path, data)
            # staged with the pages, so the index lands in the same all-or-nothing swap
            stage_search_index(stage, pages, rendered.files, rebuild=search,
                               language=site.config.language)
    except _Abort:
        report.seconds = time.perf_counter() - started
        return report
    finally:
        markup.close()
    state.save(fingerprints)
    report.rendered = [p.url for p in stale]
    report.changed = stage.changed
    report.files = len(stage.expected)
    report.seconds = time.perf_counter() - started
    return report


class _Abort(Exception):
    """Leaves the staged block without publishing anything."""
