"""`build.py new`, and the cell and exemplar pages' links to the site's GitHub repository."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import exemplar

from rubricsite.cli import main
from rubricsite.pipeline import check_site
from rubricsite.scaffold import exemplar_template, new_exemplar

TODAY = dt.date(2026, 11, 29)
REPO = "https://github.com/example-district/llc"


def _fill_in(text: str) -> str:
    """What a contributor does with a new file: replace each placeholder."""
    return (text.replace("One sentence: what happens, and who makes it happen.", "Families build.")
            .replace("Title of the resource, as published", "Maker nights at home")
            .replace("In your own words: what happens, who is involved, and why it fits this "
                     "cell's statement.", "Families come in once a month.")
            .replace("- One practical first step another school could take.", "- Invite one class."))


def test_new_writes_a_file_that_passes_check_once_filled_in(make_site, capsys):
    root = make_site()
    status = main(["new", "--root", str(root), "--theme", "A", "--level", "Established",
                   "Maker night: families build it"])
    assert status == 0
    path = root / "content/exemplars/maker-night-families-build-it.md"
    assert capsys.readouterr().out.startswith("Wrote content/exemplars/maker-night-families-build-it.md")
    text = path.read_text()
    assert text.startswith("---\n# yaml-language-server: $schema=../../schema/exemplar.schema.json\n")
    _site, errors = check_site(root)  # left as written, every placeholder is a problem on its line
    lines = text.split("\n")
    assert sorted(e.key or ("story",) for e in errors) == [
        ("resources", 0, "title"), ("story",), ("story",), ("summary",)]
    for error in errors:
        assert "placeholder" in error.message and error.hint.startswith("replace ")
        assert any(word in lines[error.line - 1] for word in ("One", "Title", "In your own"))
    path.write_text(_fill_in(text))
    site, errors = check_site(root)
    assert errors == []
    made = site.exemplars["maker-night-families-build-it"]
    assert (made.title, made.cells[0].theme, made.cells[0].level) == (
        "Maker night: families build it", "vision", "established")


def test_every_field_is_explained(make_site):
    from rubricsite import fields

    root = make_site()
    path, _ = new_exemplar(root, "vision", "leading", "Story time outdoors", today=TODAY)
    text = path.read_text()
    for key, rule in fields.EXEMPLAR.items():
        assert f"# {key}" in text and rule.description in text, key
    for key, rule in fields.RESOURCE.fields.items():
        assert f"    # {key}" in text or f"  # {key}" in text, key
        assert rule.description in text
    assert "date: 2026-11-29\n" in text
    assert text.endswith(
        "## Try it in your school\n\n- One practical first step another school could take.\n")


CASES = {
    "unknown theme": (dict(theme="vison", level="leading"),
                      "error: option --theme: unknown theme 'vison' (did you mean 'vision'?)"),
    "unknown level": (dict(theme="A", level="establised"),
                      "error: option --level: unknown phase 'establised' "
                      "(did you mean 'established'?)"),
    "a space after the phase, as a file allows": (
        dict(theme=" A", level="Established "), None),
    "an id in capitals, as a file allows": (dict(theme="Vision ", level="LEADING"), None),
    "a cell's code, told as options": (
        dict(theme="A3", level="established"),
        "error: option --theme: 'A3' is the code of a cell, not a theme "
        "(write the theme and the phase apart: --theme vision and --level established)"),
    "phase without statements": (
        dict(theme="A", level="exploring"),
        "error: option --level: the Exploring phase has no statement, so no exemplars "
        "(pick the phase the resource shows: emerging, evolving, established or leading)"),
    "unknown standard": (dict(theme="A", level="leading", standard="sampel"),
                         "error: option --standard: unknown standard 'sampel' "
                         "(did you mean 'sample'?)"),
    "title without letters": (dict(theme="A", level="leading", title="!!!"),
                              "error: TITLE: the title '!!!' gives no file name "
                              "(use a title with some letters a-z or digits)"),
    "file exists": (dict(theme="A", level="leading", title="Reading Buddies"),
                    "content/exemplars/reading-buddies.md:1: error: an exemplar named "
                    "'reading-buddies.md' already exists (choose another title, or edit that file)"),
}


@pytest.mark.parametrize("args, expected", CASES.values(), ids=CASES.keys())
def test_each_new_error(make_site, args, expected):
    root = make_site()
    before = sorted(p.name for p in (root / "content/exemplars").iterdir())
    args = {"title": "Maker night", **args}
    path, errors = new_exemplar(root, args["theme"], args["level"], args["title"],
                                args.get("standard"))
    if expected is None:
        assert errors == [] and path.is_file()
        return
    assert path is None
    assert [e.text(root) for e in errors] == [expected]
    assert sorted(p.name for p in (root / "content/exemplars").iterdir()) == before


def test_new_needs_standard_when_several(make_site, capsys):
    second = (make_site() / "rubric/sample.yaml").read_text().replace("id: sample", "id: second")
    second = second.replace("code: A", "code: C").replace("code: B", "code: D")  # letters are site-wide
    root = make_site({"rubric/second.yaml": second,
                      "content/exemplars/reading-buddies.md": exemplar(standard="sample")})
    assert main(["new", "--root", str(root), "--theme", "A", "--level", "leading", "X"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "error: option --standard: this site has several standards: say which one "
        "(add --standard with one of: sample, second)")
    assert main(["new", "--root", str(root), "--standard", "second", "--theme", "D",
                 "--level", "leading", "X"]) == 0
    made = root / "content/exemplars/x.md"
    made.write_text(_fill_in(made.read_text()))
    site, errors = check_site(root)
    assert errors == []
    assert site.exemplars["x"].cells[0].standard == "second"


def test_other_broken_exemplars_do_not_stop_new(make_site):
    root = make_site({"content/exemplars/half-done.md": exemplar(level="nope")})
    path, errors = new_exemplar(root, "A", "leading", "Something new", today=TODAY)
    assert errors == [] and path.is_file()


def test_long_titles_are_cut_at_a_word(make_site):
    root = make_site()
    path, _ = new_exemplar(root, "A", "leading", "word " * 30, today=TODAY)
    assert path.name == "-".join(["word"] * 12) + ".md"


def test_quotes_and_colons_in_a_title_stay_valid_yaml(make_site):
    root = make_site()
    title = 'A "quoted" title: with # hash and \\ backslash'
    path, _ = new_exemplar(root, "A", "leading", title, today=TODAY)
    path.write_text(_fill_in(path.read_text()))
    site, errors = check_site(root)
    assert errors == []
    assert site.exemplars[path.stem].title == title


# --- links to the repository ------------------------------------------------------------------


def _with_repo(make_site, **files):
    return make_site({"site.yaml": f'title: "Sample"\nrepository: "{REPO}/"\nbranch: live\n', **files})


def test_cell_page_links_to_a_prefilled_new_file(make_site, build, page):
    root = _with_repo(make_site)
    out = build(root)
    box = page(out, "/sample/design/evolving/").select_one("section.contribute-box")
    assert box.h2.get_text() == "Add an exemplar to this cell"
    links = {a.get_text(strip=True): a["href"] for a in box.select("a")}
    new = urlsplit(links["Add an exemplar to this cell"])
    assert f"{new.scheme}://{new.netloc}{new.path}" == f"{REPO}/new/live/content/exemplars"
    query = parse_qs(new.query)
    assert query["filename"] == ["your-exemplar-title.md"]
    site, _ = check_site(root)
    key = next(k for k in site.cells if (k.theme, k.level) == ("design", "evolving"))
    assert query["value"] == [exemplar_template(site, key, "Your exemplar's title")]
    # the form opens with the cell's standard, theme and phase chosen (by each field's id)
    assert links["Suggest an exemplar with a form"] == (
        f"{REPO}/issues/new?template=suggest-exemplar.yml&standard=Sample&theme=B.%20Design"
        "&phase=Evolving")


def test_the_linked_template_left_as_it_is_names_each_placeholder(make_site, build, page):
    root = _with_repo(make_site)
    href = page(build(root), "/sample/vision/emerging/").select_one(".contribute-box a")["href"]
    text = parse_qs(urlsplit(href).query)["value"][0]
    assert "# date: YYYY-MM-DD" in text  # no build-day date: two builds stay byte-identical
    root2 = _with_repo(make_site, **{"content/exemplars/your-exemplar-title.md": text})
    _site, errors = check_site(root2)
    # the file name, the title, the summary, the resource's title and two lines of the story
    assert sorted(e.key for e in errors) == [
        (), (), (), ("resources", 0, "title"), ("summary",), ("title",)]
    assert any("still called your-exemplar-title.md" in e.message for e in errors)
    assert all("placeholder" in e.message for e in errors if e.key)
    filled = _fill_in(text).replace("Your exemplar's title", "Maker nights")
    root3 = _with_repo(make_site, **{"content/exemplars/maker-nights.md": filled})
    site, errors = check_site(root3)
    assert errors == []
    assert site.exemplars["maker-nights"].cells[0].level == "emerging"


def test_exemplar_page_links_to_its_file_in_the_editor(make_site, build, page):
    root = _with_repo(make_site)
    box = page(build(root), "/exemplars/reading-buddies/").select_one("section.contribute-box")
    links = {a.get_text(strip=True): a["href"] for a in box.select("a")}
    assert links["Suggest an edit"] == f"{REPO}/edit/live/content/exemplars/reading-buddies.md"
    assert links["Suggest another exemplar"] == f"{REPO}/issues/new?template=suggest-exemplar.yml"


def test_contribute_guide_is_linked_when_the_site_has_one(make_site, build, page):
    root = _with_repo(make_site, **{"content/pages/contribute.md":
                                    "---\ntitle: Contribute\n---\n\nHow to help.\n"})
    out = build(root)
    for url in ("/sample/vision/leading/", "/exemplars/reading-buddies/"):
        guide = page(out, url).select_one(".contribute-box a[href$='contribute/']")
        assert (out / url.strip("/") / guide["href"] / "index.html").resolve().is_file()


def test_no_repository_no_links(make_site, build, page):
    out = build(make_site())
    assert page(out, "/sample/vision/leading/").select(".contribute-box") == []
    assert page(out, "/exemplars/reading-buddies/").select(".contribute-box") == []


def test_no_repository_an_empty_cell_invites_through_the_contribute_page(make_site, build, page):
    root = make_site({"content/pages/contribute.md": "---\ntitle: Contribute\n---\n\nHow to help.\n"})
    out = build(root)
    cell = page(out, "/sample/vision/leading/")
    assert "No exemplar shows this cell yet" in cell.select_one("p.empty").get_text()
    box = cell.select_one("section.contribute-box")
    hrefs = [a["href"] for a in box.select("a")]
    assert hrefs == ["../../../contribute/"]  # no address of a repository that is not set
    assert "Vision" in box.get_text() and "Leading" in box.get_text()
    assert page(out, "/exemplars/reading-buddies/").select(".contribute-box") == []


def test_adding_the_guide_redraws_the_cell_pages(make_site, tmp_path, page):
    from rubricsite.pipeline import build_site

    root = _with_repo(make_site)
    out = tmp_path / "out"
    assert build_site(root, out).ok
    (root / "content/pages").mkdir(parents=True, exist_ok=True)
    (root / "content/pages/contribute.md").write_text("---\ntitle: Contribute\n---\n\nHow to help.\n")
    report = build_site(root, out)
    assert "/sample/vision/leading/" in report.rendered
    assert page(out, "/sample/vision/leading/").select_one(".contribute-box a[href$='contribute/']")
