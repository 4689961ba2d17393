"""Bounded work, one verdict: what check passes build renders; past a limit, an error naming it."""

from __future__ import annotations

import pytest
from conftest import exemplar
from hostile import cli, refused_by_check_and_build

from rubricsite import limits
from rubricsite.markup import MarkupError, to_html

BODY_LINE = 8  # exemplar()'s default front matter is lines 1-6, then a blank line
MARKS = (f"this paragraph holds more than {limits.PARAGRAPH_MARKS} of the marks * _ [ ] ` < ~; "
         "that is the limit (split it into shorter paragraphs)")
NESTED = (f"blockquotes and lists nested more than {limits.NESTING} deep; that is the limit (nest "
          "fewer levels of '>' and indented lists)")

PATHOLOGICAL = {
    # name: (story, line within the story, error after 'error: ')
    "6 KB of nested emphasis": ("*a " * 1000 + "b" + " c*" * 1000, 1, MARKS),
    "bullets do not count, their text does": ("".join(f"* [{i}](x) *e*\n" for i in range(110)), 1, MARKS),
    "32 KB of [": ("[" * 32 * 1024, 1, MARKS),
    "nested links": ("[" * 300 + "a" + "](b)" * 300, 1, MARKS),
    "emphasis runs": ("intro\n\n" + "**" * 600 + "a", 3, MARKS),
    "backtick runs": ("a " + "`" * (limits.PARAGRAPH_MARKS + 1), 1, MARKS),
    "unclosed code fence": ("```\n" + "*a " * 1000 + "b" + " c*" * 1000, 1, MARKS),
    "closed code fence": ("```\n" + "[" * 1001 + "\n```", 1, MARKS),
    "inline HTML": ("<span>" * (limits.PARAGRAPH_MARKS + 1), 1, MARKS),
    "deep blockquotes": ("> " * 40 + "x", 1, NESTED),
    "deep lists": ("".join("    " * i + "- x\n" for i in range(12)), 9,
                   NESTED),
    "quotes in lists": ("".join("> - " * (i + 1) + "x\n" for i in range(6)), 5,
                        NESTED),
    "brackets over many paragraphs": ("\n\n".join(["[" * 300] * 12), 23,
                                      "too many '[' up to this paragraph: the limit is 1,000,000 "
                                      "for the sum over paragraphs of their number squared (use "
                                      "fewer square brackets, or spread them over more, shorter "
                                      "paragraphs)"),
}


@pytest.mark.parametrize("story, line, message", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_markdown_is_refused_by_check_and_build(make_site, tmp_path, story, line,
                                                             message):
    root = make_site({"content/exemplars/x.md": exemplar(story)})
    refused_by_check_and_build(
        root, [f"content/exemplars/x.md:{BODY_LINE + line - 1}: error: {message}"], tmp_path)


@pytest.mark.parametrize("story", [p[0] for p in PATHOLOGICAL.values()], ids=PATHOLOGICAL.keys())
def test_the_converter_refuses_what_check_refuses(story):
    assert limits.markdown_problem(story) is not None
    with pytest.raises(MarkupError):
        to_html(story)


HALF = limits.PARAGRAPH_MARKS // 2
AT_THE_LIMIT = {
    "nested emphasis": "*a " * HALF + "b" + " c*" * HALF,
    "nested strong": "**a " * (HALF // 2) + "b" + " c**" * (HALF // 2),
    "nested links": "[" * (HALF // 2) + "a" + "](b)" * (HALF // 2),
    "a long list of links": "".join(f"* [link {i}](https://example.org/{i}/)\n" for i in range(150)),
    "blockquotes": "> " * limits.NESTING + "x",
    "lists": "".join("    " * i + "- x\n" for i in range(limits.NESTING)),
    "code": "```\n" + "int *p = a[i] * b[j];\n" * 40 + "```\n\nafter",
}


@pytest.mark.parametrize("story", AT_THE_LIMIT.values(), ids=AT_THE_LIMIT.keys())
def test_what_passes_the_limits_converts(story):
    assert limits.markdown_problem(story) is None
    assert to_html(story).startswith("<")


def test_a_story_at_the_limits_builds(make_site, build, page):
    root = make_site({"content/exemplars/x.md": exemplar(AT_THE_LIMIT["nested emphasis"])})
    out = build(root)
    assert page(out, "/exemplars/x/").select_one(".story em") is not None


def test_file_size_limit(make_site, tmp_path):
    story = "word " * (limits.FILE_BYTES // 5)
    root = make_site({"content/exemplars/x.md": exemplar(story)})
    size = (root / "content/exemplars/x.md").stat().st_size
    refused_by_check_and_build(root, [
        f"content/exemplars/x.md:1: error: the file is {size / 1024:,.0f} KB; the limit is "
        f"{limits.FILE_BYTES // 1024} KB (split it, or move large material to a linked resource)"],
        tmp_path)


def test_front_matter_size_limit(make_site, tmp_path):
    root = make_site({"content/exemplars/x.md": exemplar(contributors=["A name"] * 3000)})
    result = cli(root, "check")
    assert result.status == 1
    assert result.errors[0].startswith("content/exemplars/x.md:2: error: the front matter is ")
    assert result.errors[0].endswith(f"the limit is {limits.FRONT_MATTER_BYTES // 1024} KB (keep "
                                     "the fields short; the story goes below the closing '---')")


def test_tag_limit(make_site, tmp_path):
    tags = [f"tag {i}" for i in range(limits.TAGS + 1)]
    root = make_site({"content/exemplars/x.md": exemplar(tags=tags)})
    refused_by_check_and_build(root, [
        f"content/exemplars/x.md:6: error: {limits.TAGS + 1} tags; the limit is {limits.TAGS} "
        "(keep the few that say most about the exemplar)"], tmp_path)


def test_yaml_nesting_limit(make_site, tmp_path):
    deep = "[" * 40 + "]" * 40
    root = make_site({"content/exemplars/x.md": exemplar().replace("---\n", f"---\ngrades: {deep}\n", 1)})
    refused_by_check_and_build(root, [
        f"content/exemplars/x.md:2: error: values nested more than {limits.YAML_DEPTH} levels "
        "deep; that is the limit (write plain lists and 'key: value' lines)"], tmp_path)


def test_a_failure_while_drawing_names_the_source_file(make_site, tmp_path):
    """A template that renders a field as Markdown: the field's file is named, not a traceback."""
    root = make_site({
        "templates/exemplar.html": '{% extends "builtin/exemplar.html" %}{% block content %}'
                                   '{{ exemplar.title|markdown }}{% endblock %}',
        "content/exemplars/x.md": exemplar(title="[" * 1200),
        "content/exemplars/reading-buddies.md": None})
    assert cli(root, "check").status == 0
    result = cli(root, "build", "--output", tmp_path / "o")
    assert (result.status, result.errors) == (1, [f"content/exemplars/x.md:1: error: {MARKS}"])


def test_a_template_that_recurses_forever_is_an_error_not_a_traceback(make_site, tmp_path):
    root = make_site({"templates/page.html": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
                      "content/pages/about.md": "---\ntitle: About\n---\n\nText.\n"})
    result = cli(root, "build", "--output", tmp_path / "o")
    assert result.status == 1
    assert len(result.errors) == 1 and result.errors[0].startswith("templates/page.html:")
