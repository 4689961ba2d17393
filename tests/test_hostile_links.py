"""Reading stays inside the site folder: links out, dangling links and loops are errors naming the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import exemplar
from hostile import cli, every_file, refused_by_check_and_build, snapshot
from livereload.handlers import LiveReloadHandler

from rubricsite.errors import Problems
from rubricsite.serve import _Preview, error_page

OUTSIDE = "this symbolic link leads outside the site folder, so it is not read " \
          "(replace the link with the file itself, committed inside the site folder)"
DANGLING = "this symbolic link points to nothing (it is dangling) " \
           "(replace the link with the file itself, committed inside the site folder)"
LOOP = "this symbolic link leads round in a loop " \
       "(replace the link with the file itself, committed inside the site folder)"
FOLDER = "this is a symbolic link to a folder, which is not followed " \
         "(put the folder itself here instead of a link)"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the site folder whose text must never reach the output."""
    path = tmp_path / "secret" / "environ"
    path.parent.mkdir()
    path.write_text("TOKEN=ghp_must_not_leak\n")
    return path


def _link(root: Path, rel: str, target: str | Path) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


CASES = {
    # where the link is, where it leads ("SECRET": the file outside), the error
    "asset to a file outside": ("assets/env.txt", "SECRET", OUTSIDE),
    "asset to /proc/self/environ": ("assets/environ.txt", "/proc/self/environ", OUTSIDE),
    "stylesheet to a file outside": ("assets/site.css", "SECRET", OUTSIDE),
    "template to a file outside": ("templates/page.html", "SECRET", OUTSIDE),
    "exemplar to a file outside": ("content/exemplars/leak.md", "SECRET", OUTSIDE),
    "content page to a file outside": ("content/pages/leak.md", "SECRET", OUTSIDE),
    "standard to a file outside": ("rubric/leak.yaml", "SECRET", OUTSIDE),
    "levels to a file outside": ("rubric/levels.yaml", "SECRET", OUTSIDE),
    "site.yaml to a file outside": ("site.yaml", "SECRET", OUTSIDE),
    "asset folder to a folder outside": ("assets/etc", "/etc", OUTSIDE),
    "asset to a folder inside": ("assets/up", "..", FOLDER),
    "dangling asset": ("assets/gone.png", "no-such-file.png", DANGLING),
    "dangling exemplar": ("content/exemplars/gone.md", "nowhere.md", DANGLING),
    "looping template": ("templates/loop.html", "loop.html", LOOP),
    "looping pair of assets": ("assets/a.css", "b.css", LOOP),
}


@pytest.mark.parametrize("rel, target, message", CASES.values(), ids=CASES.keys())
def test_link_is_an_error_naming_it(make_site, tmp_path, secret, rel, target, message):
    root = make_site()
    if rel in ("rubric/levels.yaml", "site.yaml"):
        (root / rel).unlink()
    _link(root, rel, secret if target == "SECRET" else target)
    if rel == "assets/a.css":
        _link(root, "assets/b.css", "a.css")
    expected = [f"{rel}:1: error: {message}"]
    if rel == "assets/a.css":
        expected.append(f"assets/b.css:1: error: {message}")
    if rel == "rubric/levels.yaml":  # without its phases, the rubric's statements are unknown too
        result = cli(root, "check")
        assert result.status == 1 and expected[0] in result.errors
        return
    refused_by_check_and_build(root, expected, tmp_path)


def test_a_folder_reached_through_a_link_is_not_read(make_site, tmp_path, secret):
    root = make_site()
    (secret.parent / "story.md").write_text(exemplar(title="From outside"))
    _link(root, "content/pages", secret.parent)
    refused_by_check_and_build(root, [
        "content/pages:1: error: this symbolic link leads outside the site folder, so it is not "
        "read (replace the link with the file itself, committed inside the site folder)"], tmp_path)


