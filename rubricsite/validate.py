"""Stage 2, validate: every problem becomes a ContentError; valid parts become the model."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import claims, fields, limits, urlpolicy
from .errors import Problems, suggestion
from .fields import Field
from .load import Doc, SourceFile, Sources
from .model import (
    Cell,
    CellKey,
    Config,
    ContentPage,
    Exemplar,
    Level,
    Link,
    Resource,
    Site,
    Standard,
    Theme,
    frozen_map,
)
from .safety import files_under, site_files

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SAFE_COLOR = re.compile(r"^[#a-zA-Z0-9(),.%/\s-]+$")  # no ; { } < that could escape the CSS
SUMMARY_LIMIT = 300


def ascii_slug(text: str) -> str:
    """'Élève Voice' -> 'eleve-voice': the file-name rule (SLUG), accents folded to ASCII."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def slugify(text: str) -> str:
    """A URL slug in every script, never empty for a non-blank text: 'Student Voice' ->
    'student-voice', 'Québec' -> 'quebec', 'ᐃᓄᒃᑎᑐᑦ' and '図書館' keep their letters; a text with
    no letter or digit at all ('++') becomes its code points ('u2b-2b')."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        folded = unicodedata.normalize("NFKD", char)
        plain = folded.encode("ascii", "ignore").decode("ascii")
        if plain and plain.isalnum() and all(unicodedata.combining(c) for c in folded[len(plain):]):
            out.append(plain.lower())  # Latin letters with accents: the plain letter
        elif char.isalnum() or (out and unicodedata.category(char).startswith("M")):
            out.append(char.lower())  # other scripts' letters and digits, and their vowel signs
        else:
            out.append("-")
    slug = re.sub(r"-+", "-", "".join(out)).strip("-")
    if not slug and text.strip():
        slug = "u" + "-".join(f"{ord(c):x}" for c in text.strip())
    return slug


def check_fields(
    doc: Doc, spec: Mapping[str, Field], problems: Problems, at: tuple = (), what: str = ""
) -> dict[str, Any]:
    """The values of a mapping that match the spec; every mismatch becomes a problem."""
    data = _get(doc.data, at)
    where = what or "the file"
    if not isinstance(data, dict):
        problems.add(doc.path, doc.line_of(*at), f"expected a set of 'key: value' lines in {where}")
        return {}
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if key not in spec:
            hint = suggestion(key, spec) or f"allowed keys: {', '.join(spec)}"
            problems.add(doc.path, doc.line_of(*at, key), f"unknown key '{key}'", hint)
            continue
        checked = _check_value(doc, spec[key], (*at, key), value, problems)
        if checked is not None:
            clean[key] = checked
    for key, rule in spec.items():
        if rule.required and _blank(data.get(key)) and key in data:
            problems.add(doc.path, doc.line_of(*at, key), f"'{key}' is empty", rule.description)
        elif rule.required and key not in data:
            problems.add(doc.path, doc.line_of(*at), f"missing '{key}'", rule.description)
    return clean


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _given(doc: Doc, at: tuple) -> bool:
    """Whether the file itself wrote a value at this place (not blank)."""
    try:
        return not _blank(_get(doc.data, at))
    except (KeyError, IndexError, TypeError):
        return False


def _get(data: Any, at: tuple) -> Any:
    for key in at:
        data = data[key]
    return data


def _check_value(doc: Doc, rule: Field, at: tuple, value: Any, problems: Problems) -> Any:
    line = doc.line_of(*at)
    name = ".".join(str(k) for k in at)
    if value is None:
        return None
    if rule.kind in ("string", "url"):
        if isinstance(value, (dict, list)):
            problems.add(doc.path, line, f"'{name}' must be text, not a list or mapping")
            return None
        text = str(value).strip() if not isinstance(value, bool) else str(value).lower()
        if rule.kind == "url" and text and (not re.match(r"^https?://", text, re.IGNORECASE)
                                            or urlpolicy.problem(text)):
            problems.add(
                doc.path, line, f"'{name}' is not an http(s) address: '{text}'",
                "write the full address, starting with https://",
            )
            return None
        return text
    if rule.kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            problems.add(doc.path, line, f"'{name}' must be a whole number, not '{value}'")
            return None
        return value
    if rule.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        problems.add(
            doc.path, line, f"'{name}' is not a valid date: '{value}'",
            "write it as YYYY-MM-DD, e.g. 2026-11-28",
        )
        return None
    if rule.kind == "list":
        if not isinstance(value, list):
            problems.add(
                doc.path, line, f"'{name}' must be a list",
                f"write it as [\"{value}\"] or as lines starting with '- '",
            )
            return None
        assert rule.items is not None
        out = [_check_value(doc, rule.items, (*at, i), v, problems) for i, v in enumerate(value)]
        return [v for v in out if v is not None]
    if rule.kind == "map":
        if not isinstance(value, dict):
            problems.add(doc.path, line, f"'{name}' must be a set of 'key: value' lines")
            return None
        assert rule.items is not None
        return {
            str(k): v
            for k, v in ((k, _check_value(doc, rule.items, (*at, k), v, problems))
                         for k, v in value.items())
            if v is not None
        }
    if rule.kind == "object":
        return check_fields(doc, rule.fields, problems, at, what=f"'{name}'")
    raise ValueError(f"unknown field kind {rule.kind}")  # a bug in fields.py, not in content


# --- config, levels, standards ------------------------------------------------------------


def to_config(doc: Doc | None, problems: Problems, base_url: str | None = None) -> Config:
    """site.yaml as a Config; a missing file gives the defaults."""
    values = check_fields(doc, fields.CONFIG, problems) if doc and doc.data is not None else {}
    colors = {}
    for name, value in values.get("colors", {}).items():
        if not SLUG.match(name) or not SAFE_COLOR.match(value):
            problems.add(
                doc.path, doc.line_of("colors", name),  # type: ignore[union-attr]
                f"colour '{name}: {value}' is not a plain CSS colour",
                "use a name like accent and a value like #1a5276 or rgb(26 82 118)",
            )
            continue
        colors[name] = value
    if doc is not None:
        _check_look(doc, values, colors, problems)
    footer = values.get("footer", {})
    url = base_url if base_url is not None else values.get("base_url", "")
    if url and not re.match(r"^https?://", url):
        problems.add(Path("--base-url"), None, f"base URL is not http(s): '{url}'")
    defaults = Config()
    return Config(
        title=values.get("title", defaults.title),
        description=values.get("description", defaults.description),
        base_url=(url.rstrip("/") + "/") if url else "",
        language=values.get("language", defaults.language),
        repository=values.get("repository", "").rstrip("/"),
        branch=values.get("branch", defaults.branch),
        logo=values.get("logo", ""),
        colors=frozen_map(colors),
        footer_text=footer.get("text", ""),
        footer_links=tuple(Link(x["text"], x["url"]) for x in footer.get("links", []) if len(x) == 2),
        feed_size=values.get("feed_size", defaults.feed_size),
    )


def _check_look(doc: Doc, values: dict[str, Any], colors: dict[str, str], problems: Problems) -> None:
    """A district's colours, logo and footer links: each name, file and address must exist."""
    from .render import asset_dirs  # render imports the planner, which imports this module

    root = doc.path.parent
    known = _custom_properties(asset_dirs(root))
    for name in list(colors):
        # `dark-accent` sets --accent for dark mode (base.html)
        if known and name.removeprefix("dark-") not in known:
            problems.unknown(doc.path, doc.line_of("colors", name), "colour", name, sorted(known))
            del colors[name]
    logo = values.get("logo", "")
    if logo and not _is_asset(root, logo):
        problems.add(doc.path, doc.line_of("logo"), f"logo '{logo}' is not a file under assets/",
                     "put the image in the site's assets/ folder and write e.g. assets/logo.svg")
    for index, link in enumerate(values.get("footer", {}).get("links", [])):
        url = link.get("url", "")
        if url and urlpolicy.problem(url):
            problems.add(doc.path, doc.line_of("footer", "links", index, "url"),
                         f"footer link '{url}' is neither a web address nor a path of this site",
                         "write https://... for another site, or /about/ for a page of this one")


