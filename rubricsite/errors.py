"""The one error type of the project, and the collector that validators add to."""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ContentError(Exception):
    """A problem in a contributor's file: where it is, what is wrong, how to fix it."""

    path: Path
    line: int | None
    message: str
    hint: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.path, self.line, self.message, self.hint)  # picklable

    def sort_key(self) -> tuple[str, int, str]:
        return (str(self.path), self.line or 0, self.message)

    @property
    def shown_line(self) -> int:
        # an error about the whole file (its name, its encoding) points at its first line,
        # so every message keeps the `path:line:` shape that editors and CI logs link
        return self.line or 1

    def location(self, root: Path | None = None) -> str:
        return f"{_shown(self.path, root)}:{self.shown_line}"

    def text(self, root: Path | None = None) -> str:
        """`path:line: error: message (hint)`: the form editors and CI logs understand."""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.location(root)}: error: {self.message}{hint}"

    def github(self, root: Path | None = None) -> str:
        """A GitHub Actions workflow command, so the error shows on the pull request's line."""
        hint = f" ({self.hint})" if self.hint else ""
        where = f"file={_escape_property(_shown(self.path, root))},line={self.shown_line}"
        return f"::error {where}::{_escape_data(self.message + hint)}"

    def as_dict(self, root: Path | None = None) -> dict[str, object]:
        return {
            "path": _shown(self.path, root),
            "line": self.shown_line,
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


def suggestion(value: object, choices: Iterable[str]) -> str:
    """A 'did you mean' hint for a misspelt id, or '' when nothing is close."""
    close = difflib.get_close_matches(str(value).lower(), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


@dataclass
class Problems:
    """Collects every problem of a build, so a contributor sees all of them at once."""

    items: list[ContentError] = field(default_factory=list)

    def add(self, path: Path, line: int | None, message: str, hint: str = "") -> None:
        self.items.append(ContentError(Path(path), line, message, hint))

    def extend(self, errors: Iterable[ContentError]) -> None:
        self.items.extend(errors)

    def unknown(
        self, path: Path, line: int | None, what: str, value: object, choices: Iterable[str]
    ) -> None:
        choices = list(choices)
        hint = suggestion(value, choices) or f"expected one of: {', '.join(choices)}"
        self.add(path, line, f"unknown {what} '{value}'", hint)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[ContentError]:
        unique = {(e.sort_key(), e.hint): e for e in self.items}
        return [unique[k] for k in sorted(unique)]


def format_errors(errors: list[ContentError], fmt: str, root: Path | None = None) -> str:
    """All errors in one of the `check --format` styles: text, github or json."""
    if fmt == "json":
        return json.dumps([e.as_dict(root) for e in errors], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(e.github(root) for e in errors)
    return "\n".join(e.text(root) for e in errors)
