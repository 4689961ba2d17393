"""The fork route, with real git: a district forks this repository, customises it as README.md says,
stays green, and merges an upstream update (a theme renamed, exemplars added, the engine changed)
without a conflict; `rubricsite sync` then sets the generated files right."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import LEADING, PROJECT, SITES

from rubricsite.cli import main
from rubricsite.pipeline import build_site, check_site

DISTRICT = SITES / "district"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main",
       "-c", "commit.gpgsign=false"]


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, " ".join(args) + result.stdout + result.stderr
    return result.stdout


SITE_OWNED = ("site.yaml", "rubric/", "content/", "templates/", "assets/", "schema/",
              "CONTRIBUTING.md", ".github/ISSUE_TEMPLATE/")


def _upstream(tmp_path: Path) -> Path:
    """This repository's engine files with the Leading Learning fixture as its site (not this
    checkout's site, which a fork has changed), committed in a repository of their own."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT, capture_output=True, text=True,
                           check=True).stdout.split("\0")
    upstream = tmp_path / "upstream"
    shutil.copytree(LEADING, upstream)
    for rel in filter(None, files):
        if rel.startswith(SITE_OWNED):
            continue
        source = PROJECT / rel
        if source.is_file() and not source.is_symlink():
            (upstream / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, upstream / rel)
    assert main(["sync", "--root", str(upstream)]) == 0
    git(upstream, "init", "-q")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "upstream")
    return upstream


def _customise(fork: Path) -> None:
    """Every customisation README.md's 'For districts' documents, in the district's own files."""
    text = (DISTRICT / "site.yaml").read_text(encoding="utf-8")  # name, logo, colours, footer
    (fork / "site.yaml").write_text(text + "standards: [reading-culture]\n", encoding="utf-8")
    for rel in ("assets/logo.svg", "assets/district.css", "assets/interactive.css",
                "templates/base.html", "templates/cell.html", "rubric/reading-culture.yaml",
                "content/exemplars/family-book-bags.md", "content/exemplars/friday-reading-cafe.md"):
        (fork / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(DISTRICT / rel, fork / rel)


def _update_upstream(upstream: Path) -> None:
    """Upstream renames a theme, adds an exemplar, changes the engine, and syncs."""
    rubric = upstream / "rubric/collaborative-engagement.yaml"
    rubric.write_text(rubric.read_text(encoding="utf-8").replace(
        'title: "Vision for Learning"', 'title: "A Shared Vision for Learning"'), encoding="utf-8")
    template = next((upstream / "content/exemplars").glob("*.md")).read_text(encoding="utf-8")
    (upstream / "content/exemplars/zz-new-upstream-exemplar.md").write_text(
        template.replace("title: ", "title: New upstream ", 1), encoding="utf-8")
    engine = upstream / "rubricsite/urls.py"
    engine.write_text(engine.read_text(encoding="utf-8") + "\n# an engine change upstream\n",
                      encoding="utf-8")
    assert main(["sync", "--root", str(upstream)]) == 0
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "rename a theme, add an exemplar, change the engine")


@pytest.fixture
def fork(tmp_path) -> tuple[Path, Path]:
    upstream = _upstream(tmp_path)
    fork = tmp_path / "fork"
    git(tmp_path, "clone", "-q", str(upstream), str(fork))
    _customise(fork)
    assert main(["sync", "--root", str(fork)]) == 0  # README: after changing the rubric
    git(fork, "add", "-A")
    git(fork, "commit", "-q", "-m", "our district")
    return upstream, fork


def test_a_customised_fork_checks_and_builds(fork, tmp_path):
    _, root = fork
    site, errors = check_site(root)
    assert errors == []
    assert [s.id for s in site.standards] == ["reading-culture"]  # the shipped one hidden
    assert len(site.notes) == 1  # its 42 exemplars left out in one line
    assert build_site(root, tmp_path / "out", use_cache=False).ok


def test_an_upstream_update_merges_without_a_conflict(fork, tmp_path):
    upstream, root = fork
    _update_upstream(upstream)
    result = subprocess.run([*GIT, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main"],
                            cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert git(root, "diff", "--name-only", "--diff-filter=U") == ""  # nothing unmerged
    assert "an engine change upstream" in (root / "rubricsite/urls.py").read_text()
    assert (root / "content/exemplars/zz-new-upstream-exemplar.md").is_file()
    # the district's own files are as the district left them
    for rel in ("site.yaml", "templates/cell.html", "rubric/reading-culture.yaml"):
        assert git(root, "log", "--format=%s", "-1", "--", rel).strip() == "our district"
    # the generated files both sides changed: check names them, sync sets them right
    stale = [e.path.relative_to(root).as_posix() for e in check_site(root)[1]]
    assert ".github/ISSUE_TEMPLATE/suggest-exemplar.yml" in stale  # both changed it: merged by union
    assert set(stale) <= {".github/ISSUE_TEMPLATE/suggest-exemplar.yml", "schema/exemplar.schema.json",
                          "CONTRIBUTING.md"}
    assert main(["sync", "--root", str(root)]) == 0
    assert check_site(root)[1] == []
    assert build_site(root, tmp_path / "out", use_cache=False).ok


def test_the_fork_without_customising_takes_the_update_as_a_fast_forward(tmp_path):
    upstream = _upstream(tmp_path)
    fork = tmp_path / "fork"
    git(tmp_path, "clone", "-q", str(upstream), str(fork))
    _update_upstream(upstream)
    git(fork, "pull", "-q", "--ff-only", "origin", "main")
    assert check_site(fork)[1] == []
