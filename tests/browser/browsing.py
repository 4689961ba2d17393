"""What the browser tests share besides fixtures: where the site is served, and small helpers."""

from __future__ import annotations

import re

PREFIX = "/district/llc/"  # a district's GitHub Pages path: every link must work beneath it


def pages_in(pdf: bytes) -> int:
    """How many pages a PDF from Chromium's page.pdf holds."""
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))
