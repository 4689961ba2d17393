"""A ready-to-fill exemplar file for one cell: for `build.py new` and for the site's GitHub links.

One function, `exemplar_template`, writes the file's text; the `new` command saves it and every cell
page links to GitHub's new-file page with the same text prefilled, so the two never drift apart.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode

from . import fields
from .errors import ContentError, Problems
from .load import Doc, read_sources, read_text, split_front_matter
from .mistakes import (
    PLACEHOLDER_FILE,
    PLACEHOLDER_RESOURCE,
    PLACEHOLDER_STEP,
    PLACEHOLDER_STORY,
    PLACEHOLDER_SUMMARY,
    PLACEHOLDER_TITLE,
)
from .model import CellKey, Config, Exemplar, Site
from .safety import LinkError
from .slugs import ascii_slug
from .validate import _level_id, _theme_id, to_site

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schema/exemplar.schema.json"
ISSUE_FORM = "suggest-exemplar.yml"  # .github/ISSUE_TEMPLATE/<this>
SLUG_LIMIT = 60  # long titles make unwieldy addresses; the slug is cut at a word boundary


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML), safe for any title."""
    return json.dumps(text, ensure_ascii=False)


def _about(key: str, spec=fields.EXEMPLAR) -> str:
    rule = spec[key]
    return f"# {key}{' (required)' if rule.required else ''}: {rule.description}"


def exemplar_template(site: Site, key: CellKey, title: str, today: dt.date | None = None) -> str:
    """The text of a new exemplar file for one cell, every field explained in a YAML comment.

    `today` fills in `date`; without it (the site's links, which must not change from one day's
    build to the next) the date line is left as a comment to fill in.
    """
    standard = site.standard(key.standard)
    theme = standard.theme(key.theme)
    level = site.level(key.level)
    cell = site.cell(key)
    statement = " ".join(cell.statement.split())
    date_line = f"date: {today.isoformat()}" if today else "# date: YYYY-MM-DD"
    lines = [
        "---",
        SCHEMA_COMMENT,
        f"# A new exemplar for {cell.code}: {theme.title}, {level.label}.",
        f"# The statement it shows: \"{statement}\"",
        "# Replace each placeholder in quotes; leave optional fields empty rather than guessing.",
        "# Lines starting with # are notes for you and can stay or go.",
        "",
        _about("title"),
        f"title: {_q(title)}",
        _about("standard"),
        f"standard: {standard.id}",
        _about("theme") + f" This cell: {theme.code}, {theme.title}.",
        f"theme: {theme.id}",
        _about("level") + f" This cell: {level.label}.",
        f"level: {level.id}",
        _about("cells"),
        "#   cells: [{theme: A, level: established}, {theme: B, level: evolving}]",
        _about("summary"),
        f"summary: {_q(PLACEHOLDER_SUMMARY)}",
        _about("region"),
        'region: ""',
        _about("grades"),
        "grades: []",
        _about("tags"),
        "tags: []",
        _about("date"),
        date_line,
        _about("contributors") + " e.g. [\"Jane Doe\"]",
        "contributors: []",
        _about("language"),
        "#   language: fr",
        _about("resources") + " Add one '- title: ...' block per resource.",
        "resources:",
        *_resource_lines(),
        "---",
        "",
        "## What it shows",
        "",
        PLACEHOLDER_STORY,
        "",
        "## Try it in your school",
        "",
        PLACEHOLDER_STEP,
        "",
    ]
    return "\n".join(lines)


def _resource_lines() -> list[str]:
    """The first resource's block: each field with its note, the title a placeholder."""
    resource = fields.RESOURCE.fields
    lines = ["  " + _about("title", resource), f"  - title: {_q(PLACEHOLDER_RESOURCE)}"]
    for name, empty in (("author", '""'), ("year", ""), ("url", '""'), ("kind", '""'),
                        ("annotation", '""')):
        lines += ["    " + _about(name, resource), f"    {name}: {empty}".rstrip()]
    return [*lines, "    " + _about("language", resource), "    #   language: fr"]


def exemplar_slug(title: str) -> str:
    """The file name (without .md) for a title: web-safe, at most SLUG_LIMIT characters."""
    slug = ascii_slug(title)
    if len(slug) > SLUG_LIMIT:
        slug = slug[: SLUG_LIMIT + 1].rsplit("-", 1)[0]
    return slug.strip("-")


