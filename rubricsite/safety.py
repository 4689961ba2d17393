"""Reading stays inside the site folder: every file the engine reads is a regular file there.

A pull request can commit symbolic links. One to /proc/self/environ or ~/.ssh under assets/ would
publish it; one to a folder above could make a walk never end. So every folder the build reads
is walked here, once, without following links to folders; a link to a file is read only when
its real location is inside the site folder, and every other link is an error naming it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .errors import ContentError, Problems

LINK_HINT = "replace the link with the file itself, committed inside the site folder"


class LinkError(ContentError):
    """A file the build will not read because of where it leads: every command reports it."""


def _link_error(path: Path, root: Path, folder_ok: bool = False) -> ContentError | None:
    """Why a symbolic link (or a path through one) may not be read, or None when it may."""
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        return LinkError(path, None, "this symbolic link points to nothing (it is dangling)",
                            LINK_HINT)
    except (RuntimeError, OSError):  # RuntimeError: a loop, before Python 3.13
        return LinkError(path, None, "this symbolic link leads round in a loop", LINK_HINT)
    if not real.is_relative_to(root.resolve()):
        return LinkError(path, None, "this symbolic link leads outside the site folder, "
                            "so it is not read", LINK_HINT)
    if real.is_dir() and not folder_ok:
        return LinkError(path, None, "this is a symbolic link to a folder, which is not "
                            "followed", "put the folder itself here instead of a link")
    if not real.is_file():
        return LinkError(path, None, "this is not a regular file", "commit a plain file here")
    return None


def _through_link(path: Path, root: Path) -> bool:
    """Whether path, or a folder on the way to it from root, is a symbolic link."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        return True
    here = root
    for part in rel.parts:
        here = here / part
        if here.is_symlink():
            return True
    return False


def checked_file(path: Path, root: Path, problems: Problems | None) -> bool:
    """Whether a file the build reads by name (site.yaml, levels.yaml) may be read; a link out
    becomes a problem naming it. False also when the file is not there at all."""
    if not os.path.lexists(path):
        return False
    error = _link_error(path, root) if _through_link(path, root) else None
    if error is None and not path.is_file():
        error = LinkError(path, None, "this is not a regular file", "commit a plain file here")
    if error is not None:
        if problems is not None:
            problems.extend([error])
        return False
    return True


def site_files(folder: Path, root: Path, problems: Problems | None = None, *,
               suffix: str = "", recursive: bool = False) -> list[Path]:
    """The regular files in folder (and below it when recursive), sorted, each one inside root.

    Links that lead outside, dangle, loop or name a folder are left out, each a problem when
    problems is given (load reports them; later readers of the same folders just skip them).
    """
    found: list[Path] = []
    if not os.path.lexists(folder):
        return found
    if _through_link(folder, root):
        error = _link_error(folder, root, folder_ok=True)
        if error is None:  # a folder inside the site, but reached through a link
            error = LinkError(folder, None, "this folder is reached through a symbolic link, "
                                 "which is not followed", "put the folder itself here")
        if problems is not None:
            problems.extend([error])
        return found
    if not folder.is_dir():
        return found
    _walk(folder, root, problems, suffix, recursive, found)
    return sorted(found) if recursive else found  # one folder's files come in name order


def files_under(folder: Path, root: Path) -> list[Path]:
    """Every file under folder, recursively: a folder of the site checked against the site
    folder, one of the engine's built-ins against itself."""
    return site_files(folder, root if folder.is_relative_to(root) else folder, recursive=True)


def _walk(folder: Path, root: Path, problems: Problems | None, suffix: str, recursive: bool,
          found: list[Path]) -> None:
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            path = folder / entry.name
            if entry.is_symlink():
                if not entry.name.endswith(suffix) and not _is_dir_link(path):
                    continue  # not a file this reader wants: whoever reads it reports it
                error = _link_error(path, root)
                if error is None:
                    found.append(path)
                elif problems is not None:
                    problems.extend([error])
            elif entry.is_dir(follow_symlinks=False):
                if recursive:
                    _walk(path, root, problems, suffix, recursive, found)
            elif entry.is_file(follow_symlinks=False) and entry.name.endswith(suffix):
                found.append(path)


def _is_dir_link(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def check_folders(root: Path, names: Iterable[str], problems: Problems) -> None:
    """Report every bad link under the site's folders that are read whole (templates, assets)."""
    for name in names:
        site_files(root / name, root, problems, recursive=True)


# --- text that hides what it does ------------------------------------------------------------

# Bidirectional embeddings, overrides and isolates make text read differently from what it is
# (CVE-2021-42574, "Trojan Source"); zero-width and other invisible format characters make two
# titles or tags that look alike differ. Joiners (U+200C, U+200D) stay: Persian, Indic scripts
# and emoji need them.
HIDDEN = frozenset(
    [chr(c) for c in range(0x00, 0x20) if chr(c) not in "\t\n"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + list("\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u2060\u2061\u2062\u2063\u2064\ufeff")
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + [chr(c) for c in range(0xFFF9, 0xFFFC)]
)
_VISIBLE_ASCII = bytes(c for c in range(0x80) if chr(c) not in HIDDEN)
_HIDDEN_RE = re.compile("[" + "".join(f"\\u{ord(c):04x}" for c in sorted(HIDDEN)) + "]")


def strip_hidden(text: str, keep: str = "\n\t") -> str:
    """text without the characters in HIDDEN (those in keep stay)."""
    return "".join(c for c in text if c not in HIDDEN or c in keep)


def hidden_character(text: str) -> tuple[int, str] | None:
    """(line, name) of the first hidden character in text, or None."""
    if text.isascii() and not text.encode("ascii").translate(None, _VISIBLE_ASCII):
        return None  # the common case, decided in C: plain ASCII text without a control character
    match = _HIDDEN_RE.search(text)
    if match is None:
        return None
    char = match.group()
    name = unicodedata.name(char, "a control character")
    return text.count("\n", 0, match.start()) + 1, f"U+{ord(char):04X} ({name.lower()})"
