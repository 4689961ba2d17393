"""The internal link check: a link in a story, a page, an intro or a template to a page or file the
site does not have is an error naming its file and line; external links are left alone."""

from __future__ import annotations

import pytest
from conftest import SITES, exemplar

from rubricsite.link_targets import markdown_links
from rubricsite.links import WHOLE_SITE_FILES, resolve
from rubricsite.pipeline import check_site

STORY = "content/exemplars/reading-buddies.md"


def story(*lines: str) -> str:
    return exemplar(body="## What it shows\n\n" + "\n".join(lines) + "\n")


def errors_of(report, root) -> list[str]:
    return [e.text(root) for e in report.errors]


@pytest.mark.parametrize("target", [
    "../../sample/", "../../sample/vision/established/", "../", "../../", "../../about/",
    "../../assets/site.css", "../../feed.xml", "../../sample/vision/established/#exemplars",
    "https://example.org/x", "mailto:llc@example.org", "#resources-heading", "../../about",
    "/sample/vision/", "../../data/rubric.json",
])
def test_links_that_lead_somewhere_pass(make_site, build_report, target):
    root = make_site({STORY: story(f"See [this]({target})."),
                      "content/pages/about.md": "---\ntitle: About\n---\n\nAbout us.\n"})
    report = build_report(root)
    assert report.ok, errors_of(report, root)


def test_a_broken_link_in_a_story_names_the_file_line_and_a_near_page(make_site, build_report):
    root = make_site({STORY: story("First line.", "", "Read [the grid](../../sampel/) and",
                                   "![a photo](../../assets/photo.jpg).")})
    report = build_report(root, tmp_out := root.parent / "out")
    assert errors_of(report, root) == [
        f"{STORY}:12: error: link '../../sampel/' leads to no page or file of this site "
        "(did you mean '../../sample/'?)",
        f"{STORY}:13: error: link '../../assets/photo.jpg' leads to no page or file of this site "
        "(link to a page of this site, or write the full https:// address of another site)"]
    assert not tmp_out.exists()  # nothing is written
    assert [e.line for e in check_site(root)[1]] == [12, 13]  # check says the same


def test_links_in_code_are_not_links(make_site, build_report):
    body = ["```markdown", "[not a link](../../nowhere/)", "```", "", "`[nor](../../this/)`",
            "", "    [indented](../../code/)"]
    root = make_site({STORY: story(*body)})
    assert build_report(root).ok


def test_html_and_reference_links_in_a_page(make_site, build_report):
    page = ("---\ntitle: About\n---\n\nSee <a href=\"../nowhere/\">this</a>.\n\n"
            "[ref]: ../missing.pdf\n")
    root = make_site({"content/pages/about.md": page})
    assert errors_of(build_report(root), root) == [
        "content/pages/about.md:5: error: link '../nowhere/' leads to no page or file of this site "
        "(link to a page of this site, or write the full https:// address of another site)",
        "content/pages/about.md:7: error: link '../missing.pdf' leads to no page or file of this "
        "site (link to a page of this site, or write the full https:// address of another site)"]


def test_a_broken_link_in_a_template_names_the_template_line(make_site, build_report):
    template = ('{% extends "builtin/base.html" %}\n{% block footer %}\n{{ super() }}\n'
                '<a href="{{ rel(\'/abuot/\') }}">About</a>\n{% endblock %}\n')
    root = make_site({"templates/base.html": template,
                      "content/pages/about.md": "---\ntitle: About\n---\n\nAbout us.\n"})
    errors = errors_of(build_report(root), root)
    assert errors == ["templates/base.html:4: error: link '/abuot/' leads to no page or file of "
                      "this site (did you mean '/about/'?)"]  # once, not once per page


def test_a_stylesheet_the_site_does_not_have(make_site, build_report):
    template = ('{% extends "builtin/base.html" %}\n{% block head %}\n'
                '<link rel="stylesheet" href="{{ rel(\'/assets/district.css\') }}">\n{% endblock %}\n')
    root = make_site({"templates/base.html": template})
    assert [e.line for e in build_report(root).errors] == [3]
    (root / "assets").mkdir()
    (root / "assets" / "district.css").write_text("body { margin: 0 }\n")
    assert build_report(root).ok


def test_a_broken_link_in_a_standard_intro(make_site, build_report):
    text = (SITES / "minimal/rubric/sample.yaml").read_text(encoding="utf-8")
    assert "\nintro:" in text
    root = make_site({"rubric/sample.yaml": text.replace(
        "\nintro: ", "\nintro: See [the plan](../asess/). ", 1)})
    errors = errors_of(build_report(root), root)
    assert len(errors) == 1 and errors[0].startswith("rubric/sample.yaml:") and "'../asess/'" in errors[0]
    assert "did you mean '../assess/'?" in errors[0]


def test_a_link_above_the_site_root_is_broken():
    assert resolve("../../../../x/", "/exemplars/a/") == ".."
    assert resolve("https://example.org/", "/") is None
    assert resolve("#top", "/a/") is None
    assert resolve("b/", "/a/") == "a/b/index.html"


def test_markdown_links_reads_lines_and_skips_fences():
    text = "a [x](one) b ![y](two)\n~~~\n[z](three)\n~~~\n[ref]: four\n"
    assert list(markdown_links(text, 5)) == [(5, "one"), (5, "two"), (9, "four")]


def test_whole_site_files_are_what_post_writes(make_site):
    from rubricsite.plan import plan_pages
    from rubricsite.post import post_files

    site, _ = check_site(make_site())
    assert {path for path, _ in post_files(site, plan_pages(site))} == set(WHOLE_SITE_FILES)


def test_the_district_fixture_has_no_broken_link(make_site, build_report):
    root = make_site(base="district")
    assert build_report(root).ok
