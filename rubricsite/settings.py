"""Checks of a site's settings that YAML and the field specs cannot make: each a small function.

Colours are read by a real CSS parser (tinycss2), never matched by a pattern, so what reaches the
stylesheet is one CSS colour value and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import tinycss2
import tinycss2.color4

from .errors import Problems, suggestion
from .load import Doc, KeyPath

COLOUR_FORMS = "a colour name such as maroon, #rgb, #rrggbb, rgb(138 21 56) or hsl(340 74% 31%)"
# CSS named colours, from the parser's own table (basic and extended keywords, transparent)
NAMED_COLOURS = frozenset(tinycss2.color4._COLOR_KEYWORDS) | {"transparent"}
_RANGES = {  # per function, each argument's name, the number range, and whether % is allowed
    "rgb": (("red", 255), ("green", 255), ("blue", 255)),
    "hsl": (("hue", None), ("saturation", 100), ("lightness", 100)),
}


def colour_problem(value: str) -> str:
    """Why value is not a CSS colour this site accepts, with the fix; '' when it is one."""
    text = value.strip()
    if not text:
        return "is empty"
    if text.startswith("#"):
        digits = text[1:]
        if not re.fullmatch(r"[0-9a-fA-F]+", digits) or len(digits) not in (3, 4, 6, 8):
            return (f"'{text}' is not a hex colour: write # and 3 or 6 hex digits "
                    f"(#rgb or #rrggbb, e.g. #1b5e20)")
        return ""
    node = tinycss2.parse_one_component_value(text)
    if node.type == "ident":
        if node.lower_value in NAMED_COLOURS:
            return ""
        near = suggestion(node.lower_value, sorted(NAMED_COLOURS))
        return f"'{text}' is not a CSS colour name" + (f" ({near})" if near else f"; use {COLOUR_FORMS}")
    if node.type == "function" and node.lower_name.removesuffix("a") in _RANGES:
        return _function_problem(text, node)
    return f"'{text}' is not a colour this site accepts; use {COLOUR_FORMS}"


def _function_problem(text: str, node: Any) -> str:
    if tinycss2.color4.parse_color(text) is None:
        return f"'{text}' is not a valid CSS colour; use {COLOUR_FORMS}"
    name = node.lower_name.removesuffix("a")
    args = [t for t in node.arguments if t.type not in ("whitespace", "comment", "literal")]
    for (what, top), token in zip(_RANGES[name], args, strict=False):
        if token.type == "ident":  # `none` (a missing component) is valid CSS
            continue
        limit = 100 if token.type == "percentage" else top
        if limit is not None and not 0 <= token.value <= limit:
            unit = "%" if token.type == "percentage" else ""
            return (f"{what} {token.representation}{unit} in '{text}' is out of range "
                    f"(0 to {limit}{unit})")
    if len(args) > 3:  # the alpha: 0 to 1, or 0% to 100%
        alpha = args[3]
        limit = 100 if alpha.type == "percentage" else 1
        if alpha.type in ("number", "percentage") and not 0 <= alpha.value <= limit:
            return f"opacity {alpha.representation} in '{text}' is out of range (0 to {limit})"
    return ""


def check_colours(doc: Doc, colours: dict[str, Any], problems: Problems) -> dict[str, str]:
    """The colours that are CSS colours; every other one becomes a problem at its line."""
    good = {}
    for name, value in colours.items():
        line = doc.line_of("colors", name)
        if not re.fullmatch(r"[a-z][a-z0-9-]*", str(name)):
            problems.add(doc.path, line, f"colour name '{name}' is not a custom property name",
                         "use a lower-case name such as accent or dark-accent")
            continue
        problem = colour_problem(str(value))
        if problem:
            problems.add(doc.path, line, f"colour '{name}': {problem}")
            continue
        good[name] = str(value).strip()
    return good


def commented_out_values(doc: Doc, text: str, problems: Problems) -> None:
    """A key whose value YAML read as a comment (`accent: #1b5e20` is `accent:` and a comment)."""
    lines = text.split("\n")
    for keys, value in _leaves(doc.data, ()):
        if value is not None or not keys or isinstance(keys[-1], int):
            continue
        line = doc.lines.get(keys)
        if line is None or line - doc.first_line >= len(lines):
            continue
        source = lines[line - doc.first_line]
        after = source.split(":", 1)[1] if ":" in source else ""
        comment = after.strip()
        # `# fill in later` is a comment; `#1b5e20`, with no space, was meant as the value
        if re.match(r"#[^\s#]", comment):
            problems.add(doc.path, line,
                         f"'{keys[-1]}' has no value: YAML reads everything after # as a comment",
                         f'put it in quotes: {keys[-1]}: "{comment.split()[0]}"')


def _leaves(data: Any, at: KeyPath) -> Iterator[tuple[KeyPath, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*at, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*at, index))
    else:
        yield at, data


def repository_url(url: str) -> str:
    """A repository's web address as links need it: no trailing slash, no `.git` (a clone URL)."""
    url = url.strip().rstrip("/")
    return url.removesuffix(".git").rstrip("/")


_REFERENCE = re.compile(r"""\{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")


def template_cycles(folder: Path, problems: Problems) -> None:
    """A site template that extends, includes or imports itself, directly or through others.

    With site templates looked up first, `{% extends "cell.html" %}` inside templates/cell.html
    names the file itself, not the built-in one, and would recurse forever.
    """
    if not folder.is_dir():
        return
    refs: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            name = path.relative_to(folder).as_posix()
            text = path.read_text(encoding="utf-8", errors="replace")
            refs[name] = [(m.group(1), text.count("\n", 0, m.start()) + 1)
                          for m in _REFERENCE.finditer(text)]
    for name in refs:
        line = _cycle_line(name, refs)
        if line is not None:
            problems.add(folder / name, line, f"template '{name}' extends or includes itself",
                         f"to build on the built-in one, write {{% extends \"builtin/{name}\" %}}")


def _cycle_line(start: str, refs: dict[str, list[tuple[str, int]]]) -> int | None:
    """The line of start's reference that leads back to start, or None."""
    for target, line in refs[start]:
        seen, todo = set(), [target]
        while todo:
            current = todo.pop()
            if current == start:
                return line
            if current in seen or current not in refs:  # builtin/... and built-ins end here
                continue
            seen.add(current)
            todo.extend(t for t, _ in refs[current])
    return None
