"""The 'Suggest an exemplar' GitHub issue form, and the way back: an issue's answers to an exemplar file.

`issue_form_yaml` writes .github/ISSUE_TEMPLATE/suggest-exemplar.yml from the rubric (its dropdowns)
and fields.py (its help texts); `convert_issue` reads the Markdown GitHub renders from a filled-in
form (`### <label>`, then the answer, `_No response_` for none) and returns the exemplar file, checked
by the same validator as `check`. Every answer is hostile input: it only ever reaches YAML through
`yaml.safe_dump`, the file name comes from `ascii_slug`, and control characters are dropped.

Regenerate the committed form after changing the rubric: rubricsite sync (make sync)
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import fields, wording
from .errors import ContentError, Problems, closest
from .load import SourceFile, digest, split_front_matter
from .model import Site
from .safety import strip_hidden
from .scaffold import ISSUE_FORM, SCHEMA_COMMENT, exemplar_slug, rubric_site
from .validate import to_exemplar

FORM_PATH = Path(".github") / "ISSUE_TEMPLATE" / ISSUE_FORM
LABEL = "exemplar"  # the form applies it; .github/workflows/import-issue.yml runs on it
NO_RESPONSE = "_No response_"
LICENCE_TEXT = ("I wrote the summary and story in my own words, and I agree to share them under "
                "CC BY-NC 4.0, the licence of the rubric.")
_RESOURCE = fields.RESOURCE.fields


@dataclass(frozen=True, slots=True)
class Question:
    """One element of the issue form, and the front matter key its answer fills."""

    id: str
    label: str  # GitHub renders the answer under `### <label>`
    kind: str  # input | textarea | dropdown | checkboxes
    key: str  # front matter key; "resource.<key>" for the cited resource; "story"; "licence"
    description: str
    required: bool = False
    placeholder: str = ""
    options: Mapping[str, str] | None = None  # dropdown: option label -> the id it stands for
    multiline: bool = False


def _standard_options(site: Site) -> dict[str, str]:
    names = [s.short_title for s in site.standards]
    return {(s.short_title if names.count(s.short_title) == 1 else f"{s.short_title} ({s.id})"): s.id
            for s in site.standards}


def _theme_options(site: Site) -> dict[str, str]:
    """Option label -> 'standard/theme': with several standards each label names its standard."""
    several = len(site.standards) > 1
    return {(f"{s.short_title}: " if several else "") + f"{t.code}. {t.title}": f"{s.id}/{t.id}"
            for s in site.standards for t in s.themes}


def questions(site: Site) -> tuple[Question, ...]:
    """The form's questions, in order; the labels are what `convert_issue` looks for."""
    ex = fields.EXEMPLAR
    return (
        Question("title", "Title", "input", "title", ex["title"].description + " A short, plain "
                 "name for what happened, e.g. 'Reading buddies across the grades'.", True),
        Question("standard", "Standard", "dropdown", "standard", "The standard the exemplar shows.",
                 True, options=_standard_options(site)),
        Question("theme", "Theme", "dropdown", "theme",
                 "The row of the grid: which theme of practice it shows.", True,
                 options=_theme_options(site)),
        Question("phase", "Phase", "dropdown", "level",
                 "The column of the grid: which growth phase it shows. Read the cell's statement "
                 "on the site to check it fits.", True,
                 options={lv.label: lv.id for lv in site.statement_levels}),
        Question("summary", "Summary", "input", "summary", ex["summary"].description, True,
                 "Older students read with younger ones every week in the learning commons."),
        Question("story", "Story", "textarea", "story",
                 "In your own words: what happens, who is involved, and why it fits the cell's "
                 "statement. A few short paragraphs; Markdown works (## headings, - lists).", True,
                 multiline=True),
        Question("region", "Region", "input", "region", ex["region"].description),
        Question("grades", "Grades", "input", "grades",
                 "Grade bands, separated by commas, e.g. K-6, 9-12.", placeholder="K-6"),
        Question("tags", "Tags", "input", "tags",
                 "A few lower-case topics, separated by commas.", placeholder="reading, student voice"),
        Question("resource_title", "Resource title", "input", "resource.title",
                 _RESOURCE["title"].description + " Every exemplar cites a published resource.",
                 True),
        Question("resource_author", "Resource author", "input", "resource.author",
                 _RESOURCE["author"].description),
        Question("resource_year", "Resource year", "input", "resource.year",
                 _RESOURCE["year"].description, placeholder="2020"),
        Question("resource_url", "Resource URL", "input", "resource.url",
                 _RESOURCE["url"].description, placeholder="https://"),
        Question("resource_kind", "Resource kind", "input", "resource.kind",
                 _RESOURCE["kind"].description, placeholder="article"),
        Question("resource_annotation", "Why the resource is worth a look", "textarea",
                 "resource.annotation", _RESOURCE["annotation"].description, multiline=True),
        Question("contributor", "Your name", "input", "contributors",
                 "How you would like to be credited on the page. Leave it empty to stay anonymous."),
        Question("licence", "Licence", "checkboxes", "licence", "", True),
    )


