"""serve: build, serve the output with live reload, and rebuild what changed on every save.

livereload serves the files and talks to the browser; its own watcher walks the whole tree
every 0.8 s, too slow for an edit to show in 100 ms (issue 5), so watchfiles (inotify) watches
instead, in threads that hand each batch of changes to the tornado loop. Builds run on the loop,
one at a time, with a pipeline.Builder that keeps the site in memory between them. The search
index is made afterwards in a thread, at low priority, so no reload waits for it.
"""

from __future__ import annotations

import errno
import html
import logging
import multiprocessing
import os
import re
import socket
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import watchfiles
from livereload import Server
from livereload.handlers import ForceReloadHandler, LiveReloadHandler
from livereload.watcher import Watcher
from tornado import web
from tornado.ioloop import IOLoop

from .errors import ContentError, format_errors
from .pipeline import Builder, BuildReport
from .search_index import BUNDLE, ENTRY, SearchIndexError, search_bundle
from .terminal import printable, shown_path
from .write import PREFIX, OutputRefused, check_output

STEP_MS = 5  # watchfiles hands over a batch once nothing more changed for this long
INDEX_DELAY = 1.0  # seconds of quiet after a rebuild before the search index is remade
# never rebuild for these: our own output and cache, version control, tools' folders
IGNORED_DIRS = frozenset({".cache", ".git", ".hg", ".svn", ".venv", "venv", "node_modules",
                          "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".idea"})
# editors' temporary and backup files (vim 4913 and swap files, emacs #autosave# and .#locks, ...)
TEMP_FILES = (r"^4913$", r"^#.*#$", r"\.tmp$", r"\.kate-swp$", r"^\.~lock\.", r"\.crswap$")


def _bundle(pages: list[tuple[str, Path]], language: str) -> list[tuple[str, bytes]]:
    """The search index of the pages' files as they are now, read one at a time."""
    def html_pages() -> Iterator[tuple[str, bytes]]:
        for url, path in pages:
            try:
                yield url, path.read_bytes()
            except OSError:
                continue  # removed meanwhile: the next index run has the new page set

    return search_bundle(html_pages(), language)


class _Filter(watchfiles.DefaultFilter):
    """watchfiles' defaults, plus the output folder, our cache and more editors' temp files."""

    def __init__(self, output: Path) -> None:
        # a build stages into .rubricsite-stage-... beside the output, and locks a file there:
        # seeing them would rebuild forever
        staging = (rf"^{re.escape(PREFIX)}",)
        super().__init__(
            ignore_dirs=(*self.ignore_dirs, *IGNORED_DIRS),
            ignore_entity_patterns=(*self.ignore_entity_patterns, *TEMP_FILES, *staging),
        )
        self.output = os.fspath(output)

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if path == self.output or path.startswith(self.output + os.sep):
            return False  # the output is the engine's own writing, never a reason to rebuild
        return super().__call__(change, path)


class _Either:
    """An event that is set when any of its events is (stops a watch for good, or to restart it)."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


class _Watcher(Watcher):
    """livereload's watcher interface, fed by inotify instead of polling.

    One thread watches the site folder itself (site.yaml, new top-level folders), another the
    folders in it recursively, the output and tools' folders left out: watching the whole root
    would put an inotify watch on every one of the output's 10,000 folders.
    """

    def __init__(self, root: Path, output: Path, on_change: Callable[[set[Path]], None]) -> None:
        super().__init__()
        self.root, self.output = root, output
        self.on_change = on_change
        self.filter = _Filter(output)
        self.stopped = threading.Event()
        self._restart = threading.Event()
        self._loop: IOLoop | None = None
        self._dirs: list[Path] = []
        self.watch(str(root))  # what livereload logs; the watching itself is ours

    def start(self, callback: Callable[[], None]) -> bool:
        """Called by livereload on the loop; True tells it not to poll."""
        self._loop = IOLoop.current()
        threading.Thread(target=self._watch_top, name="watch-root", daemon=True).start()
        self._start_tree()
        return True

    def stop(self) -> None:
        self.stopped.set()

    def _folders(self) -> list[Path]:
        return sorted(p for p in self.root.iterdir() if p.is_dir() and p.name not in IGNORED_DIRS
                      and p != self.output and not p.name.startswith("."))

    def _start_tree(self) -> None:
        self._restart.set()  # ends the last tree watch, if any
        self._restart = threading.Event()
        self._dirs = self._folders()
        if self._dirs:
            threading.Thread(target=self._watch, args=(self._dirs, True, self._restart),
                             name="watch-tree", daemon=True).start()

    def _watch_top(self) -> None:
        self._watch([self.root], False, None)

    def _watch(self, paths: list[Path], recursive: bool, restart: threading.Event | None) -> None:
        stop = _Either(self.stopped, restart) if restart else self.stopped
        for changes in watchfiles.watch(*paths, watch_filter=self.filter, step=STEP_MS,
                                        stop_event=stop, recursive=recursive,
                                        raise_interrupt=False):
            changed = {Path(p) for _, p in changes}
            if not recursive:
                added = [p for p in changed if p.is_dir() and p not in self._dirs]
                if added or any(p in self._dirs and not p.exists() for p in changed):
                    self._start_tree()  # a folder appeared or went (templates/, assets/)
                for folder in added:  # files written before its watch began
                    changed.update(f for f in folder.rglob("*") if f.is_file())
            assert self._loop is not None
            self._loop.add_callback(self.on_change, changed)


# --- who may talk to the preview -----------------------------------------------------------------

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


class _Origin:
    """The names this server answers to: a page from any other origin (or a DNS name rebound to
    127.0.0.1) may neither open the live-reload socket nor read the preview."""

    hosts: frozenset[str] = LOOPBACK_NAMES
    port = 0
    any_host = False  # `--host 0.0.0.0`: the user asked for every address of this machine

    @classmethod
    def serve_at(cls, host: str, port: int) -> None:
        cls.hosts, cls.port = LOOPBACK_NAMES | {host.lower()}, port
        cls.any_host = host in ("0.0.0.0", "::", "")

    @classmethod
    def host_ok(cls, host_header: str) -> bool:
        match = re.fullmatch(r"(\[[^\]]*\]|[^:]*)(?::(\d+))?", host_header.lower())
        if match is None:
            return False
        name, port = match.groups()
        return (cls.any_host or name in cls.hosts) and (port is None or port == str(cls.port))

    @classmethod
    def origin_ok(cls, origin: str, host_header: str) -> bool:
        parsed = urllib.parse.urlsplit(origin)
        return (parsed.scheme == "http" and parsed.netloc.lower() == host_header.lower()
                and cls.host_ok(host_header))


def _same_origin(handler: web.RequestHandler, origin: str) -> bool:
    return _Origin.origin_ok(origin, handler.request.host)


def _refuse_other_origins(handler: web.RequestHandler) -> None:
    origin = handler.request.headers.get("Origin")
    if not _Origin.host_ok(handler.request.host) or (origin and not _same_origin(handler, origin)):
        raise web.HTTPError(403)


class _SiteHandler(web.StaticFileHandler):
    """The built files; while the last build failed, every page is the list of its errors."""

    error_page: Callable[[], str | None] = staticmethod(lambda: None)

    def prepare(self) -> None:
        _refuse_other_origins(self)

    async def get(self, path: str, include_body: bool = True) -> None:
        page = self.error_page()
        if page is not None and (not path or path.endswith(("/", ".html")) or "." not in
                                 path.rsplit("/", 1)[-1]):
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(page)
            return
        await super().get(path, include_body)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")  # a preview is always the latest build


def error_page(errors: Iterable[ContentError], root: Path) -> str:
    """A page listing every error as `file:line: message`; it reloads when the build is fixed."""
    items = "\n".join(f"<li><code>{html.escape(_for_browser(e, root))}</code></li>" for e in errors)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>Build failed</title>\n<meta name=\"viewport\" content=\"width=device-width\">\n"
            "<style>body{font:1rem/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}"
            "code{white-space:pre-wrap;word-break:break-word}li{margin:.5rem 0}</style>\n"
            "</head>\n<body>\n<main>\n<h1>The site could not be built</h1>\n"
            "<p>Fix these and save: the page reloads by itself.</p>\n"
            f"<ul id=\"build-errors\">\n{items}\n</ul>\n</main>\n</body>\n</html>\n")


def _for_browser(error: ContentError, root: Path) -> str:
    """An error line with no absolute path of this machine in it: the page may be shared."""
    shown = ContentError(Path(shown_path(error.path, root)), error.line, error.message, error.hint)
    return printable(shown.text(root), hide_paths=(root,))


class _Preview:
    """The state of one serve session: the builder, the last errors, the search index job."""

    def __init__(self, root: Path, output: Path) -> None:
        self.root, self.output = root, output
        self.builder = Builder(root, output)
        self.errors: list[ContentError] = []
        self.page: str | None = None
        self._index_timer: object | None = None
        self._indexing = False
        self._index_again = False

    def on_change(self, changed: set[Path]) -> None:
        """The watcher's callback on the loop (a callback's return value would be awaited)."""
        self.build(changed)

    def build(self, changed: set[Path] | None = None) -> BuildReport | None:
        """Rebuild (what changed), print one line, tell the browser; runs on the loop."""
        if changed is not None:
            changed = {p for p in changed if not p.is_dir()}
            if not changed:
                return None
        try:
            report = self.builder.build(changed, search=False, persist=False)
        except OSError as exc:  # disk full, permissions: say so, keep serving the last site
            where = Path(exc.filename) if exc.filename else self.output
            report = BuildReport(errors=[ContentError(where, None, f"cannot write: {exc.strerror or exc}")])
        if report.errors:
            print(printable(format_errors(report.errors, "text", self.root)), file=sys.stderr,
                  flush=True)
            self.errors, self.page = report.errors, error_page(report.errors, self.root)
        else:
            print(report.summary(), flush=True)
            had_errors, self.errors, self.page = bool(self.errors), [], None
            if not report.changed and not had_errors:
                return report  # nothing to show
        if changed is None:
            return report  # the first build: no browser is listening yet
        first = min(changed)
        # a stylesheet alone is swapped in place by livereload.js; anything else reloads the page.
        # The browser is told the stylesheet's address, never where the file is on this machine.
        LiveReloadHandler.reload_waiters(self._address(first) if first.suffix == ".css" else "*")
        if report.ok and self.builder.index_stale:
            self._schedule_index()
        return report

    def _address(self, path: Path) -> str:
        try:
            return "/assets/" + path.relative_to(self.root / "assets").as_posix()
        except ValueError:
            return "*"

    def _schedule_index(self) -> None:
        loop = IOLoop.current()
        if self._index_timer is not None:
            loop.remove_timeout(self._index_timer)
        self._index_timer = loop.call_later(INDEX_DELAY, self._start_index)

    def _start_index(self) -> None:
        self._index_timer = None
        if not self.builder.index_stale or self.builder.site is None:
            return
        if self._indexing:
            self._index_again = True
            return
        self._indexing = True
        loop = IOLoop.current()
        language = self.builder.site.config.language if self.builder.site else "en"
        pages = self.builder.search_sources()
        threading.Thread(target=self._index, args=(loop, pages, language), name="search-index",
                         daemon=True).start()

    def _index(self, loop: IOLoop, pages: list[tuple[str, Path]], language: str) -> None:
        os.nice(10)  # this thread and the indexer it starts yield the CPU to rebuilds
        try:
            # in a process of its own: indexing 10,000 pages in a thread of this one held the
            # interpreter lock for seconds, and an edit made meanwhile waited for it to reload
            with multiprocessing.get_context("fork").Pool(1) as pool:
                files: list[tuple[str, bytes]] | Exception = pool.apply(_bundle, (pages, language))
        except (SearchIndexError, OSError) as exc:
            files = exc
        loop.add_callback(self._swap_index, files)

    def _swap_index(self, files: list[tuple[str, bytes]] | Exception) -> None:
        """Put the new bundle in place on the loop, between builds, never during one."""
        self._indexing = False
        if isinstance(files, Exception):
            print(f"search index: {files}", file=sys.stderr, flush=True)
            return
        if self._index_again:
            self._index_again = False
            self._schedule_index()
            return
        try:
            self.builder.publish_search_index(files)
        except OSError as exc:
            print(f"search index: cannot write {exc.filename or self.output}: "
                  f"{exc.strerror or exc}", file=sys.stderr, flush=True)


class _Printable(logging.Filter):
    """Log records without terminal escape sequences: a URL or file name can carry them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = printable(record.getMessage())
        record.args = None
        return True


def _quiet_logs() -> None:
    for name in ("livereload", "tornado.access", "tornado.application", "tornado.general"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _Printable) for f in logger.filters):
            logger.addFilter(_Printable())


