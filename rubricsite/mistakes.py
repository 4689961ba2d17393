"""The mistakes a first-time contributor makes that a field's type cannot see: text left over from
the template, a grade written as a sentence, an exemplar saved in the wrong folder. Each rule is a
small function that adds problems on the line to change, with the fix.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from . import wording
from .errors import Problems
from .load import Doc, SourceFile

# What the exemplar template (scaffold.py, the `new` command and the web "add a file" link) puts
# in a field for the contributor to replace: field -> (placeholder, what to write instead)
PLACEHOLDER_TITLE = "Your exemplar's title"
PLACEHOLDER_SUMMARY = "One sentence: what happens, and who makes it happen."
PLACEHOLDER_RESOURCE = "Title of the resource, as published"
PLACEHOLDER_STORY = ("In your own words: what happens, who is involved, and why it fits this "
                     "cell's statement.")
PLACEHOLDER_STEP = "- One practical first step another school could take."
PLACEHOLDER_FILE = "your-exemplar-title.md"  # the file name a GitHub new-file link proposes
_IN_FIELDS = {
    PLACEHOLDER_TITLE: "the exemplar's own title",
    PLACEHOLDER_SUMMARY: "one sentence of your own on what this exemplar shows",
    PLACEHOLDER_RESOURCE: "the resource's title, as published",
}
_IN_STORY = {
    PLACEHOLDER_STORY: "your own words: what happens, who is involved, and why it fits the cell",
    PLACEHOLDER_STEP: "a first step another school could take",
}

# keys only an exemplar has: a page holding one of them is an exemplar saved in the wrong folder
EXEMPLAR_ONLY = ("theme", "level", "cells", "resources", "standard", "grades", "tags", "region")

GRADE_BAND = re.compile(r"^(?:JK|SK|PK|K|[1-9]|1[0-2])(?:-(?:K|[1-9]|1[0-2]))?$")


def placeholders(source: SourceFile, problems: Problems) -> None:
    """Every piece of template text still in the file, each on its own line."""
    if source.path.name == PLACEHOLDER_FILE:
        problems.add(source.path, None, f"the file is still called {PLACEHOLDER_FILE}",
                     "rename it after your exemplar, in lower-case words joined by hyphens, "
                     "e.g. reading-buddies.md")
    for at, value in _strings(source.meta.data, ()):
        fix = _IN_FIELDS.get(value.strip())
        if value.strip() in ("...", "…"):  # the "…" of a fix's suggested line, copied as it is
            fix = f"the {at[-1]} itself"
        if fix:
            problems.add(source.path, source.meta.line_of(*at),
                         f"{wording.field_name(at)} still holds the template's placeholder",
                         f"replace '{value.strip()}' with {fix}", key=at)
    if not any(placeholder in source.body for placeholder in _IN_STORY):
        return  # the common case, decided without splitting the story into lines
    for offset, line in enumerate(source.body.split("\n")):
        fix = _IN_STORY.get(line.strip())
        if fix:
            problems.add(source.path, source.body_line + offset,
                         "this line of the story is still the template's placeholder",
                         f"replace it with {fix}")


_PLACEHOLDERS = frozenset({*_IN_FIELDS, "...", "…"})


def _strings(data: object, at: tuple) -> list[tuple[tuple, str]]:
    """(place, value) of every text in data that is a placeholder once stripped."""
    if isinstance(data, str):
        return [(at, data)] if data.strip() in _PLACEHOLDERS else []
    found = []
    items = data.items() if isinstance(data, dict) else enumerate(data) \
        if isinstance(data, list) else ()
    for key, value in items:
        if isinstance(value, str):  # most values: no call, no list
            if value.strip() in _PLACEHOLDERS:
                found.append(((*at, key), value))
        elif isinstance(value, (dict, list)):
            found += _strings(value, (*at, key))
    return found


def grade_bands(doc: Doc, grades: Iterable[str], known: Iterable[str], problems: Problems) -> None:
    """Each grade must be a band such as "7-8" or "K": a sentence such as 'Grade 7' would make its
    own entry in the grade filter, matching nothing else."""
    known = sorted(set(known), key=_band_order)
    for index, grade in enumerate(grades):
        if GRADE_BAND.match(grade):
            continue
        guess = next((b for b in known if _holds(b, grade)), "") or band_guess(grade)
        fix = f'write a band such as "{guess}"' if guess else 'write a band such as "7-8" or "K-3"'
        if known:
            fix += f"; the bands this site uses: {', '.join(known)}"
        problems.add(doc.path, doc.line_of("grades", index),
                     f"'{grade}' is not a grade band", fix, key=("grades", index))


def _holds(band: str, grade: str) -> bool:
    """Whether a band ('7-9') holds the one grade a text names ('Grade 7')."""
    one = band_guess(grade)
    if not one.isdigit() or "-" not in band:
        return False
    low, high = band.split("-", 1)
    return low.isdigit() and high.isdigit() and int(low) <= int(one) <= int(high)


def band_guess(grade: str) -> str:
    """'Grade 7' -> '7'; 'grades 4 to 6' -> '4-6'; 'k-3' -> 'K-3'; '' when no guess."""
    numbers = re.findall(r"\b(JK|SK|K|\d{1,2})\b", grade.upper().replace("KINDERGARTEN", "K"))
    guess = "-".join(numbers[:2])
    return guess if guess and GRADE_BAND.match(guess) else ""


def _band_order(band: str) -> tuple[int, str]:
    first = band.split("-", 1)[0]
    return (0 if not first.isdigit() else int(first), band)


def page_looks_like_exemplar(source: SourceFile, problems: Problems) -> bool:
    """A page with an exemplar's fields: one problem saying to move it, not one per field."""
    data = source.meta.data
    found = [k for k in EXEMPLAR_ONLY if isinstance(data, dict) and k in data]
    if not found:
        return False
    problems.add(source.path, None,
                 f"this is an exemplar (it has {wording.choices([f'`{k}`' for k in found], 'and')}), "
                 "but it is in content/pages/, where it is not read as one",
                 f"move it to content/exemplars/{source.path.name}")
    return True


