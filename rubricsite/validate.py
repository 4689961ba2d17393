"""Stage 2, validate: every problem becomes a ContentError; valid parts become the model."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections import defaultdict
from collections.abc import Mapping
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from . import claims, fields, limits, mistakes, settings, urlpolicy, wording
from .errors import ContentError, Problems, closest
from .fields import Field
from .heap import fresh
from .load import Doc, SourceFile, Sources, asset_dirs, read_text
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
from .presentation import LANGUAGE_CODE
from .safety import files_under, site_files
from .slugs import slugify

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SUMMARY_LIMIT = 300
CONTENT_FOLDERS = ("exemplars", "pages")  # the folders under content/ whose .md files are read


def check_fields(
    doc: Doc, spec: Mapping[str, Field], problems: Problems, at: tuple = (), what: str = ""
) -> dict[str, Any]:
    """The values of a mapping that match the spec; every mismatch becomes a problem."""
    data = _get(doc.data, at)
    if not isinstance(data, dict):
        problems.add(doc.path, doc.line_of(*at),
                     f"{what or 'the file'} should be a set of 'key: value' lines",
                     "write one field per line, its name, a colon, a space, then the value")
        return {}
    clean: dict[str, Any] = {}
    meant = set()  # what misspelt keys stand for: not also reported missing
    for key, value in data.items():
        if key not in spec:
            _unknown_key(doc, at, key, spec, problems)
            meant.add(closest(key, spec))
            continue
        checked = _check_value(doc, spec[key], (*at, key), value, problems)
        if checked is not None:
            clean[key] = checked
    for key, rule in spec.items():
        if rule.required and key in data and _blank(data[key]):
            problems.add(doc.path, doc.line_of(*at, key), f"{wording.field_name((*at, key))} is empty",
                         f"write it after the colon: {key}: {_example(rule)}", key=(*at, key))
        elif rule.required and key not in data and (*at, key) not in doc.lines and key not in meant:
            _missing(doc, at, key, spec, problems)
    return clean


def _unknown_key(doc: Doc, at: tuple, key: object, spec: Mapping[str, Field],
                 problems: Problems) -> None:
    close = closest(key, spec)
    hint = f"did you mean `{close}`?" if close else f"remove it, or use one of: {', '.join(spec)}"
    where = f" in {wording.field_name(at)}" if at else ""
    problems.add(doc.path, doc.line_of(*at, key), f"there is no field called `{key}`{where}", hint,
                 key=(*at, key))


def _missing(doc: Doc, at: tuple, key: str, spec: Mapping[str, Field], problems: Problems,
             value: str = "", also: str = "") -> None:
    """A required field, reported where it belongs (after the field that comes before it in the
    spec), with the line to add; `value` for that line, `also` to say after it."""
    written = {k[len(at)]: line for k, line in doc.lines.items()
               if len(k) == len(at) + 1 and k[: len(at)] == at}
    order = list(spec)
    before = [k for k in order[: order.index(key)] if k in written]
    rule = spec[key]
    add = f"{key}: {value or _example(rule)}"
    what = rule.description.rstrip(".")
    what = what[0].lower() + what[1:]
    if before:
        after = before[-1]
        later = sorted(line for line in written.values() if line > written[after])
        line = later[0] if later else _end_of(doc, at)
        hint = f"add a line below `{after}`: {add}"
    else:
        line = min(written.values()) if written else doc.line_of(*at)
        hint = f"add a line: {add}"
    hint += f", {also}" if also else f" ({what})"
    name = wording.field_name((*at, key))
    problems.add(doc.path, line, f"{name} is missing", hint, key=(*at, key))


def _end_of(doc: Doc, at: tuple) -> int:
    """The line after the last line written under this place: where a field is added at its end."""
    if not at:
        return doc.end_line
    inside = [line for k, line in doc.lines.items() if k[: len(at)] == at]
    return max(inside) + 1


def _example(rule: Field) -> str:
    """A value to show in a fix: the field's own example, else a short quoted description."""
    example = rule.example
    if isinstance(example, list):
        return wording.as_list(example)
    if example is not None:
        return str(example) if rule.kind in ("integer", "date") else wording.quoted(str(example))
    return '"…"'


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _given(doc: Doc, at: tuple) -> bool:
    """Whether the file itself wrote a value at this place (not blank), readable or not."""
    if len(at) == 1 and at in doc.lines and at[0] not in (doc.data or {}):
        return True  # a field its YAML mistake made unreadable: reported on its own line
    try:
        return not _blank(_get(doc.data, at))
    except (KeyError, IndexError, TypeError):
        return False