def _is_asset(root: Path, logo: str) -> bool:
    """Whether logo names a file the build publishes under assets/ (never one outside it)."""
    from .render import asset_dirs  # render imports the planner, which imports this module

    if urlpolicy.site_path_problem(logo) or not logo.startswith("assets/"):
        return False
    name = logo.removeprefix("assets/")
    return any(path.relative_to(folder).as_posix() == name
               for folder in asset_dirs(root) for path in files_under(folder, root))


def _custom_properties(folders: list[Path]) -> set[str]:
    """The names the stylesheets define as custom properties (`--accent:` -> accent): the colours
    site.yaml may set, read from the CSS itself so a new one needs no change here."""
    names: set[str] = set()
    for folder in folders:
        for css in site_files(folder, folder.parent, suffix=".css", recursive=True):
            names.update(re.findall(r"--([a-z][a-z0-9-]*)\s*:", css.read_text("utf-8", "replace")))
    return names


def to_levels(doc: Doc | None, problems: Problems) -> tuple[Level, ...]:
    """rubric/levels.yaml as ordered Levels."""
    if doc is None:
        return ()
    values = check_fields(doc, fields.LEVELS, problems)
    levels = [
        Level(x["id"], x["label"], x["order"], x["summary"])
        for x in values.get("levels", [])
        if {"id", "label", "order", "summary"} <= x.keys()
    ]
    seen: set[str] = set()
    for index, level in enumerate(levels):
        if level.id in seen or not SLUG.match(level.id):
            problems.add(doc.path, doc.line_of("levels", index, "id"),
                         f"level id '{level.id}' is repeated or not a lower-case id")
        seen.add(level.id)
    return tuple(sorted(levels, key=lambda lv: lv.order))


