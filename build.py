#!/usr/bin/env python3
"""python build.py [build|serve|check|new|import-issue|sync|init] ...: see README.md."""

if __spec__ is not None and __spec__.name == "build":
    # `python -m build` (the packaging tool) finds this file first in the repository's root:
    # hand over to the real `build` package instead of building the site
    import os
    import runpy
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    runpy.run_module("build", run_name="__main__", alter_sys=True)
    raise SystemExit(0)

from rubricsite.cli import main  # noqa: E402  (after the hand-over above)

raise SystemExit(main())
