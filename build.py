#!/usr/bin/env python3
"""python build.py [build|serve|check|new|import-issue] ...: see README.md."""

from __future__ import annotations  # this file must run, and explain, on an old Python too

import importlib.util
import shlex
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# import name -> package name on PyPI, as pyproject.toml lists them
NEEDED = {"yaml": "pyyaml", "jinja2": "jinja2", "markdown": "markdown", "nh3": "nh3",
          "livereload": "livereload", "watchfiles": "watchfiles", "pagefind": "pagefind"}


def _missing() -> list[str]:
    """The packages this interpreter lacks, checked before anything imports them, so a first run
    with the wrong Python says what to do instead of ending in a traceback."""
    return [package for name, package in NEEDED.items() if importlib.util.find_spec(name) is None]


def _say_how_to_set_up(problem: str) -> int:
    venv = HERE / ".venv" / "bin" / "python"
    try:
        shown = venv.relative_to(Path.cwd())
    except ValueError:
        shown = venv
    script = "build.py" if Path.cwd() == HERE else str(HERE / "build.py")
    again = shlex.join([str(shown), script, *sys.argv[1:]])
    setup = "" if venv.is_file() else f"set them up once with `make setup` (in {HERE}), then "
    print(f"rubricsite: error: {problem}: {setup}run `{again}`", file=sys.stderr)
    return 2


if __name__ == "__main__":
    if sys.version_info < (3, 11):  # noqa: UP036 - build.py may be run by any python3
        raise SystemExit(_say_how_to_set_up(
            f"this Python is {sys.version.split()[0]}; the site needs Python 3.11 or newer"))
    missing = _missing()
    if missing:
        raise SystemExit(_say_how_to_set_up(
            f"this Python ({sys.executable}) does not have the packages the site needs "
            f"({', '.join(missing)})"))
    from rubricsite.cli import main

    raise SystemExit(main())