# --- the form --------------------------------------------------------------------------------


def issue_form_yaml(site: Site) -> str:
    """The text of .github/ISSUE_TEMPLATE/suggest-exemplar.yml for this site's rubric."""
    body: list[dict[str, object]] = [{"type": "markdown", "attributes": {"value": (
        "Thank you for sharing an exemplar! Fill in the form: when you submit it, a bot turns it "
        "into an exemplar file and opens a pull request, or replies here if an answer needs "
        "fixing (edit the issue and it tries again). A reviewer reads every suggestion before it "
        "is published. CONTRIBUTING.md in this repository says what makes a good exemplar.")}}]
    for q in questions(site):
        attributes: dict[str, object] = {"label": q.label}
        if q.description:
            attributes["description"] = q.description
        if q.kind == "dropdown":
            assert q.options is not None
            attributes["options"] = list(q.options)
            if len(q.options) == 1:
                attributes["default"] = 0
        elif q.kind == "checkboxes":
            attributes["options"] = [{"label": LICENCE_TEXT, "required": True}]
        elif q.placeholder:
            attributes["placeholder"] = q.placeholder
        element: dict[str, object] = {"type": q.kind, "id": q.id, "attributes": attributes}
        if q.required and q.kind != "checkboxes":
            element["validations"] = {"required": True}
        body.append(element)
    form = {"name": "Suggest an exemplar",
            "description": "Share a published resource that shows a cell of the rubric in action.",
            "title": "Exemplar: ", "labels": [LABEL], "body": body}
    header = ("# Generated from the rubric by `rubricsite sync` (make sync):\n"
              "# edit rubricsite/issue_form.py or the rubric, not this file.\n")
    return header + yaml.safe_dump(form, sort_keys=False, allow_unicode=True, width=100)


# --- the issue body ----------------------------------------------------------------------------


def clean(text: str, multiline: bool = False) -> str:
    """An answer without control or bidi-override characters; one line unless multiline."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = strip_hidden(text)  # the characters `check` refuses in a hand-written file
    if not multiline:
        return " ".join(text.split())
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n")).strip()


def read_answers(body: str, labels: list[str]) -> dict[str, tuple[str | None, int | None]]:
    """label -> (answer or None, line of its `### label` heading) for a rendered issue form.

    A story may hold a line such as `### Region` itself, so each heading is the LAST match before
    the next question's heading, found from the end: whatever a writer types inside an answer
    stays inside that answer.
    """
    lines = body.replace("\r\n", "\n").split("\n")
    heads = {label: [i for i, line in enumerate(lines) if line.strip() == f"### {label}"]
             for label in labels}
    found: dict[str, int] = {}
    bound = len(lines)
    for label in reversed(labels):
        before = [i for i in heads[label] if i < bound]
        if before:
            found[label] = bound = before[-1]
    answers: dict[str, tuple[str | None, int | None]] = {}
    starts = sorted(found.values())
    for label in labels:
        if label not in found:
            answers[label] = (None, None)
            continue
        start = found[label]
        end = next((s for s in starts if s > start), len(lines))
        text = "\n".join(lines[start + 1 : end]).strip()
        answers[label] = (None if text in ("", NO_RESPONSE) else text, start + 1)
    return answers


def _unknown_headings(body: str, qs: tuple[Question, ...],
                      answers: Mapping[str, tuple[str | None, int | None]],
                      raw: dict[str, str | None], problems: Problems, issue_path: Path
                      ) -> dict[str, str | None]:
    """A `### heading` that is none of the form's questions (an edited or an old form's issue) is
    named, not read as part of the answer above it; a one-line answer ends where it starts. Inside
    a story or an annotation a heading is the writer's own, unless it is close to a question."""
    labels = [q.label for q in qs]
    starts = sorted((line, q) for q in qs if (line := answers[q.label][1]) is not None)
    raw = dict(raw)
    for number, line in enumerate(body.replace("\r\n", "\n").split("\n"), 1):
        heading = line.strip()[4:].strip() if line.strip().startswith("### ") else None
        if heading is None or heading in labels:
            continue
        inside = next((q for start, q in reversed(starts) if start < number), None)
        close = closest(heading, [label.lower() for label in labels])
        if inside is not None and inside.multiline and not close:
            continue  # the writer's own heading, inside their story
        meant = next((label for label in labels if label.lower() == close), "")
        problems.add(issue_path, number, f"'### {heading}' is not one of the form's questions, "
                     "so the answer below it was not used",
                     f"write the heading as '### {meant}'" if meant else
                     f"move the answer under one of the form's questions: {', '.join(labels)}")
        if inside is not None and not inside.multiline and raw.get(inside.key):
            raw[inside.key] = raw[inside.key].split(f"### {heading}", 1)[0].strip() or None
    return raw


