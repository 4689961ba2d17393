"""Stage 7, write: only into an output folder the engine made, all or nothing, one build at a time.

A build stages the files whose bytes changed in a folder beside the output. When the build has
succeeded, the stage becomes the whole new site (hard links to the output's unchanged files, so
nothing is copied) and the two folders swap in one step (`swap`). A build killed at any moment
therefore leaves the last site or the new one; its stage is removed by the next build. A build
that changes exactly one file and removes none (a story edited in `serve`) replaces that file
alone, which is as atomic.

The output holds a marker listing the files the engine wrote (MARKER). A folder without it that
is not empty, or with files the marker does not list, was not made by the engine and is refused
before anything is touched (`check_output`), as are the site folder itself, its source folders,
.git, and a path that names a file. Two builds into one output take turns (`output_lock`).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

FILE_MODE = 0o644  # readable by any static host, whatever the umask or mkdtemp's 0700
DIR_MODE = 0o755
MARKER = ".rubricsite-output.json"  # in the output: the files a build of the engine wrote there
PREFIX = ".rubricsite-"  # beside the output: stages and a retired site (ignored by git)
SOURCE_FOLDERS = ("content", "rubric", "templates", "assets", ".git")


class OutputRefused(Exception):
    """An output folder the engine must not write to; the message says why and what to do."""


# --- which folder may be written --------------------------------------------------------------


def check_output(root: Path, output: Path) -> set[str]:
    """The files the output holds, all written by the engine; raises OutputRefused otherwise.

    Touches nothing. ROOT/output, absent or empty, is fine; so is any folder a build made.
    """
    root, output = root.resolve(), output.resolve()
    if output == root or output in root.parents:
        raise OutputRefused(f"{output} is the site folder or holds it: the build would replace "
                            "the sources; choose another --output, such as ROOT/output")
    for name in SOURCE_FOLDERS:
        folder = root / name
        if output == folder or folder in output.parents:
            raise OutputRefused(f"{output} lies inside the site's {name}/ folder; choose an "
                                "--output outside it, such as ROOT/output")
    if output.exists() and not output.is_dir():
        raise OutputRefused(f"{output} is a file, not a folder; choose a folder for --output")
    held = existing_files(output)
    if not held:
        return held
    listed = read_marker(output)
    foreign = sorted(held - listed - {MARKER}) if listed is not None else sorted(held)
    if foreign:
        raise OutputRefused(f"{output} holds files no build of this site wrote (such as "
                            f"{foreign[0]}); choose an empty or new folder for --output, or "
                            "remove the folder if it is an old build")
    return held - {MARKER}


def read_marker(output: Path) -> set[str] | None:
    """The files the marker says a build wrote; None when there is no marker of ours."""
    try:
        data = json.loads((output / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("generator") != "rubricsite" \
            or not isinstance(data.get("files"), list):
        return None
    return {f for f in data["files"] if isinstance(f, str)}


def existing_files(folder: Path) -> set[str]:
    """Every file (or link, or other non-folder) under folder, as POSIX paths relative to it."""
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
def output_lock(output: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Held while a build writes: a second build into the same output waits for the first.

    The lock is on the folder that holds the output (the output itself is swapped for a new
    folder by every build), so it leaves no file behind; builds into two outputs side by side
    take turns too, which costs nothing but a short wait.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(output.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _beside(output: Path, what: str) -> Path:
    return output.parent / f"{PREFIX}{what}-{output.name}"


def remove_leftovers(output: Path) -> None:
    """What a killed build left beside the output: its stage, or the site it was retiring.

    Run under the lock. A site retired by the two-rename fallback of `swap` comes back when the
    build died before the new one was in place.
    """
    retired = _beside(output, "old")
    if retired.is_dir() and not output.exists():
        retired.rename(output)
    for path in output.parent.glob(f"{PREFIX}stage-{output.name}-*"):
        shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(retired, ignore_errors=True)


# --- staging ------------------------------------------------------------------------------------


@dataclass
class Stage:
    """Files of one build, held in a folder beside the output until the whole build has succeeded."""

    output: Path
    folder: Path
    clean: bool
    previous: set[str]  # the files the output holds now (check_output gave them)
    expected: set[str] = field(default_factory=set)  # every file the new site has
    changed: list[str] = field(default_factory=list)  # written, then also removed ones
    _dirs: set[str] = field(default_factory=set)  # folders made in the stage
    _spread: set[Path] = field(default_factory=set)  # folders whose subfolders are spread

    def put(self, relpath: str, data: bytes) -> None:
        """Stage a file unless the output already holds exactly these bytes."""
        self.record(relpath, self.write(relpath, data))

    def write(self, relpath: str, data: bytes) -> bool:
        """Write a file into the stage unless the output already holds these bytes; whether it
        did. Touches no state of the Stage, so render workers call it from their own processes
        (the build then calls record)."""
        if not self.clean and relpath in self.previous and _holds(self.output / relpath, data):
            return False
        target = self.target(relpath)
        target.write_bytes(data)
        os.chmod(target, FILE_MODE)
        return True

    def record(self, relpath: str, written: bool) -> None:
        """A file of the new site, staged (written) or left as the output holds it."""
        self.expected.add(relpath)
        if written:
            self.changed.append(relpath)

    def target(self, relpath: str) -> Path:
        """Where relpath goes in the stage, its folders made (readable by any host)."""
        parent = relpath.rpartition("/")[0]
        if parent and parent not in self._dirs:
            made, name = self.folder, ""
            for part in parent.split("/"):
                name = f"{name}/{part}" if name else part
                above, made = made, made / part
                if name in self._dirs:  # made for an earlier file: no syscall, no exception
                    continue
                self._dirs.add(name)
                if above not in self._spread:  # before its first subfolder, in this process
                    self._spread.add(above)
                    spread_subfolders(above)
                try:  # two workers may make the same folder at once
                    made.mkdir()
                except FileExistsError:
                    continue
                os.chmod(made, DIR_MODE)
        return self.folder / relpath

    def keep(self, relpath: str) -> None:
        """A file this build did not need to redraw: it stays as it is."""
        self.expected.add(relpath)

    def exists(self, relpath: str) -> bool:
        return not self.clean and relpath in self.previous

    def read(self, relpath: str) -> bytes:
        """A file of the new site: staged when its bytes changed, else still in the output."""
        staged = self.folder / relpath
        return (staged if staged.is_file() else self.output / relpath).read_bytes()


# A folder's flag (Linux's FS_IOC_SETFLAGS) that tells ext4 its subfolders are unrelated trees:
# each goes to a block group of its own choosing, not its parent's. Without it, every page's
# folder and file land in the group of exemplars/, and when an earlier build's output was just
# removed there (a clean build, a deploy), ext4 without a journal steps over each inode freed in
# the last minutes for every new one: the profile of a build at 10,000 exemplars put about a
# sixth of all CPU time there. Elsewhere the flag is refused, or means nothing, and is skipped.
_GET_FLAGS, _SET_FLAGS, _TOP_OF_TREES = 0x80086601, 0x40086602, 0x00020000


def spread_subfolders(folder: Path) -> None:
    """Ask the file system to place folder's subfolders apart (a hint: any refusal is fine)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return
    try:
        flags = struct.unpack("i", fcntl.ioctl(fd, _GET_FLAGS, struct.pack("i", 0)))[0]
        if not flags & _TOP_OF_TREES:
            fcntl.ioctl(fd, _SET_FLAGS, struct.pack("i", flags | _TOP_OF_TREES))
    except OSError:
        pass  # not Linux, not ext4 (tmpfs, overlay, a network disk): nothing to ask
    finally:
        os.close(fd)


