"""The 'Suggest an exemplar' issue form: generated from the rubric, and read back into a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from rubricsite.cli import main
from rubricsite.issue_form import convert_issue, issue_form_yaml, read_answers
from rubricsite.load import split_front_matter
from rubricsite.pipeline import check_site
from rubricsite.scaffold import rubric_site

TODAY = dt.date(2026, 11, 29)
TICKED = ("- [X] I wrote the summary and story in my own words, and I agree to share them under "
          "CC BY-NC 4.0, the licence of the rubric.")
GOOD = {
    "Title": "Reading buddies across the grades",
    "Standard": "Sample",
    "Theme": "A. Vision",
    "Phase": "Established",
    "Summary": "Older students read with younger ones every week.",
    "Story": "## What it shows\n\nEvery Friday the grade 7s read with the kindergarten class.",
    "Region": "Ontario",
    "Grades": "K-3, 7-8",
    "Tags": "reading, peer learning",
    "Resource title": "Reading buddies in the commons",
    "Resource author": "Doe, J.",
    "Resource year": "2020",
    "Resource URL": "https://example.org/buddies",
    "Resource kind": "article",
    "Why the resource is worth a look": None,
    "Your name": "Sam Lee",
    "Licence": TICKED,
}


def rendered(**changes: str | None) -> str:
    """An issue body as GitHub renders a submitted form: `### label`, a blank line, the answer."""
    answers = {**GOOD, **{k.replace("_", " "): v for k, v in changes.items()}}
    return "".join(f"### {label}\n\n{answer or '_No response_'}\n\n" for label, answer in answers.items())


@pytest.fixture
def site(make_site):
    return rubric_site(make_site())[0]


def test_form_dropdowns_come_from_the_rubric(site):
    form = yaml.safe_load(issue_form_yaml(site))
    dropdowns = {e["id"]: e["attributes"]["options"] for e in form["body"] if e["type"] == "dropdown"}
    assert dropdowns == {"standard": ["Sample"], "theme": ["A. Vision", "B. Design"],
                         "phase": ["Emerging", "Evolving", "Established", "Leading"]}
    labels = [e["attributes"]["label"] for e in form["body"] if e["type"] != "markdown"]
    assert labels == list(GOOD)
    assert form["labels"] == ["exemplar"]


def test_good_issue_becomes_this_file(site):
    result = convert_issue(site, rendered(), today=TODAY)
    assert result.errors == []
    assert result.slug == "reading-buddies-across-the-grades"
    assert result.text == """\
---
# yaml-language-server: $schema=../../schema/exemplar.schema.json
title: Reading buddies across the grades
standard: sample
theme: vision
level: established
summary: Older students read with younger ones every week.
region: Ontario
grades:
- K-3
- 7-8
tags:
- reading
- peer learning
date: 2026-11-29
contributors:
- Sam Lee
resources:
- title: Reading buddies in the commons
  author: Doe, J.
  year: 2020
  url: https://example.org/buddies
  kind: article
---

## What it shows

