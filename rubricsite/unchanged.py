"""A rebuild with nothing changed, told from file stats alone, before the rest of the engine loads.

The last build keeps the (mtime, size) of every file it read, the engine's own and the libraries'
that shape a page included, and of every file it wrote (store.LastBuild). When all of them are
the same, the output is what a build would make again: `nothing_changed` says so without
importing the renderer, Jinja or Markdown, so such a rebuild of 10,000 exemplars costs a
directory scan. Any other rebuild is decided page by page (incremental.py).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from . import __version__
from .store import FILE_NAME, LastBuild, Stats, Store, cache_dir

ENGINE = Path(__file__).parent
SITE_FOLDERS = ("site.yaml", "rubric", "content", "templates", "assets")
# the libraries whose version changes a page: an upgrade rewrites their files
LIBRARIES = ("jinja2", "markupsafe", "markdown", "nh3", "yaml")


def nothing_changed(root: Path, output: Path, base_url: str | None, search: bool = True,
                    engine: str | None = None) -> LastBuild | None:
    """The last build into output when no file it read or wrote has changed since; else None.

    engine: incremental.engine_key(), when the caller has the engine loaded (it must then be the
    last build's too; the files it stands for are in the stats either way). Opens the store only
    when it is there: a rebuild that finds nothing to do touches nothing.
    """
    if not (cache_dir(root) / FILE_NAME).is_file():
        return None
    store = Store(cache_dir(root))
    try:
        last = store.last_build()
    finally:
        store.close()
    if last is None or last.key != build_key(output, base_url) or (search and not last.search_fresh):
        return None
    if engine is not None and engine != last.engine:
        return None
    if not last.outputs or input_stats(root) != last.inputs:
        return None
    return last if output_stats(output, last.outputs) == last.outputs else None


def build_key(output: Path, base_url: str | None) -> str:
    """What must be the same for a no-op besides the files: the engine's version, Python, the
    libraries' files, the output folder and the base URL."""
    text = repr((__version__, sys.version, _library_stats(), str(output), base_url))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _library_stats() -> list[tuple[str, int, int]]:
    found = []
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)  # finds the package without importing it
        if spec is not None and spec.origin:
            stat = os.stat(spec.origin)
            found.append((spec.origin, stat.st_mtime_ns, stat.st_size))
    return found


def input_stats(root: Path) -> Stats:
    """(mtime, size) of every file a build reads, the engine's own included."""
    found: Stats = {}
    for name in SITE_FOLDERS:
        path = root / name
        if path.is_file():
            stat = path.stat()
            found[str(path)] = (stat.st_mtime_ns, stat.st_size)
        else:
            _scan(found, str(path), frozenset())
    _scan(found, str(ENGINE), frozenset({"__pycache__"}))
    return found


def output_stats(output: Path, files: Iterable[str]) -> Stats:
    """(mtime, size) of the output's files, by path relative to it; a missing file is left out."""
    found: Stats = {}
    top = os.fspath(output)
    for rel in files:
        try:
            stat = os.stat(os.path.join(top, rel))
        except OSError:
            continue
        found[rel] = (stat.st_mtime_ns, stat.st_size)
    return found


def _scan(found: Stats, top: str, skip: frozenset[str]) -> None:
    try:
        entries = os.scandir(top)
    except (FileNotFoundError, NotADirectoryError):
        return
    with entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in skip:
                    _scan(found, entry.path, skip)
            else:
                stat = entry.stat(follow_symlinks=False)
                found[entry.path] = (stat.st_mtime_ns, stat.st_size)
