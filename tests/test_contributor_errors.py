"""Realistic first files, each with several mistakes at once: `check` reports every one of them in
one run, each on its own line (the line to change), each in everyday words with the fix.

Every case lists (line, words the message must hold). A mistake missing from the report, an extra
report, a message in YAML's or Python's words, or a message without a fix fails the test.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT

from rubricsite.pipeline import check_site

# words a teacher-librarian should never have to decode
JARGON = re.compile(r"mapping values|cannot start any token|scalar|resources\.\d|\bNone\b|"
                    r"Traceback|KeyError|TypeError|\bdict\b|\bstr\b|broken YAML|block end")

ISSUE_FILE = (  # the file of the issue: an unquoted colon, a tab in a resource, five more mistakes
    "---\n"
    "title: Reading Buddies: a year of Fridays\n"  # 2: colon in the title
    "theme: vision\n"
    "level: Establised\n"  # 4: misspelt phase
    "grades: Grade 7\n"  # 5: a sentence, not a list of bands
    "tags: makerspace, co-teaching\n"  # 6: one string, not a list
    "resources:\n"
    '  - title: "Reading buddies"\n'
    "\turl: www.example.org/buddies\n"  # 9: a tab, and no https://
    '    year: "n.d."\n'  # 10: no year
    "---\n"  # summary is missing: reported where it belongs
    "\n"
    "Older students read with the kindergarten class every Friday.\n"
)

CASES = {
    "the issue's file": (
        {"content/exemplars/reading-buddies.md": ISSUE_FILE},
        [
            (2, "title", "quotes", 'title: "Reading Buddies: a year of Fridays"'),
            (4, "phase", "established"),
            (5, "summary", "missing", "add a line below `level`"),
            (5, "grades", "list", '["7"]'),
            (6, "tags", "separate values", 'tags: ["makerspace", "co-teaching"]'),
            (9, "tab", "use spaces"),
            (9, "first resource's `url`", "https://www.example.org/buddies"),
            (10, "first resource's `year`", "leave the year out"),
        ],
    ),
    "the web template, left as it came": (
        {"content/exemplars/your-exemplar-title.md": None},  # filled in by the test: the template
        [
            (1, "still called your-exemplar-title.md", "rename"),
            ("title", "placeholder", "replace"),
            ("summary", "placeholder", "replace"),
            ("resource", "placeholder", "replace"),
            ("story", "placeholder", "replace"),
            ("story", "placeholder", "replace"),
        ],
    ),
    "quotes, spaces and indentation": (
        {"content/exemplars/family-literacy-night.md": (
            "---\n"
            'title: "Family literacy night\n'  # 2: quote never closed
            "theme:B\n"  # 3: no space after the colon
            "level: Exploring\n"  # 4: a phase without statements
            'summary: Families read together: a night in the commons\n'  # 5: colon
            "date: 28/11/2026\n"  # 6: not YYYY-MM-DD
            "resources:\n"
            '  - title: "Family literacy"\n'
            "     url: https://example.org/night\n"  # 9: indented too far
            "  - author: Doe, J.\n"  # 10: a resource without a title
            '    year: "2019"\n'  # 11: a year in quotes
            "colour: blue\n"  # 12: no such field
            "---\n\nThe story.\n")},
        [
            (2, "quote mark", "never closed", 'title: "Family literacy night"'),
            (3, "no space after the colon", "theme: B"),
            (4, "Exploring phase", "emerging"),
            (5, "summary", "quotes"),
            (6, "date", "YYYY-MM-DD"),
            (9, "`url` is indented more than `title`", "same column"),
            (10, "second resource's `title`", "missing", "add a line"),
            (11, "second resource's `year`", "quote marks", "year: 2019"),
            (12, "no field called `colour`", "remove it"),
        ],
    ),
    "files in the wrong places": (
        {"content/maker-night.md": "---\ntitle: Maker night\ntheme: A\nlevel: leading\n---\nx\n",
         "content/pages/book-club.md": (
             '---\ntitle: "Book club"\ntheme: design\nlevel: evolving\nsummary: "s"\n---\nx\n'),
         "content/exemplars/story-walk.md.txt": "---\ntitle: Story walk\n---\nx\n",
         "content/exemplars/Grade 5 Podcasts.md": (
             '---\ntitle: "Podcasts"\ntheme: A\nlevel: leading\nsummary: "s"\n'
             'grades: ["Grade 5"]\n---\nStory.\n')},
        [
            ("content/maker-night.md", 1, "not read", "move it to content/exemplars/maker-night.md"),
            ("content/pages/book-club.md", 1, "exemplar", "move it to content/exemplars/book-club.md"),
            ("content/exemplars/story-walk.md.txt", 1, "not read", "rename it to 'story-walk.md'"),
            ("content/exemplars/Grade 5 Podcasts.md", 1, "file name", "'grade-5-podcasts.md'"),
            ("content/exemplars/Grade 5 Podcasts.md", 6, "'Grade 5' is not a grade band", '"5"',
             "K-3"),
        ],
    ),
    "a missing --- line, and more": (
        {"content/exemplars/book-tasting.md": (
            "title: Book tasting\n"  # 1: the opening --- is missing
            "theme: A\n"
            "level: leadin\n"  # 3
            'summary: "Students sample a table of books like a menu."\n'
            "grades: K-3, 4-6\n"  # 5
            "---\n\nStory.\n"),
         "content/exemplars/genius-hour.md": (
            "---\n"
            'title: "Genius hour"\n'
            "theme: A\n"
            "level: leading\n"
            "resources:\n"
            "  - title: Genius hour guide\n"
            "    url: ftp://example.org/guide\n"  # 7
            "\n"
            "## What it shows\n"  # 9: the closing --- is missing (and summary, after level)
            "\nStory.\n"),
         "content/exemplars/podcast-club.md": (
            '---\ntitle: "Podcast club"\ntheme: B2\nlevel: evolving\nsummary: "s"\n---\n\nStory.\n')},
        [
            ("content/exemplars/podcast-club.md", 3, "code of a cell", "theme: design and level: evolving"),
            ("content/exemplars/book-tasting.md", 1, "does not start with a line '---'", "add"),
            ("content/exemplars/book-tasting.md", 3, "phase", "leading"),
            ("content/exemplars/book-tasting.md", 5, "grades", '["K-3", "4-6"]'),
            ("content/exemplars/genius-hour.md", 7, "`url`", "https://"),
            ("content/exemplars/genius-hour.md", 9, "not closed by a line '---'", "add a line"),
            ("content/exemplars/genius-hour.md", 5, "`summary` is missing", "below `level`"),
        ],
    ),
    "several cells": (
        {"content/exemplars/co-teaching.md": (
            "---\n"
            'title: "Co-teaching research"\n'
            "cells:\n"
            "  - theme: Visoin\n"  # 4: a misspelt theme
            "    level: evolving\n"
            "  - theme: B\n"  # 6: its level is missing
            'summary: "A teacher and the teacher-librarian plan together."\n'
            "tags: [research\n"  # 8: list never closed
            "---\n\nStory.\n")},
        [
            (4, "theme", "vision"),
            (7, "second cell's `level`", "missing"),
            (8, "never closed", "]"),
        ],
    ),
}


def _template(make_site) -> str:
    from rubricsite.scaffold import exemplar_template, rubric_site

    site = rubric_site(make_site())[0]
    return exemplar_template(site, next(iter(site.cells)), "Your exemplar's title")


@pytest.mark.parametrize("files, expected", CASES.values(), ids=CASES.keys())
def test_every_mistake_in_one_run_each_with_its_fix(make_site, files, expected):
    files = {k: v if v is not None else _template(make_site) for k, v in files.items()}
    root = make_site(files)
    site, errors = check_site(root)
    assert site is None
    said = [(e.path.resolve().relative_to(root.resolve()).as_posix(), e.line or 1, e.said())
            for e in errors]
    lines = {path: (root / path).read_text().split("\n") for path in files}
    unmatched = list(said)
    for want in expected:
        path, line, words = _expectation(want, files, lines)
        found = next((s for s in unmatched if s[0] == path and (line is None or s[1] == line)
                      and all(w.lower() in s[2].lower() for w in words)), None)
        assert found, f"not reported: {want}\nreported:\n" + "\n".join(map(str, said))
        unmatched.remove(found)
    assert unmatched == [], "reported, but not expected: " + "\n".join(map(str, unmatched))
    for error in errors:
        assert error.hint, f"no fix given: {error.text(root)}"
        assert not JARGON.search(error.said()), error.text(root)


def _expectation(want: tuple, files: dict, lines: dict) -> tuple[str, int | None, tuple]:
    """(path, line or None, words) from a case's shorthand."""
    if isinstance(want[0], str) and want[0] in files:
        return want[0], want[1], want[2:]
    path = next(iter(files))
    if isinstance(want[0], int):
        return path, want[0], want[1:]
    # the template: a placeholder's line is found by the text it holds
    marker = {"title": "title: \"Your", "summary": "summary: \"One sentence",
              "resource": "- title: \"Title of", "story": ""}[want[0]]
    if not marker:
        return path, None, want[1:]
    line = next(i for i, text in enumerate(lines[path], 1) if text.lstrip().startswith(marker))
    return path, line, want[1:]


