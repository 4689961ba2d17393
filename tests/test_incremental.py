"""Incremental rebuilds: after each kind of change, the output is byte for byte a clean build's,
and exactly the pages that depend on the change were rendered again (never timed; see issue 5).

Each change runs twice: through build_site with its on-disk cache (the command line), and
through one Builder kept alive and told which files changed (what serve does).
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable
from pathlib import Path

import jinja2
import markdown
import pytest
from conftest import exemplar

from rubricsite import markup
from rubricsite.pipeline import Builder, build_site
from rubricsite.search_index import BUNDLE

EXEMPLARS = {
    "content/exemplars/maker-night.md": exemplar(title="Maker night", tags=["making"]),
    "content/exemplars/zine-club.md": exemplar(title="Zine club"),
    "content/exemplars/family-reading.md": exemplar(
        title="Family reading", theme="design", level="emerging", tags=["reading"]),
}
EVERY_PAGE = {
    "/", "/exemplars/", "/tags/", "/sample/", "/sample/vision/", "/sample/vision/emerging/",
    "/sample/vision/evolving/", "/sample/vision/established/", "/sample/vision/leading/",
    "/sample/design/", "/sample/design/emerging/", "/sample/design/evolving/",
    "/sample/design/established/", "/sample/design/leading/", "/exemplars/reading-buddies/",
    "/exemplars/maker-night/", "/exemplars/zine-club/", "/exemplars/family-reading/",
    "/tags/reading/", "/tags/making/", "/assess/", "/search/", "/404.html",
}
# pages that list every exemplar (home counts, the index, tags, the grid's counts, the plan)
LISTS = {"/", "/exemplars/", "/tags/", "/sample/", "/assess/"}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _replace(root: Path, rel: str, old: str, new: str) -> Path:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def story_edited(root: Path) -> set[Path]:
    return {_replace(root, "content/exemplars/reading-buddies.md", "A story about reading buddies.",
                     "A longer story about reading buddies, told again.")}


def front_matter_edited(root: Path) -> set[Path]:
    return {_replace(root, "content/exemplars/reading-buddies.md", 'title: "Reading buddies"',
                     'title: "Reading partners"')}


def added(root: Path) -> set[Path]:
    path = root / "content/exemplars/book-tasting.md"
    path.write_text(exemplar(title="Book tasting", theme="design", level="evolving",
                             tags=["reading"]), encoding="utf-8")
    return {path}


def deleted(root: Path) -> set[Path]:
    path = root / "content/exemplars/zine-club.md"
    path.unlink()
    return {path}


def moved(root: Path) -> set[Path]:
    path = root / "content/exemplars/maker-night.md"
    path.write_text(exemplar(title="Maker night", tags=["making"], theme="design", level="leading"),
                    encoding="utf-8")
    return {path}


def statement_changed(root: Path) -> set[Path]:
    return {_replace(root, "rubric/sample.yaml", "Vision emerging statement.",
                     "Vision emerging statement, reworded.")}


def template_added(root: Path) -> set[Path]:
    path = root / "templates/cell.html"
    path.parent.mkdir()
    path.write_text('{% extends "builtin/cell.html" %}\n{% block title %}Cell: {{ super() }}'
                    "{% endblock %}\n", encoding="utf-8")
    return {path}


def settings_changed(root: Path) -> set[Path]:
    return {_replace(root, "site.yaml", 'title: "Sample rubric"', 'title: "Our rubric"')}


CASES: list[tuple[Callable[[Path], set[Path]], set[str]]] = [
    (story_edited, {"/exemplars/reading-buddies/"}),
    (front_matter_edited, LISTS | {"/sample/vision/", "/sample/vision/established/",
                                   "/exemplars/reading-buddies/", "/exemplars/maker-night/",
                                   "/exemplars/zine-club/", "/tags/reading/"}),
    (added, LISTS | {"/sample/design/", "/sample/design/evolving/", "/exemplars/book-tasting/",
                     "/tags/reading/"}),
    (deleted, LISTS | {"/sample/vision/", "/sample/vision/established/",
                       "/exemplars/reading-buddies/"}),
    (moved, LISTS | {"/sample/vision/", "/sample/design/", "/sample/vision/established/",
                     "/sample/design/leading/", "/exemplars/maker-night/",
                     "/exemplars/reading-buddies/", "/tags/making/"}),
    # everything shows the rubric's statements or names, and a template may be used by any page
    (statement_changed, EVERY_PAGE),
    (template_added, EVERY_PAGE),
    (settings_changed, EVERY_PAGE),
]


def _page_title(html: bytes) -> str:
    return html.split(b"<title>", 1)[1].split(b"</title>", 1)[0].decode()


@pytest.mark.parametrize("mode", ["command line", "serve"])
@pytest.mark.parametrize(("change", "expected"), CASES, ids=[c.__name__ for c, _ in CASES])
def test_rebuild_equals_clean_build_and_renders_only_dependants(
    make_site, tmp_path, mode, change, expected
):
    root = make_site(EXEMPLARS).resolve()
    out = tmp_path / "out"
    builder = Builder(root, out)
    try:
        first = (build_site(root, out, search=False) if mode == "command line"
                 else builder.build(search=False, persist=False))
        assert first.ok and set(first.rendered) == EVERY_PAGE
        changed = change(root)
        report = (build_site(root, out, search=False) if mode == "command line"
                  else builder.build(changed, search=False, persist=False))
    finally:
        builder.close()
    assert report.ok, [e.text(root) for e in report.errors]
    assert set(report.rendered) == expected
    clean = build_site(root, tmp_path / "clean", search=False, use_cache=False)
    assert clean.ok
    assert snapshot(out) == snapshot(tmp_path / "clean")


def test_deleted_exemplar_leaves_the_output(make_site, tmp_path):
    root = make_site(EXEMPLARS).resolve()
    out = tmp_path / "out"
    build_site(root, out, search=False)
    deleted(root)
    report = build_site(root, out, search=False)
    assert "exemplars/zine-club/index.html" in report.changed
    assert not (out / "exemplars/zine-club").exists()


def test_template_override_is_used_after_rebuild(make_site, tmp_path):
    root = make_site(EXEMPLARS).resolve()
    out = tmp_path / "out"
    builder = Builder(root, out)
    builder.build(search=False, persist=False)
    builder.build(template_added(root), search=False, persist=False)
    builder.close()
    html = (out / "sample/vision/established/index.html").read_bytes()
    assert _page_title(html).startswith("Cell: ")


def test_nothing_changed_renders_nothing_and_writes_nothing(make_site, tmp_path):
    root = make_site(EXEMPLARS).resolve()
    out = tmp_path / "out"
    build_site(root, out, search=False)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    report = build_site(root, out, search=False)
    assert report.ok and report.rendered == [] and report.changed == []
    assert report.pages == len(EVERY_PAGE)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_a_file_removed_from_the_output_is_drawn_again(make_site, tmp_path):
    root = make_site(EXEMPLARS).resolve()
    out = tmp_path / "out"
    build_site(root, out, search=False)
    (out / "exemplars/maker-night/index.html").unlink()
    report = build_site(root, out, search=False)
    assert report.rendered == ["/exemplars/maker-night/"]
    assert build_site(root, tmp_path / "clean", search=False, use_cache=False).ok
    assert snapshot(out) == snapshot(tmp_path / "clean")


def test_story_edit_with_search_index_equals_clean_build(make_site, tmp_path):
    root = make_site(EXEMPLARS).resolve()
    out = tmp_path / "out"
    build_site(root, out)
    story_edited(root)
    assert build_site(root, out).rendered == ["/exemplars/reading-buddies/"]
    build_site(root, tmp_path / "clean", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "clean")


def test_full_build_from_warm_cache_into_empty_output_equals_clean_build(make_site, tmp_path):
    root = make_site(EXEMPLARS).resolve()
    out = tmp_path / "out"
    build_site(root, out)
    removed = snapshot(out)
    for path in sorted(out.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    report = build_site(root, out)  # Markdown and the search bundle come from the cache
    assert set(report.rendered) == EVERY_PAGE
    assert snapshot(out) == removed
    build_site(root, tmp_path / "clean", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "clean")


def _drop_emphasis(monkeypatch) -> None:
    monkeypatch.setattr(markup, "ALLOWED_TAGS", markup.ALLOWED_TAGS - {"em"})


def _new_markdown(monkeypatch) -> None:
    monkeypatch.setattr(markdown, "__version__", markdown.__version__ + ".post1")


def _new_nh3(monkeypatch) -> None:
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: real(name) + ".post1" if name == "nh3" else real(name))


def _new_jinja(monkeypatch) -> None:
    monkeypatch.setattr(jinja2, "__version__", jinja2.__version__ + ".post1")


@pytest.mark.parametrize("change", [_drop_emphasis, _new_markdown, _new_nh3, _new_jinja],
                         ids=["sanitiser allowlist", "Markdown version", "nh3 version",
                              "Jinja version"])
def test_an_engine_or_library_change_redraws_every_page(make_site, tmp_path, monkeypatch, change):
    story = "## What it shows\n\nA story with *emphasis*.\n"
    root = make_site({**EXEMPLARS, "content/exemplars/reading-buddies.md": exemplar(
        title="Reading buddies", body=story)}).resolve()
    out = tmp_path / "out"
    assert build_site(root, out).ok
    change(monkeypatch)
    report = build_site(root, out)
    assert report.ok and set(report.rendered) == EVERY_PAGE
    assert build_site(root, tmp_path / "clean", use_cache=False).ok
    assert snapshot(out) == snapshot(tmp_path / "clean")
    if change is _drop_emphasis:
        assert b"<em>" not in (out / "exemplars/reading-buddies/index.html").read_bytes()


def test_a_new_base_url_redraws_every_page(make_site, tmp_path):
    root = make_site(EXEMPLARS).resolve()
    out = tmp_path / "out"
    assert build_site(root, out, search=False).ok
    report = build_site(root, out, search=False, base_url="https://example.org/llc/")
    assert set(report.rendered) == EVERY_PAGE
    assert build_site(root, tmp_path / "clean", search=False, use_cache=False,
                      base_url="https://example.org/llc/").ok
    assert snapshot(out) == snapshot(tmp_path / "clean")


def test_a_build_stopped_by_a_failed_write_leaves_nothing_the_next_build_trusts(
        make_site, tmp_path, monkeypatch):
    # a build that stops after staging the whole-site files (here a full disk while the search
    # index is staged, gone by the next build, which has the same inputs) must not leave the
    # next one believing the data files it staged were published
    from rubricsite import write

    root = make_site(EXEMPLARS).resolve()
    out = tmp_path / "out"
    builder = Builder(root, out)
    real = write.Stage.write

    def full_disk(stage, relpath, data):
        if relpath.startswith(f"{BUNDLE}/"):
            raise OSError(28, "No space left on device")
        return real(stage, relpath, data)

    try:
        assert builder.build(persist=False).ok
        changed = front_matter_edited(root)
        monkeypatch.setattr(write.Stage, "write", full_disk)
        with pytest.raises(OSError):
            builder.build(changed, persist=False)
        monkeypatch.setattr(write.Stage, "write", real)
        assert builder.build(set(), persist=False).ok
    finally:
        builder.close()
    assert build_site(root, tmp_path / "clean", use_cache=False).ok
    assert snapshot(out) == snapshot(tmp_path / "clean")
