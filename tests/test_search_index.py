"""The search index (Pagefind) and the data the browser features read from the built HTML."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from conftest import exemplar, read_page

from rubricsite import search_index
from rubricsite.pipeline import Builder

SEARCHED = {  # the minimal site: 1 exemplar, 2 theme pages, 2 x 4 indicator pages
    "/exemplars/reading-buddies/": ("exemplar", "A3", "Reading buddies"),
    "/sample/vision/": ("theme", "A", "A. Vision"),
    "/sample/design/": ("theme", "B", "B. Design"),
    **{f"/sample/{t}/{lv}/": ("indicator", f"{code}{n}", f"{code}{n}: {title}, {lv.title()}")
       for t, code, title in (("vision", "A", "Vision"), ("design", "B", "Design"))
       for n, lv in enumerate(("emerging", "evolving", "established", "leading"), 1)},
}


def indexed(output: Path) -> dict[str, tuple[str, str, str]]:
    """Every page in the bundle: URL -> (type, code, title), read from Pagefind's fragments."""
    pages = {}
    for path in (output / "pagefind" / "fragment").iterdir():
        record = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        meta = record["meta"]
        pages[record["url"]] = (meta["type"], meta["code"], meta["title"])
    return pages


def index_later(builder: Builder) -> None:
    """What serve does once its quick rebuilds (without the index) have settled."""
    pages = ((url, path.read_bytes()) for url, path in builder.search_sources())
    builder.publish_search_index(search_index.search_bundle(pages))


def bundle(output: Path) -> dict[str, bytes]:
    folder = output / "pagefind"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_only_exemplars_indicators_and_themes_are_indexed(make_site, build):
    out = build(make_site())
    assert indexed(out) == SEARCHED
    assert (out / "pagefind" / "pagefind.js").is_file()
    assert not list((out / "pagefind").glob("pagefind-ui*"))  # the site draws its own results


def test_unchanged_site_keeps_its_bundle_and_a_change_remakes_it(make_site, build, build_report):
    root = make_site()
    out = build(root)
    before = bundle(out)
    report = build_report(root, out)
    assert not [f for f in report.changed if f.startswith("pagefind/")]
    (root / "content/exemplars/reading-buddies.md").write_text(
        exemplar(title="Reading partners", region="Ontario"), encoding="utf-8")
    build(root, out)
    assert bundle(out) != before
    assert indexed(out)["/exemplars/reading-buddies/"] == ("exemplar", "A3", "Reading partners")


def test_search_false_keeps_the_last_bundle_and_serve_remakes_it_later(make_site, build, build_report,
                                                                       tmp_path):
    root = make_site()
    out = tmp_path / "out"
    builder = Builder(root, out)
    assert builder.build(search=False).ok
    assert not (out / "pagefind").exists()
    index_later(builder)
    assert indexed(out) == SEARCHED
    made_alone = bundle(out)
    path = root / "content/exemplars/reading-buddies.md"
    path.write_text(exemplar(title="Reading partners"), encoding="utf-8")
    assert builder.build({path}, search=False).ok
    assert bundle(out) == made_alone  # stale but present: serve refreshes it later
    fresh = build(root, root.parent / "fresh")
    index_later(builder)
    builder.close()
    assert bundle(out) == bundle(fresh)  # the same bytes, however it was made
    assert build_report(root, out).changed == []  # and the next build agrees with it
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers


def test_a_rebuild_cuts_shards_as_a_clean_build_does(make_site, build, monkeypatch):
    monkeypatch.setattr(search_index, "SHARD_SIZE", 3)
    root = make_site()
    out = build(root)
    # sorts before every other searchable URL, so each shard's pages move along by one
    (root / "content/exemplars/aardvark-club.md").write_text(
        exemplar(title="Aardvark club"), encoding="utf-8")
    build(root, out)
    fresh = build(root, root.parent / "fresh", use_cache=False)
    assert bundle(out) == bundle(fresh)
    shards = json.loads((out / "pagefind" / "shards.json").read_text())
    assert shards == ["shards/1/", "shards/2/", "shards/3/"]  # 11 + 1 pages, 3 a shard
    assert not (out / "pagefind" / "shards" / "1" / "pagefind.js").exists()
    builder = Builder(root, out)
    assert builder.build(search=False).ok
    index_later(builder)  # as serve remakes it: the same shards
    builder.close()
    assert bundle(out) == bundle(fresh)


