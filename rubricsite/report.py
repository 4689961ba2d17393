"""What a build says when it ends: its errors, or what it wrote, in one line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only named in hints: the no-op rebuild reports without loading the engine
    from .errors import ContentError
    from .store import LastBuild


@dataclass
class BuildReport:
    """What a build did: its errors, or what it wrote."""

    errors: list[ContentError] = field(default_factory=list)
    pages: int = 0
    rendered: list[str] = field(default_factory=list)  # URLs drawn anew this time
    changed: list[str] = field(default_factory=list)  # output files written or removed
    pages_changed: int = 0  # pages among them; the search bundle's files are not pages
    notes: tuple[str, ...] = ()  # lines to show that are not problems (see Site.notes)
    files: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """One line for the end of a build: `Built 10,247 pages (3 changed) in 1.21 s`."""
        return f"Built {self.pages:,} pages ({self.pages_changed:,} changed) in {self.seconds:.2f} s"

    @classmethod
    def of_unchanged(cls, last: LastBuild, seconds: float) -> BuildReport:
        """The report of a rebuild that found nothing to do: what the last build wrote."""
        return cls(pages=last.pages, files=len(last.outputs), notes=last.notes, seconds=seconds)
