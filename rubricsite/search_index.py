"""The search index: Pagefind's static bundle for exemplar, indicator and theme pages.

Pagefind (PyPI `pagefind[bin]`) ships its indexer as a binary inside the wheel, so indexing runs
offline. A page joins the index by carrying `data-pagefind-body` (only exemplar.html, cell.html and
theme.html do); its type, cell code and title come from `data-pagefind-meta` attributes that
base.html writes from the page's `search_meta` (see plan.py).

Pagefind holds everything it indexes in memory until it writes (about 0.2 MB a page, so 2 GB at
10,000 exemplars) and uses one core for most of its work. A large site is therefore indexed in
shards of SHARD_SIZE pages, two at a time: the first is the bundle search.js imports, the others
sit in pagefind/shards/<n>/ and are listed in pagefind/shards.json for the page to merge in.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from . import urls
from .plan import Page
from .write import Stage, existing_files

SEARCHABLE = frozenset({"exemplar", "indicator", "theme"})  # Page.kind values search shows
BUNDLE = "pagefind"  # the bundle's folder in the output; search.html imports BUNDLE/pagefind.js
MARKER = b"data-pagefind-body"
# Pagefind also writes its ready-made UIs; the site draws its own (assets/js/search.js)
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
# a merged shard is searched with the first bundle's code and engine, so it needs only its data
CODE = ("pagefind.js", "pagefind-worker.js")
SHARD_SIZE = 600  # pages per Pagefind run: ~120 MB and ~1.3 s each on our machines
SHARD_LIST = "shards.json"  # bundle-relative folders of the shards after the first


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the message says what it reported."""


def is_searchable(html: bytes) -> bool:
    """Whether a page asks to be indexed (the templates mark exemplars, indicators and themes)."""
    return MARKER in html