def to_standard(doc: Doc, levels: tuple[Level, ...], problems: Problems) -> Standard | None:
    """One rubric/<id>.yaml as a Standard, its indicators checked against the phases."""
    values = check_fields(doc, fields.STANDARD, problems)
    if not {"id", "version", "title", "short_title", "intro", "themes"} <= values.keys():
        return None
    if values["id"] != doc.path.stem:
        problems.add(doc.path, doc.line_of("id"),
                     f"standard id '{values['id']}' differs from the file name",
                     f"rename the file to {values['id']}.yaml or set id: {doc.path.stem}")
    check_markdown(doc.path, doc.line_of("intro"), values["intro"], problems)
    statement_levels = [lv.id for lv in levels if lv.has_statements]
    themes, ids, codes = [], set(), set()
    for index, raw in enumerate(values["themes"]):
        if not {"id", "code", "title", "indicators"} <= raw.keys():
            continue
        at = ("themes", index)
        if raw["id"] in ids or not SLUG.match(raw["id"]):
            problems.add(doc.path, doc.line_of(*at, "id"),
                         f"theme id '{raw['id']}' is repeated or not a kebab-case id")
        if raw["code"] in codes:
            problems.add(doc.path, doc.line_of(*at, "code"), f"theme code '{raw['code']}' is repeated")
        ids.add(raw["id"])
        codes.add(raw["code"])
        for level_id in raw["indicators"]:
            if level_id not in statement_levels:
                problems.unknown(doc.path, doc.line_of(*at, "indicators", level_id),
                                 "level", level_id, statement_levels)
        for level_id in statement_levels:
            if level_id not in raw["indicators"]:
                problems.add(doc.path, doc.line_of(*at, "indicators"),
                             f"theme '{raw['id']}' has no statement for '{level_id}'")
        themes.append(Theme(raw["id"], raw["code"], raw["title"],
                            tuple(raw.get("provocations", ())),
                            frozen_map({k: v for k, v in raw["indicators"].items()})))
    return Standard(
        id=values["id"], version=str(values["version"]), title=values["title"],
        short_title=values["short_title"], order=values.get("order", 0),
        intro=values["intro"], themes=tuple(themes), path=doc.path,
    )


# --- exemplars ----------------------------------------------------------------------------


