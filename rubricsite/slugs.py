"""The one slug rule: how a title, tag or region becomes part of an address."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    """'Student Voice' -> 'student-voice'; accents folded to ASCII for portable URLs.

    Tags and regions get their slugs here (validate.py puts them in the model, so templates and
    the planner never compute one), and so do suggested file names.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
