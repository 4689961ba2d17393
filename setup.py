"""Packaging: pyproject.toml says everything but one step, done here.

The wheel carries the reference Leading Learning site (the rubric, the exemplars and pages, the
site's workflows) inside the package as rubricsite/reference/, so `rubricsite init` can write a new
site from an installed engine with nothing from this repository beside it. The files are copied
from the repository's root at build time: the site stays in one place, at the root.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
# what `init` copies into a new site, relative to the root (see rubricsite/starter.py)
REFERENCE = ("rubric", "content", ".github/workflows/check.yml", ".github/workflows/pages.yml",
             ".github/workflows/import-issue.yml")


class BuildWithReferenceSite(build_py):
    """build_py, then the reference site's files copied into the built package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "rubricsite" / "reference"
        for rel in REFERENCE:
            source = ROOT / rel
            if source.is_dir():
                shutil.copytree(source, target / rel, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns(".*"))
            elif source.is_file():
                (target / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / rel)


setup(cmdclass={"build_py": BuildWithReferenceSite})
