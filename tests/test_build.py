"""Building a fixture site: atomic publishing, file modes, repeatability, template errors."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from conftest import exemplar, read_page

from rubricsite.cli import main


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_build_leaves_last_good_site_untouched(make_site, build, build_report, tmp_path):
    root = make_site()
    out = build(root)
    before = snapshot(out)
    (root / "content/exemplars/bad.md").write_text(exemplar(level="nope"), encoding="utf-8")
    (root / "content/exemplars/reading-buddies.md").write_text(
        exemplar(title="Changed title"), encoding="utf-8")
    report = build_report(root, out)
    assert not report.ok
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no stage left


def test_files_readable_by_any_static_host_whatever_the_umask(make_site, build):
    root = make_site()
    old = os.umask(0o077)
    try:
        out = build(root)
        (root / "content/exemplars/reading-buddies.md").write_text(exemplar(title="New"), "utf-8")
        build(root)  # an incremental build: new files beside hard links to kept ones
    finally:
        os.umask(old)
    for path in [out, *out.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), path


def test_two_builds_are_byte_identical(make_site, build, tmp_path):
    root = make_site()
    first = snapshot(build(root, tmp_path / "a", use_cache=False))
    second = snapshot(build(root, tmp_path / "b", use_cache=False))
    assert first == second
    assert "sitemap.xml" in first and "feed.xml" in first


def test_summary_counts_the_pages_that_changed(make_site, build_report):
    root = make_site()
    out = root.parent / "out"
    first = build_report(root, out)
    assert first.pages > 0 and first.pages_changed == first.pages
    assert first.summary().startswith(f"Built {first.pages:,} pages ({first.pages:,} changed) in ")
    (root / "content/exemplars/reading-buddies.md").write_text(
        exemplar(body="## What it shows\n\nA longer story now.\n"), encoding="utf-8")
    second = build_report(root, out)
    pages_written_or_removed = [f for f in second.changed if f.endswith(".html")]
    assert second.pages_changed == len(pages_written_or_removed) >= 1
    assert len(second.changed) > second.pages_changed  # the search bundle's files are not pages
    assert f"({second.pages_changed:,} changed)" in second.summary()


def test_pages_drawn_by_worker_processes_equal_those_drawn_in_one(make_site, build, monkeypatch):
    from rubricsite import render

    root = make_site({f"content/exemplars/club-{n}.md": exemplar(title=f"Club {n}") for n in range(6)})
    alone = snapshot(build(root, root.parent / "alone", use_cache=False))
    monkeypatch.setattr(render, "PARALLEL_FROM", 2)  # every build below forks its workers
    cold = snapshot(build(root, root.parent / "cold"))  # workers fill the Markdown cache
    warm = snapshot(build(root, root.parent / "warm"))  # and read it back
    assert cold == alone and warm == alone


def test_a_file_no_build_wrote_stops_even_a_clean_build(make_site, build, capsys):
    root = make_site()
    out = build(root)
    (out / "notes.txt").write_text("mine")
    before = snapshot(out)
    assert main(["build", "--root", str(root), "--output", str(out), "--clean"]) == 2
    assert "holds files no build of this site wrote (such as notes.txt)" in capsys.readouterr().err
    assert snapshot(out) == before


def test_template_error_names_template_file_and_line(make_site, build_report):
    root = make_site({"templates/cell.html": '{% extends "builtin/cell.html" %}\n'
                      "{% block add_exemplar %}\n{{ no_such_thing.x }}\n{% endblock %}\n"})
    report = build_report(root)
    assert len(report.errors) >= 1
    error = report.errors[0]
    assert error.path.name == "cell.html" and error.line == 3
    assert "'no_such_thing' is undefined" in error.message


def test_site_template_override_wins(make_site, build, page):
    root = make_site({"templates/cell.html": '{% extends "builtin/cell.html" %}\n'
                      '{% block add_exemplar %}<p class="district">Ask us</p>{% endblock %}\n'})
    cell = page(build(root), "/sample/vision/established/")
    assert cell.select_one("p.district").get_text() == "Ask us"


def test_exemplar_in_two_cells_appears_in_both(make_site, build, page):
    root = make_site({"content/exemplars/two.md": exemplar(
        theme=None, level=None, title="Two cells",
        cells=[{"theme": "vision", "level": "leading"}, {"theme": "B", "level": "emerging"}])})
    out = build(root)
    for url in ("/sample/vision/leading/", "/sample/design/emerging/"):
        titles = [a.get_text() for a in page(out, url).select(".exemplar-list a")]
        assert titles == ["Two cells"]
    badges = page(out, "/exemplars/two/").select(".cell-badge .cell-code")
    assert [b.get_text() for b in badges] == ["A4", "B1"]


def test_cell_pages_link_neighbours(make_site, build, page):
    cell = page(build(make_site()), "/sample/vision/evolving/")
    links = {a.get_text(" ", strip=True): a["href"] for a in cell.select(".cell-nav a")}
    assert links == {"← Previous phase: A1": "../emerging/", "Next phase: A3 →": "../established/",
                     "↓ Theme below: B2": "../../design/evolving/"}


def test_cli_exit_codes(make_site, capsys):
    root = make_site()
    assert main(["check", "--root", str(root)]) == 0
    assert main(["--root", str(root / "nowhere")]) == 2
    (root / "content/exemplars/bad.md").write_text(exemplar(level="x"), encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "content/exemplars/bad.md:4: error: unknown phase 'x'" in err
    assert not (root / "output").exists()


def test_page_read_helper_sees_umask_independent_modes(make_site, build):
    old = os.umask(0o077)
    try:
        out = build(make_site())
    finally:
        os.umask(old)
    assert stat.S_IMODE((out / "index.html").stat().st_mode) == 0o644
    assert read_page(out, "/").h1 is not None