def resolve_cell(
    site: Site, standard: str | None, theme: str, level: str
) -> tuple[CellKey | None, list[ContentError]]:
    """The cell named on the command line, with `check`'s own messages and did-you-mean hints."""
    problems = Problems()
    if standard is None:
        if len(site.standards) != 1:
            problems.add(Path("--standard"), None, "this site has several standards: say which one",
                         f"add --standard with one of: {', '.join(s.id for s in site.standards)}")
            return None, problems.sorted()
        chosen = site.standards[0]
    else:
        ids = [s.id for s in site.standards]
        standard = standard.strip()
        if standard not in ids:
            problems.unknown(Path("--standard"), None, "standard", standard, ids)
            return None, problems.sorted()
        chosen = site.standard(standard)
    # the validator's own helpers, so `new` and `check` can never disagree about a name
    theme_id = _theme_id(Doc(Path("--theme"), {}), (), theme, chosen, problems, site.levels)
    level_id = _level_id(Doc(Path("--level"), {}), (), level, site.levels, problems)
    if problems:
        return None, [_as_options(e) for e in problems.sorted()]
    return CellKey(chosen.id, theme_id, level_id), []


def _as_options(error: ContentError) -> ContentError:
    """A fix written for a file (`theme: vision`) as the command line's (`--theme vision`)."""
    hint = re.sub(r"\b(theme|level|standard): ", r"--\1 ", error.hint)
    return ContentError(error.path, error.line, error.message, hint, error.key)


def rubric_site(root: Path) -> tuple[Site, list[ContentError]]:
    """The site at root, and the problems of its settings and rubric only.

    Other exemplars' problems do not stop `new`, `import-issue` or the schema: a contributor may
    be halfway through another file.
    """
    problems = Problems()
    site = to_site(read_sources(root, problems), problems)
    content = (root / "content").absolute()
    # a link that leads outside stops every command, wherever it is
    return site, [e for e in problems.sorted()
                  if isinstance(e, LinkError) or not e.path.absolute().is_relative_to(content)]


def new_exemplar(
    root: Path, theme: str, level: str, title: str, standard: str | None = None,
    today: dt.date | None = None,
) -> tuple[Path | None, list[ContentError]]:
    """Write content/exemplars/<slug>.md for one cell; never overwrites a file."""
    site, broken = rubric_site(root)
    if broken:
        return None, broken
    key, errors = resolve_cell(site, standard, theme, level)
    slug = exemplar_slug(title)
    if not slug:
        errors.append(ContentError(Path("TITLE"), None, f"the title '{title}' gives no file name",
                                   "use a title with some letters a-z or digits"))
    if errors or key is None:
        return None, errors
    folder = root / "content" / "exemplars"
    path = folder / f"{slug}.md"
    taken = {p.stem.lower() for p in folder.glob("*.md")} if folder.is_dir() else set()
    if slug in taken:
        return None, [ContentError(path, None, f"an exemplar named '{slug}.md' already exists",
                                   "choose another title, or edit that file")]
    folder.mkdir(parents=True, exist_ok=True)
    text = exemplar_template(site, key, title, today or dt.date.today())
    with path.open("x", encoding="utf-8") as f:  # "x": a file that appeared meanwhile is kept
        f.write(text)
    return path, []


# --- links to the site's repository (shown when site.yaml sets `repository`) ---------------------


def issue_form_url(config: Config) -> str:
    """The 'Suggest an exemplar' issue form of the site's repository."""
    return f"{config.repository}/issues/new?template={ISSUE_FORM}"


def new_file_url(site: Site, key: CellKey) -> str:
    """GitHub's new-file page in content/exemplars, prefilled with this cell's template."""
    config = site.config
    text = exemplar_template(site, key, PLACEHOLDER_TITLE)
    query = urlencode({"filename": PLACEHOLDER_FILE, "value": text}, quote_via=quote)
    return f"{config.repository}/new/{quote(config.branch)}/content/exemplars?{query}"


def edit_url(site: Site, exemplar: Exemplar) -> str:
    """GitHub's editor for an exemplar's file."""
    config = site.config
    try:
        rel = exemplar.path.resolve().relative_to(site.root.resolve()).as_posix()
    except ValueError:  # a path outside the site cannot happen for a loaded exemplar
        rel = f"content/exemplars/{exemplar.path.name}"
    return f"{config.repository}/edit/{quote(config.branch)}/{quote(rel)}"


# --- CONTRIBUTING.md: the site's contribute page, for readers of the repository ----------------

CONTRIBUTE_PAGE = Path("content") / "pages" / "contribute.md"


def contributing_md(root: Path) -> str:
    """CONTRIBUTING.md's text: the contribute page's title and body, so the guide is written once."""
    path = root / CONTRIBUTE_PAGE
    meta, body, _line, _digest = split_front_matter(path, read_text(path))
    return (f"<!-- Generated from {CONTRIBUTE_PAGE.as_posix()} by `rubricsite sync`: "
            f"edit that file, not this one. -->\n\n# {meta.data['title']}\n\n{body.strip()}\n")