@dataclass(frozen=True, slots=True)
class Conversion:
    """What an issue becomes: the exemplar's file name and text, or the errors to reply with."""

    slug: str
    text: str
    errors: list[ContentError]


def _split_list(text: str | None) -> list[str]:
    return [part for part in (clean(p) for p in re.split(r"[,\n]", text or "")) if part]


def convert_issue(
    site: Site, body: str, *, today: dt.date, issue_path: Path = Path("issue.md"),
    taken: frozenset[str] | None = None,
) -> Conversion:
    """An issue body to an exemplar file, validated as `check` would; errors name the form's label."""
    qs = questions(site)
    answers = read_answers(body, [q.label for q in qs])
    raw = {q.key: answers[q.label][0] for q in qs}
    problems = Problems()
    if all(line is None for _, line in answers.values()):
        problems.add(issue_path, None, "no answers of the 'Suggest an exemplar' form found",
                     f"the body needs its '### Title', '### Theme', ... headings; open a new "
                     f"issue with the form ({ISSUE_FORM})")
        return Conversion("", "", problems.sorted())

    def say(q: Question, message: str, hint: str = "") -> None:
        problems.add(issue_path, answers[q.label][1], f"{q.label}: {message}", hint)

    raw = _unknown_headings(body, qs, answers, raw, problems, issue_path)
    by_key = {q.key: q for q in qs}
    meta = _front_matter(site, by_key, raw, today, say)
    licence = raw["licence"] or ""
    if not re.search(r"^\s*-\s*\[[xX]\]", licence, re.MULTILINE):
        say(by_key["licence"], "the licence box is not ticked",
            "contributions are shared under CC BY-NC 4.0; tick the box to agree")
    story = clean(raw["story"] or "", multiline=True)

    title = str(meta.get("title", ""))
    slug = exemplar_slug(title) or f"exemplar-{digest(title)[:8]}"
    taken = taken if taken is not None else frozenset(site.exemplars)
    if slug in {t.lower() for t in taken}:
        say(by_key["title"], f"an exemplar named '{slug}.md' already exists",
            "choose another title, or suggest an edit to that exemplar")
    text = exemplar_text(meta, story)
    _validate(site, slug, text, qs, answers, problems, issue_path)
    return Conversion(slug, text, problems.sorted())


