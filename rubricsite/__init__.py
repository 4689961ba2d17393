"""rubricsite: a static site generator for a browsable growth rubric with exemplars."""

__version__ = "0.1.0"