def _get(data: Any, at: tuple) -> Any:
    for key in at:
        data = data[key]
    return data


def _check_value(doc: Doc, rule: Field, at: tuple, value: Any, problems: Problems) -> Any:
    if value is None:
        return None
    check = _KINDS.get(rule.kind)
    if check is None:
        raise ValueError(f"unknown field kind {rule.kind}")  # a bug in fields.py, not in content
    return check(doc, rule, at, value, problems)


def _text(doc: Doc, rule: Field, at: tuple, value: Any, problems: Problems) -> Any:
    if isinstance(value, (dict, list)):
        fix = (f"write it on one line after the colon, in quotes: {at[-1]}: \"…\""
               if isinstance(at[-1], str) else "write it as text, in quotes: \"…\"")
        problems.add(doc.path, doc.line_of(*at), f"{wording.field_name(at)} should be plain text",
                     fix, key=at)
        return None
    return str(value).strip() if not isinstance(value, bool) else str(value).lower()


def _url(doc: Doc, rule: Field, at: tuple, value: Any, problems: Problems) -> Any:
    text = _text(doc, rule, at, value, problems)
    if text and (not re.match(r"^https?://[^\s<>\"']+$", text) or urlpolicy.problem(text)):
        bare = re.match(r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$", text, re.IGNORECASE)
        hint = (f"write the full address, starting with https://: {at[-1]}: https://{text}" if bare
                else "copy the whole address from the browser's address bar, starting with https://")
        problems.add(doc.path, doc.line_of(*at),
                     f"{wording.field_name(at)} is not a web address: '{text}'", hint, key=at)
        return None
    return text


def _integer(doc: Doc, rule: Field, at: tuple, value: Any, problems: Problems) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        name = wording.field_name(at)
        if isinstance(value, str) and value.strip().isdigit():
            problems.add(doc.path, doc.line_of(*at), f"{name} is a number written as text",
                         f"leave out the quote marks: {at[-1]}: {value.strip()}", key=at)
        elif at[-1] == "year":
            problems.add(doc.path, doc.line_of(*at), f"{name} should be a year such as 2019, "
                         f"not '{value}'", "leave the year out when the resource has none: "
                         "delete this line", key=at)
        else:
            problems.add(doc.path, doc.line_of(*at), f"{name} should be a whole number, "
                         f"not '{value}'", f"write a number, e.g. {at[-1]}: {rule.example or 10}",
                         key=at)
        return None
    return value


def _date(doc: Doc, rule: Field, at: tuple, value: Any, problems: Problems) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.add(doc.path, doc.line_of(*at), f"{wording.field_name(at)} is not a date "
                 f"written as year-month-day: '{value}'",
                 f"write it as YYYY-MM-DD, e.g. {at[-1]}: {rule.example or '2026-11-28'}", key=at)
    return None


def _list(doc: Doc, rule: Field, at: tuple, value: Any, problems: Problems) -> Any:
    if not isinstance(value, list):
        several = isinstance(value, str) and re.search(r"[,;]", value)
        message = (f"{wording.field_name(at)} should be a list of separate values, not one piece "
                   "of text" if several else f"{wording.field_name(at)} should be a list")
        parts = wording.split_list(value)
        if at == ("grades",):
            parts = [mistakes.band_guess(part) or part for part in parts]
        problems.add(doc.path, doc.line_of(*at), message,
                     f"write it in square brackets: {at[-1]}: {wording.as_list(parts)}", key=at)
        return None
    assert rule.items is not None
    out = [_check_value(doc, rule.items, (*at, i), v, problems) for i, v in enumerate(value)]
    return [v for v in out if v is not None]


def _map(doc: Doc, rule: Field, at: tuple, value: Any, problems: Problems) -> Any:
    if not isinstance(value, dict):
        problems.add(doc.path, doc.line_of(*at),
                     f"{wording.field_name(at)} should be a set of 'key: value' lines",
                     "write each on its own line below it, indented by two spaces", key=at)
        return None
    assert rule.items is not None
    return {
        str(k): v
        for k, v in ((k, _check_value(doc, rule.items, (*at, k), v, problems))
                     for k, v in value.items())
        if v is not None
    }


def _object(doc: Doc, rule: Field, at: tuple, value: Any, problems: Problems) -> Any:
    return check_fields(doc, rule.fields, problems, at, what=wording.field_name(at))


_KINDS = {"string": _text, "url": _url, "integer": _integer, "date": _date, "list": _list,
          "map": _map, "object": _object}


# --- config, levels, standards ------------------------------------------------------------


def to_config(doc: Doc | None, problems: Problems, base_url: str | None = None) -> Config:
    """site.yaml as a Config; a missing file gives the defaults."""
    values = check_fields(doc, fields.CONFIG, problems) if doc and doc.data is not None else {}
    colors: dict[str, str] = {}
    if doc is not None:
        if isinstance(doc.data, dict):
            settings.commented_out_values(doc, read_text(doc.path), problems)
        colors = settings.check_colours(doc, values.get("colors", {}), problems)
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
        repository=settings.repository_url(values.get("repository", "")),
        branch=values.get("branch", defaults.branch),
        logo=values.get("logo", ""),
        colors=frozen_map(colors),
        footer_text=footer.get("text", ""),
        footer_links=tuple(Link(x["text"], x["url"]) for x in footer.get("links", []) if len(x) == 2),
        feed_size=values.get("feed_size", defaults.feed_size),
        standards=tuple(dict.fromkeys(values.get("standards", ()))),
    )


