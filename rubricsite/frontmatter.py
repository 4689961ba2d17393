"""Front matter that does not parse, read again tolerantly so every other field is still checked.

YAML stops at its first mistake, which would leave a contributor fixing one line per round. Here the
front matter is cut into top-level fields (a line starting at the margin and the indented lines
below it); each field is parsed on its own; a field that fails is looked at line by line for the
mistakes people make (a tab, a colon or quote marks inside a value, a missing space after the
colon, a quote never closed), each becomes a problem on its line, and is repaired where the intent
is plain so the field's value is still checked. A field that cannot be repaired is reported once
and left out, and is not also called missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .errors import ContentError
from .wording import quoted

# `key: value` or `- key: value`, capturing the indentation, the key and the raw value
_FIELD = re.compile(r"^(?P<lead>[ \t]*(?:-[ \t]+)?)(?P<key>[A-Za-z_][\w-]*):(?P<gap>[ \t]*)(?P<value>.*)$")
_RESERVED = tuple("`@%")  # characters YAML refuses at the start of a plain value

Fix = tuple[str, str, str]  # message, hint, the line as repaired


def looks_like_a_field(line: str) -> bool:
    """`title: …` at the margin: the first line of fields whose opening `---` was left out."""
    return bool(re.match(r"^[A-Za-z_][\w-]*:(\s|$)", line))


def end_of_fields(lines: list[str]) -> int | None:
    """Where fields opened by `---` but never closed end: the first line of the story (a line
    that is neither a field, nor indented, nor a list item, nor a YAML comment), or None."""
    for index in range(1, len(lines)):
        line = lines[index]
        if not line.strip() or line[:1] in (" ", "\t", "-") or looks_like_a_field(line):
            continue
        if line.startswith("#") and not line.startswith("##"):  # '## What it shows' is the story
            continue
        return index if index > 1 else None
    return None


def reread(path: Path, text: str, first_line: int,
           parse: Callable[[Path, str, int], object]) -> tuple[dict, dict, list[ContentError]]:
    """The readable fields of broken front matter: (data, lines of keys, problems).

    `parse` is load.parse_yaml, passed in because load calls this module.
    """
    data: dict = {}
    lines: dict = {}
    problems: list[ContentError] = []
    for start, block in _blocks(text.split("\n")):
        at = first_line + start
        doc, found = _read_block(path, block, at, parse)
        problems.extend(found)
        if doc is None:
            key = _FIELD.match(block[0])
            if key:
                lines.setdefault((key["key"],), at)  # written, but unreadable: not "missing"
            continue
        for key, value in doc.data.items():  # type: ignore[attr-defined]
            if key in data:
                problems.append(ContentError(path, doc.line_of(key), f"`{key}` is given twice",
                                             "keep one of them and delete the other"))
                continue
            data[key] = value
            lines.update({k: v for k, v in doc.lines.items() if k and k[0] == key})
    return data, lines, problems


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """(index of its first line, its lines) of each top-level field."""
    blocks: list[tuple[int, list[str]]] = []
    for index, line in enumerate(lines):
        starts = line[:1] not in ("", " ", "\t", "#", "-")
        if starts:
            blocks.append((index, [line]))
        elif blocks:
            blocks[-1][1].append(line)
    return blocks


def _read_block(path: Path, block: list[str], at: int, parse) -> tuple[object | None, list[ContentError]]:
    """One field parsed, repaired first when it does not parse; the problems found on its lines."""
    doc, error = _parse(path, block, at, parse)
    if error is None:
        return doc, []
    repaired, problems = list(block), []
    for offset, line in enumerate(block):
        fix = _diagnose(line, repaired[:offset])
        if fix:
            message, hint, repaired[offset] = fix
            problems.append(ContentError(path, at + offset, message, hint))
    if not problems:  # YAML's own complaint, on a line of this field (its end may be past it)
        line = min(max(error.line or at, at), at + len(block) - 1)
        return None, [ContentError(path, line, error.message, error.hint)]
    doc, after = _parse(path, repaired, at, parse)
    if after is None:
        return doc, problems
    if after.line not in {p.line for p in problems}:
        problems.append(after)
    return None, problems


def _parse(path: Path, block: list[str], at: int, parse) -> tuple[object, ContentError | None]:
    """A block parsed as one `key: value` field, or why it cannot be."""
    try:
        doc = parse(path, "\n".join(block), at)
    except ContentError as error:
        return None, error
    if not isinstance(doc.data, dict):  # e.g. `url:https://…`, read as one word
        return None, ContentError(path, at, "this line is not a 'key: value' line",
                                  "write the field's name, a colon, a space, then the value")
    return doc, None


def _diagnose(line: str, before: list[str]) -> Fix | None:
    """The first mistake found on one line, with its fix and the line repaired."""
    for check in (_tab, _no_space, _colon_in_value, _inner_quotes, _unclosed_quote, _reserved,
                  _indented_off):
        fix = check(line, before)
        if fix:
            return fix
    return None


def _tab(line: str, before: list[str]) -> Fix | None:
    lead = line[: len(line) - len(line.lstrip(" \t"))]
    field = _FIELD.match(line)
    if "\t" in lead:
        repaired = " " * _indent_for(before) + line.lstrip(" \t")
        return ("this line is indented with a tab", "use spaces, not a tab", repaired)
    if field and "\t" in field["gap"]:
        repaired = f"{field['lead']}{field['key']}: {field['value']}"
        return ("a tab after the colon of " + f"`{field['key']}`", "use a space, not a tab", repaired)
    return None


def _indent_for(before: list[str]) -> int:
    """Where a line indented with a tab most likely meant to start: under the key above it, or
    one step in when that key opens a list or a set of fields."""
    for line in reversed(before):
        field = _FIELD.match(line)
        if field and "\t" not in field["lead"]:
            column = len(field["lead"])
            return column + 2 if not field["value"].strip() else column
        if line.strip() and not line.lstrip().startswith("#"):
            return len(line) - len(line.lstrip(" "))
    return 2


def _no_space(line: str, before: list[str]) -> Fix | None:
    field = _FIELD.match(line)
    if field and not field["gap"] and field["value"] and not field["value"].startswith("//"):
        key = field["key"]
        return (f"no space after the colon of `{key}`", f"write {key}: {field['value']}",
                f"{field['lead']}{key}: {field['value']}")
    return None


def _colon_in_value(line: str, before: list[str]) -> Fix | None:
    field = _FIELD.match(line)
    if not field or not field["gap"]:
        return None
    value = field["value"].rstrip()
    if value[:1] in ("'", '"', "[", "{", "|", ">", "&", "*", "!") or not re.search(r":(\s|$)", value):
        return None
    key = field["key"]
    return (f"the {key} holds a colon, which reads as the start of another field",
            f"put the {key} in quotes: {key}: {quoted(value)}",
            f"{field['lead']}{key}: {quoted(value)}")


def _inner_quotes(line: str, before: list[str]) -> Fix | None:
    field = _FIELD.match(line)
    if not field or not field["gap"]:
        return None
    value = field["value"].rstrip()
    mark = value[:1]
    if mark not in ("'", '"'):
        return None
    closing = _closing_quote(value, mark)
    rest = value[closing + 1:].strip() if closing is not None else ""
    if closing is None or not rest or rest.startswith("#"):
        return None
    key = field["key"]
    inner = value[1:-1] if value.endswith(mark) else value.strip(mark)
    return (f"only part of the {key} is inside the quote marks",
            f"put the whole {key} in one pair of quotes: {key}: {quoted(inner)}",
            f"{field['lead']}{key}: {quoted(inner)}")


def _unclosed_quote(line: str, before: list[str]) -> Fix | None:
    field = _FIELD.match(line)
    if not field or not field["gap"]:
        return None
    value = field["value"].rstrip()
    mark = value[:1]
    if mark in "[{" and value and not value.endswith("]}"[mark == "{"]):
        end = "]}"[mark == "{"]
        return (f"the {mark} that opens the {field['key']} is never closed",
                f"end the line with {end}: {field['key']}: {value}{end}",
                f"{field['lead']}{field['key']}: {value}{end}")
    if mark not in ("'", '"') or _closing_quote(value, mark) is not None:
        return None
    key = field["key"]
    return (f"the quote mark that opens the {key} is never closed",
            f"end the line with {mark}: {key}: {value}{mark}",
            f"{field['lead']}{key}: {value}{mark}")


def _reserved(line: str, before: list[str]) -> Fix | None:
    field = _FIELD.match(line)
    if not field or not field["value"].startswith(_RESERVED):
        return None
    key, value = field["key"], field["value"].rstrip()
    return (f"the {key} starts with {value[0]}, which YAML keeps for itself",
            f"put the {key} in quotes: {key}: {quoted(value)}",
            f"{field['lead']}{key}: {quoted(value)}")


def _indented_off(line: str, before: list[str]) -> Fix | None:
    """A field indented by a different number of spaces than the field just above it, which holds
    a value (so this one cannot be inside it)."""
    field = _FIELD.match(line)
    above = next((_FIELD.match(b) for b in reversed(before)
                  if b.strip() and not b.lstrip().startswith("#")), None)
    if not field or not above or "-" in field["lead"] or not above["value"].strip():
        return None
    column, wanted = len(field["lead"]), len(above["lead"])
    if column <= wanted:  # less: it may close the list above; YAML's own message then stands
        return None
    return (f"`{field['key']}` is indented more than `{above['key']}` above it",
            f"start `{field['key']}` in the same column as `{above['key']}`, using spaces",
            " " * wanted + line.lstrip(" "))


def _closing_quote(value: str, mark: str) -> int | None:
    """Index of the quote that closes the one at value[0], or None."""
    index = 1
    while index < len(value):
        char = value[index]
        if mark == '"' and char == "\\":
            index += 2
            continue
        if char == mark:
            if mark == "'" and value[index + 1: index + 2] == "'":  # '' is a quote inside '…'
                index += 2
                continue
            return index
        index += 1
    return None
