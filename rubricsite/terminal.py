"""Text from the site folder on its way to a terminal or a browser: nothing in it may act.

A file name, a YAML key or a URL can carry terminal escape sequences (clear the screen, rewrite
the title, fake a line); an error may name a file by its absolute path on this machine. What
serve and the command line print goes through `printable`; what serve shows in the browser also
loses this machine's paths.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

ENGINE = Path(__file__).resolve().parent
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def printable(text: str, hide_paths: Iterable[Path] = ()) -> str:
    """text without escape sequences, other control characters shown as \\xNN; with hide_paths
    (and always then the engine's and Python's own folders), absolute paths made relative."""
    text = _ESCAPE.sub("", text)
    text = "".join(c if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf")
                   or c in "\u200c\u200d" else f"\\x{ord(c):02x}" if ord(c) < 0x100
                   else f"\\u{ord(c):04x}" for c in text)
    folders = list(hide_paths)
    if folders:
        for folder, shown in [*((f, "") for f in folders), (ENGINE.parent, ""),
                              (Path(sys.prefix), "python/"), (Path(sys.base_prefix), "python/"),
                              (Path(tempfile.gettempdir()), "tmp/"), (Path.home(), "~/")]:
            for form in {str(folder), str(Path(folder).resolve())}:
                if form not in ("", "/"):
                    text = text.replace(form.rstrip("/") + "/", shown)
    return text


def shown_path(path: Path, root: Path) -> str:
    """A file's name as a browser may see it: relative to the site, 'rubricsite/...' for the
    engine's built-ins, else its name alone."""
    absolute = Path(os.path.abspath(path))
    for folder, prefix in ((root, ""), (ENGINE.parent, "")):
        for form in (Path(os.path.abspath(folder)), Path(folder).resolve()):
            if absolute.is_relative_to(form):
                return prefix + absolute.relative_to(form).as_posix()
    return absolute.name if absolute.is_absolute() and str(path) != path.name else str(path)
