"""Stage 7, write: stage changed files beside the output, then move them in all at once."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

FILE_MODE = 0o644  # readable by any static host, whatever the umask or mkdtemp's 0700
DIR_MODE = 0o755


@dataclass
class Stage:
    """Files of one build, held in a temporary folder until the whole build has succeeded."""

    output: Path
    folder: Path
    clean: bool
    expected: set[str] = field(default_factory=set)  # every file the site should have
    changed: list[str] = field(default_factory=list)
    # what the output held after the last build, when the caller knows it: saves walking a
    # tree of 10,000 folders on every rebuild (None: walk it)
    previous: set[str] | None = None

    def put(self, relpath: str, data: bytes) -> None:
        """Stage a file unless the output already holds exactly these bytes."""
        self.expected.add(relpath)
        if not self.clean:
            try:
                if (self.output / relpath).read_bytes() == data:
                    return
            except OSError:
                pass
        target = self.folder / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.changed.append(relpath)

    def keep(self, relpath: str) -> None:
        """A file this build did not need to redraw: it must stay."""
        self.expected.add(relpath)

    def exists(self, relpath: str) -> bool:
        if self.clean:
            return False
        if self.previous is not None:
            return relpath in self.previous
        return (self.output / relpath).is_file()


def existing_files(folder: Path) -> set[str]:
    """Every file under folder, as POSIX paths relative to it."""
    found: set[str] = set()
    top = os.fspath(folder)

    def walk(path: str, prefix: str) -> None:  # plain strings: Path objects cost 10x at 20,000 files
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                else:
                    found.add(prefix + entry.name)

    if os.path.isdir(top):
        walk(top, "")
    return found


@contextmanager
def staged_output(
    output: Path, *, clean: bool = False, previous: set[str] | None = None
) -> Iterator[Stage]:
    """Yields a Stage; when the block finishes, its files replace the output's; if not, nothing does.

    previous: the files the output holds, when the caller knows (see Stage.previous).
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    stage = Stage(output, folder, clean or not output.is_dir(), previous=previous)
    try:
        yield stage
        _publish(stage)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _fix_modes(folder: Path) -> None:
    os.chmod(folder, DIR_MODE)
    for dirpath, dirs, files in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(dirpath, name), DIR_MODE)
        for name in files:
            os.chmod(os.path.join(dirpath, name), FILE_MODE)


def _publish(stage: Stage) -> None:
    _fix_modes(stage.folder)
    if stage.clean:
        # a whole new site: swap the folders, then drop the old one
        old = None
        if stage.output.exists():
            old = stage.output.with_name(stage.folder.name + "-old")
            stage.output.rename(old)
        stage.folder.rename(stage.output)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return
    for relpath in stage.changed:
        target = stage.output / relpath
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
            _fix_modes_up(target.parent, stage.output)
        os.replace(stage.folder / relpath, target)
    held = existing_files(stage.output) if stage.previous is None else stage.previous
    stale = held - stage.expected
    for relpath in stale:
        (stage.output / relpath).unlink(missing_ok=True)
    _remove_empty_parents(stage.output, stale)
    stage.changed.extend(sorted(stale))


def _fix_modes_up(folder: Path, top: Path) -> None:
    while folder != top and top in folder.parents:
        os.chmod(folder, DIR_MODE)
        folder = folder.parent


def _remove_empty_parents(top: Path, removed: set[str]) -> None:
    """Drop the folders the removed files leave empty, and only those (no walk of the whole site)."""
    folders = {parent for rel in removed for parent in Path(rel).parents if parent != Path(".")}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):  # deepest first
        path = top / folder
        if path.is_dir() and not any(os.scandir(path)):
            path.rmdir()