def test_exemplar_cards_carry_filter_ids(make_site, build):
    root = make_site({"content/exemplars/maker-night.md": exemplar(
        title="Maker night", theme="design", level="leading", region="Nova Scotia",
        grades=["4-6", "7-9"], tags=["Maker Space", "STEM"])})
    page = read_page(build(root), "/exemplars/")
    card = page.select_one(".exemplar-card[data-slug='maker-night']")
    assert {k: card[k] for k in ("data-standard", "data-theme", "data-level", "data-region",
                                 "data-grades", "data-tags")} == {
        "data-standard": "sample", "data-theme": "design", "data-level": "leading",
        "data-region": "nova-scotia", "data-grades": "4-6 7-9", "data-tags": "maker-space stem"}
    form = page.select_one("form#filters")
    assert form.has_attr("hidden")  # shown by filters.js; without it the list is the page
    options = {s["name"]: [o["value"] for o in s.select("option")] for s in form.select("select")}
    assert options["theme"] == ["", "vision", "design"]
    assert options["phase"] == ["", "emerging", "evolving", "established", "leading"]
    assert options["region"] == ["", "nova-scotia", "ontario"]
    assert options["grade"] == ["", "K-3", "4-6", "7-9"]
    assert options["tag"] == ["", "maker-space", "reading", "stem"]


def test_assess_page_embeds_the_plan_data_with_relative_links(make_site, build):
    out = build(make_site())
    page = read_page(out, "/assess/")
    data = json.loads(page.select_one("script#assess-data").string)
    assert [lv["id"] for lv in data["levels"]] == [
        "exploring", "emerging", "evolving", "established", "leading"]
    (standard,) = data["standards"]
    assert (standard["id"], standard["version"]) == ("sample", "1")
    vision = standard["themes"][0]
    assert vision["cells"]["established"] == {
        "code": "A3", "statement": "Vision established statement.", "url": "../sample/vision/established/",
        "exemplars": [{"title": "Reading buddies", "url": "../exemplars/reading-buddies/"}]}
    for theme in standard["themes"]:
        for cell in theme["cells"].values():
            assert (out / "assess" / cell["url"] / "index.html").resolve().is_file()
    radios = page.select("fieldset[data-theme='vision'] input[type=radio]")
    assert [r["value"] for r in radios] == [lv["id"] for lv in data["levels"]]


def test_a_second_standard_gets_its_own_fieldsets_plan_data_and_filter(make_site, build):
    second = (Path(__file__).parent / "sites/minimal/rubric/sample.yaml").read_text(encoding="utf-8")
    for old, new in (("id: sample", "id: second"), ('short_title: "Sample"', 'short_title: "Second"'),
                     ("order: 1", "order: 2"), ("version: 1", 'version: "2025.1"'),
                     ("code: A", "code: C"), ("code: B", "code: D")):  # theme letters are site-wide
        second = second.replace(old, new)
    buddies = exemplar(standard="sample", title="Reading buddies")
    root = make_site({"rubric/second.yaml": second, "content/exemplars/reading-buddies.md": buddies})
    out = build(root)
    page = read_page(out, "/assess/")
    data = json.loads(page.select_one("script#assess-data").string)
    assert [(s["id"], s["version"]) for s in data["standards"]] == [("sample", "1"), ("second", "2025.1")]
    names = {r["name"] for r in page.select("#assess-form input[type=radio]")}
    assert names == {"sample--vision", "sample--design", "second--vision", "second--design"}
    exemplars = read_page(out, "/exemplars/")
    assert [o["value"] for o in exemplars.select("#filter-standard option")] == ["", "sample", "second"]
    assert [g["label"] for g in exemplars.select("#filter-theme optgroup")] == ["Sample", "Second"]
