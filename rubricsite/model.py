"""The site's model: immutable dataclasses with the cross-links resolved by id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Level:
    """A growth phase: Exploring (order 0, no statements) to Leading."""

    id: str
    label: str
    order: int
    summary: str

    @property
    def has_statements(self) -> bool:
        return self.order > 0


@dataclass(frozen=True, slots=True)
class CellKey:
    """Points at one cell of one standard's grid, by ids (never letters or positions)."""

    standard: str
    theme: str
    level: str


@dataclass(frozen=True, slots=True)
class Theme:
    """A row of a standard's grid."""

    id: str
    code: str
    title: str
    provocations: tuple[str, ...]
    indicators: Mapping[str, str]  # level id -> statement


@dataclass(frozen=True, slots=True)
class Standard:
    """One standard of practice: its intro and its themes."""

    id: str
    version: str
    title: str
    short_title: str
    order: int
    intro: str  # Markdown
    themes: tuple[Theme, ...]
    path: Path

    def theme(self, theme_id: str) -> Theme:
        return next(t for t in self.themes if t.id == theme_id)


@dataclass(frozen=True, slots=True)
class Resource:
    """A published resource an exemplar cites."""

    title: str
    author: str = ""
    year: int | None = None
    url: str = ""
    kind: str = ""
    annotation: str = ""
    language: str = ""  # a language code (fr) when the title is not in the site's language


@dataclass(frozen=True, slots=True)
class Exemplar:
    """One "See it in action" story, shown in one or more cells."""

    slug: str
    path: Path
    title: str
    summary: str
    cells: tuple[CellKey, ...]
    body: str  # Markdown
    body_line: int
    region: str = ""
    grades: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    date: dt.date | None = None
    contributors: tuple[str, ...] = ()
    resources: tuple[Resource, ...] = ()
    language: str = ""  # a language code (fr) when the title is not in the site's language
    region_slug: str = ""  # slugs.slugify(region): the filters' value
    tag_slugs: tuple[str, ...] = ()  # slugs.slugify of each tag, in the order of tags
    links: tuple[tuple[int, str], ...] = ()  # the story's links into the site (load.SourceFile)

    @property
    def standards(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.standard for c in self.cells))

    @property
    def tag_links(self) -> tuple[tuple[str, str], ...]:
        """(slug, tag as written) for each tag: what a tag link needs."""
        return tuple(zip(self.tag_slugs, self.tags, strict=True))


@dataclass(frozen=True, slots=True)
class Cell:
    """One theme at one phase: its statement and the exemplars that show it."""

    key: CellKey
    code: str  # "A3": theme letter + phase order, as the published rubric labels cells
    statement: str
    exemplars: tuple[str, ...]  # slugs, in reading order


@dataclass(frozen=True, slots=True)
class Link:
    """A footer or navigation link a district sets in site.yaml."""

    text: str
    url: str


@dataclass(frozen=True, slots=True)
class Config:
    """site.yaml, with defaults that work with no configuration."""

    title: str = "Leading Learning: See it in action"
    description: str = (
        "A browsable growth rubric for school library learning commons in Canada, "
        "with exemplars for every cell."
    )
    base_url: str = ""
    language: str = "en"
    repository: str = ""
    branch: str = "main"
    logo: str = ""
    colors: Mapping[str, str] = field(default_factory=dict)
    footer_text: str = ""
    footer_links: tuple[Link, ...] = ()
    feed_size: int = 20
    standards: tuple[str, ...] = ()  # the ids site.yaml publishes; () is every one


@dataclass(frozen=True, slots=True)
class ContentPage:
    """A page under content/pages (about, contribute)."""

    slug: str
    path: Path
    title: str
    summary: str
    body: str
    body_line: int
    links: tuple[tuple[int, str], ...] = ()  # the body's links into the site (load.SourceFile)


@dataclass(frozen=True, slots=True)
class Site:
    """The whole model: every lookup goes through here by id."""

    root: Path
    config: Config
    levels: tuple[Level, ...]
    standards: tuple[Standard, ...]
    exemplars: Mapping[str, Exemplar]  # slug -> exemplar, sorted by title
    cells: Mapping[CellKey, Cell]
    tags: Mapping[str, tuple[str, ...]]  # tag slug -> exemplar slugs
    tag_names: Mapping[str, str]  # tag slug -> the tag as written
    pages: tuple[ContentPage, ...]
    digests: Mapping[str, str]  # input key -> content hash (see load.Sources)
    notes: tuple[str, ...] = ()  # one line each, said after a build or check: not problems

    def standard(self, standard_id: str) -> Standard:
        return next(s for s in self.standards if s.id == standard_id)

    def level(self, level_id: str) -> Level:
        return next(lv for lv in self.levels if lv.id == level_id)

    def cell(self, key: CellKey) -> Cell:
        return self.cells[key]

    def exemplars_in(self, key: CellKey) -> tuple[Exemplar, ...]:
        return tuple(self.exemplars[s] for s in self.cells[key].exemplars)

    @property
    def statement_levels(self) -> tuple[Level, ...]:
        return tuple(lv for lv in self.levels if lv.has_statements)


def frozen_map(items: Mapping) -> Mapping:  # type: ignore[type-arg]
    """A read-only view, so nothing in the model is filled in later."""
    return MappingProxyType(dict(items))
