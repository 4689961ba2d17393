"""How much work one contributed file may cause: every limit in one place, each error naming it.

Python-Markdown is quadratic or worse on some shapes of text (a run of 10,000 `[` takes over 20 s,
a few thousand nested `*` end in a RecursionError). `markdown_problem` is the one verdict on a
Markdown text: `check` reports what it finds, and the converter refuses the same text, so what
`check` passes `build` renders, in time that grows about linearly with its size.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import ContentError

FILE_BYTES = 256 * 1024  # an exemplar story is a few kilobytes; a rubric file some tens
FRONT_MATTER_BYTES = 16 * 1024
TAGS = 30  # tags on one exemplar
NESTING = 8  # blockquotes and lists inside each other (each level re-reads what it holds)
# inline marks (* _ [ ] ` < ~, list markers not counted) in one paragraph, list or table:
# nesting beyond a few hundred levels overflows the converter's recursion, and its cost grows
# faster than the text (a paragraph at this limit converts in ~10 ms)
PARAGRAPH_MARKS = 400
# the converter's link search is quadratic in the `[` of a paragraph: the sum over a file's
# paragraphs of their count squared (one paragraph of 1,000 takes ~0.2 s)
BRACKET_BUDGET = 1000 ** 2
YAML_DEPTH = 12  # a front matter list of mappings is 3 deep; a standard's indicators 4

_MARK_CHARS = "*_[]`<~"
_MARK_BYTES = _MARK_CHARS.encode("ascii")
# a literal '\n' first lets the regex engine jump from line to line (a '^' tries every character)
_DEEP_PREFIX = re.compile(r"\n[ \t>*+\-0-9.)]{" + str(NESTING + 1) + "}")
_MARKER = re.compile(r">|[*+-](?= )|\d{1,9}[.)](?= )")


def read_bounded(path: Path) -> bytes:
    """A file's bytes, or ContentError when it is larger than FILE_BYTES."""
    size = path.stat().st_size
    if size > FILE_BYTES:
        raise ContentError(path, None, f"the file is {_kb(size)}; the limit is {_kb(FILE_BYTES)}",
                           "split it, or move large material to a linked resource")
    with path.open("rb") as f:
        return f.read(FILE_BYTES + 1)


def check_front_matter(path: Path, lines: int, size: int) -> None:
    """ContentError when a front matter block is larger than FRONT_MATTER_BYTES."""
    if size > FRONT_MATTER_BYTES:
        raise ContentError(path, 2, f"the front matter is {_kb(size)} ({lines} lines); the limit "
                           f"is {_kb(FRONT_MATTER_BYTES)}", "keep the fields short; the story "
                           "goes below the closing '---'")


def _kb(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size >= 1024 else f"{size} bytes"


def markdown_problem(text: str) -> tuple[int, str, str] | None:
    """(line within text, message, hint) when text is beyond what the converter does in
    bounded time and depth, else None. One pass, linear in the text."""
    if _surely_fine(text):
        return None
    bracket_cost = 0
    marks = brackets = 0
    start = 1  # first line of the current paragraph
    # code blocks count too: whether a fence is one is the converter's call (an unclosed or
    # indented fence is text), and no story needs a thousand marks in one block of code
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            bracket_cost += brackets * brackets
            marks = brackets = 0
            start = number + 1
            continue
        depth, content = _depth(line)
        if depth > NESTING:
            return number, f"blockquotes and lists nested more than {NESTING} deep; that is the limit", \
                "nest fewer levels of '>' and indented lists"
        marks += sum(line.count(c, content) for c in _MARK_CHARS)
        brackets += line.count("[", content)
        if marks > PARAGRAPH_MARKS:
            return start, (f"this paragraph holds more than {PARAGRAPH_MARKS} of the marks "
                           "* _ [ ] ` < ~; that is the limit"), "split it into shorter paragraphs"
        if bracket_cost + brackets * brackets > BRACKET_BUDGET:
            return start, (f"too many '[' up to this paragraph: the limit is {BRACKET_BUDGET:,} "
                           "for the sum over paragraphs of their number squared"), \
                "use fewer square brackets, or spread them over more, shorter paragraphs"
    return None


def _surely_fine(text: str) -> bool:
    """The common case, decided in C: few marks in the whole text, and no line that starts with
    enough container characters to be nested too deep."""
    brackets = text.count("[")
    if text.isascii():  # one pass in C instead of one per mark
        raw = text.encode("ascii")
        marks = len(raw) - len(raw.translate(None, _MARK_BYTES))
    else:
        marks = sum(text.count(c) for c in _MARK_CHARS)
    return (marks <= PARAGRAPH_MARKS and brackets * brackets <= BRACKET_BUDGET
            and _DEEP_PREFIX.search("\n" + text) is None)


def _depth(line: str) -> tuple[int, int]:
    """How many blockquotes and lists a line sits in (each '>' or list marker, and each four
    spaces of indentation before one or before the text), and where its text starts."""
    line = line.expandtabs(4)
    depth = at = 0
    while True:
        text = len(line) - len(line[at:].lstrip(" "))
        spaces = text - at
        marker = _MARKER.match(line, text)
        if marker is None:
            return depth + spaces // 4, text
        depth += 1 + spaces // 4
        if depth > NESTING:  # deep enough to refuse: counting on would cost the square of the line
            return depth, text
        at = marker.end()
