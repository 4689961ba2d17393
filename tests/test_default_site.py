"""The Leading Learning site (its fixture copy), built into a temp folder and read back as HTML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import LEADING, TESTS, read_page

from rubricsite.pipeline import build_site

STANDARD = "collaborative-engagement"
BASE = "https://example.org/district/llc/"


@pytest.fixture(scope="module")
def site_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("default") / "out"
    report = build_site(LEADING, out, base_url=BASE, use_cache=False)
    assert report.ok, report.errors
    return out


def rubric() -> dict:
    return yaml.safe_load((LEADING / "rubric" / f"{STANDARD}.yaml").read_text(encoding="utf-8"))


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


@pytest.mark.parametrize(("url", "current"), [
    ("/", {}),
    (f"/{STANDARD}/", {"Collaborative Engagement": "page"}),
    (f"/{STANDARD}/vision-for-learning/", {"Collaborative Engagement": "true"}),
    ("/exemplars/", {"Exemplars": "page"}),
    ("/exemplars/4-voices-literature-circles/", {"Exemplars": "true"}),
    ("/tags/", {"Exemplars": "true"}),
    ("/assess/", {"Growth plan": "page"}),
    ("/about/", {"About": "page"}),
    ("/search/", {}),
])
def test_the_main_menu_marks_the_part_of_the_site_a_page_is_in(site_out, url, current):
    menu = read_page(site_out, url).find("nav", attrs={"aria-label": "Main"})
    links = menu.find_all("a")
    assert [a.get_text() for a in links] == ["Collaborative Engagement", "Exemplars", "Growth plan",
                                            "About", "Contribute"]
    assert {a.get_text(): a["aria-current"] for a in links if a.has_attr("aria-current")} == current


def test_rubric_carries_every_seed_statement_in_its_cell():
    """Parse the published source text and find each statement in the right theme and phase."""
    text = (TESTS / "data" / "seed-collaborative-engagement.txt").read_text(encoding="utf-8")
    body = text.split("Exploring_Red", 1)[1].splitlines()[1:]
    statements = [ln.strip() for ln in body if ln.strip()
                  and ln.strip() != "SEE IT IN ACTION" and not ln.startswith("Exploring_Red")]
    themes = rubric()["themes"]
    assert len(statements) == 4 * len(themes) == 24
    phases = ["emerging", "evolving", "established", "leading"]
    for index, theme in enumerate(themes):
        group = statements[4 * index: 4 * index + 4]
        assert group[0].startswith(theme["title"]), theme["id"]
        group[0] = group[0].removeprefix(theme["title"])
        assert [theme["indicators"][p] for p in phases] == group, theme["id"]
    assert [t["code"] for t in themes] == list("ABCDEF")


def test_grid_is_a_table_with_counts_per_cell(site_out):
    grid = read_page(site_out, f"/{STANDARD}/")
    table = grid.select_one("table.rubric-grid")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == [
        "Theme", "Exploring", "Emerging", "Evolving", "Established", "Leading"]
    rows = table.select("tbody tr")
    assert [r["id"] for r in rows] == [t["id"] for t in rubric()["themes"]]
    expected = Counter()
    for path in (LEADING / "content" / "exemplars").glob("*.md"):
        meta = front_matter(path)
        for cell in meta.get("cells") or [{"theme": meta["theme"], "level": meta["level"]}]:
            expected[f"{cell['theme']}-{cell['level']}"] += 1
    for theme in rubric()["themes"]:
        for level, statement in theme["indicators"].items():
            td = table.select_one(f"td#{theme['id']}-{level}")
            assert td.select_one(".statement").get_text(strip=True) == statement
            link = td.select_one("a.see-it")
            count = expected[f"{theme['id']}-{level}"]
            assert link.get_text(strip=True) == f"See it in action ({count})"
            cell = read_page(site_out, urljoin(f"/{STANDARD}/", link["href"]))
            assert len(cell.select(".exemplar-list > li")) == count
    assert sum(expected.values()) >= 42


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_internal_link_and_fragment_resolves(site_out):
    ids: dict[Path, set[str]] = {}
    checked = 0
    for path in html_pages(site_out):
        if path.name == "404.html":
            continue  # its links are absolute by design: checked below
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.select("[href], [src]"):
            url = tag.get("href") or tag.get("src")
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("//", "mailto:")):
                continue
            assert not url.startswith("/"), f"{path}: root-relative link {url}"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{path.relative_to(site_out)}: broken link {url}"
            assert site_out.resolve() in target.parents or target.parent == site_out.resolve()
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    page = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
                    ids[target] = {t["id"] for t in page.select("[id]")}
                assert parts.fragment in ids[target], f"{path}: missing #{parts.fragment}"
            checked += 1
    assert checked > 1000


def test_404_links_carry_the_base_path(site_out):
    soup = read_page(site_out, "/404.html")
    hrefs = [a["href"] for a in soup.select("a[href]")
             if not a["href"].startswith(("#", "https://creativecommons.org"))]
    assert hrefs and all(h.startswith("/district/llc/") or h.startswith(BASE) for h in hrefs)
    css = soup.select_one("link[rel=stylesheet]")["href"]
    assert css.startswith(f"{BASE}assets/site.css")


def test_every_page_has_one_h1_lang_title_and_canonical(site_out):
    for path in html_pages(site_out):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert soup.html["lang"] == "en"
        assert len(soup.find_all("h1")) == 1, path
        assert soup.title.get_text(strip=True)
        if path.name != "404.html":
            canonical = soup.select_one("link[rel=canonical]")["href"]
            assert canonical.startswith(BASE), path
        assert soup.select_one("a.skip-link")["href"] == "#main"
        assert "CC BY-NC 4.0" in soup.select_one(".credit").get_text()


def test_one_page_per_exemplar_with_citations(site_out):
    sources = sorted((LEADING / "content" / "exemplars").glob("*.md"))
    for path in sources:
        meta = front_matter(path)
        page = read_page(site_out, f"/exemplars/{path.stem}/")
        assert page.h1.get_text(strip=True) == meta["title"]
        citations = page.select(".references .citation")
        assert len(citations) == len(meta["resources"])
        for resource, citation in zip(meta["resources"], citations, strict=True):
            assert f"({resource['year']})" in citation.get_text() if resource.get("year") else True
            if resource.get("url"):
                assert citation.select_one("a")["href"] == resource["url"]
        badge = page.select_one(".badges a.cell-badge")
        assert re.fullmatch(r"[A-F][1-4]", badge.select_one(".cell-code").get_text())


def test_sitemap_feed_robots_and_data(site_out):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(site_out / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert locs and all(loc.startswith(BASE) for loc in locs)
    assert f"{BASE}{STANDARD}/vision-for-learning/established/" in locs
    atom = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(site_out / "feed.xml").getroot()
    entries = feed.findall("a:entry", atom)
    assert entries and all(e.find("a:link", atom).get("href").startswith(BASE) for e in entries)
    assert f"Sitemap: {BASE}sitemap.xml" in (site_out / "robots.txt").read_text()
    assert (site_out / ".nojekyll").exists()
    import json
    data = json.loads((site_out / "data" / "rubric.json").read_text())
    assert data["standards"][0]["id"] == STANDARD
    exemplars = json.loads((site_out / "data" / "exemplars.json").read_text())
    assert len(exemplars) == len(list((LEADING / "content/exemplars").glob("*.md")))
