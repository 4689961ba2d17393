"""Text that hides what it does is refused; tags and regions get slugs in every script, never two alike."""

from __future__ import annotations

import pytest
from conftest import exemplar
from hostile import cli, refused_by_check_and_build

from rubricsite.issue_form import clean
from rubricsite.slugs import slugify

HIDE = "(delete it: it can make the text read differently from what it is)"
CHARACTERS = {
    "right-to-left override": ("\u202e", "U+202E (right-to-left override)"),
    "left-to-right embedding": ("\u202a", "U+202A (left-to-right embedding)"),
    "first strong isolate": ("\u2068", "U+2068 (first strong isolate)"),
    "zero width space": ("\u200b", "U+200B (zero width space)"),
    "right-to-left mark": ("\u200f", "U+200F (right-to-left mark)"),
    "escape": ("\x1b", "U+001B (a control character)"),
    "nul": ("\x00", "U+0000 (a control character)"),
    "byte order mark inside": ("\ufeff", "U+FEFF (zero width no-break space)"),
}
FIELDS = {  # an exemplar with X where the character goes
    "title": exemplar(title="Reading X buddies"),
    "summary": exemplar(summary="One sentence X about it."),
    "tag": exemplar(tags=["reading", "stoXry"]),
    "region": exemplar(region="OntXario"),
    "grade": exemplar(grades=["K-X3"]),
    "resource annotation": exemplar(resources=[{"title": "T", "annotation": "Worth X it."}]),
    "resource url": exemplar(resources=[{"title": "T", "url": "https://example.org/X"}]),
    "contributor": exemplar(contributors=["A XName"]),
    "key": exemplar().replace("summary:", "summXary:"),
    "story": exemplar("## What it shows\n\nA story X here.\n"),
}


def _line_of_x(text: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if "X" in line)


# every character in one field, and one character in every field (the rule is one function)
MATRIX = [(*CHARACTERS[c], FIELDS["title"]) for c in CHARACTERS] + \
         [(*CHARACTERS["right-to-left override"], FIELDS[f]) for f in FIELDS if f != "title"]
MATRIX_IDS = [f"{c} in title" for c in CHARACTERS] + [f"override in {f}" for f in FIELDS if f != "title"]


@pytest.mark.parametrize("char, name, text", MATRIX, ids=MATRIX_IDS)
def test_hidden_characters_are_refused_in_every_field(make_site, tmp_path, char, name, text):
    root = make_site({"content/exemplars/x.md": text.replace("X", char)})
    refused_by_check_and_build(root, [
        f"content/exemplars/x.md:{_line_of_x(text)}: error: invisible control character {name} in "
        f"this line {HIDE}"], tmp_path)


@pytest.mark.parametrize("escape, name", [("\\u202e", "U+202E (right-to-left override)"),
                                          ("\\e", "U+001B (a control character)"),
                                          ("\\x00", "U+0000 (a control character)")])
@pytest.mark.parametrize("field", ["title", "summary"])
def test_hidden_characters_written_as_yaml_escapes_are_refused(make_site, tmp_path, escape, name,
                                                               field):
    text = exemplar().replace(f'{field}: ', f'{field}: "X" #', 1).replace("X", f"a{escape}b")
    root = make_site({"content/exemplars/x.md": text})
    refused_by_check_and_build(root, [
        f"content/exemplars/x.md:{_line_of_x(text.replace(escape, 'X'))}: error: invisible control "
        f"character {name} in this value {HIDE}"], tmp_path)


@pytest.mark.parametrize("path", ["site.yaml", "rubric/sample.yaml", "content/pages/about.md"])
def test_hidden_characters_are_refused_in_settings_rubric_and_pages(make_site, tmp_path, path):
    root = make_site({"content/pages/about.md": "---\ntitle: About\n---\n\nText.\n"})
    text = (root / path).read_text()
    (root / path).write_text(text.replace("title: ", "title: \u202e", 1))
    line = next(n for n, x in enumerate(text.split("\n"), 1) if "title: " in x)
    result = cli(root, "check")  # without its standard, the exemplars' cells are unknown too
    assert result.status == 1 and result.errors[-1 if path.startswith("rubric") else 0] == (
        f"{path}:{line}: error: invisible control character U+202E (right-to-left override) in "
        f"this line {HIDE}")