def _holds(path: Path, data: bytes) -> bool:
    try:  # never through a link: the output's files are the engine's own
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        return handle.read() == data


@contextmanager
def staged_output(output: Path, previous: set[str], *, clean: bool = False) -> Iterator[Stage]:
    """Yields a Stage; when the block finishes, the new site replaces the output; if not, nothing does.

    previous: the output's files, as check_output returned them (or as the last build left them).
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}stage-{output.name}-", dir=output.parent))
    stage = Stage(output, folder, clean or not output.is_dir(), previous)
    try:
        yield stage
        _publish(stage)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _publish(stage: Stage) -> None:
    removed = stage.previous - stage.expected
    if not stage.clean and not removed and len(stage.changed) <= 1 \
            and all(r in stage.previous for r in stage.changed):
        for relpath in stage.changed:  # one file replaced, or none: all or nothing already
            os.replace(stage.folder / relpath, stage.output / relpath)
        return
    stage.changed.extend(sorted(removed))
    if not stage.clean:
        _link_unchanged(stage)
    write_marker(stage.folder, stage.expected)
    os.chmod(stage.folder, DIR_MODE)
    swap(stage.folder, stage.output)


def _link_unchanged(stage: Stage) -> None:
    """Make the stage the whole new site: unchanged files are hard links to the output's."""
    staged = set(stage.changed)
    for relpath in stage.expected - staged:
        target = stage.target(relpath)
        try:
            os.link(stage.output / relpath, target, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP):
                raise
            shutil.copyfile(stage.output / relpath, target)  # a file system without hard links


def write_marker(folder: Path, files: set[str]) -> None:
    data = {"generator": "rubricsite", "note": "files a rubricsite build wrote here",
            "files": sorted(files)}
    (folder / MARKER).write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    os.chmod(folder / MARKER, FILE_MODE)




# --- the one folder swap ------------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def swap(new: Path, current: Path) -> None:
    """Put the folder new where current is, in one step; current's old tree ends up at new's path
    and is removed. Used by every build and by serve's search index.

    Linux's renameat2(RENAME_EXCHANGE) swaps the two names atomically. Where it is missing (or
    the file system refuses it) two renames do the job, and a build killed between them leaves
    the old site beside the output, where the next build puts it back (remove_leftovers).
    """
    if not current.exists():
        new.rename(current)
        return
    if not _exchange(new, current):
        retired = _beside(current, "old")
        current.rename(retired)
        new.rename(current)
        new = retired
    shutil.rmtree(new, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # not on this file system: fall back
    raise OSError(code, os.strerror(code), os.fspath(b))


_LIBC: ctypes.CDLL | None = None


def _libc() -> ctypes.CDLL:
    global _LIBC
    if _LIBC is None:
        _LIBC = ctypes.CDLL(None, use_errno=True)
    return _LIBC