def search_bundle(pages: Iterable[tuple[str, bytes]], language: str = "en") -> list[tuple[str, bytes]]:
    """The Pagefind bundle for (site URL, HTML) pages, as (output path, bytes) to stage.

    URLs are site URLs ("/exemplars/x/"): the search page maps them onto wherever the site is
    served, so the index is the same under any path prefix. Pages are cut into shards in the
    order given, so that order must not vary from build to build.
    """
    with tempfile.TemporaryDirectory(prefix="rubricsite-search-") as tmp:
        jobs: list[tuple[Path, Path]] = []
        held = 0  # pages in the newest shard
        # written as they come and never held: 10,000 pages are 120 MB of HTML
        for url, html in pages:
            if not is_searchable(html):
                continue
            if not jobs or held == SHARD_SIZE:
                number = len(jobs)
                jobs.append((Path(tmp) / f"site-{number}", Path(tmp) / f"bundle-{number}"))
                held = 0
            # Pagefind reads a folder far faster than file by file (~100 ms a file through its
            # API), and the same files in a folder give the same bundle, byte for byte
            target = jobs[-1][0] / urls.output_path(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(html)
            held += 1
        if not jobs:
            return []  # nothing to search: no bundle, and the search page says it cannot load
        _write_bundles(jobs, language, parallel=min(2, os.cpu_count() or 1))
        files = []
        for number, (_, bundle) in enumerate(jobs):
            prefix = BUNDLE if number == 0 else f"{BUNDLE}/{_shard_folder(number)}"
            files += [(f"{prefix}/{rel}", (bundle / rel).read_bytes())
                      for rel in _bundle_files(bundle, engine=number == 0)]
    listing = [f"{_shard_folder(n)}/" for n in range(1, len(jobs))]  # [] for a small site
    files.append((f"{BUNDLE}/{SHARD_LIST}", json.dumps(listing).encode()))
    return sorted(files)


def _shard_folder(number: int) -> str:
    return f"shards/{number}"


def stage_search_index(
    stage: Stage,
    pages: Sequence[Page],
    rendered: Mapping[str, bytes],
    *,
    rebuild: bool = True,
    language: str = "en",
) -> None:
    """Stage the bundle with the pages: made anew when a searchable page was drawn, else kept.

    rebuild=False (serve's quick rebuilds) keeps the last bundle as it is, even if stale.
    """
    entry = stage.output / BUNDLE / "pagefind-entry.json"
    # in URL order: shards are cut in the order given, and a rebuild must cut them as a clean build
    searchable = sorted((p for p in pages if p.kind in SEARCHABLE), key=lambda p: p.url)
    has_bundle = not stage.clean and entry.is_file()
    # a searchable page that was not redrawn has the same bytes as last time, and a deleted
    # exemplar redraws its cell's page, so nothing drawn means the last index still holds
    if has_bundle and not (rebuild and any(p.url in rendered for p in searchable)):
        for rel in sorted(existing_files(entry.parent)):
            stage.keep(f"{BUNDLE}/{rel}")
        return
    if not rebuild:
        return
    html = ((p.url, rendered.get(p.url) or (stage.output / urls.output_path(p.url)).read_bytes())
            for p in searchable)
    for path, data in search_bundle(html, language):
        stage.put(path, data)


def index_search(output_dir: Path, language: str = "en") -> None:
    """Index an already built site in place: output_dir/pagefind/ is replaced as a whole.

    For `serve`, which may skip the index on quick rebuilds and make it afterwards.
    """
    output_dir = Path(output_dir).resolve()
    if not (output_dir / "index.html").is_file():
        raise SearchIndexError(f"{output_dir}: no built site here (index.html is missing)")
    found = []
    for path in output_dir.rglob("*.html"):
        rel = path.relative_to(output_dir).as_posix()
        if not rel.startswith(f"{BUNDLE}/"):
            found.append(("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel), path))
    # in URL order, as a build cuts its shards; read one at a time, not all held
    files = search_bundle(((url, path.read_bytes()) for url, path in sorted(found)), language)
    # build the new bundle beside the old one, then swap, so a reader never sees half of each
    fresh = Path(tempfile.mkdtemp(prefix=f".{BUNDLE}-", dir=output_dir))
    try:
        for rel, data in files:
            target = fresh / rel.removeprefix(f"{BUNDLE}/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for folder in (fresh, *(p for p in fresh.rglob("*") if p.is_dir())):
            folder.chmod(0o755)
        for path in fresh.rglob("*"):
            if path.is_file():
                path.chmod(0o644)
        old = output_dir / BUNDLE
        retired = output_dir / f".{BUNDLE}-old"
        if old.exists():
            shutil.rmtree(retired, ignore_errors=True)
            old.rename(retired)
        fresh.rename(old)
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def _write_bundles(jobs: Sequence[tuple[Path, Path]], language: str, parallel: int) -> None:
    """Index each (site folder, bundle folder), `parallel` Pagefind processes at a time."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=parallel) as pool:
        for done in [pool.submit(_write_bundle, site, bundle, language) for site, bundle in jobs]:
            done.result()  # the first failure, if any, raised here


def _write_bundle(site: Path, bundle: Path, language: str) -> None:
    # Pagefind's own command, not its Python API: the API stops the indexer as soon as it has
    # answered "written", and under load that cut off files still being written (an empty
    # pagefind-entry.json at 10,000 exemplars). The command exits only when it has finished.
    # --force-language: one index for the whole site, whatever a page's lang says
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(bundle),
               "--force-language", language, "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise SearchIndexError(f"pagefind could not start: {exc}") from exc
    if done.returncode != 0 or not (bundle / "pagefind-entry.json").is_file():
        said = (done.stderr or done.stdout).strip() or f"exit status {done.returncode}"
        raise SearchIndexError(f"pagefind could not index the site: {said}")


def _bundle_files(folder: Path, engine: bool) -> Iterator[str]:
    # Pagefind writes a search engine (wasm) per language it knows; the entry file names the
    # ones this index uses, and only those are ever downloaded
    entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
    engines = {f"wasm.{lang['wasm']}.pagefind" for lang in entry["languages"].values()}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.startswith(UNUSED):
            continue
        if path.name.startswith("wasm.") and (not engine or path.name not in engines):
            continue
        if path.name in CODE and not engine:
            continue
        yield path.relative_to(folder).as_posix()