def test_joiners_that_scripts_need_stay(make_site, build):
    # U+200C and U+200D: Persian and Indic writing, and emoji sequences
    root = make_site({"content/exemplars/x.md": exemplar(title="می‌خواهم", tags=["👩‍🏫"])})
    build(root)


def test_the_issue_form_strips_what_check_refuses():
    text = "".join(c for c, _ in CHARACTERS.values())
    assert clean(f"a{text}b") == "ab"


SLUGS = {
    "Student Voice": "student-voice",
    "Québec": "quebec",
    "ᐃᓄᒃᑎᑐᑦ": "ᐃᓄᒃᑎᑐᑦ",  # Inuktitut syllabics
    "ᓄᓇᕗᑦ Nunavut": "ᓄᓇᕗᑦ-nunavut",
    "図書館": "図書館",
    "学校 図書館": "学校-図書館",
    "हिन्दी": "हिन्दी",  # the vowel signs stay with their letters
    "C++": "c",
    "++": "u2b-2b",
    "📚": "u1f4da",
}


@pytest.mark.parametrize("text, slug", SLUGS.items(), ids=SLUGS.keys())
def test_slug_in_every_script(text, slug):
    assert slugify(text) == slug


@pytest.mark.parametrize("tag", ["ᐃᓄᒃᑎᑐᑦ", "図書館", "📚", "++"])
def test_tags_in_any_script_get_a_page(make_site, build, page, tag):
    out = build(make_site({"content/exemplars/x.md": exemplar(tags=[tag], region=tag)}))
    slug = slugify(tag)
    assert slug
    assert page(out, f"/tags/{slug}/").h1.get_text(strip=True).endswith(f"“{tag}”")
    card = page(out, "/exemplars/").select_one('[data-slug="x"]')
    assert card["data-tags"] == slug and card["data-region"] == slug


COLLISIONS = {
    "C and C++": ("tags", "C", "C++", "c"),
    "accents": ("tags", "élève", "eleve!", "eleve"),
    "regions": ("region", "Québec", "Quebec.", "quebec"),
}


@pytest.mark.parametrize("key, first, second, slug", COLLISIONS.values(), ids=COLLISIONS.keys())
def test_two_values_with_one_slug_are_an_error_naming_both(make_site, tmp_path, key, first,
                                                           second, slug):
    value = (lambda v: [v]) if key == "tags" else (lambda v: v)
    line = 7 if key == "tags" else 6
    root = make_site({"content/exemplars/a.md": exemplar(title="A", **{key: value(first)}),
                      "content/exemplars/b.md": exemplar(title="B", **{key: value(second)}),
                      "content/exemplars/reading-buddies.md": None})
    what = "tag" if key == "tags" else "region"
    refused_by_check_and_build(root, [
        f"content/exemplars/b.md:{line}: error: {what} '{second}' and {what} '{first}' "
        f"(a.md:{line}) both become '{slug}' (write both the same way, or make them differ in "
        "letters or digits)"], tmp_path)


def test_one_tag_written_two_ways_is_one_tag(make_site, build, page):
    root = make_site({"content/exemplars/a.md": exemplar(title="A", tags=["Video"]),
                      "content/exemplars/b.md": exemplar(title="B", tags=["video"])})
    out = build(root)
    assert len(page(out, "/tags/video/").select(".exemplar-card")) == 2


def test_an_empty_tag_is_an_error(make_site, tmp_path):
    root = make_site({"content/exemplars/x.md": exemplar(tags=["reading", " "])})
    result = cli(root, "check")
    assert result.errors == ["content/exemplars/x.md:8: error: a tag is empty "
                             "(remove it or write the tag)"]
