"""The one error type of the project, and the collector that validators add to."""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote


@dataclass
class ContentError(Exception):
    """A problem in a contributor's file: where it is, what is wrong, how to fix it."""

    path: Path
    line: int | None
    message: str
    hint: str = ""
    key: tuple = ()  # the field it is about, e.g. ("resources", 0, "url"); () when none

    def __post_init__(self) -> None:
        super().__init__(self.path, self.line, self.message, self.hint, self.key)  # picklable

    @property
    def option(self) -> str:
        """The command-line option or argument this is about ('option --theme', 'TITLE'), or ''
        for a file's problem; its path is then the option's name."""
        name = str(self.path)
        if name.startswith("--") and "/" not in name:
            return f"option {name}"
        return name if re.fullmatch(r"[A-Z]+", name) else ""

    def sort_key(self) -> tuple[str, int, str]:
        return (str(self.path), self.line or 0, self.message)

    @property
    def shown_line(self) -> int:
        # an error about the whole file (its name, its encoding) points at its first line,
        # so every message keeps the `path:line:` shape that editors and CI logs link
        return self.line or 1

    def location(self, root: Path | None = None) -> str:
        return f"{_shown(self.path, root)}:{self.shown_line}"

    def said(self) -> str:
        """The message and its fix, as one sentence: `message (fix)`."""
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def text(self, root: Path | None = None) -> str:
        """`path:line: error: message (hint)`: the form editors and CI logs understand; a
        command-line option's problem says `error: option --theme: ...` instead."""
        if self.option:
            return f"error: {self.option}: {self.said()}"
        return f"{self.location(root)}: error: {self.said()}"

    def github(self, root: Path | None = None) -> str:
        """A GitHub Actions workflow command, so the error shows on the pull request's line."""
        if self.option:
            return f"::error::{_escape_data(f'{self.option}: {self.said()}')}"
        where = f"file={_escape_property(_shown(self.path, root))},line={self.shown_line}"
        return f"::error {where}::{_escape_data(self.said())}"

    def as_dict(self, root: Path | None = None) -> dict[str, object]:
        return {
            "path": "" if self.option else _shown(self.path, root),
            "line": None if self.option else self.shown_line,
            "option": self.option,
            "message": self.message,
            "hint": self.hint,
        }


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        # the path as written, not where a symbolic link leads (that may be outside, or a loop)
        for mine, base in ((Path(os.path.abspath(path)), Path(os.path.abspath(root))),
                           (Path(os.path.abspath(path)), root.resolve())):
            if mine.is_relative_to(base):
                return mine.relative_to(base).as_posix()
    return Path(path).as_posix()


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def closest(value: object, choices: Iterable[str]) -> str:
    """The choice a misspelt id most likely meant, or '' when nothing is close."""
    close = difflib.get_close_matches(str(value).strip().lower(), list(choices), n=1, cutoff=0.6)
    return close[0] if close else ""


def suggestion(value: object, choices: Iterable[str]) -> str:
    """A 'did you mean' hint for a misspelt id, or '' when nothing is close."""
    close = closest(value, choices)
    return f"did you mean '{close}'?" if close else ""


@dataclass
class Problems:
    """Collects every problem of a build, so a contributor sees all of them at once."""

    items: list[ContentError] = field(default_factory=list)

    def add(self, path: Path, line: int | None, message: str, hint: str = "",
            key: tuple = ()) -> None:
        self.items.append(ContentError(Path(path), line, message, hint, key))

    def extend(self, errors: Iterable[ContentError]) -> None:
        self.items.extend(errors)

    def unknown(
        self, path: Path, line: int | None, what: str, value: object, choices: Iterable[str],
        key: tuple = (),
    ) -> None:
        choices = list(choices)
        hint = suggestion(value, choices) or f"expected one of: {', '.join(choices)}"
        self.add(path, line, f"unknown {what} '{value}'", hint, key)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[ContentError]:
        unique = {(e.sort_key(), e.hint): e for e in self.items}
        return [unique[k] for k in sorted(unique)]


def format_errors(errors: list[ContentError], fmt: str, root: Path | None = None,
                  line_links: str = "") -> str:
    """All errors in one of the `check --format` styles: text, github, json or markdown (for a
    pull request's job summary; `line_links` is the address files are linked under)."""
    if fmt == "json":
        return json.dumps([e.as_dict(root) for e in errors], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(e.github(root) for e in errors)
    if fmt == "markdown":
        return markdown_summary(errors, root, line_links)
    return "\n".join(e.text(root) for e in errors)


def markdown_summary(errors: list[ContentError], root: Path | None, line_links: str = "") -> str:
    """A job summary: every problem in the words `check` uses, each linked to its line."""
    if not errors:
        return "## No problems found\n"
    noun = "problem" if len(errors) == 1 else "problems"
    out = [f"## {len(errors)} {noun} to fix", "",
           "Each line names the file, the line to change and, in brackets, the fix. Fix them all, "
           "commit, and the check runs again.", ""]
    for error in errors:
        if error.option:
            where = _md(error.option)
        else:
            shown = _shown(error.path, root)
            where = f"{_md(shown)}, line {error.shown_line}"
            if line_links:
                where = f"[{where}]({line_links.rstrip('/')}/{quote(shown)}#L{error.shown_line})"
        out.append(f"- {where}: {_md(error.said())}")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Text shown as itself in Markdown: contributors' words can hold links, HTML or markup."""
    text = " ".join(text.split())
    return re.sub(r"([\\`*_{}\[\]<>()#|~!])", r"\\\1", text)