def _front_matter(site: Site, by_key: Mapping[str, Question], raw: Mapping[str, str | None],
                  today: dt.date, say: Callable[..., None]) -> dict[str, object]:
    """The answers as front matter, every value cleaned; dropdown labels turned back into ids."""

    def pick(key: str) -> str | None:
        q, text = by_key[key], raw[key]
        if text is None:
            return None
        text = clean(text)
        return q.options.get(text, text) if q.options else text

    meta: dict[str, object] = {}
    for key in ("title", "standard", "theme", "level", "summary", "region"):
        if value := pick(key):
            meta[key] = value
    theme = str(meta.get("theme", ""))
    if "/" in theme:  # a dropdown answer: 'standard/theme'
        standard_id, meta["theme"] = theme.split("/", 1)
        chosen = meta.setdefault("standard", standard_id)
        # an unknown standard is reported by the validator; a mismatch only between known ones
        if chosen != standard_id and chosen in {s.id for s in site.standards}:
            say(by_key["theme"], f"this theme belongs to another standard ({standard_id})",
                f"pick a theme of {chosen}")
    for key in ("grades", "tags"):
        if items := _split_list(raw[key]):
            meta[key] = items
    meta["date"] = today
    if contributor := pick("contributors"):
        meta["contributors"] = [contributor]
    resource: dict[str, object] = {}
    for name in ("title", "author", "year", "url", "kind", "annotation"):
        text = raw[f"resource.{name}"]
        if text is not None:
            resource[name] = clean(text, by_key[f"resource.{name}"].multiline)
    if "year" in resource and re.fullmatch(r"\d{1,4}", str(resource["year"])):
        resource["year"] = int(str(resource["year"]))
    if resource:
        meta["resources"] = [resource]
    return meta


def exemplar_text(meta: Mapping[str, object], story: str) -> str:
    """An exemplar file: the schema comment, the front matter written by yaml.safe_dump, the story."""
    front = yaml.safe_dump(dict(meta), sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{SCHEMA_COMMENT}\n{front}---\n\n{story}\n"


def _validate(site: Site, slug: str, text: str, qs: tuple[Question, ...],
              answers: Mapping[str, tuple[str | None, int | None]], problems: Problems,
              issue_path: Path) -> None:
    """Run `check`'s exemplar validation on the text in memory; point each error at its label."""
    path = site.root / "content" / "exemplars" / f"{slug}.md"
    found = Problems()
    try:
        meta, body, body_line, meta_digest = split_front_matter(path, text)
    except ContentError as error:  # cannot happen with safe_dump's output; reported, not hidden
        problems.add(issue_path, None, error.message, error.hint)
        return
    source = SourceFile(path, slug, meta, body, body_line, digest(text), meta_digest)
    to_exemplar(source, {s.id: s for s in site.standards}, site.levels, found)
    by_key = {q.key: q for q in qs}
    for error in found.items:
        keys = ("story",) if (error.line or 0) >= body_line else error.key
        q = by_key.get(_question_key(keys))
        if q is None:
            problems.add(issue_path, None, error.message, error.hint)
            continue
        message, hint = _as_answer(error, keys, q)
        problems.add(issue_path, answers[q.label][1], f"{q.label}: {message}", hint)


def _question_key(keys: tuple) -> str:
    """The question whose answer became this front matter key."""
    if keys[:1] == ("resources",):
        return f"resource.{keys[2]}" if len(keys) > 2 else "resource.title"
    return {"cells": "theme"}.get(str(keys[0]), str(keys[0])) if keys else ""


def _as_answer(error: ContentError, keys: tuple, q: Question) -> tuple[str, str]:
    """A file's problem said of a form's answer: no keys, no lines to add or delete."""
    if error.message.endswith((" is missing", " is empty")) or (keys == ("story",) and \
            error.message.startswith("the story is empty")):
        return "an answer is needed", q.description
    message = error.message.replace(wording.field_name(keys), "the answer", 1) if keys else \
        error.message
    hint = error.hint.replace("delete this line", "leave it empty")
    if keys and isinstance(keys[-1], str):  # a suggested `key: value` line: the answer alone
        hint = hint.replace(f": {keys[-1]}: ", ": ")
    return message, hint


def import_issue(root: Path, file: Path, today: dt.date | None = None
                 ) -> tuple[Path | None, list[ContentError]]:
    """Write content/exemplars/<slug>.md from an issue body saved in file; nothing on errors."""
    site, broken = rubric_site(root)
    if broken:
        return None, broken
    try:
        body = file.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return None, [ContentError(file, None, f"cannot read the issue body: {exc.strerror}")]
    folder = root / "content" / "exemplars"
    taken = frozenset(p.stem for p in folder.glob("*.md")) if folder.is_dir() else frozenset()
    result = convert_issue(site, body, today=today or dt.date.today(), issue_path=file,
                           taken=taken)
    if result.errors:
        return None, result.errors
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{result.slug}.md"
    with path.open("x", encoding="utf-8") as f:  # never replaces a file
        f.write(result.text)
    return path, []