Every Friday the grade 7s read with the kindergarten class.
"""


ISSUE = "issue.md"
CASES = {
    "unknown phase": (dict(Phase="Establisehd"),
                      f"{ISSUE}:13: error: Phase: unknown phase 'Establisehd' "
                      "(did you mean 'established'?)"),
    "unknown theme": (dict(Theme="Vison"),
                      f"{ISSUE}:9: error: Theme: unknown theme 'Vison' (did you mean 'vision'?)"),
    "unknown standard": (dict(Standard="Sampel"),
                         f"{ISSUE}:5: error: Standard: unknown standard 'Sampel' "
                         "(did you mean 'sample'?)"),
    "no title": (dict(Title=None),
                 f"{ISSUE}:1: error: Title: an answer is needed (The exemplar's title. A short, plain name "
                 "for what happened, e.g. 'Reading buddies across the grades'.)"),
    "no summary": (dict(Summary=None),
                   f"{ISSUE}:17: error: Summary: an answer is needed "
                   "(One sentence: what this exemplar shows.)"),
    "summary too long": (dict(Summary="word " * 70),
                         f"{ISSUE}:17: error: Summary: the summary is 349 characters long "
                         "(keep it to one sentence under 300 characters)"),
    "no story": (dict(Story=None),
                 f"{ISSUE}:21: error: Story: an answer is needed "
                 "(In your own words: what happens, who is involved, and why it fits the cell's "
                 "statement. A few short paragraphs; Markdown works (## headings, - lists).)"),
    "no resource title": (dict(Resource_title=None),
                          f"{ISSUE}:39: error: Resource title: an answer is needed "
                          "(The resource's title, as published. Every exemplar cites a published resource.)"),
    "year not a number": (dict(Resource_year="twenty twenty"),
                          f"{ISSUE}:47: error: Resource year: the answer should be a year such as 2019, "
                          "not 'twenty twenty' (leave the year out when the resource has none: "
                          "leave it empty)"),
    "javascript url": (dict(Resource_URL="javascript:alert(1)"),
                       f"{ISSUE}:51: error: Resource URL: the answer is not a web address: "
                       "'javascript:alert(1)' (copy the whole address from the browser's address "
                       "bar, starting with https://)"),
    "licence not ticked": (dict(Licence=TICKED.replace("[X]", "[ ]")),
                           f"{ISSUE}:67: error: Licence: the licence box is not ticked "
                           "(contributions are shared under CC BY-NC 4.0; tick the box to agree)"),
    "title taken": (dict(Title="Reading buddies"),
                    f"{ISSUE}:1: error: Title: an exemplar named 'reading-buddies.md' already "
                    "exists (choose another title, or suggest an edit to that exemplar)"),
    "not a form": ("Please add my exemplar, it is great.",
                   f"{ISSUE}:1: error: no answers of the 'Suggest an exemplar' form found (the body "
                   "needs its '### Title', '### Theme', ... headings; open a new issue with the "
                   "form (suggest-exemplar.yml))"),
}


@pytest.mark.parametrize("change, expected", CASES.values(), ids=CASES.keys())
def test_each_bad_answer_names_its_question(site, change, expected):
    body = change if isinstance(change, str) else rendered(**change)
    result = convert_issue(site, body, today=TODAY, issue_path=Path(ISSUE))
    assert [e.text() for e in result.errors] == [expected]


def test_the_heading_line_is_the_one_named(site):
    body = rendered()
    lines = body.split("\n")
    for label, (_answer, line) in read_answers(body, list(GOOD)).items():
        assert lines[line - 1] == f"### {label}"


def test_headings_inside_an_answer_stay_in_it(site):
    story = "### Region\n\nA heading the writer typed.\n\n### Title\n\nAnother."
    result = convert_issue(site, rendered(Story=story), today=TODAY)
    assert result.errors == []
    meta, body, _, _ = split_front_matter(Path("x.md"), result.text)
    assert (meta.data["title"], meta.data["region"]) == (GOOD["Title"], "Ontario")
    assert body.strip() == story


HOSTILE = {
    "yaml in title": "x\n---\nlevel: leading\ntitle: injected",
    "quotes and colons": "It's \"fine\": really # not a comment",
    "yaml tag": "!!python/object/apply:os.system ['id']",
    "path traversal": "../../../.github/workflows/evil",
    "control characters": "Bell\x07 and\x1b[31m escape\x00 nul",
    "bidi override": "admin\u202etxt.exe",
    "html": "<script>alert(1)</script> Reading",
}


@pytest.mark.parametrize("title", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_answers_stay_plain_text(make_site, title):
    root = make_site()
    site = rubric_site(root)[0]
    result = convert_issue(site, rendered(Title=title, Region=title, Story=title + "\n\n---\n"),
                           today=TODAY)
    assert result.errors == []
    assert result.slug and "/" not in result.slug and not result.slug.startswith(".")
    meta, _, _, _ = split_front_matter(Path("x.md"), result.text)
    assert set(meta.data) == {"title", "standard", "theme", "level", "summary", "region", "grades",
                              "tags", "date", "contributors", "resources"}
    clean = meta.data["title"]
    assert clean == meta.data["region"]
    assert not any(ord(c) < 32 or 0x202A <= ord(c) <= 0x202E for c in clean)
    assert clean == " ".join(clean.split())  # one line
    (root / f"content/exemplars/{result.slug}.md").write_text(result.text)
    checked, errors = check_site(root)
    assert errors == []
    assert checked.exemplars[result.slug].cells[0].level == "established"


def test_import_issue_command_writes_the_file(make_site, tmp_path, capsys):
    root = make_site()
    issue = tmp_path / "issue.md"
    issue.write_text(rendered())
    assert main(["import-issue", "--root", str(root), str(issue)]) == 0
    assert capsys.readouterr().out == "content/exemplars/reading-buddies-across-the-grades.md\n"
    assert check_site(root)[1] == []
    # the same issue again: the file exists, nothing is overwritten
    before = (root / "content/exemplars/reading-buddies-across-the-grades.md").read_text()
    assert main(["import-issue", "--root", str(root), str(issue)]) == 1
    err = capsys.readouterr().err
    assert "Title: an exemplar named 'reading-buddies-across-the-grades.md' already exists" in err
    assert (root / "content/exemplars/reading-buddies-across-the-grades.md").read_text() == before


def test_import_issue_command_reports_in_check_style(make_site, tmp_path, capsys):
    root = make_site()
    issue = tmp_path / "issue.md"
    issue.write_text(rendered(Phase="Establisehd", Resource_URL="ftp://x"))
    assert main(["import-issue", "--root", str(root), "--format", "github", str(issue)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"::error file={issue.as_posix()},line=13::Phase: unknown phase "
                      "'Establisehd' (did you mean 'established'?)")
    assert len(out) == 2
    assert sorted(p.name for p in (root / "content/exemplars").iterdir()) == ["reading-buddies.md"]


def test_crlf_bodies_read_the_same(site):
    assert convert_issue(site, rendered().replace("\n", "\r\n"), today=TODAY) == \
        convert_issue(site, rendered(), today=TODAY)


def test_several_standards_name_the_standard_in_each_theme(make_site):
    second = (make_site() / "rubric/sample.yaml").read_text().replace(
        "id: sample", "id: second").replace('short_title: "Sample"', 'short_title: "Second"')
    root = make_site({"rubric/second.yaml": second})
    site = rubric_site(root)[0]
    form = yaml.safe_load(issue_form_yaml(site))
    themes = next(e for e in form["body"] if e.get("id") == "theme")["attributes"]["options"]
    assert themes == ["Sample: A. Vision", "Sample: B. Design", "Second: A. Vision", "Second: B. Design"]
    good = convert_issue(site, rendered(Standard="Second", Theme="Second: B. Design"), today=TODAY)
    assert good.errors == [] and "standard: second\ntheme: design\n" in good.text
    bad = convert_issue(site, rendered(Standard="Sample", Theme="Second: B. Design"), today=TODAY,
                        issue_path=Path(ISSUE))
    assert [e.text() for e in bad.errors] == [
        f"{ISSUE}:9: error: Theme: this theme belongs to another standard (second) "
        "(pick a theme of sample)"]