def stray_files(content: Path, read: tuple[str, ...], problems: Problems) -> None:
    """Every file under content/ that no part of the build reads, with where it should go.
    `read`: the folders under content/ whose .md files are read."""
    for folder, subfolders, files in os.walk(content):  # symbolic links to folders are not followed
        here = Path(folder)
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        read_here = here.parent == content and here.name in read  # its .md files are read
        for name in sorted(f for f in files if not f.startswith(".")):
            if not (read_here and name.endswith(".md")):  # (thousands of exemplars: no Path each)
                _stray_file(content, here / name, read, problems)


def _stray_file(content: Path, path: Path, read: tuple[str, ...], problems: Problems) -> None:
    rel = path.relative_to(content)
    home = rel.parts[0] if len(rel.parts) == 2 else ""
    if home in read and path.suffix == ".md":
        return  # read by the build
    if len(rel.parts) > 2 and rel.parts[0] in read:
        return  # in a folder inside exemplars/ or pages/: the folder itself is reported once
    fixed = fixed_file_name(path.name)
    texty = path.suffix.lower() in (".md", ".markdown", ".txt", ".text") or ".md" in path.name
    if not texty:
        problems.add(path, None, "this file is not read: content/ holds only .md files",
                     "put images and other files in assets/, or remove this one")
    elif home in read:  # the right folder, the wrong kind of name
        problems.add(path, None, "this file is not read: only files ending in .md are",
                     f"rename it to '{fixed}'")
    else:
        problems.add(path, None, "this file is not read: exemplars go in content/exemplars/ and "
                     "pages in content/pages/",
                     f"move it to content/{_likely_home(path)}/{fixed}")


def _likely_home(path: Path) -> str:
    try:
        head = path.read_text("utf-8", "replace")[:4000]
    except OSError:
        return "exemplars"
    shaped = any(re.search(rf"^{key}\s*:", head, re.MULTILINE) for key in EXEMPLAR_ONLY)
    return "exemplars" if shaped or not re.search(r"^title\s*:", head, re.MULTILINE) else "pages"


def fixed_file_name(name: str) -> str:
    """The right name for a contributor's file: 'Reading Buddies.md.txt' -> 'reading-buddies.md'."""
    stem = name
    while True:  # every extension an editor or a browser added: .md.txt, .markdown, .docx
        head, dot, ext = stem.rpartition(".")
        if not dot or not head or not re.fullmatch(r"[A-Za-z0-9]{1,8}", ext):
            break
        stem = head
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return f"{slug or 'my-exemplar'}.md"
