"""The one store kept between builds: plain data in one SQLite file, with one version.

It lives in ROOT/.cache/rubricsite/store.sqlite, inside the site folder, so it is as untrusted
as the site: a contributor's pull request or a poisoned CI cache may have written it. Nothing in
it is code (no pickle), and nothing read from it is believed: every row is checked for its type
and shape and a row that fails is a miss; a file that is not a store of this version (or not a
database at all, or one with tables, triggers or views we did not make) is started afresh. So a
tampered, truncated or foreign store makes a build slower, never different or unsafe: Markdown
is kept converted but not sanitised (markup.py sanitises on every build), and the search
bundle's code is never taken from here (search_index.py).

Tables: meta (version; the last build's key, page count and search state), stats (input and
output file stats of the last build, for the no-op check: one JSON row of each), pages (each
page's fingerprint when it was drawn), parsed (parsed files as JSON, by path and digest), markup
(Markdown converted to HTML, by source and settings), search (the search bundle's data files,
for one key).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import __version__, urls

STORE_VERSION = 2  # 2: each kind of stats is one JSON row, not one row per file
FILE_NAME = "store.sqlite"
_VERSION = f"{STORE_VERSION} {__version__}"
_TABLES = {
    "meta": "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "stats": "CREATE TABLE stats (kind TEXT PRIMARY KEY, data TEXT NOT NULL)",
    "pages": "CREATE TABLE pages (url TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)",
    "parsed": "CREATE TABLE parsed (path TEXT PRIMARY KEY, digest TEXT NOT NULL, data TEXT NOT NULL)",
    "markup": "CREATE TABLE markup (key TEXT PRIMARY KEY, html TEXT NOT NULL)",
    "search": "CREATE TABLE search (path TEXT PRIMARY KEY, data BLOB NOT NULL)",
}
_SEARCH_PATH = re.compile(rf"^{re.escape(urls.SEARCH_BUNDLE.strip('/'))}/"
                          r"(?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*$")

Stats = dict[str, tuple[int, int]]


def cache_dir(root: Path) -> Path:
    """The engine's cache in a site folder: safe to delete, ignored by git."""
    return root / ".cache" / "rubricsite"


@dataclass(frozen=True)
class LastBuild:
    """What the last build into an output left: enough to answer a no-op from stats."""

    key: str
    pages: int
    search_fresh: bool
    inputs: Stats
    outputs: Stats
    notes: tuple[str, ...] = ()  # what the build said besides problems (Site.notes)
    engine: str = ""  # incremental.engine_key() of the build: checked when the engine is loaded