def test_a_link_to_a_file_inside_the_site_is_read(make_site, build):
    root = make_site({"assets/real.css": ":root { --accent: #123456; }\n"})
    _link(root, "assets/alias.css", "real.css")
    out = build(root)
    assert (out / "assets" / "alias.css").read_text() == ":root { --accent: #123456; }\n"


def test_logo_path_leading_out_of_assets_is_refused(make_site, tmp_path):
    root = make_site()
    text = (root / "site.yaml").read_text()
    for logo in ("assets//etc/passwd", "assets/../site.yaml", "/etc/passwd", "assets/./x.svg"):
        (root / "site.yaml").write_text(text + f'logo: "{logo}"\n')
        refused_by_check_and_build(root, [
            f"site.yaml:3: error: logo '{logo}' is not a file under assets/ (put the image in the "
            "site's assets/ folder and write e.g. assets/logo.svg)"], tmp_path)


def test_logo_linked_outside_is_refused(make_site, tmp_path, secret):
    root = make_site()
    _link(root, "assets/logo.svg", secret)
    (root / "site.yaml").write_text((root / "site.yaml").read_text() + 'logo: "assets/logo.svg"\n')
    refused_by_check_and_build(root, [
        "assets/logo.svg:1: error: " + OUTSIDE,
        "site.yaml:3: error: logo 'assets/logo.svg' is not a file under assets/ (put the image in "
        "the site's assets/ folder and write e.g. assets/logo.svg)"], tmp_path)


def test_import_issue_refuses_a_site_with_a_link_out(make_site, tmp_path, secret):
    from test_issue_form import rendered

    root = make_site()
    _link(root, "assets/env.txt", secret)
    issue = tmp_path / "issue.md"
    issue.write_text(rendered())
    before = snapshot(root)
    result = cli(root, "import-issue", issue)
    assert (result.status, result.errors) == (1, ["assets/env.txt:1: error: " + OUTSIDE])
    assert snapshot(root) == before


def test_import_issue_does_not_write_through_a_linked_folder(make_site, tmp_path):
    from test_issue_form import rendered

    root = make_site()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "content" / "exemplars" / "reading-buddies.md").rename(elsewhere / "reading-buddies.md")
    (root / "content" / "exemplars").rmdir()
    _link(root, "content/exemplars", elsewhere)
    issue = tmp_path / "issue.md"
    issue.write_text(rendered())
    result = cli(root, "import-issue", issue)
    assert result.status == 1
    assert result.errors[0].startswith("content/exemplars:1: error: this symbolic link leads outside")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["reading-buddies.md"]


def test_serve_shows_the_link_error_and_nothing_from_outside(make_site, tmp_path, secret,
                                                            monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(LiveReloadHandler, "reload_waiters", sent.append)
    root = make_site()
    out = tmp_path / "served"
    preview = _Preview(root, out)
    assert preview.build() is not None and preview.page is None
    _link(root, "assets/env.txt", secret)
    report = preview.build({root / "assets" / "env.txt"})
    preview.builder.close()
    assert report is not None and [e.text(root) for e in report.errors] == [
        "assets/env.txt:1: error: " + OUTSIDE]
    assert "assets/env.txt:1: error: this symbolic link leads outside" in preview.page
    assert sent == ["*"]
    assert b"ghp_must_not_leak" not in every_file(out)


def test_a_build_never_publishes_what_a_link_points_at(make_site, tmp_path, secret):
    """Even the walk that hashes assets for the cache must not read through a link."""
    root = make_site()
    _link(root, "assets/env.txt", secret)
    out = tmp_path / "out"
    assert cli(root, "build", "--output", out).status == 1
    assert not out.exists() or b"ghp_must_not_leak" not in every_file(out)
    problems = Problems()
    from rubricsite.load import read_sources
    read_sources(root, problems)
    assert [e.text(root) for e in problems.items] == ["assets/env.txt:1: error: " + OUTSIDE]
    assert "ghp" not in error_page(problems.items, root)
