"""A district's fork (tests/sites/district): its own name, logo, colours, footer, templates, assets and a
second standard, all from its own folder, none of it in the engine."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import PROJECT, SITES

from rubricsite.issue_form import issue_form_yaml
from rubricsite.load import BUILTIN
from rubricsite.pipeline import check_site
from rubricsite.scaffold import rubric_site
from rubricsite.schema import exemplar_schema

DISTRICT = SITES / "district"
REPO = "https://github.com/northwind-schools/learning-commons"


@pytest.fixture
def out(make_site, build) -> Path:
    return build(make_site(base="district"))


def test_fixture_is_clean():
    site, errors = check_site(DISTRICT)
    assert errors == []
    assert [s.id for s in site.standards] == ["collaborative-engagement", "reading-culture"]


def test_name_and_logo(out, page):
    home = page(out, "/")
    brand = home.select_one(".site-header .brand")
    assert brand.get_text(strip=True) == "Northwind Schools: Learning Commons in Action"
    logo = brand.select_one("img.brand-logo")
    assert logo["src"] == "assets/logo.svg"
    assert (out / "assets/logo.svg").read_bytes() == (DISTRICT / "assets/logo.svg").read_bytes()
    deep = page(out, "/reading-culture/family-literacy/evolving/")
    assert deep.select_one(".brand img")["src"] == "../../../assets/logo.svg"
    assert home.title.get_text() == "Northwind Schools: Learning Commons in Action"


def test_colours_become_custom_properties_per_scheme(out, page):
    style = page(out, "/").select_one("head style").get_text()
    assert style == (
        "@media (prefers-color-scheme: light) { :root { --accent: #8a1538; --focus: #b45309; } }\n"
        "@media (prefers-color-scheme: dark) { :root { --accent: #f2a7bd; } }")


def test_footer_text_and_links(out, page):
    footer = page(out, "/reading-culture/").select_one("footer.site-footer")
    assert footer.p.get_text() == "Northwind School District, Library Learning Commons team"
    links = [(a.get_text(), a["href"]) for a in footer.select(".footer-links a")]
    assert links == [("About this site", "../about/"),
                     ("District library services", "https://example.org/northwind/library-services"),
                     ("Write to the team", "mailto:llc@example.org")]
    assert "CC BY-NC 4.0" in footer.select_one(".credit").get_text()  # the credit stays


def test_second_standard_has_its_own_grid_cells_and_exemplars(out, page):
    home = page(out, "/")
    cards = {c.h3.get_text(strip=True): c.select_one(".meta").get_text(" ", strip=True)
             for c in home.select(".standard-card")}
    assert cards == {"Collaborative Engagement": "2 themes · 1 exemplar",
                     "Reading Culture": "2 themes · 2 exemplars"}
    grid = page(out, "/reading-culture/")
    assert [r["id"] for r in grid.select("table tbody tr")] == ["reading-for-pleasure",
                                                                "family-literacy"]
    counts = {td["id"]: td.select_one("a.see-it").get_text(strip=True)
              for td in grid.select("table td[id]")}
    assert counts["reading-for-pleasure-established"] == "See it in action (1)"
    assert counts["reading-for-pleasure-emerging"] == "See it in action (1)"
    assert counts["family-literacy-evolving"] == "See it in action (1)"
    assert counts["family-literacy-leading"] == "See it in action (0)"
    cell = page(out, "/reading-culture/family-literacy/evolving/")
    assert cell.h1.get_text(" ", strip=True).startswith("F2 Evolving")
    assert [a.get_text() for a in cell.select(".exemplar-list a")] == ["Family book bags"]
    nav = [a.get_text(strip=True) for a in page(out, "/").select(".site-nav a")]
    assert nav[:2] == ["Collaborative Engagement", "Reading Culture"]


def test_overridden_template_extends_the_built_in(out, page):
    cell = page(out, "/collaborative-engagement/vision-for-learning/leading/")
    note = cell.select_one("div.district-note")
    assert "district learning commons team" in note.get_text()
    box = note.find_next_sibling("section")  # the built-in block, kept by super()
    assert box["class"] == ["contribute-box"]
    assert box.select_one("a")["href"].startswith(f"{REPO}/new/main/content/exemplars?")
    assert cell.select_one("blockquote.indicator").get_text(strip=True) == (
        "LLC builds learning communities and is responsive to evolving school, district and "
        "global changes.")


def test_overridden_base_adds_the_district_stylesheet(out, page):
    for url, href in (("/", "assets/district.css"), ("/exemplars/family-book-bags/",
                                                     "../../assets/district.css")):
        links = [link["href"].split("?")[0] for link in page(out, url).select("head link[rel=stylesheet]")]
        assert links[-1] == href, url
    assert (out / "assets/district.css").is_file()


def test_overridden_asset_replaces_the_built_in(out):
    assert (out / "assets/interactive.css").read_bytes() == \
        (DISTRICT / "assets/interactive.css").read_bytes()
    assert (out / "assets/site.css").read_bytes() == (BUILTIN / "assets/site.css").read_bytes()


def test_every_link_resolves(out):
    checked = 0
    for path in sorted(out.rglob("*.html")):
        if path.name == "404.html":
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.select("[href], [src]"):
            url = tag.get("href") or tag.get("src")
            parts = urlsplit(url)
            if parts.scheme or url.startswith("#"):
                continue
            assert not url.startswith("/"), f"{path}: {url}"
            target = (path.parent / unquote(parts.path)).resolve()
            target = target / "index.html" if target.is_dir() else target
            assert target.is_file(), f"{path.relative_to(out)}: broken link {url}"
            checked += 1
    assert checked > 500


@pytest.mark.parametrize("base_url, prefix", [
    ("https://northwind-schools.github.io/learning-commons", "/learning-commons/"),  # project site
    ("https://llc.northwind.example", "/"),  # custom domain, set in the Pages settings
])
def test_pages_base_url_project_site_or_custom_domain(make_site, build, page, base_url, prefix):
    out = build(make_site(base="district"), base_url=base_url + "/")
    cell = page(out, "/reading-culture/family-literacy/evolving/")
    assert cell.select_one("link[rel=canonical]")["href"] == (
        f"{base_url}/reading-culture/family-literacy/evolving/")
    assert cell.select_one(".brand img")["src"] == "../../../assets/logo.svg"  # still relative
    missing = page(out, "/404.html")
    assert missing.select_one(".brand img")["src"] == f"{base_url}/assets/logo.svg"
    assert urlsplit(missing.select_one(".brand")["href"]).path == prefix
    assert f"<loc>{base_url}/reading-culture/</loc>" in (out / "sitemap.xml").read_text()


def test_issue_form_and_schema_follow_the_districts_rubric():
    site = rubric_site(DISTRICT)[0]
    form = yaml.safe_load(issue_form_yaml(site))
    options = {e["id"]: e["attributes"]["options"] for e in form["body"] if e["type"] == "dropdown"}
    assert options["standard"] == ["Collaborative Engagement", "Reading Culture"]
    assert "Reading Culture: F. Family Literacy" in options["theme"]
    schema = exemplar_schema(site)
    assert "standard" in schema["required"]  # two standards: each exemplar must say which
    assert {"reading-for-pleasure", "R", "vision-for-learning"} <= set(
        schema["properties"]["theme"]["enum"])


SITE_ERRORS = {
    "unknown colour": ("  focus: \"#b45309\"", "  acent: \"#b45309\"",
                       "site.yaml:11: error: unknown colour 'acent' (did you mean 'accent'?)"),
    "unsafe colour": ("  focus: \"#b45309\"", "  focus: \"red; } body { display: none\"",
                      "site.yaml:11: error: colour 'focus': 'red; } body { display: none' is not a "
                      "colour this site accepts; use a colour name such as maroon, #rgb, #rrggbb, "
                      "rgb(138 21 56) or hsl(340 74% 31%)"),
    "missing logo": ("logo: assets/logo.svg", "logo: assets/crest.png",
                     "site.yaml:7: error: logo 'assets/crest.png' is not a file under assets/ "
                     "(put the image in the site's assets/ folder and write e.g. assets/logo.svg)"),
    "logo outside assets": ("logo: assets/logo.svg", "logo: site.yaml",
                            "site.yaml:7: error: logo 'site.yaml' is not a file under assets/ "
                            "(put the image in the site's assets/ folder and write e.g. "
                            "assets/logo.svg)"),
    "script footer link": ("url: \"mailto:llc@example.org\"", "url: \"javascript:alert(1)\"",
                           "site.yaml:20: error: footer link 'javascript:alert(1)' is neither a web "
                           "address nor a path of this site (write https://... for another site, "
                           "or /about/ for a page of this one)"),
}


@pytest.mark.parametrize("old, new, expected", SITE_ERRORS.values(), ids=SITE_ERRORS.keys())
def test_each_site_yaml_mistake(make_site, old, new, expected):
    text = (DISTRICT / "site.yaml").read_text()
    assert old in text
    root = make_site({"site.yaml": text.replace(old, new)}, base="district")
    _, errors = check_site(root)
    assert [e.text(root) for e in errors] == [expected]


def test_colour_names_in_the_readme_exist_in_the_stylesheet():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Colours", 1)[1].split("\n### ", 1)[0]
    listed = section.split("The names:", 1)[1].split(". A plain name", 1)[0]
    documented = set(re.findall(r"`([a-z-]+)`", listed))
    defined = set(re.findall(r"--([a-z][a-z0-9-]*)\s*:", (BUILTIN / "assets/site.css").read_text()))
    assert len(documented) >= 15
    assert documented <= defined, documented - defined
