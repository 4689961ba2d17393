"""What every hostile-input test needs: the real command line, and proof that nothing leaked.

Each case runs `check` and `build` in a subprocess, as CI and a maintainer would, and asserts the
exact error lines (or a safe build), no traceback, and nothing changed in the site folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import PROJECT


@dataclass
class Run:
    status: int
    out: str
    err: str

    @property
    def errors(self) -> list[str]:
        """The `path:line: error:` lines a command printed."""
        return [line for line in self.err.splitlines() if ": error: " in line]


def cli(root: Path, *args: str | Path, cwd: Path | None = None) -> Run:
    """`python build.py ARGS --root ROOT`; fails the test on a traceback or a hang."""
    command, *rest = [str(a) for a in args]
    result = subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), command, "--root", str(root), *rest],
        capture_output=True, text=True, timeout=300, cwd=cwd or root,
        env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return Run(result.returncode, result.stdout, result.stderr)


def snapshot(folder: Path, skip: tuple[str, ...] = ("output", ".cache")) -> dict[str, bytes]:
    """Every file under folder (links as their target's name), to prove a command changed nothing."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if rel.parts[0] in skip:
            continue
        if path.is_symlink():
            found[rel.as_posix()] = os.readlink(path).encode()
        elif path.is_file():
            found[rel.as_posix()] = path.read_bytes()
    return found


def refused_by_check_and_build(root: Path, expected: list[str], tmp_path: Path) -> None:
    """check and build both exit 1 with exactly these error lines; build writes nothing."""
    before = snapshot(root)
    checked = cli(root, "check")
    assert (checked.status, checked.errors) == (1, expected), checked.err
    out = tmp_path / "refused-output"
    built = cli(root, "build", "--output", out)
    assert (built.status, built.errors) == (1, expected), built.err
    assert not out.exists() or not any(out.iterdir())
    assert snapshot(root) == before


def every_file(output: Path) -> bytes:
    """All the bytes of a built site, to search for anything that must not be there."""
    return b"\n".join(p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file())