def to_exemplar(
    source: SourceFile,
    standards: Mapping[str, Standard],
    levels: tuple[Level, ...],
    problems: Problems,
) -> Exemplar | None:
    """One exemplar file as an Exemplar whose cells exist in the rubric."""
    doc = source.meta
    if doc.data is None:
        problems.add(source.path, 1, "front matter is empty", "add at least title, theme, level, summary")
        return None
    if not isinstance(doc.data, dict):  # its one error says so; a list of missing fields would be noise
        check_fields(doc, fields.EXEMPLAR, problems)
        return None
    before = len(problems)
    values = check_fields(doc, fields.EXEMPLAR, problems)
    if not SLUG.match(source.slug):
        problems.add(source.path, None, f"file name '{source.path.name}' is not a web-safe slug",
                     f"rename it to '{ascii_slug(source.slug) or 'my-exemplar'}.md'")
    summary = values.get("summary", "")
    if len(summary) > SUMMARY_LIMIT:
        problems.add(source.path, doc.line_of("summary"),
                     f"summary is {len(summary)} characters long",
                     f"keep it to one sentence under {SUMMARY_LIMIT} characters")
    if not source.body.strip():
        problems.add(source.path, source.body_line, "the story is empty",
                     "write a few sentences below the closing '---'")
    check_markdown(source.path, source.body_line, source.body, problems)
    _check_tags(doc, values.get("tags", []), problems)
    cells = _exemplar_cells(doc, values, standards, levels, problems)
    if len(problems) > before or not cells:
        return None
    return Exemplar(
        slug=source.slug,
        path=source.path,
        title=values["title"],
        summary=summary,
        cells=cells,
        body=source.body,
        body_line=source.body_line,
        region=values.get("region", ""),
        grades=tuple(values.get("grades", ())),
        tags=tuple(dict.fromkeys(values.get("tags", ()))),
        date=values.get("date"),
        contributors=tuple(values.get("contributors", ())),
        resources=tuple(Resource(**r) for r in values.get("resources", ()) if "title" in r),
    )


def _exemplar_cells(
    doc: Doc,
    values: dict[str, Any],
    standards: Mapping[str, Standard],
    levels: tuple[Level, ...],
    problems: Problems,
) -> tuple[CellKey, ...]:
    standard_id = values.get("standard")
    if standard_id is None:
        if len(standards) != 1:
            problems.add(doc.path, doc.line_of(), "missing 'standard'",
                         f"this site has several standards: {', '.join(standards)}")
            return ()
        standard_id = next(iter(standards))
    if standard_id not in standards:
        problems.unknown(doc.path, doc.line_of("standard"), "standard", standard_id, standards)
        return ()
    standard = standards[standard_id]
    if "cells" in values and ("theme" in values or "level" in values):
        problems.add(doc.path, doc.line_of("cells"), "give either 'cells' or 'theme' and 'level'",
                     "use cells only for an exemplar that shows several cells")
        return ()
    if "cells" in values:
        wanted = [(("cells", i), c.get("theme"), c.get("level")) for i, c in enumerate(values["cells"])]
    elif "theme" in values or "level" in values:
        wanted = [((), values.get("theme"), values.get("level"))]
    else:
        problems.add(doc.path, doc.line_of(), "missing 'theme' and 'level'",
                     "say which cell this shows, e.g. theme: vision-for-learning, level: established")
        return ()
    keys = []
    for at, theme, level in wanted:
        theme_id = _theme_id(doc, at, theme, standard, problems)
        level_id = _level_id(doc, at, level, levels, problems)
        if theme_id and level_id:
            keys.append(CellKey(standard.id, theme_id, level_id))
    return tuple(dict.fromkeys(keys))


def _theme_id(doc: Doc, at: tuple, theme: str | None, standard: Standard, problems: Problems):
    if theme is None:
        if _given(doc, (*at, "theme")):
            return None  # given but unusable: its own error says why
        problems.add(doc.path, doc.line_of(*at), "missing 'theme'",
                     f"one of: {', '.join(t.id for t in standard.themes)}")
        return None
    for candidate in standard.themes:
        if theme in (candidate.id, candidate.code) or theme.upper() == candidate.code.upper():
            return candidate.id
    problems.unknown(doc.path, doc.line_of(*at, "theme"), "theme", theme,
                     [t.id for t in standard.themes])
    return None


def _level_id(doc: Doc, at: tuple, level: str | None, levels: tuple[Level, ...], problems: Problems):
    choices = [lv.id for lv in levels if lv.has_statements]
    if level is None:
        if _given(doc, (*at, "level")):
            return None  # given but unusable: its own error says why
        problems.add(doc.path, doc.line_of(*at), "missing 'level'", f"one of: {', '.join(choices)}")
        return None
    if level.lower() in choices:
        return level.lower()
    if level.lower() in {lv.id for lv in levels}:
        problems.add(doc.path, doc.line_of(*at, "level"),
                     f"level '{level}' has no statements, so no exemplars",
                     f"pick one of: {', '.join(choices)}")
        return None
    problems.unknown(doc.path, doc.line_of(*at, "level"), "level", level, choices)
    return None


def check_markdown(path: Path, first_line: int, text: str, problems: Problems) -> None:
    """Markdown beyond what the converter does in bounded time (limits.markdown_problem)."""
    refused = limits.markdown_problem(text)
    if refused is not None:
        line, message, hint = refused
        problems.add(path, first_line + line - 1, message, hint)