def port_problem(host: str, port: int) -> str:
    """Why serve cannot listen on host:port, with the option that fixes it; '' when it can."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # as the server will: a port left in TIME_WAIT by the last serve is free to it
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"port {port} is already in use (another `serve` still running?): stop it, "
                        f"or choose a free port with --port {port + 1} (make serve PORT={port + 1})")
            return (f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                    f"(use --host 127.0.0.1 and a --port above 1023)")
    return ""


def serve(root: Path, output: Path, host: str, port: int) -> int:
    """Build, serve output at http://host:port/ and rebuild on every change; 0 when stopped."""
    root, output = root.resolve(), output.resolve()
    busy = port_problem(host, port)
    if busy:  # said before the first build, not after it
        print(f"rubricsite: error: {busy}", file=sys.stderr)
        return 2
    try:
        check_output(root, output)
    except OutputRefused as exc:
        print(f"rubricsite: error: {exc}", file=sys.stderr)
        return 2
    preview = _Preview(root, output)
    report = preview.build()
    preview.builder.warm()  # so that the first edit is as quick as the next ones
    if report is not None and report.ok and not (output / BUNDLE / ENTRY).is_file():
        preview.builder.index_stale = True  # made in the background once the server is up
    watcher = _Watcher(root, output, preview.on_change)
    server = Server(watcher=watcher)
    _Origin.serve_at(host, port)
    LiveReloadHandler.check_origin = _same_origin  # livereload's own accepts every origin
    # tornado skips check_origin when Origin and Host merely look alike (a rebound DNS name,
    # https://): decide before the upgrade, as for every other request
    LiveReloadHandler.prepare = _refuse_other_origins
    ForceReloadHandler.prepare = _refuse_other_origins
    _quiet_logs()
    _SiteHandler.error_page = staticmethod(lambda: preview.page)
    server.SFH = _SiteHandler
    output.mkdir(parents=True, exist_ok=True)
    IOLoop.current().add_callback(preview._schedule_index)
    print(f"Serving {output} at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve(port=port, host=host, root=str(output), restart_delay=0)
    except OSError as exc:  # the port is taken, or the address is not ours
        print(f"rubricsite: error: {port_problem(host, port) or exc.strerror or exc}", file=sys.stderr)
        return 2
    finally:
        watcher.stop()
        preview.builder.save()  # the next build starts where this session ended
        preview.builder.close()
    return 0
