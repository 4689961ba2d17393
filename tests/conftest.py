"""Shared test helpers: tiny sites written into tmp_path, built, and read back as HTML."""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from rubricsite.pipeline import BuildReport, build_site

TESTS = Path(__file__).parent
SITES = TESTS / "sites"
PROJECT = TESTS.parent  # the engine's repository (its tools, workflows, README), not a site
# the engine's tests build these fixture sites, never the repository's own site: a district that
# forks the repository and changes its rubric, content or settings keeps every test green
LEADING = SITES / "leading-learning"  # the Leading Learning rubric and its 42 published exemplars


def exemplar(body: str = "## What it shows\n\nA short story.\n", **fields: object) -> str:
    """An exemplar file's text: front matter from the given fields, then the body."""
    meta = {"title": "An exemplar", "theme": "vision", "level": "established",
            "summary": "One sentence about it."}
    meta.update(fields)
    meta = {k: v for k, v in meta.items() if v is not None}  # None removes a default field
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    return f"---\n{front}---\n\n{body}"


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Copy a fixture site (default: tests/sites/minimal) to tmp_path and write files into it.

    A value of None deletes that file from the copy.
    """

    def make(files: dict[str, str | None] | None = None, base: str | Path = "minimal") -> Path:
        source = base if isinstance(base, Path) else SITES / base
        root = tmp_path / "site"
        for n in range(2, 100):  # a second call in one test gets a fresh folder
            if not root.exists():
                break
            root = tmp_path / f"site-{n}"
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("output", ".cache"))
        for rel, text in (files or {}).items():
            path = root / rel
            if text is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    return make


@pytest.fixture
def build(tmp_path: Path) -> Callable[..., Path]:
    """Build a site into tmp_path/out (or the given output) and return the output folder."""

    def run(root: Path, output: Path | None = None, **options: object) -> Path:
        out = output or tmp_path / "out"
        report = build_site(root, out, **options)
        assert report.ok, "\n".join(e.text(root) for e in report.errors)
        return out

    return run


@pytest.fixture
def build_report(tmp_path: Path) -> Callable[..., BuildReport]:
    """Build and return the BuildReport itself, errors included."""

    def run(root: Path, output: Path | None = None, **options: object) -> BuildReport:
        return build_site(root, output or tmp_path / "out", **options)

    return run


def read_page(output: Path, url: str) -> BeautifulSoup:
    """The parsed HTML of the page at a site URL ("/sample/" -> sample/index.html)."""
    rel = url.strip("/")
    path = output / rel if rel.endswith((".html", ".xml")) else output / rel / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def page() -> Callable[[Path, str], BeautifulSoup]:
    return read_page


def stop_server(process: subprocess.Popen, wait: float = 60.0) -> None:
    """Stop a `build.py serve` as Ctrl-C would, and kill it if it does not end in time."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