def _check_tags(doc: Doc, tags: list[str], problems: Problems) -> None:
    if len(tags) > limits.TAGS:
        problems.add(doc.path, doc.line_of("tags"), f"{len(tags)} tags; the limit is {limits.TAGS}",
                     "keep the few that say most about the exemplar")
    for index, tag in enumerate(tags):
        if not tag.strip():
            problems.add(doc.path, doc.line_of("tags", index), "a tag is empty",
                         "remove it or write the tag")


def to_page(source: SourceFile, problems: Problems) -> ContentPage | None:
    """A content/pages file as a ContentPage; its file name follows the exemplars' slug rule."""
    spec = {"title": fields.EXEMPLAR["title"], "summary": Field("string", "One sentence.")}
    before = len(problems)
    if not SLUG.match(source.slug):
        problems.add(source.path, None, f"file name '{source.path.name}' is not a web-safe slug",
                     f"rename it to '{ascii_slug(source.slug) or 'my-page'}.md'")
    check_markdown(source.path, source.body_line, source.body, problems)
    values = check_fields(source.meta, spec, problems)
    if len(problems) > before:
        return None
    return ContentPage(source.slug, source.path, values["title"], values.get("summary", ""),
                       source.body, source.body_line)


# --- the whole site -----------------------------------------------------------------------


def to_site(sources: Sources, problems: Problems, base_url: str | None = None) -> Site:
    """Validate everything read and resolve it into one Site."""
    config = to_config(sources.config, problems, base_url)
    levels = to_levels(sources.levels, problems)
    standards = {s.id: s for s in
                 (to_standard(doc, levels, problems) for doc in sources.standards) if s}
    _check_stray_files(sources.root / "content" / "exemplars", problems)
    exemplars: dict[str, Exemplar] = {}
    seen: dict[str, Path] = {}
    for source in sources.exemplars:
        exemplar = to_exemplar(source, standards, levels, problems)
        folded = source.slug.lower()
        if folded in seen:
            problems.add(source.path, None, f"duplicate slug '{folded}'",
                         f"{seen[folded].name} already uses it; rename one of the files")
            continue
        seen[folded] = source.path
        if exemplar:
            exemplars[exemplar.slug] = exemplar
    ordered = dict(sorted(exemplars.items(), key=lambda kv: (kv[1].title.lower(), kv[0])))
    claims.check_slug_collisions(sources.exemplars, exemplars, slugify, problems)
    tags, tag_names = _tags(ordered.values())
    return Site(
        root=sources.root,
        config=config,
        levels=levels,
        standards=tuple(sorted(standards.values(), key=lambda s: (s.order, s.id))),
        exemplars=frozen_map(ordered),
        cells=frozen_map(_cells(standards.values(), levels, ordered.values())),
        tags=frozen_map(tags),
        tag_names=frozen_map(tag_names),
        pages=tuple(p for p in (to_page(s, problems) for s in sources.pages) if p),
        digests=sources.digests,
    )


def _check_stray_files(folder: Path, problems: Problems) -> None:
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name.startswith("."):
            continue
        if path.is_dir():
            problems.add(path, None, "a folder here is not read, nor are the files in it",
                         f"move its .md files up into {folder.name}/")
        elif path.suffix != ".md":
            problems.add(path, None, "not a Markdown file, so it is not read",
                         f"rename it to '{path.stem}.md'")


def _cells(standards, levels, exemplars) -> dict[CellKey, Cell]:
    members: dict[CellKey, list[str]] = defaultdict(list)
    for exemplar in exemplars:
        for key in exemplar.cells:
            members[key].append(exemplar.slug)
    cells = {}
    for standard in standards:
        for theme in standard.themes:
            for level in levels:
                if level.has_statements:
                    key = CellKey(standard.id, theme.id, level.id)
                    cells[key] = Cell(key, f"{theme.code}{level.order}",
                                      theme.indicators.get(level.id, ""), tuple(members[key]))
    return cells


def _tags(exemplars) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    slugs: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    for exemplar in exemplars:
        for tag in exemplar.tags:
            slug = slugify(tag)
            if slug:
                slugs[slug].append(exemplar.slug)
                names.setdefault(slug, tag)
    return {k: tuple(v) for k, v in sorted(slugs.items())}, names