def _check_look(doc: Doc, values: dict[str, Any], colors: dict[str, str], problems: Problems) -> None:
    """A district's colours, logo and footer links: each name, file and address must exist."""
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
                                 "phase", level_id, statement_levels)
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
    bands: tuple[str, ...] = (),
) -> Exemplar | None:
    """One exemplar file as an Exemplar whose cells exist in the rubric; `bands`: the grade bands
    other exemplars use, named in the fix for one that is not a band."""
    doc = source.meta
    before = len(problems)
    problems.extend(doc.problems)  # the YAML mistakes its tolerant re-read found
    if doc.data is None and doc.problems:
        return None
    if doc.data is None:
        problems.add(source.path, 1, "the fields between the two '---' lines are empty",
                     'add at least these lines: title: "…", theme: …, level: …, summary: "…"')
        return None
    if not isinstance(doc.data, dict):  # its one error says so; a list of missing fields would be noise
        check_fields(doc, fields.EXEMPLAR, problems)
        return None
    values = check_fields(doc, fields.EXEMPLAR, problems)
    _check_exemplar_text(source, values, bands, problems)
    cells = _exemplar_cells(doc, values, standards, levels, problems)
    if len(problems) > before or not cells:
        return None
    return _exemplar(source, values, cells)


def _check_exemplar_text(source: SourceFile, values: dict[str, Any], bands: tuple[str, ...],
                         problems: Problems) -> None:
    """What an exemplar says, apart from where it sits: its file name, fields, summary and story."""
    doc = source.meta
    if not SLUG.match(source.slug):
        problems.add(source.path, None, f"the file name '{source.path.name}' cannot be a web "
                     "address", f"rename it to '{mistakes.fixed_file_name(source.path.name)}'")
    mistakes.placeholders(source, problems)
    mistakes.grade_bands(doc, values.get("grades", ()), bands, problems)
    _language_codes(doc, values, problems)
    summary = values.get("summary", "")
    if len(summary) > SUMMARY_LIMIT:
        problems.add(source.path, doc.line_of("summary"),
                     f"the summary is {len(summary)} characters long",
                     f"keep it to one sentence under {SUMMARY_LIMIT} characters", key=("summary",))
    if not source.body.strip():
        problems.add(source.path, source.body_line, "the story is empty",
                     "write a few sentences of your own below the closing '---' line")
    check_markdown(source.path, source.body_line, source.body, problems)
    _check_tags(doc, values.get("tags", []), problems)


def _exemplar(source: SourceFile, values: dict[str, Any], cells: tuple[CellKey, ...]) -> Exemplar:
    """The checked values of one exemplar file, and its cells, as an Exemplar."""
    tags = tuple(dict.fromkeys(values.get("tags", ())))
    return Exemplar(
        slug=source.slug,
        path=source.path,
        title=values["title"],
        summary=values.get("summary", ""),
        cells=cells,
        body=source.body,
        body_line=source.body_line,
        region=values.get("region", ""),
        grades=tuple(values.get("grades", ())),
        tags=tags,
        date=values.get("date"),
        contributors=tuple(values.get("contributors", ())),
        resources=tuple(Resource(**r) for r in values.get("resources", ()) if "title" in r),
        region_slug=slugify(values.get("region", "")),
        tag_slugs=tuple(slugify(t) for t in tags),
        language=values.get("language", ""),
        links=source.links,
    )


