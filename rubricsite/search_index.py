"""The search index: Pagefind's static bundle for exemplar, indicator and theme pages.

Pagefind (PyPI `pagefind[bin]`) ships its indexer as a binary inside the wheel, so indexing runs
offline. Which pages are indexed is decided by `Page.searchable` (plan.py) alone; within such a
page, `data-pagefind-body` marks the parts to index, and its type, cell code and title come from
`data-pagefind-meta` attributes that base.html writes from the page's `search_meta`.

A bundle's *code* (pagefind.js, its worker, the wasm engine) is the same for every site and is
never taken from the store (store.py): `engine_files` makes it afresh, and only the index's data
files are kept between builds.

Pagefind holds everything it indexes in memory until it writes (about 0.2 MB a page, so 2 GB at
10,000 exemplars) and uses one core for most of its work. A large site is therefore indexed in
shards of SHARD_SIZE pages, two at a time: the first is the bundle search.js imports, the others
sit in pagefind/shards/<n>/ and are listed in pagefind/shards.json for the page to merge in.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from . import urls

BUNDLE = urls.SEARCH_BUNDLE.strip("/")  # the bundle's folder in the output
# Pagefind also writes its ready-made UIs; the site draws its own (assets/js/search.js)
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
# a merged shard is searched with the first bundle's code and engine, so it needs only its data
CODE = ("pagefind.js", "pagefind-worker.js")
SHARD_SIZE = 600  # pages per Pagefind run: ~120 MB and ~1.3 s each on our machines
SHARD_LIST = "shards.json"  # bundle-relative folders of the shards after the first


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the message says what it reported."""


def search_bundle(pages: Iterable[tuple[str, bytes]], language: str = "en") -> list[tuple[str, bytes]]:
    """The Pagefind bundle for (site URL, HTML) of the searchable pages, as (output path, bytes).

    URLs are site URLs ("/exemplars/x/"): the search page maps them onto wherever the site is
    served, so the index is the same under any path prefix. Pages are cut into shards in the
    order given, so that order must not vary from build to build.
    """
    with tempfile.TemporaryDirectory(prefix="rubricsite-search-") as tmp:
        jobs: list[tuple[Path, Path]] = []
        held = 0  # pages in the newest shard
        # written as they come and never held: 10,000 pages are 120 MB of HTML
        for url, html in pages:
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


def is_code(path: str) -> bool:
    """Whether a bundle file is Pagefind's program rather than the index's data."""
    name = path.rsplit("/", 1)[-1]
    return name in CODE or name.startswith("wasm.") or name.endswith((".js", ".mjs", ".wasm"))


def data_files(files: Iterable[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The index's own files of a bundle: what the store may keep (see the module's note)."""
    return [(path, data) for path, data in files if not is_code(path)]


def engine_files(language: str = "en") -> list[tuple[str, bytes]]:
    """Pagefind's code for a bundle of this language, from a run over one blank page."""
    blank = "<!DOCTYPE html><html><body data-pagefind-body><p>engine</p></body></html>"
    files = search_bundle([(urls.HOME, blank.encode())], language)
    return [(path, data) for path, data in files if is_code(path)]


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
