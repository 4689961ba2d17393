#!/usr/bin/env python3
"""python build.py [build|serve|check|new|import-issue|sync] ...: the same as `rubricsite ...`."""

from rubricsite.cli import main

raise SystemExit(main())