def to_exemplars(sources: list[SourceFile], standards: Mapping[str, Standard],
                 levels: tuple[Level, ...], bands: tuple[str, ...],
                 ) -> list[tuple[Exemplar | None, list[ContentError]]]:
    """to_exemplar for each source, and each one's problems, in order.

    In this process, however many: taking a checked exemplar back from a worker (unpickled,
    its story and Path joined again) cost about what checking it does, so workers made this
    step slower, and their forks copied the build's memory."""
    out = []
    for source in sources:
        found = Problems()
        out.append((to_exemplar(source, standards, levels, found, bands), found.items))
    return out


# what a list of exemplars shows of each (templates/_macros.html, exemplar_list)
LISTED = ("slug", "title", "summary", "region", "grades", "language", "region_slug", "tag_slugs")


def _listed_together(exemplar: Exemplar) -> Exemplar:
    """The exemplar made again, with what a list shows of it copied next to it (heap.fresh)."""
    return dataclasses.replace(exemplar, **{name: fresh(getattr(exemplar, name)) for name in LISTED})


def _language_codes(doc: Doc, values: dict[str, Any], problems: Problems) -> None:
    """`language` (the exemplar's or a resource's) is a code a browser knows, such as fr or fr-CA."""
    given: list[tuple[tuple[str | int, ...], object]] = [(("language",), values.get("language", ""))]
    for i, resource in enumerate(values.get("resources", ())):
        if isinstance(resource, dict):
            given.append((("resources", i, "language"), resource.get("language", "")))
    for at, code in given:
        if code and isinstance(code, str) and not LANGUAGE_CODE.match(code):
            problems.add(doc.path, doc.line_of(*at), f"{wording.field_name(at)} '{code}' is not a "
                         "language code", "write the short code: fr for French, en for English, "
                         "fr-CA for Canadian French", key=at)


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
            if not standards:  # the rubric's own errors say why; a cell cannot be named yet
                return ()
            if not _given(doc, ("standard",)):
                _missing(doc, (), "standard", fields.EXEMPLAR, problems, value=next(iter(standards)),
                         also=f"this site has several standards: {', '.join(standards)}")
            return ()
        standard_id = next(iter(standards))
    if standard_id not in standards:
        problems.unknown(doc.path, doc.line_of("standard"), "standard", standard_id, standards,
                         key=("standard",))
        return ()
    standard = standards[standard_id]
    if "cells" in values and ("theme" in values or "level" in values):
        problems.add(doc.path, doc.line_of("cells"), "give either `cells` or `theme` and `level`",
                     "use cells only for an exemplar that shows several cells", key=("cells",))
        return ()
    if "cells" in values:
        wanted = [(("cells", i), c.get("theme"), c.get("level")) for i, c in enumerate(values["cells"])]
    elif "theme" in values or "level" in values:
        wanted = [((), values.get("theme"), values.get("level"))]
    elif _given(doc, ("cells",)):
        return ()  # written but unreadable: its own error says why
    else:  # each reported missing on the line where it belongs
        wanted = [((), None, None)]
    keys = []
    for at, theme, level in wanted:
        theme_id = _theme_id(doc, at, theme, standard, problems, levels)
        level_id = _level_id(doc, at, level, levels, problems)
        if theme_id and level_id:
            keys.append(CellKey(standard.id, theme_id, level_id))
    return tuple(dict.fromkeys(keys))


