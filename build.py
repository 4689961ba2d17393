#!/usr/bin/env python3
"""python build.py [build|serve|check|new|import-issue|sync|init] ...: see README.md."""

from __future__ import annotations  # this file must run, and explain, on an old Python too

import shlex
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _missing() -> list[str]:
    """The packages pyproject.toml names that this interpreter lacks, checked before anything
    imports them, so a first run with the wrong Python says what to do instead of a traceback."""
    import importlib.metadata
    import re
    import tomllib

    try:
        with (HERE / "pyproject.toml").open("rb") as f:
            wanted = tomllib.load(f)["project"]["dependencies"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return []  # not this repository's layout: nothing to compare with
    missing = []
    for spec in wanted:
        name = re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0]
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def _say_how_to_set_up(problem: str) -> int:
    venv = HERE / ".venv" / "bin" / "python"
    try:
        shown = venv.relative_to(Path.cwd())
    except ValueError:
        shown = venv
    script = "build.py" if Path.cwd() == HERE else str(HERE / "build.py")
    again = shlex.join([str(shown), script, *sys.argv[1:]])
    ours = Path(sys.prefix).resolve() == (HERE / ".venv").resolve()  # set up before a new package
    setup = "" if venv.is_file() and not ours else f"set them up with `make setup` (in {HERE}), then "
    print(f"rubricsite: error: {problem}: {setup}run `{again}`", file=sys.stderr)
    return 2


def _hand_over_to_the_build_package() -> None:
    """`python -m build` (the packaging tool) finds this file first in the repository's root:
    run the real `build` package instead of building the site."""
    import os
    import runpy

    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != str(HERE)]
    runpy.run_module("build", run_name="__main__", alter_sys=True)


if __name__ == "__main__" and __spec__ is not None and __spec__.name == "build":
    _hand_over_to_the_build_package()
elif __name__ == "__main__":
    if sys.version_info < (3, 11):  # noqa: UP036 - build.py may be run by any python3
        raise SystemExit(_say_how_to_set_up(
            f"this Python is {sys.version.split()[0]}; the site needs Python 3.11 or newer"))
    try:
        from rubricsite.cli import main

        status = main()  # each command imports what it needs as it starts, before any work
    except ModuleNotFoundError:  # asked only then: the check costs more than a no-op rebuild
        missing = _missing()
        if not missing:
            raise
        raise SystemExit(_say_how_to_set_up(
            f"this Python ({sys.executable}) does not have the packages the site needs "
            f"({', '.join(missing)})")) from None
    raise SystemExit(status)
