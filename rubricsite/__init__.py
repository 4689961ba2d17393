"""rubricsite: a static site generator for a browsable growth rubric with exemplars."""

# the one place the version is written: pyproject.toml reads it, CHANGELOG.md describes it
__version__ = "0.2.0"