def _theme_id(doc: Doc, at: tuple, theme: str | None, standard: Standard, problems: Problems,
              levels: tuple[Level, ...] = ()):
    ids = [t.id for t in standard.themes]
    if theme is None:
        if at or _given(doc, (*at, "theme")):  # a cell reports its own missing fields
            return None  # and one given but unusable has its own error
        _missing(doc, at, "theme", _cell_spec(at), problems,
                 value=ids[0] if ids else "", also=f"the themes: {', '.join(ids)}")
        return None
    theme = theme.strip()
    for candidate in standard.themes:
        if theme.lower() == candidate.id or theme.upper() == candidate.code.upper():
            return candidate.id
    by_title = {slugify(t.title): t.id for t in standard.themes}
    line = doc.line_of(*at, "theme")
    code = re.fullmatch(r"([A-Za-z])\s*(\d)", theme)
    named = code and next((t for t in standard.themes if t.code.upper() == code[1].upper()), None)
    if named:  # 'A3': the code a cell shows on the site
        phase = next((lv.id for lv in levels if str(lv.order) == code[2]), "")
        problems.add(doc.path, line, f"'{theme}' is the code of a cell, not a theme",
                     f"write the theme and the phase apart: theme: {named.id}"
                     + (f" and level: {phase}" if phase else ""), key=(*at, "theme"))
        return None
    if slugify(theme) in by_title or slugify(theme) in ids:  # the title written out, or near it
        right = by_title.get(slugify(theme), slugify(theme))
        problems.add(doc.path, line, f"unknown theme '{theme}'",
                     f"write the theme's id: theme: {right}", key=(*at, "theme"))
        return None
    problems.unknown(doc.path, line, "theme", theme, ids, key=(*at, "theme"))
    return None


def _level_id(doc: Doc, at: tuple, level: str | None, levels: tuple[Level, ...], problems: Problems):
    choices = [lv.id for lv in levels if lv.has_statements]
    if level is None:
        if at or _given(doc, (*at, "level")):  # a cell reports its own missing fields
            return None  # and one given but unusable has its own error
        _missing(doc, at, "level", _cell_spec(at), problems, value=choices[0] if choices else "",
                 also=f"the phases: {wording.choices(choices)}")
        return None
    level = level.strip()
    if level.lower() in choices:
        return level.lower()
    labels = {lv.id: lv.label for lv in levels}
    if level.lower() in labels:
        problems.add(doc.path, doc.line_of(*at, "level"),
                     f"the {labels[level.lower()]} phase has no statement, so no exemplars",
                     f"pick the phase the resource shows: {wording.choices(choices)}",
                     key=(*at, "level"))
        return None
    problems.unknown(doc.path, doc.line_of(*at, "level"), "phase", level, choices,
                     key=(*at, "level"))
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


def _cell_spec(at: tuple) -> Mapping[str, Field]:
    return fields.CELL.fields if at else fields.EXEMPLAR


def to_page(source: SourceFile, problems: Problems) -> ContentPage | None:
    """A content/pages file as a ContentPage; its file name follows the exemplars' slug rule."""
    spec = {"title": fields.EXEMPLAR["title"], "summary": Field("string", "One sentence.")}
    before = len(problems)
    if not SLUG.match(source.slug):  # pages follow the exemplars' rule: their name is their address
        problems.add(source.path, None, f"the file name '{source.path.name}' cannot be a web "
                     "address", f"rename it to '{mistakes.fixed_file_name(source.path.name)}'")
    check_markdown(source.path, source.body_line, source.body, problems)
    problems.extend(source.meta.problems)
    if mistakes.page_looks_like_exemplar(source, problems):
        return None
    values = check_fields(source.meta, spec, problems)
    if len(problems) > before:
        return None
    return ContentPage(source.slug, source.path, values["title"], values.get("summary", ""),
                       source.body, source.body_line, source.links)


# --- the whole site -----------------------------------------------------------------------