def test_check_on_the_command_line_prints_one_line_each_and_no_traceback(make_site):
    root = make_site({"content/exemplars/reading-buddies.md": ISSUE_FILE})
    run = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--root", str(root)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    reported = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert len(reported) == 8
    assert all(line.startswith("content/exemplars/reading-buddies.md:") for line in reported)


def test_a_python_without_the_packages_gets_one_line_saying_what_to_run():
    # -S: no site-packages, as with a system Python that never ran `make setup`
    run = subprocess.run([sys.executable, "-S", "-E", "-s", "build.py", "check"], cwd=PROJECT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and run.stdout == ""
    (line,) = run.stderr.splitlines()
    assert line.startswith("rubricsite: error: this Python (")
    assert "pyyaml" in line and "build.py check`" in line
    assert "make setup" in line or ".venv/bin/python build.py check" in line


def test_the_pull_request_summary_lists_every_problem_linked_to_its_line(make_site, tmp_path):
    import yaml
    from test_workflows import WORKFLOWS, _bash

    root = make_site({"content/exemplars/reading-buddies.md": ISSUE_FILE,
                      "content/exemplars/notes.txt": "notes"})
    (root / "build.py").write_text((PROJECT / "build.py").read_text())
    (root / ".venv" / "bin").mkdir(parents=True)
    python = root / ".venv" / "bin" / "python"  # the runner's .venv, made by `make setup`
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    steps = yaml.safe_load((WORKFLOWS / "check.yml").read_text())["jobs"]["check"]["steps"]
    step = next(s for s in steps if s.get("name") == "Check content")
    summary = tmp_path / "summary.md"
    links = "https://github.com/example/llc/blob/0123abc/"
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
           "GITHUB_STEP_SUMMARY": str(summary), "LINE_LINKS": links}
    assert "${{" in step["env"]["LINE_LINKS"]  # set by GitHub; here by hand
    result = _bash(step, env, root)
    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    items = [line for line in summary.read_text().splitlines() if line.startswith("- ")]
    assert len(items) == len(annotations) == 9
    for item in items:
        assert re.match(rf"- \[content/exemplars/[^\]]+, line \d+\]\({re.escape(links)}"
                        r"content/exemplars/\S+#L\d+\): \S", item), item
    assert any("use spaces, not a tab" in item for item in items)
    assert any("the first resource's \\`url\\`" in item for item in items)


