#!/usr/bin/env python3
"""python build.py [build|serve|check|new|import-issue] ...: see README.md."""

from rubricsite.cli import main

raise SystemExit(main())