class Store:
    """One build's handle on the store; every method is a no-op without a folder (--no-cache).

    A connection belongs to the process that opened it: a render worker forked from the build
    opens its own on first use (an SQLite connection must not cross a fork).
    """

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / FILE_NAME if folder is not None else None
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    # --- the last build, the no-op check and fingerprints ---------------------------------------

    def last_build(self) -> LastBuild | None:
        rows = self._read("SELECT value FROM meta WHERE name = 'build'")
        try:
            record = json.loads(rows[0][0]) if rows else None
            key, pages, fresh = record["key"], record["pages"], record["search_fresh"]
            notes, engine = tuple(record["notes"]), record["engine"]
        except (ValueError, TypeError, KeyError, IndexError):
            return None
        if not (isinstance(key, str) and isinstance(pages, int) and isinstance(fresh, bool)
                and isinstance(engine, str) and all(isinstance(n, str) for n in notes)):
            return None
        stats: dict[str, Stats] = {"input": {}, "output": {}}
        for kind, data in self._read("SELECT kind, data FROM stats"):
            if kind in stats:
                stats[kind] = _stats(data)
        return LastBuild(key, pages, fresh, stats["input"], stats["output"], notes, engine)

    def fingerprints(self) -> dict[str, str]:
        """Each page's fingerprint when the output's copy of it was drawn."""
        return {url: fp for url, fp in self._read("SELECT url, fingerprint FROM pages")
                if isinstance(url, str) and isinstance(fp, str)}

    def save_build(self, last: LastBuild, fingerprints: Mapping[str, str],
                   parsed: Mapping[str, tuple[str, str]], parsed_paths: Iterable[str]) -> None:
        """Everything the next build starts from, in one transaction.

        parsed: rows new this build (path -> (digest, JSON)); parsed_paths: every path still read.
        """
        record = json.dumps({"key": last.key, "pages": last.pages, "search_fresh": last.search_fresh,
                             "notes": list(last.notes), "engine": last.engine})
        keep = set(parsed_paths)

        def write(db: sqlite3.Connection) -> None:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('build', ?)", (record,))
            db.execute("DELETE FROM stats")
            # one row of each kind: a no-op at 10,000 exemplars read 20,000 rows before
            db.executemany("INSERT INTO stats VALUES (?, ?)",
                           ((kind, json.dumps(stats, separators=(",", ":")))
                            for kind, stats in (("input", last.inputs), ("output", last.outputs))))
            db.execute("DELETE FROM pages")
            db.executemany("INSERT INTO pages VALUES (?, ?)", fingerprints.items())
            gone = [(p,) for (p,) in db.execute("SELECT path FROM parsed") if p not in keep]
            db.executemany("DELETE FROM parsed WHERE path = ?", gone)
            db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)",
                           ((p, d, data) for p, (d, data) in parsed.items()))

        self._write(write)

    # --- parsed files ----------------------------------------------------------------------------

    def parsed(self) -> dict[str, tuple[str, str]]:
        """path -> (digest of the file's bytes, its parse as JSON text); load.py checks the JSON."""
        return {path: (digest, data) for path, digest, data in
                self._read("SELECT path, digest, data FROM parsed")
                if isinstance(path, str) and isinstance(digest, str) and isinstance(data, str)}

    # --- converted Markdown ----------------------------------------------------------------------

    def markup(self, key: str) -> str | None:
        rows = self._read("SELECT html FROM markup WHERE key = ?", (key,))
        return rows[0][0] if rows and isinstance(rows[0][0], str) else None

    def put_markup(self, entries: Mapping[str, str]) -> None:
        if entries:
            self._write(lambda db: db.executemany("INSERT OR REPLACE INTO markup VALUES (?, ?)",
                                                  entries.items()))

    # --- the search bundle's data files ----------------------------------------------------------

    def holds_search(self, key: str) -> bool:
        """Whether the bundle saved is this key's (search_paths may still find it damaged)."""
        rows = self._read("SELECT value FROM meta WHERE name = 'search'")
        return bool(rows) and rows[0][0] == key

    def search_paths(self, key: str) -> list[str] | None:
        """The paths of the bundle's files saved under this key, in order; None when the bundle is
        another key's or damaged (a path outside the index folder, data that is not bytes)."""
        if not self.holds_search(key):
            return None
        rows = self._read("SELECT path, typeof(data) FROM search ORDER BY path")
        if not rows or not all(isinstance(p, str) and _SEARCH_PATH.match(p) and ".." not in p
                               and kind == "blob" for p, kind in rows):
            return None
        return [p for p, _kind in rows]

    def search_file(self, path: str) -> bytes | None:
        """One file of the saved bundle (one at a time: at 10,000 exemplars the bundle is tens of
        MB, and held whole it was the build's peak); None when it is gone or damaged."""
        rows = self._read("SELECT data FROM search WHERE path = ?", (path,))
        return rows[0][0] if rows and isinstance(rows[0][0], bytes) else None

    def put_search_files(self, key: str, files: Iterable[tuple[str, bytes]]) -> None:
        def write(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM search")  # one bundle is enough: the store must not grow
            db.executemany("INSERT INTO search VALUES (?, ?)", files)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('search', ?)", (key,))

        self._write(write)

    # --- the file ----------------------------------------------------------------------------------

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        db = self._connect()
        if db is None:
            return []
        try:
            return db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError:  # damaged after opening: a slower build, from scratch
            self._reset()
            return []

    def _write(self, action: Callable[[sqlite3.Connection], object]) -> None:
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                action(db)
        except sqlite3.DatabaseError:
            self._reset()

    def _connect(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self._db is not None and self._pid == os.getpid():
            return self._db
        self._db, self._pid = None, os.getpid()  # a forked worker: the parent's is not ours
        try:
            self._db = _open(self.path)
        except (sqlite3.DatabaseError, _Foreign):
            self._reset()
        return self._db

    def _reset(self) -> None:
        """Start the store afresh; if even that fails, build without one."""
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None
        assert self.path is not None
        try:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._db = _open(self.path)
        except (sqlite3.DatabaseError, _Foreign, OSError):
            self.path = None


def _stats(data: object) -> Stats:
    """path -> (mtime, size) from a stats row's JSON; {} when it is anything else (a miss: the
    build then looks at everything)."""
    try:
        plain = json.loads(data) if isinstance(data, str) else None
    except (ValueError, RecursionError):
        return {}
    if not isinstance(plain, dict):
        return {}
    stats: Stats = {}
    for path, value in plain.items():
        if not (type(value) is list and len(value) == 2 and type(value[0]) is int
                and type(value[1]) is int):
            return {}
        stats[path] = (value[0], value[1])
    return stats


class _Foreign(Exception):
    """The file is a database, but not a store of this version."""


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not path.exists() or path.stat().st_size == 0
    db = sqlite3.connect(path, timeout=30)
    try:
        db.execute("PRAGMA trusted_schema = OFF")  # a planted view or trigger may call no function
        if fresh:
            with db:
                for sql in _TABLES.values():
                    db.execute(sql)
                db.execute("INSERT INTO meta VALUES ('version', ?)", (_VERSION,))
        _check(db)
    except BaseException:
        db.close()
        raise
    return db


def _check(db: sqlite3.Connection) -> None:
    """Exactly our tables (with their own indexes), nothing else, and this version."""
    found = {(kind, name, sql) for kind, name, sql in
             db.execute("SELECT type, name, sql FROM sqlite_master")}
    tables = {(name, sql) for kind, name, sql in found if kind == "table"}
    others = {(kind, name) for kind, name, sql in found if kind != "table"}
    if tables != set(_TABLES.items()) or any(
            kind != "index" or not name.startswith("sqlite_autoindex_") for kind, name in others):
        raise _Foreign
    version = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchall()
    if version != [(_VERSION,)]:
        raise _Foreign
