"""Every kind of content error: one case each, asserting the whole `path:line: error: …` line."""

from __future__ import annotations

import pytest
from conftest import exemplar

from rubricsite.errors import format_errors
from rubricsite.pipeline import check_site

BAD = "content/exemplars/bad.md"

CASES = {
    "unknown level": (
        exemplar(level="establised"),
        f"{BAD}:4: error: unknown phase 'establised' (did you mean 'established'?)",
    ),
    "unknown theme": (
        exemplar(theme="vison"),
        f"{BAD}:3: error: unknown theme 'vison' (did you mean 'vision'?)",
    ),
    "unknown key": (
        exemplar(colour="red"),
        f"{BAD}:6: error: there is no field called `colour` (remove it, or use one of: title, "
        "standard, theme, level, cells, summary, region, grades, tags, date, contributors, "
        "resources)",
    ),
    "missing title": (
        "---\ntheme: vision\nlevel: leading\nsummary: \"s\"\n---\nbody\n",
        f"{BAD}:2: error: `title` is missing (add a line: title: \"…\" (the exemplar's title))",
    ),
    "bad date": (
        exemplar(date="2024-13-01"),
        f"{BAD}:6: error: `date` is not a date written as year-month-day: '2024-13-01' "
        "(write it as YYYY-MM-DD, e.g. date: 2026-11-28)",
    ),
    "javascript url": (
        exemplar(resources=[{"title": "t", "url": "javascript:alert(1)"}]),
        f"{BAD}:8: error: the first resource's `url` is not a web address: 'javascript:alert(1)' "
        "(copy the whole address from the browser's address bar, starting with https://)",
    ),
    "broken yaml": (
        "---\ntitle: \"oops\ntheme: vision\nlevel: leading\nsummary: s\n---\nbody\n",
        f"{BAD}:2: error: the quote mark that opens the title is never closed "
        "(end the line with \": title: \"oops\")",
    ),
    "duplicate key": (
        "---\ntitle: a\ntitle: b\ntheme: vision\nlevel: leading\nsummary: s\n---\nbody\n",
        f"{BAD}:3: error: `title` is given twice (keep one of them and delete the other)",
    ),
    "no front matter": (
        "just a story\n",
        f"{BAD}:1: error: missing front matter "
        "(start the file with a line '---', the fields, then '---')",
    ),
    "unclosed front matter": (
        "---\ntitle: a\n",
        f"{BAD}:1: error: front matter is not closed (add a line '---' after the last field)",
    ),
    "empty story": (
        exemplar(body=""),
        f"{BAD}:7: error: the story is empty "
        "(write a few sentences of your own below the closing '---' line)",
    ),
    "python tag": (
        "---\ntitle: !!python/object:os.system x\ntheme: vision\nlevel: leading\nsummary: s\n"
        "---\nbody\n",
        f"{BAD}:2: error: a value here starts with !, which YAML reads as an instruction "
        "(could not determine a constructor for the tag 'tag:yaml.org,2002:python/object:os.system') "
        "(write plain text, in quotes when it starts with !)",
    ),
    "tags not a list": (
        exemplar(tags="reading"),
        f"{BAD}:6: error: `tags` should be a list "
        "(write it in square brackets: tags: [\"reading\"])",
    ),
}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=CASES.keys())
def test_each_error_kind_names_file_line_and_fix(make_site, text, expected):
    root = make_site({BAD: text})
    site, errors = check_site(root)
    assert site is None
    assert [e.text(root) for e in errors] == [expected]


def test_not_utf8_names_the_line(make_site):
    root = make_site()
    (root / BAD).write_bytes("---\ntitle: caf\xe9\n".encode("latin-1"))
    _, errors = check_site(root)
    assert [e.text(root) for e in errors] == [
        f"{BAD}:2: error: file is not UTF-8 text (save it as UTF-8 in your editor)"]


def test_duplicate_slug_and_unsafe_name(make_site):
    root = make_site({"content/exemplars/Reading-Buddies.md": exemplar()})
    _, errors = check_site(root)
    assert [e.text(root) for e in errors] == [
        "content/exemplars/Reading-Buddies.md:1: error: the file name 'Reading-Buddies.md' "
        "cannot be a web address (rename it to 'reading-buddies.md')",
        "content/exemplars/reading-buddies.md:1: error: duplicate slug 'reading-buddies' "
        "(Reading-Buddies.md already uses it; rename one of the files)",
    ]


def test_stray_file_is_reported(make_site):
    root = make_site({"content/exemplars/notes.txt": "notes"})
    _, errors = check_site(root)
    assert [e.text(root) for e in errors] == [
        "content/exemplars/notes.txt:1: error: this file is not read: only files ending in .md "
        "are (rename it to 'notes.md')"]


def test_folder_inside_exemplars_is_reported(make_site):
    root = make_site({"content/exemplars/ontario/maker-night.md": exemplar(title="Maker night")})
    _, errors = check_site(root)
    assert [e.text(root) for e in errors] == [
        "content/exemplars/ontario:1: error: a folder here is not read, nor are the files in it "
        "(move its .md files up into exemplars/)"]


@pytest.mark.parametrize("yaml_text, line", [
    ("title: &t [*t]\n", 2),  # a list that contains itself
    ("a: &a [x, x]\nb: [*a, *a]\nc: [*a]\n", 3),  # aliases that multiply
])
def test_yaml_aliases_are_refused_not_followed(make_site, yaml_text, line):
    root = make_site({"content/exemplars/loop.md": f"---\n{yaml_text}---\nStory.\n"})
    _, errors = check_site(root)
    assert [e.text(root) for e in errors] == [
        f"content/exemplars/loop.md:{line}: error: YAML anchors and aliases (& and *) are not "
        "supported here (write the value out in full)"]


def test_all_problems_reported_at_once_sorted(make_site):
    root = make_site({"content/exemplars/b.md": exemplar(level="nope"),
                      "content/exemplars/a.md": exemplar(theme="nope")})
    _, errors = check_site(root)
    assert [(e.path.name, e.line) for e in errors] == [("a.md", 3), ("b.md", 4)]


def test_misspelt_phase_in_rubric(make_site):
    rubric = (make_site() / "rubric/sample.yaml").read_text().replace(
        "      leading: \"Design leading", "      leadin: \"Design leading")
    root = make_site({"rubric/sample.yaml": rubric})
    _, errors = check_site(root)
    texts = [e.text(root) for e in errors]
    assert "rubric/sample.yaml:25: error: unknown phase 'leadin' (did you mean 'leading'?)" in texts
    assert "rubric/sample.yaml:21: error: theme 'design' has no statement for 'leading'" in texts


def test_github_format_escapes_and_points_at_line(make_site):
    root = make_site({BAD: exemplar(level="establised")})
    _, errors = check_site(root)
    assert format_errors(errors, "github", root) == (
        f"::error file={BAD},line=4::unknown phase 'establised' (did you mean 'established'?)")


def test_standard_required_when_several(make_site):
    second = (make_site() / "rubric/sample.yaml").read_text().replace(
        "id: sample", "id: second")
    root = make_site({"rubric/second.yaml": second, BAD: exemplar()})
    _, errors = check_site(root)
    assert {(e.path.name, e.message.split(" (")[0]) for e in errors} >= {
        ("bad.md", "`standard` is missing")}
