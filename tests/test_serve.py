"""serve: a real server in a subprocess; edits rebuild, a broken file shows its errors in the page.

Waits poll with generous deadlines and never assert how long anything took (see issue 5).
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import PROJECT, exemplar, stop_server

DEADLINE = 60.0  # seconds; a loaded CI machine may be slow, a working server is never this slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def _wait_for(what: str, check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)
    pytest.fail(f"gave up waiting for {what}")


class Served:
    """A running `build.py serve` and how to read its pages."""

    def __init__(self, root: Path, process: subprocess.Popen, port: int) -> None:
        self.root, self.process, self.port = root, process, port

    def page(self, url: str) -> tuple[int, BeautifulSoup]:
        status, text = _get(f"http://127.0.0.1:{self.port}{url}")
        return status, BeautifulSoup(text, "html.parser")

    def title(self, url: str) -> str:
        status, soup = self.page(url)
        return soup.h1.get_text(" ", strip=True) if status == 200 and soup.h1 else ""

    def errors(self) -> list[str]:
        status, soup = self.page("/")
        if status == 200:
            return []
        return [li.get_text(strip=True) for li in soup.select("#build-errors li")]


@pytest.fixture
def served(make_site, tmp_path) -> Iterator[Served]:
    root = make_site()
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(root), "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT)
    site = Served(root, process, port)
    try:
        _wait_for("the server", lambda: site.page("/")[0] == 200)
        yield site
    finally:
        stop_server(process)
        log.close()


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_edit_rebuilds_the_page(served):
    assert served.title("/exemplars/reading-buddies/").endswith("Reading buddies")
    _write(served.root, "content/exemplars/reading-buddies.md", exemplar(title="Reading partners"))
    _wait_for("the new title", lambda: served.title("/exemplars/reading-buddies/")
              .endswith("Reading partners"))


def test_story_edit_shows_up(served):
    path = served.root / "content/exemplars/reading-buddies.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA sentence added while serving.\n",
                    encoding="utf-8")

    def has_sentence() -> bool:
        status, soup = served.page("/exemplars/reading-buddies/")
        return status == 200 and "A sentence added while serving." in soup.get_text()

    _wait_for("the new sentence", has_sentence)


def test_new_exemplar_appears(served):
    _write(served.root, "content/exemplars/maker-night.md", exemplar(title="Maker night"))
    _wait_for("the new page", lambda: served.title("/exemplars/maker-night/").endswith("Maker night"))


def test_broken_file_shows_errors_in_browser_and_fixing_it_brings_the_site_back(served):
    _write(served.root, "content/exemplars/reading-buddies.md", exemplar(level="establised"))
    _write(served.root, "content/exemplars/second.md", exemplar(title=None))
    _wait_for("the error page", lambda: len(served.errors()) == 2)
    assert served.errors() == [
        "content/exemplars/reading-buddies.md:4: error: unknown phase 'establised' "
        "(did you mean 'established'?)",
        "content/exemplars/second.md:2: error: `title` is missing "
        "(add a line: title: \"…\" (the exemplar's title))",
    ]
    status, soup = served.page("/sample/vision/")  # every page shows them, not only the home page
    assert status == 500 and soup.select("#build-errors li")
    assert served.process.poll() is None  # still serving
    _write(served.root, "content/exemplars/reading-buddies.md", exemplar(title="Fixed"))
    (served.root / "content/exemplars/second.md").unlink()
    _wait_for("the site again", lambda: served.errors() == [] and
              served.title("/exemplars/reading-buddies/").endswith("Fixed"))


def test_template_error_is_shown_with_its_file_and_line(served):
    _write(served.root, "templates/cell.html", '{% extends "builtin/cell.html" %}\n{% block x %}\n')
    _wait_for("the template error", lambda: any("templates/cell.html:" in e for e in served.errors()))
    (served.root / "templates/cell.html").unlink()
    _wait_for("the site again", lambda: served.errors() == [])


def test_editor_temp_files_and_output_do_not_rebuild(served, tmp_path):
    log = tmp_path / "serve.log"
    _wait_for("the first summary", lambda: log.read_text().count("Built ") >= 1)
    before = log.read_text().count("Built ")
    temporary = ["content/exemplars/.reading-buddies.md.swp", "content/exemplars/reading-buddies.md~",
                 "content/exemplars/4913", "content/exemplars/#reading-buddies.md#",
                 "output/stray.html"]
    for rel in temporary:
        _write(served.root, rel, "an editor's or a build's own file")
    time.sleep(0.5)  # room for a wrong rebuild to start; not a timing assertion
    for rel in temporary:
        (served.root / rel).unlink()
    _write(served.root, "site.yaml", (served.root / "site.yaml").read_text() + "\n")  # a real one
    _wait_for("one rebuild", lambda: log.read_text().count("Built ") > before)
    time.sleep(1.0)  # room for a wrong second rebuild to show up; not a timing assertion
    assert log.read_text().count("Built ") == before + 1


def test_livereload_tells_the_browser_to_reload(served):
    from tornado.websocket import websocket_connect

    async def listen() -> dict:
        conn = await websocket_connect(f"ws://127.0.0.1:{served.port}/livereload")
        await conn.write_message(json.dumps({"command": "hello", "protocols": []}))
        await conn.read_message()
        await conn.write_message(json.dumps({"command": "info", "url": "http://x/"}))
        time.sleep(0.2)
        _write(served.root, "content/exemplars/reading-buddies.md", exemplar(title="Reloaded"))
        while True:
            message = json.loads(await conn.read_message())
            if message["command"] == "reload":
                return message

    # Its own thread and event loop: the browser tests leave Playwright's loop running on this thread.
    with ThreadPoolExecutor(1) as pool:
        message = pool.submit(asyncio.run, asyncio.wait_for(listen(), DEADLINE)).result()
    assert message["command"] == "reload"
    assert served.title("/exemplars/reading-buddies/").endswith("Reloaded")


def test_ctrl_c_stops_cleanly(served):
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(DEADLINE) == 0
