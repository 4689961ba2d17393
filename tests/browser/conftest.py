"""Real-browser fixtures: the default site built once, served under a path prefix, one Chromium.

Skipped when Chromium, Playwright or axe-core is missing, unless RUBRICSITE_REQUIRE_BROWSER=1
(set by .ci/run), where a missing piece fails the run instead.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rubricsite import search_index
from rubricsite.pipeline import build_site

from .browsing import PREFIX

PROJECT = Path(__file__).resolve().parents[2]
LEADING = PROJECT / "tests" / "sites" / "leading-learning"  # not the repository's own site
CHROMIUM = Path(os.environ.get("RUBRICSITE_CHROMIUM", "/usr/bin/chromium"))
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


def _missing(why: str) -> None:
    if os.environ.get("RUBRICSITE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{why} (RUBRICSITE_REQUIRE_BROWSER=1: browser tests must run)")
    pytest.skip(why)


class _PrefixHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder at PREFIX only, like a host serving a project site."""

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(PREFIX):
            return str(Path(self.directory) / ".outside-the-prefix" / "none")  # a 404
        return super().translate_path("/" + path[len(PREFIX):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()  # what GitHub Pages does: the site's own 404 page, status 404
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output to failures


@dataclass(frozen=True)
class Served:
    """The built site and where it is served."""

    output: Path
    base: str  # "http://127.0.0.1:PORT/district/llc/"

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")


@contextlib.contextmanager
def _serving(output: Path) -> Iterator[Served]:
    """The Leading Learning fixture site built into output with its base URL, served under PREFIX."""
    handler = functools.partial(_PrefixHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    report = build_site(LEADING, output, base_url=base, use_cache=False)
    assert report.ok, "\n".join(str(e) for e in report.errors)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(output, base)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The default site, as a district would publish it."""
    with _serving(tmp_path_factory.mktemp("browser-site") / "out") as site:
        yield site


@pytest.fixture(scope="session")
def served_in_shards(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The default site with its search index's pages in files of 3, so results span many."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "PAGES_PER_FILE", 3)
        with _serving(tmp_path_factory.mktemp("browser-site-sharded") / "out") as site:
            patch.undo()
            yield site


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole session."""
    if not CHROMIUM.is_file():
        _missing(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def context(browser):  # type: ignore[no-untyped-def]
    """A fresh browser profile per test: empty localStorage, a desktop-sized window."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    ctx.set_default_timeout(10_000)  # a wait that never ends is a failure, not a hang
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):  # type: ignore[no-untyped-def]
    """A page that fails the test on any script error."""
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    assert errors == [], f"script errors: {errors}"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, from node_modules (npm ci)."""
    if not AXE.is_file():
        _missing(f"axe-core is not installed ({AXE}); run npm ci")
    return AXE.read_text(encoding="utf-8")
