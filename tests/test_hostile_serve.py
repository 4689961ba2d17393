"""serve: live reload from its own origin only, no absolute paths in the browser, no escapes in logs."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import PROJECT, exemplar, stop_server
from livereload.handlers import LiveReloadHandler

from rubricsite.errors import ContentError
from rubricsite.serve import _Origin, _Preview, _Printable, error_page
from rubricsite.terminal import printable

DEADLINE = 60.0


@pytest.fixture
def server(make_site, tmp_path):
    """A real `serve` on a free port; yields (root, port, log path)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = make_site()
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(root), "--port",
             str(port)], stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + DEADLINE
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
                    break
                except OSError:
                    time.sleep(0.1)
            yield root, port, log_path
        finally:
            stop_server(process)


def _socket_status(port: int, headers: dict[str, str]) -> int:
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    async def connect() -> int:
        request = HTTPRequest(f"ws://127.0.0.1:{port}/livereload", headers=headers)
        try:
            conn = await websocket_connect(request)
        except HTTPClientError as error:
            return error.code
        conn.close()
        return 101

    with ThreadPoolExecutor(1) as pool:  # its own loop: a browser test may hold this thread's
        return pool.submit(asyncio.run, asyncio.wait_for(connect(), DEADLINE)).result()


def _get(port: int, path: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_live_reload_only_from_its_own_origin(server):
    _root, port, _log = server
    own = f"http://127.0.0.1:{port}"
    assert _socket_status(port, {"Origin": own}) == 101
    assert _socket_status(port, {"Origin": f"http://localhost:{port}",
                                 "Host": f"localhost:{port}"}) == 101
    for origin in ("http://evil.example", f"http://127.0.0.1:{port + 1}", "null",
                   f"https://127.0.0.1:{port}"):
        assert _socket_status(port, {"Origin": origin}) == 403, origin
    # a DNS name rebound to 127.0.0.1: its pages are same-origin with themselves, not with us
    assert _socket_status(port, {"Origin": f"http://rebound.example:{port}",
                                 "Host": f"rebound.example:{port}"}) == 403


def test_pages_and_forced_reloads_only_for_its_own_names(server):
    _root, port, _log = server
    assert _get(port, "/", {}) == 200
    assert _get(port, "/", {"Host": f"rebound.example:{port}"}) == 403
    assert _get(port, "/forcereload", {"Origin": "http://evil.example"}) == 403
    assert _get(port, "/forcereload", {}) == 200


def test_terminal_escapes_in_a_file_name_do_not_reach_the_log(server):
    root, _port, log = server
    bad = root / "content" / "exemplars" / "\x1b[2J\x1b]0;pwned\x07x.md"
    bad.write_text(exemplar(level="nope"))
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline and b"error:" not in log.read_bytes():
        time.sleep(0.1)
    text = log.read_bytes()
    assert b"error:" in text and b"\x1b" not in text and b"\x07" not in text
    assert b"x.md:4: error:" in text  # the name, without what would act on the terminal


def test_error_page_shows_no_absolute_path(make_site, tmp_path):
    root = make_site()
    errors = [ContentError(root / "content/exemplars/x.md", 3, "broken"),
              ContentError(Path(__file__).resolve().parent.parent / "rubricsite/templates/base.html",
                           9, f"'x' is undefined in {root}/templates/page.html and {Path.home()}/y"),
              ContentError(Path("/etc/hosts"), 1, f"cannot read {sys.prefix}/lib/thing.py")]
    page = error_page(errors, root)
    for path in (str(root), str(Path(__file__).resolve().parent.parent), str(Path.home()),
                 sys.prefix, "/etc/"):
        assert path not in page, path
    assert "content/exemplars/x.md:3: error: broken" in page
    assert "rubricsite/templates/base.html:9: error:" in page


def test_error_page_of_a_template_error_in_a_real_build(make_site, tmp_path, monkeypatch):
    monkeypatch.setattr(LiveReloadHandler, "reload_waiters", lambda *a: None)
    root = make_site({"templates/page.html": "{{ nope.nothing }}",
                      "content/pages/about.md": "---\ntitle: About\n---\n\nText.\n"})
    preview = _Preview(root, tmp_path / "out")
    preview.build()
    preview.builder.close()
    assert preview.page is not None and "templates/page.html:1: error:" in preview.page
    assert str(root) not in preview.page and str(PROJECT) not in preview.page


def test_a_stylesheet_change_tells_the_browser_its_address_not_its_file(make_site, tmp_path,
                                                                         monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(LiveReloadHandler, "reload_waiters", sent.append)
    root = make_site({"assets/extra.css": "p { color: #123; }\n"})
    preview = _Preview(root, tmp_path / "out")
    preview.build()
    (root / "assets" / "extra.css").write_text("p { color: #456; }\n")
    preview.build({root / "assets" / "extra.css"})
    preview.builder.close()
    assert sent == ["/assets/extra.css"]


def test_log_records_lose_their_escapes():
    record = logging.LogRecord("tornado.access", logging.INFO, __file__, 1,
                               "GET %s", ("/\x1b[31mred\x1b[0m\x07",), None)
    assert _Printable().filter(record) and record.getMessage() == "GET /red\\x07"


@pytest.mark.parametrize("text, shown", [("a\x1b[2Jb", "ab"), ("a\x1b]0;title\x07b", "ab"),
                                         ("a\rb", "a\\x0db"), ("a\u202eb", "a\\u202eb"),
                                         ("line\n\tnext", "line\n\tnext")])
def test_printable(text, shown):
    assert printable(text) == shown


def test_host_rules():
    _Origin.serve_at("127.0.0.1", 8000)
    assert _Origin.host_ok("127.0.0.1:8000") and _Origin.host_ok("localhost:8000")
    assert _Origin.host_ok("[::1]:8000") and _Origin.host_ok("localhost")
    assert not _Origin.host_ok("127.0.0.1:8001") and not _Origin.host_ok("evil.example:8000")
    assert not _Origin.origin_ok("http://evil.example:8000", "127.0.0.1:8000")
    assert os.environ.get("RUBRICSITE_NO_SUCH") is None  # the rules need no configuration