def to_site(sources: Sources, problems: Problems, base_url: str | None = None) -> Site:
    """Validate everything read and resolve it into one Site."""
    config = to_config(sources.config, problems, base_url)
    levels = to_levels(sources.levels, problems)
    every: dict[str, Standard] = {}
    for standard in (to_standard(doc, levels, problems) for doc in sources.standards):
        if standard and standard.id in every:  # x.yaml beside x.yml
            problems.add(standard.path, None, f"standard '{standard.id}' is defined twice",
                         f"{every[standard.id].path.name} defines it too; keep one of the files")
        elif standard:
            every[standard.id] = standard
    standards = _published(sources.config, config, every, problems)
    _check_codes_across(sources.standards, standards, problems)
    settings.template_cycles(sources.root / "templates", problems)
    _check_stray_files(sources.root / "content", problems)
    exemplars: dict[str, Exemplar] = {}
    seen: dict[str, Path] = {}
    left_out: dict[str, int] = defaultdict(int)
    shown = []
    for source in sources.exemplars:
        hidden = _unpublished_standard(source, every, standards)
        if hidden:
            left_out[hidden] += 1
        else:
            shown.append(source)
    checked = to_exemplars(shown, standards, levels, _grade_bands(sources.exemplars))
    for source, (exemplar, found) in zip(shown, checked, strict=True):
        problems.extend(found)
        folded = source.slug.lower()
        if folded in seen:
            problems.add(source.path, None, f"duplicate slug '{folded}'",
                         f"{seen[folded].name} already uses it; rename one of the files")
            continue
        seen[folded] = source.path
        if exemplar:
            exemplars[exemplar.slug] = exemplar
    exemplars = {slug: _listed_together(e) for slug, e in exemplars.items()}
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
        notes=tuple(f"Left out {n} exemplar{'s' if n != 1 else ''} of '{sid}', a standard site.yaml "
                    f"does not publish (standards: {', '.join(standards)})"
                    for sid, n in sorted(left_out.items())),
    )


def _published(doc: Doc | None, config: Config, every: dict[str, Standard],
               problems: Problems) -> dict[str, Standard]:
    """The standards site.yaml's `standards:` names (all of them when it names none)."""
    if not config.standards:
        return every
    chosen = {}
    for index, standard_id in enumerate(config.standards):
        if standard_id in every:
            chosen[standard_id] = every[standard_id]
        elif doc is not None:
            problems.unknown(doc.path, doc.line_of("standards", index), "standard", standard_id,
                             list(every))
    return chosen


def _unpublished_standard(source: SourceFile, every: Mapping[str, Standard],
                          published: Mapping[str, Standard]) -> str:
    """The id of a known standard the exemplar names that the site does not publish, else ''."""
    data = source.meta.data
    named = data.get("standard") if isinstance(data, dict) else None
    if isinstance(named, str) and named in every and named not in published:
        return named
    return ""


def _check_codes_across(docs: tuple[Doc, ...], published: Mapping[str, Standard],
                        problems: Problems) -> None:
    """A theme's letter names it in cell codes (A3) and exemplars: one letter, one theme, site-wide."""
    owner: dict[str, str] = {}
    for doc in docs:
        standard = published.get(str((doc.data or {}).get("id", ""))) if isinstance(doc.data, dict) \
            else None
        if standard is None or standard.path != doc.path:
            continue
        raw = doc.data.get("themes") if isinstance(doc.data.get("themes"), list) else []
        index_of = {t.get("id"): i for i, t in enumerate(raw) if isinstance(t, dict)}
        for theme in standard.themes:
            code = theme.code.upper()
            if code in owner and owner[code] != standard.id:
                problems.add(doc.path, doc.line_of("themes", index_of.get(theme.id, 0), "code"),
                             f"theme code '{theme.code}' is also used by the standard '{owner[code]}'",
                             "give each theme a letter no other standard uses")
            owner.setdefault(code, standard.id)


def _grade_bands(sources: tuple[SourceFile, ...]) -> tuple[str, ...]:
    """The grade bands the exemplars use, for the fix of one that is not a band."""
    found = set()
    for source in sources:
        grades = source.meta.data.get("grades") if isinstance(source.meta.data, dict) else None
        if isinstance(grades, list):
            found.update(g for g in grades if isinstance(g, str) and mistakes.GRADE_BAND.match(g))
    return tuple(sorted(found))


def _check_stray_files(content: Path, problems: Problems) -> None:
    """Nothing under content/ is skipped silently: a folder inside exemplars/ or pages/, or a file
    the build does not read, is a problem saying where it should go."""
    for name in CONTENT_FOLDERS:
        folder = content / name
        with os.scandir(folder) if folder.is_dir() else nullcontext(()) as entries:
            for entry in entries:  # scandir knows each entry's kind: no stat for every exemplar
                if entry.is_dir() and not entry.name.startswith("."):
                    problems.add(folder / entry.name, None, "a folder here is not read, nor are "
                                 "the files in it", f"move its .md files up into {name}/")
    mistakes.stray_files(content, CONTENT_FOLDERS, problems)


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
        for slug, tag in exemplar.tag_links:
            if slug:
                slugs[slug].append(exemplar.slug)
                names.setdefault(slug, tag)
    return {k: tuple(v) for k, v in sorted(slugs.items())}, names
