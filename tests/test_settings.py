"""Settings mistakes: colours read by a CSS parser, values YAML took for comments, rubric file names,
theme letters shared by two standards, clone URLs, templates that extend themselves."""

from __future__ import annotations

import pytest
from conftest import SITES

from rubricsite.pipeline import check_site
from rubricsite.settings import colour_problem

DISTRICT_YAML = (SITES / "district" / "site.yaml").read_text(encoding="utf-8")
ACCENT = '  accent: "#8a1538"        # Northwind maroon: white text on it passes 4.5:1'


@pytest.mark.parametrize("value", [
    "maroon", "RebeccaPurple", "transparent", "#abc", "#1b5e20", "#1B5E20", "#1b5e2080",
    "rgb(138 21 56)", "rgb(138, 21, 56)", "rgb(100% 0% 0%)", "rgba(0 0 0 / 0.5)",
    "hsl(340 74% 31%)", "hsl(340deg, 74%, 31%)", "hsla(340 74% 31% / 50%)",
])
def test_css_colours_pass(value):
    assert colour_problem(value) == ""


@pytest.mark.parametrize("value, expected", [
    ("blu", "'blu' is not a CSS colour name (did you mean 'blue'?)"),
    ("#1b5e2", "'#1b5e2' is not a hex colour: write # and 3 or 6 hex digits (#rgb or #rrggbb, "
               "e.g. #1b5e20)"),
    ("#ggg", "'#ggg' is not a hex colour: write # and 3 or 6 hex digits (#rgb or #rrggbb, "
             "e.g. #1b5e20)"),
    ("rgb(300 0 0)", "red 300 in 'rgb(300 0 0)' is out of range (0 to 255)"),
    ("rgb(0 0 -1)", "blue -1 in 'rgb(0 0 -1)' is out of range (0 to 255)"),
    ("hsl(120 150% 50%)", "saturation 150% in 'hsl(120 150% 50%)' is out of range (0 to 100%)"),
    ("rgba(0 0 0 / 2)", "opacity 2 in 'rgba(0 0 0 / 2)' is out of range (0 to 1)"),
    ("rgb(1 2)", "'rgb(1 2)' is not a valid CSS colour; use a colour name such as maroon, #rgb, "
                 "#rrggbb, rgb(138 21 56) or hsl(340 74% 31%)"),
    ("red; } body { display: none", "'red; } body { display: none' is not a colour this site "
     "accepts; use a colour name such as maroon, #rgb, #rrggbb, rgb(138 21 56) or hsl(340 74% 31%)"),
    ("url(x.png)", "'url(x.png)' is not a colour this site accepts; use a colour name such as "
                   "maroon, #rgb, #rrggbb, rgb(138 21 56) or hsl(340 74% 31%)"),
])
def test_not_colours_are_named_with_the_fix(value, expected):
    assert colour_problem(value) == expected


def errors_with(make_site, files: dict[str, str | None], base="district") -> list[str]:
    root = make_site(files, base=base)
    return [e.text(root) for e in check_site(root)[1]]


@pytest.mark.parametrize("value, message", [
    ('"blu"', "colour 'accent': 'blu' is not a CSS colour name (did you mean 'blue'?)"),
    ('"#1b5e2"', "colour 'accent': '#1b5e2' is not a hex colour"),
    ('"rgb(300 0 0)"', "colour 'accent': red 300 in 'rgb(300 0 0)' is out of range (0 to 255)"),
])
def test_site_yaml_colour_mistakes(make_site, value, message):
    text = DISTRICT_YAML.replace(ACCENT, f"  accent: {value}")
    errors = errors_with(make_site, {"site.yaml": text})
    assert len(errors) == 1 and errors[0].startswith(f"site.yaml:9: error: {message}"), errors


def test_a_colour_yaml_read_as_a_comment_says_put_it_in_quotes(make_site):
    text = DISTRICT_YAML.replace(ACCENT, "  accent: #1b5e20")
    assert errors_with(make_site, {"site.yaml": text}) == [
        "site.yaml:9: error: 'accent' has no value: YAML reads everything after # as a comment "
        "(put it in quotes: accent: \"#1b5e20\")"]


def test_a_real_comment_after_an_empty_key_is_fine(make_site):
    text = DISTRICT_YAML.replace("branch: main", "branch:   # the default: main")
    assert errors_with(make_site, {"site.yaml": text}) == []


def test_colour_written_into_the_css_is_the_checked_value(make_site, build, page):
    text = DISTRICT_YAML.replace(ACCENT, '  accent: "hsl(340 74% 31%)"')
    out = build(make_site({"site.yaml": text}, base="district"))
    assert "--accent: hsl(340 74% 31%);" in page(out, "/").select_one("head style").get_text()


@pytest.mark.parametrize("url", ["https://github.com/northwind/llc.git",
                                 "https://github.com/northwind/llc/", "https://github.com/northwind/llc"])
