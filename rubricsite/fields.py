"""The shape of every data file, declared once: the validator and the JSON Schema both read it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a data file: its kind, whether it is required, and what it is for."""

    kind: str  # string | integer | date | url | list | object | map
    description: str
    required: bool = False
    items: Field | None = None  # list: the kind of each item; map: the kind of each value
    fields: Mapping[str, Field] = field(default_factory=dict)  # object: its keys
    example: object = None


def _s(description: str, required: bool = False, example: object = None) -> Field:
    return Field("string", description, required, example=example)


def _strings(description: str, example: object = None) -> Field:
    return Field("list", description, items=_s("one entry"), example=example)


RESOURCE = Field(
    "object",
    "A published resource the exemplar draws on, cited in APA style on the page.",
    fields={
        "title": _s("The resource's title, as published.", required=True),
        "author": _s("Author(s) or organisation, as in a citation: 'King, A.' or 'Surrey Schools'."),
        "year": Field("integer", "Year of publication.", example=2020),
        "url": Field("url", "Where to find it: a full http(s) address."),
        "kind": _s("What it is: article, video, website, handbook, blog post, slides, report..."),
        "annotation": _s("One or two sentences, in your own words, on why it is worth a look."),
    },
)

CELL = Field(
    "object",
    "One cell of the rubric this exemplar shows.",
    fields={
        "theme": _s("Theme id or letter, e.g. vision-for-learning or A.", required=True),
        "level": _s("Phase id: emerging, evolving, established or leading.", required=True),
    },
)

EXEMPLAR: Mapping[str, Field] = {
    "title": _s("The exemplar's title.", required=True),
    "standard": _s("Standard id; needed only when the site has more than one standard."),
    "theme": _s("Theme id or letter of the cell this shows, e.g. vision-for-learning or A."),
    "level": _s("Phase id of the cell this shows: emerging, evolving, established or leading."),
    "cells": Field("list", "Instead of theme and level: every cell this exemplar shows.", items=CELL),
    "summary": _s("One sentence: what this exemplar shows.", required=True),
    "region": _s("Province, territory or region, e.g. Ontario."),
    "grades": _strings("Grade bands, e.g. ['K-6'] or ['9-12'].", example=["K-6"]),
    "tags": _strings("A few lower-case topics, e.g. ['video', 'student voice'].", example=["video"]),
    "date": Field("date", "When it was added, as YYYY-MM-DD.", example="2026-11-28"),
    "contributors": _strings("Who wrote this exemplar up."),
    "resources": Field("list", "The published resources it draws on.", items=RESOURCE),
}

LEVEL = Field(
    "object",
    "A growth phase.",
    fields={
        "id": _s("Lower-case id used in URLs.", required=True),
        "label": _s("The name shown to readers.", required=True),
        "order": Field("integer", "Position on the continuum, from 0.", required=True),
        "summary": _s("One line on what this phase means.", required=True),
    },
)

LEVELS: Mapping[str, Field] = {
    "levels": Field("list", "The phases, in order.", required=True, items=LEVEL),
}

THEME = Field(
    "object",
    "A row of the grid.",
    fields={
        "id": _s("Kebab-case id used in URLs and saved self-assessments.", required=True),
        "code": _s("The letter the published rubric uses, e.g. A.", required=True),
        "title": _s("The theme's title.", required=True),
        "provocations": _strings("Reflection questions for a school staff."),
        "indicators": Field(
            "map", "Phase id -> indicator statement.", required=True, items=_s("statement")
        ),
    },
)

STANDARD: Mapping[str, Field] = {
    "id": _s("Kebab-case id; the same as the file name.", required=True),
    "version": _s("Changes whenever themes or statements change.", required=True),
    "title": _s("The standard's full title.", required=True),
    "short_title": _s("A short title for menus and headings.", required=True),
    "order": Field("integer", "Position on the home page."),
    "source": _s("The publication it comes from."),
    "intro": _s("An introduction, in Markdown.", required=True),
    "themes": Field("list", "The themes, in order.", required=True, items=THEME),
}

LINK = Field(
    "object",
    "A link.",
    fields={"text": _s("Link text.", required=True), "url": _s("Address.", required=True)},
)

CONFIG: Mapping[str, Field] = {
    "title": _s("The site's name."),
    "description": _s("One sentence for search engines and link previews."),
    "base_url": Field("url", "The public address, e.g. https://district.github.io/llc/."),
    "language": _s("Language code of the pages, e.g. en or fr."),
    "repository": Field("url", "The GitHub repository, for 'add an exemplar' and 'edit' links."),
    "branch": _s("The repository's default branch."),
    "logo": _s("Path of a logo under assets/, e.g. assets/logo.svg."),
    "colors": Field(
        "map", "CSS colours by custom property name (accent, ink, paper, ...); dark-accent etc. "
        "for dark mode.", items=_s("a colour")),
    "footer": Field(
        "object",
        "The footer.",
        fields={"text": _s("A line of text."), "links": Field("list", "Links.", items=LINK)},
    ),
    "feed_size": Field("integer", "How many exemplars the Atom feed lists."),
    "standards": Field("list", "The ids of the standards the site publishes, in any order "
                       "(default: every rubric/*.yaml).", items=_s("a standard id")),
}
