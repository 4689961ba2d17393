"""How problems are said to a contributor: field names, lists and YAML's own complaints in everyday
words, each with the fix. The one place for wording, so `check`, `new`, `import-issue` and the
pull-request summary all say a thing the same way.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
             "tenth")
# a list key -> what one of its entries is called
_ONE_OF = {"resources": "resource", "cells": "cell", "themes": "theme", "levels": "phase",
           "links": "link", "contributors": "contributor", "tags": "tag", "grades": "grade band",
           "provocations": "provocation"}


def ordinal(index: int) -> str:
    """0 -> 'first'; 10 -> '11th'."""
    if index < len(_ORDINALS):
        return _ORDINALS[index]
    n = index + 1
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def field_name(at: tuple) -> str:
    """A key path as a reader says it: ('resources', 0, 'url') -> "the first resource's `url`"."""
    if not at:
        return "the file"
    said = f"`{at[0]}`"
    for prev, key in itertools.pairwise(at):
        if isinstance(key, int):
            one = _ONE_OF.get(str(prev), "entry")
            said = f"the {ordinal(key)} {one}" if one != "entry" else f"the {ordinal(key)} entry of {said}"
        elif said.startswith("the "):
            said = f"{said}'s `{key}`"
        else:
            said = f"{said} `{key}`"
    return said


def quoted(text: str) -> str:
    """A YAML double-quoted value for a suggested line: safe for colons, quotes and '#'."""
    return json.dumps(text, ensure_ascii=False)


def split_list(value: object) -> list[str]:
    """The separate values of a list written as one piece of text: 'a, b' -> ['a', 'b']."""
    return [p.strip() for p in re.split(r"[,;]", str(value)) if p.strip()] or [str(value)]


def as_list(parts: Iterable[str]) -> str:
    """A YAML list to suggest: ["a", "b"]."""
    return "[" + ", ".join(quoted(p) for p in parts) + "]"


def choices(items: Iterable[str], last: str = "or") -> str:
    """'a, b or c' ('a, b and c' with last='and')."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]


# YAML's complaints (words each holds) -> (what is wrong, the fix) in everyday words
_YAML_PROBLEMS = (
    (("\\t", "tab"), "this line starts with a tab", "use spaces, not a tab"),
    (("mapping values are not allowed",), "this line has a colon inside its value",
     'put the value in double quotes: key: "text: with a colon"'),
    (("quoted scalar", "end of stream"), "a quote mark is opened but never closed",
     "end the value with the same quote mark"),
    (("expected ',' or ']'", "expected ',' or '}'"), "a list in [ ] is not closed",
     'end it with ], e.g. tags: ["reading", "video"]'),
    (("could not find expected ':'",), "this line is not a 'key: value' line",
     "write the field's name, a colon, a space, then the value"),
    (("block end", "indentation"), "this line is indented differently from the lines around it",
     "line up its first letter with the field above it, using spaces"),
    (("cannot start any token",), "this value starts with a character YAML reserves",
     'put the whole value in double quotes: key: "..."'),
)


def yaml_problem(problem: str) -> tuple[str, str]:
    """YAML's own complaint as (message, fix) in everyday words; the fallback when no closer look
    at the line found what is wrong."""
    said = problem.lower()
    for words, message, fix in _YAML_PROBLEMS:
        if any(word in said for word in words):
            return message, fix
    return "this line cannot be read", "check its indentation, colons and quotes"
