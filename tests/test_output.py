"""The write stage: which output folders a build may touch, staging, the one swap, a killed build,
two builds at once, and a system that refuses to write (issue 9, items 1 and 6)."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PROJECT, exemplar

from rubricsite import write
from rubricsite.cli import main
from rubricsite.write import MARKER, OutputRefused, check_output, staged_output, swap


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".cache" not in p.parts}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(write.PREFIX))


# --- which folders are refused -------------------------------------------------------------------


@pytest.mark.parametrize("where", [".", "content", "content/exemplars", "rubric", "templates",
                                   "assets/css", ".git", ".git/objects", ".."])
def test_an_output_over_the_sources_is_refused_before_anything_is_touched(make_site, capsys, where):
    root = make_site({"templates/x.html": "x", "assets/css/y.css": "y", ".git/HEAD": "ref"})
    (root / ".git/objects").mkdir()
    before = snapshot(root.parent)
    assert main(["build", "--root", str(root), "--output", str(root / where)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("rubricsite: error: ")
    assert snapshot(root.parent) == before
    assert not (root / ".cache").exists()


def test_an_output_naming_a_file_is_refused(make_site, capsys, tmp_path):
    root = make_site()
    target = tmp_path / "site.zip"
    target.write_bytes(b"zip")
    assert main(["build", "--root", str(root), "--output", str(target)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert target.read_bytes() == b"zip"


def test_a_folder_with_files_no_build_wrote_is_refused(make_site, capsys, tmp_path):
    root = make_site()
    elsewhere = tmp_path / "documents"
    (elsewhere / "taxes").mkdir(parents=True)
    (elsewhere / "taxes/2025.pdf").write_bytes(b"%PDF")
    assert main(["build", "--root", str(root), "--output", str(elsewhere)]) == 2
    assert "holds files no build of this site wrote (such as taxes/2025.pdf)" in capsys.readouterr().err
    assert snapshot(elsewhere) == {"taxes/2025.pdf": b"%PDF"}


def test_the_default_output_is_fine_absent_empty_or_built(make_site, capsys):
    root = make_site()
    assert main(["build", "--root", str(root)]) == 0  # absent
    assert (root / "output" / MARKER).is_file()
    assert main(["build", "--root", str(root), "--clean"]) == 0  # built before
    other = make_site()
    (other / "output").mkdir()
    assert main(["build", "--root", str(other)]) == 0  # empty
    assert (other / "output/index.html").is_file()


def test_a_folder_inside_the_site_but_outside_its_sources_is_fine(make_site):
    root = make_site()
    assert check_output(root, root / "public") == set()
    assert check_output(root, root / "content-preview") == set()  # a name, not a folder inside


# --- staging and the swap ------------------------------------------------------------------------


def test_a_stage_writes_only_changed_bytes_and_publishes_all_at_once(tmp_path):
    out = tmp_path / "out"
    with staged_output(out, set()) as stage:
        stage.put("a/index.html", b"A")
        stage.put("b.txt", b"B")
    assert snapshot(out) == {"a/index.html": b"A", "b.txt": b"B", MARKER: (out / MARKER).read_bytes()}
    with staged_output(out, check_output(tmp_path, out)) as stage:
        stage.put("a/index.html", b"A")  # same bytes: not staged
        stage.put("c.txt", b"C")
    assert stage.changed == ["c.txt", "b.txt"]  # c written, b removed
    assert sorted(snapshot(out)) == [MARKER, "a/index.html", "c.txt"]
    assert write.read_marker(out) == {"a/index.html", "c.txt"}
    assert leftovers(tmp_path) == []


def test_a_stage_makes_each_folder_once(tmp_path, monkeypatch):
    # 10,000 pages under exemplars/: asking for exemplars/ again for each was a refused mkdir each
    made, real = [], Path.mkdir
    with staged_output(tmp_path / "out", set()) as stage:
        monkeypatch.setattr(Path, "mkdir", lambda self, *a, **k: (made.append(self.name),
                                                                   real(self, *a, **k))[1])
        for slug in ("a", "b", "c"):
            stage.put(f"exemplars/{slug}/index.html", slug.encode())
        stage.put("exemplars/index.html", b"all")
    assert sorted(made) == ["a", "b", "c", "exemplars"]
    assert snapshot(tmp_path / "out")["exemplars/b/index.html"] == b"b"


def test_a_failed_block_publishes_nothing(tmp_path):
    out = tmp_path / "out"
    with staged_output(out, set()) as stage:
        stage.put("index.html", b"old")
    before = snapshot(out)
    with pytest.raises(RuntimeError), staged_output(out, check_output(tmp_path, out)) as stage:
        stage.put("index.html", b"new")
        raise RuntimeError("a page failed")
    assert snapshot(out) == before and leftovers(tmp_path) == []


def test_one_replaced_file_keeps_the_folder_and_more_swap_it(tmp_path):
    out = tmp_path / "out"
    with staged_output(out, set()) as stage:
        stage.put("a.html", b"1")
        stage.put("b.html", b"1")
    folder = out.stat().st_ino
    with staged_output(out, check_output(tmp_path, out)) as stage:
        stage.keep("b.html")
        stage.put("a.html", b"2")
    assert out.stat().st_ino == folder  # one rename: as atomic as a swap, and cheaper
    with staged_output(out, check_output(tmp_path, out)) as stage:
        stage.put("a.html", b"3")
        stage.put("b.html", b"3")
    assert out.stat().st_ino != folder
    assert (out / "a.html").read_bytes() == (out / "b.html").read_bytes() == b"3"


def test_a_folder_is_asked_to_spread_its_subfolders_before_the_first_is_made(tmp_path, monkeypatch):
    asked: list[tuple[str, bool]] = []  # (folder, whether it had a subfolder yet)
    real = write.spread_subfolders

    def spread(folder: Path) -> None:
        asked.append((folder.name, any(p.is_dir() for p in folder.iterdir())))
        real(folder)

    monkeypatch.setattr(write, "spread_subfolders", spread)
    out = tmp_path / "out"
    with staged_output(out, set()) as stage:
        for slug in ("one", "two", "three"):
            stage.put(f"exemplars/{slug}/index.html", b"x")
        stage.put("exemplars/index.html", b"x")
        stage.put("robots.txt", b"x")
    # the stage (for exemplars/) and exemplars/ (for each page's folder), each once, each
    # before its first subfolder; a page's own folder has none and is never asked
    assert [name for name, _ in asked] == [stage.folder.name, "exemplars"]
    assert not any(had for _, had in asked)
    assert sorted(snapshot(out)) == [MARKER, "exemplars/index.html", "exemplars/one/index.html",
                                     "exemplars/three/index.html", "exemplars/two/index.html",
                                     "robots.txt"]


@pytest.mark.parametrize("refusal", [errno.ENOTTY, errno.EOPNOTSUPP, errno.EPERM])
def test_a_file_system_that_refuses_the_hint_still_gets_the_whole_site(tmp_path, monkeypatch,
                                                                      refusal):
    def ioctl(*_args):
        raise OSError(refusal, os.strerror(refusal))

    monkeypatch.setattr(write.fcntl, "ioctl", ioctl)
    out = tmp_path / "out"
    with staged_output(out, set()) as stage:
        stage.put("a/b/index.html", b"x")
    assert snapshot(out)["a/b/index.html"] == b"x"


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two renames"])
def test_swap_puts_the_new_folder_in_place(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    current, new = tmp_path / "site", tmp_path / "new"
    current.mkdir()
    (current / "old.html").write_text("old")
    new.mkdir()
    (new / "new.html").write_text("new")
    swap(new, current)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert [p.name for p in current.iterdir()] == ["new.html"]


def test_a_site_retired_by_a_killed_two_rename_swap_comes_back(tmp_path):
    out = tmp_path / "out"
    with staged_output(out, set()) as stage:
        stage.put("index.html", b"site")
    out.rename(tmp_path / f"{write.PREFIX}old-out")  # killed between the two renames
    (tmp_path / f"{write.PREFIX}stage-out-abc").mkdir()  # and its stage left behind
    write.remove_leftovers(out)
    assert (out / "index.html").read_bytes() == b"site" and leftovers(tmp_path) == []


# --- a killed build, two builds at once ---------------------------------------------------------


def _site_with(make_site, count: int, title: str) -> Path:
    files = {f"content/exemplars/story-{n:03}.md": exemplar(
        title=f"{title} {n}", theme="vision" if n % 2 else "design",
        level=("emerging", "evolving", "established", "leading")[n % 4], tags=[f"tag {n % 7}"],
        body="## What it shows\n\n" + "A sentence of the story. " * 80 + "\n") for n in range(count)}
    return make_site(files)


def _build_command(root: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(PROJECT / "build.py"), "build", "--root", str(root),
            "--output", str(out), *extra]


def _retitle(root: Path, old: str, new: str) -> None:
    for path in sorted((root / "content/exemplars").glob("story-*.md")):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"title: {old}", f"title: {new}"), encoding="utf-8")


@pytest.mark.parametrize("clean", [False, True], ids=["incremental", "clean"])
def test_a_killed_build_leaves_the_old_site_or_the_new_one(make_site, tmp_path, clean):
    root = _site_with(make_site, 60, "Story")
    out = tmp_path / "out"
    subprocess.run(_build_command(root, out), check=True, capture_output=True)
    old = snapshot(out)
    _retitle(root, "Story", "Retold")
    fresh = tmp_path / "fresh"
    started = time.perf_counter()
    subprocess.run(_build_command(root, fresh, "--no-cache"), check=True, capture_output=True)
    took = time.perf_counter() - started
    new = snapshot(fresh)
    assert new != old
    extra = ("--clean",) if clean else ()
    seen = set()
    for fraction in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.97):
        process = subprocess.Popen(_build_command(root, out, "--no-cache", *extra),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(took * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = snapshot(out)
        assert now in (old, new), f"a mix after a kill at {fraction:.0%} of a build"
        seen.add("new" if now == new else "old")
        if now == new:  # start again from the old site, so the next kill has something to cut
            _retitle(root, "Retold", "Story")
            subprocess.run(_build_command(root, out, "--no-cache"), check=True, capture_output=True)
            _retitle(root, "Story", "Retold")
            assert snapshot(out) == old
    assert "old" in seen  # at least one kill landed before the swap
    subprocess.run(_build_command(root, out), check=True, capture_output=True)
    assert snapshot(out) == new
    assert leftovers(tmp_path) == []  # the next build removed every stage


def test_two_builds_into_one_output_take_turns(make_site, tmp_path):
    root = _site_with(make_site, 30, "Story")
    out = tmp_path / "out"
    runs = [subprocess.Popen(_build_command(root, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    results = [(run.wait(), run.stderr.read()) for run in runs]
    assert [code for code, _ in results] == [0, 0], results
    assert all("Traceback" not in err for _, err in results)
    subprocess.run(_build_command(root, tmp_path / "alone", "--no-cache"), check=True,
                   capture_output=True)
    assert snapshot(out) == snapshot(tmp_path / "alone")
    assert leftovers(tmp_path) == []


# --- the system refuses ---------------------------------------------------------------------------


def test_a_folder_the_system_will_not_write_is_one_line_and_status_3(make_site, capsys):
    root = make_site()
    if os.access("/sys", os.W_OK) and not Path("/sys").is_mount():
        pytest.skip("/sys is writable here")  # pragma: no cover - not on Linux
    assert main(["build", "--root", str(root), "--output", "/sys/rubricsite-out"]) == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("rubricsite: error: /sys"), err
    assert not Path("/sys/rubricsite-out").exists()


def test_a_full_disk_is_one_line_and_status_3_and_the_last_site_stays(make_site, capsys, monkeypatch):
    root = make_site()
    assert main(["build", "--root", str(root)]) == 0
    before = snapshot(root / "output")
    (root / "content/exemplars/new.md").write_text(exemplar(title="New"), encoding="utf-8")

    def full(self, relpath: str, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.folder / relpath))

    monkeypatch.setattr(write.Stage, "put", full)
    assert main(["build", "--root", str(root)]) == 3
    err = capsys.readouterr().err.strip()
    assert err.endswith("No space left on device") and len(err.splitlines()) == 1
    assert snapshot(root / "output") == before
    assert leftovers(root) == []


def test_refusing_raises_before_reading_the_folder_twice(tmp_path):
    with pytest.raises(OutputRefused):
        check_output(tmp_path, tmp_path)
