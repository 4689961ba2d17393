"""What the browser tests share besides fixtures: where the site is served, and small helpers."""

from __future__ import annotations

PREFIX = "/district/llc/"  # a district's GitHub Pages path: every link must work beneath it
