"""The links a piece of Markdown makes, read from its text with the line each is written on.

load.py keeps a story's internal links with its parse (and the store keeps them with the row), so
a build checks them against the files it writes without reading the story again; links.py checks
them, and reads pages' and intros' links here too. Code blocks and code spans hold no links.
"""

from __future__ import annotations

import re

# each pattern matches within one line ([^\S\n]: a space but not a line break), so the whole text
# is read in one pass per pattern instead of line by line
# an image's `!` is left out of the pattern: a literal first character makes the search fast
_INLINE = re.compile(r"\[(?:[^\]\\\n]|\\.)*\]\([^\S\n]*<?([^)\s>]+)")  # [text](target), ![alt](src)
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[^\S\n]*<?([^\s>]+)", re.MULTILINE)  # [name]: target
_HTML = re.compile(r"""\b(?:href|src)[^\S\n]*=[^\S\n]*["']([^"'\n]*)["']""", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+).+?\1")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INDENTED = re.compile(r"^(?:    |\t).*$", re.MULTILINE)  # an indented code block's line
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # how urlsplit tells a scheme
# the end of an inline link whose target has no scheme: without one, no inline link is internal
_MAYBE_INTERNAL = re.compile(r"\]\([^\S\n]*<?(?![A-Za-z][A-Za-z0-9+.-]*:)[^)\s>]")


def markdown_links(text: str, first_line: int) -> list[tuple[int, str]]:
    """(line, target) of every link and image in Markdown, code blocks and code spans left out;
    by line, and within a line inline links, then references, then HTML attributes."""
    return _links(text, first_line, internal=False)


def internal_links(text: str, first_line: int) -> tuple[tuple[int, str], ...]:
    """markdown_links without those that surely leave the site (a scheme: https:, mailto:): what
    the link check has to look at, small enough to keep with a story's parse."""
    return tuple((line, target) for line, target in _links(text, first_line, internal=True)
                 if not _SCHEME.match(target))


def _links(text: str, first_line: int, internal: bool) -> list[tuple[int, str]]:
    if "```" in text or "~~~" in text:
        text = _without_fenced_lines(text)
    # what is blanked keeps its line breaks, so a match's line is counted in the text as written
    if "    " in text or "\t" in text:
        text = _INDENTED.sub("", text)
    if "`" in text:  # a code span's removal can join a link's parts: `[a]``x``(b)` is a link
        text = _CODE_SPAN.sub("", text)
    # a pattern runs only on text holding what it needs: str's `in` is many times quicker than a
    # regular expression trying every place, and a story's links mostly lead to other sites
    folded = text.casefold() if "=" in text else ""  # as re.IGNORECASE matches: a long s is an s
    needed = (_MAYBE_INTERNAL.search(text) is not None if internal else "](" in text,
              "]:" in text, "href" in folded or "src" in folded)
    found = sorted((match.start(), order, match.group(1))
                   for order, pattern in enumerate((_INLINE, _REFERENCE, _HTML)) if needed[order]
                   for match in pattern.finditer(text))
    line, at, by_line = first_line, 0, []
    for start, order, target in found:
        line += text.count("\n", at, start)
        at = start
        by_line.append((line, order, start, target))
    return [(line, target) for line, _, _, target in sorted(by_line)]


def _without_fenced_lines(text: str) -> str:
    """The text with every line of a fenced code block (its fences too) emptied."""
    lines = text.split("\n")
    fence = ""
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            lines[index] = ""
        elif opened:
            fence = opened.group(1)
            lines[index] = ""
    return "\n".join(lines)