def test_the_contribute_page_shows_no_placeholder_addresses_and_says_what_a_newcomer_sees():
    text = (PROJECT / "content/pages/contribute.md").read_text(encoding="utf-8")
    assert not re.search(r"OWNER|REPOSITORY|github\.com/[A-Z]", text)
    assert "awaiting approval" in text  # a first-time contributor's checks wait for a maintainer
    assert "starts no other workflow" in text  # the bot's pull request runs its own check


def test_an_issue_heading_that_is_no_question_is_named_not_dropped(make_site):
    import datetime as dt

    from test_issue_form import rendered

    from rubricsite.issue_form import convert_issue
    from rubricsite.scaffold import rubric_site

    site = rubric_site(make_site())[0]
    body = rendered().replace("### Resource URL", "### Resource Url") + "### Notes\n\nThanks!\n"
    result = convert_issue(site, body, today=dt.date(2026, 11, 29))
    lines = body.split("\n")
    said = {e.line: e.said() for e in result.errors}
    assert len(result.errors) == 2
    url_line = lines.index("### Resource Url") + 1
    assert "'### Resource Url' is not one of the form's questions" in said[url_line]
    assert "write the heading as '### Resource URL'" in said[url_line]
    assert "'### Notes'" in said[lines.index("### Notes") + 1]
    # the answer above it is not run together with the stray heading's answer
    assert not any(text.startswith("Resource year:") for text in said.values())