def test_repository_clone_url_is_normalised(make_site, url):
    text = DISTRICT_YAML.replace('repository: "https://github.com/northwind-schools/learning-commons"',
                                 f'repository: "{url}"')
    site, errors = check_site(make_site({"site.yaml": text}, base="district"))
    assert errors == []
    assert site.config.repository == "https://github.com/northwind/llc"


def test_a_standard_in_a_yml_file_is_read(make_site):
    root = make_site(base="district")
    (root / "rubric" / "reading-culture.yaml").rename(root / "rubric" / "reading-culture.yml")
    site, errors = check_site(root)
    assert errors == []
    assert [s.id for s in site.standards] == ["collaborative-engagement", "reading-culture"]


def test_other_files_in_rubric_are_reported(make_site):
    root = make_site({"rubric/notes.txt": "ideas\n"}, base="district")
    (root / "rubric" / "levels.yaml").rename(root / "rubric" / "levels.yml")
    errors = [e.text(root) for e in check_site(root)[1]]
    assert "rubric/levels.yml:1: error: the phases are read from rubric/levels.yaml only " \
           "(rename it to levels.yaml)" in errors
    assert "rubric/notes.txt:1: error: not read: rubric/ holds levels.yaml and one .yaml file per " \
           "standard (move it out of rubric/, or give a standard's file the .yaml ending)" in errors


def test_a_theme_code_used_by_two_standards_is_an_error(make_site):
    root = make_site(base="district")
    path = root / "rubric" / "reading-culture.yaml"
    text = path.read_text(encoding="utf-8")
    assert "code: R" in text
    path.write_text(text.replace("code: R", "code: a"), encoding="utf-8")
    errors = [e.text(root) for e in check_site(root)[1] if "rubric" in e.path.parts]
    assert len(errors) == 1
    assert errors[0].startswith("rubric/reading-culture.yaml:")
    assert errors[0].endswith("error: theme code 'a' is also used by the standard "
                              "'collaborative-engagement' (give each theme a letter no other "
                              "standard uses)")


@pytest.mark.parametrize("files, named", [
    ({"templates/cell.html": '{% extends "cell.html" %}\n'}, "templates/cell.html:1"),
    ({"templates/cell.html": '{# a note #}\n{%- extends  \'theme.html\' %}\n',
      "templates/theme.html": '{% extends "cell.html" %}'}, "templates/cell.html:2"),
    ({"templates/base.html": '{% include "base.html" %}'}, "templates/base.html:1"),
])
def test_a_template_that_extends_itself_is_named(make_site, files, named):
    errors = errors_with(make_site, files)
    assert any(e.startswith(f"{named}: error: template ") and "extends or includes itself" in e
               and 'builtin/' in e for e in errors), errors


def test_a_template_that_extends_the_builtin_is_fine(make_site):
    assert errors_with(make_site, {"templates/cell.html": '{% extends "builtin/cell.html" %}\n'}) == []


# --- standards: which standards a site publishes ------------------------------------------------


def test_publish_only_the_districts_own_standard(make_site, build_report, page, capsys):
    from rubricsite.cli import main

    text = DISTRICT_YAML + "standards: [reading-culture]\n"
    root = make_site({"site.yaml": text}, base="district")
    site, errors = check_site(root)
    assert errors == []
    assert [s.id for s in site.standards] == ["reading-culture"]
    assert site.notes == ("Left out 1 exemplar of 'collaborative-engagement', a standard site.yaml "
                          "does not publish (standards: reading-culture)",)
    assert main(["build", "--root", str(root), "--output", str(root / "output")]) == 0
    err = capsys.readouterr().err
    assert err.count("Left out") == 1
    out = root / "output"
    assert not (out / "collaborative-engagement").exists()
    assert page(out, "/").select_one(".site-nav a").get_text(strip=True) == "Reading Culture"


def test_hiding_the_shipped_standard_leaves_out_its_42_exemplars_in_one_line(make_site):
    from conftest import LEADING

    root = make_site({"site.yaml": "title: Ours\nstandards: [reading-culture]\n",
                      "rubric/reading-culture.yaml": (SITES / "district/rubric/reading-culture.yaml")
                      .read_text(encoding="utf-8")}, base=LEADING)
    site, errors = check_site(root)
    assert errors == []
    assert len(site.notes) == 1 and site.notes[0].startswith("Left out 42 exemplars of "
                                                             "'collaborative-engagement'")
    assert site.exemplars == {}


def test_an_unknown_standard_in_standards_is_an_error(make_site):
    errors = errors_with(make_site, {"site.yaml": DISTRICT_YAML + "standards: [reading-cultur]\n"})
    assert errors == ["site.yaml:21: error: unknown standard 'reading-cultur' "
                      "(did you mean 'reading-culture'?)"]
