"""The search index and the data the browser features read from the built HTML."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

from conftest import exemplar, read_page

from rubricsite import render, search_index, urls
from rubricsite.pipeline import Builder, build_site

SEARCHED = {  # the minimal site: 1 exemplar, 2 theme pages, 2 x 4 indicator pages
    "/exemplars/reading-buddies/": ("exemplar", "A3", "Reading buddies"),
    "/sample/vision/": ("theme", "A", "A. Vision"),
    "/sample/design/": ("theme", "B", "B. Design"),
    **{f"/sample/{t}/{lv}/": ("indicator", f"{code}{n}", f"{code}{n}: {title}, {lv.title()}")
       for t, code, title in (("vision", "A", "Vision"), ("design", "B", "Design"))
       for n, lv in enumerate(("emerging", "evolving", "established", "leading"), 1)},
}


def indexed(output: Path) -> dict[str, tuple[str, str, str]]:
    """Every page in the index: URL -> (type, code, title), read from its page files."""
    pages = {}
    for path in (output / "search-index" / "pages").iterdir():
        for url, title, kind, code, _text in json.loads(path.read_text(encoding="utf-8")):
            pages[url] = (kind, code, title)
    return pages


def index_later(builder: Builder) -> None:
    """What serve does once its quick rebuilds (without the index) have settled."""
    pages = ((url, path.read_bytes()) for url, path in builder.search_sources())
    builder.publish_search_index(search_index.search_bundle(pages))


def bundle(output: Path) -> dict[str, bytes]:
    folder = output / "search-index"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_only_exemplars_indicators_and_themes_are_indexed(make_site, build):
    out = build(make_site())
    assert indexed(out) == SEARCHED
    entry = json.loads((out / "search-index" / "index.json").read_text())
    assert entry["pages"] == len(SEARCHED)


def test_unchanged_site_keeps_its_bundle_and_a_change_remakes_it(make_site, build, build_report):
    root = make_site()
    out = build(root)
    before = bundle(out)
    report = build_report(root, out)
    assert not [f for f in report.changed if f.startswith("search-index/")]
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
    assert not (out / "search-index").exists()
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


def test_a_rebuild_numbers_pages_as_a_clean_build_does(make_site, build, monkeypatch):
    monkeypatch.setattr(search_index, "PAGES_PER_FILE", 3)
    root = make_site()
    out = build(root)
    # sorts before every other searchable URL, so every page moves along by one
    (root / "content/exemplars/aardvark-club.md").write_text(
        exemplar(title="Aardvark club"), encoding="utf-8")
    build(root, out)
    fresh = build(root, root.parent / "fresh", use_cache=False)
    assert bundle(out) == bundle(fresh)
    assert sorted(p.name for p in (out / "search-index" / "pages").iterdir()) == [
        f"{n}.json" for n in range(4)]  # 11 + 1 pages, 3 a file
    builder = Builder(root, out)
    assert builder.build(search=False).ok
    index_later(builder)  # as serve remakes it: the same files
    builder.close()
    assert bundle(out) == bundle(fresh)


def test_every_marked_word_is_a_term_and_the_story_a_record(make_site, build):
    out = build(make_site({"content/exemplars/maker-night.md": exemplar(
        title="Maker night", theme="design", level="leading", region="Nova Scotia",
        grades=["4-6"], tags=["Maker Space"], body="Students' *robots* at Québec's fair.\n")}))
    page = (out / "exemplars" / "maker-night" / "index.html").read_text(encoding="utf-8")
    record = search_index.page_record("/exemplars/maker-night/", page)
    assert record is not None and record.meta == {
        "type": "exemplar", "code": "B4", "title": "Maker night"}
    lines = record.text.split("\n")
    assert "Maker night" in lines and "Nova Scotia" in lines and "4-6" in lines
    assert "Students\u2019 robots at Qu\u00e9bec\u2019s fair." in lines  # a sentence, for snippets
    assert "Skip to content" not in record.text  # only what the page marks
    words = set()
    for path in (out / "search-index" / "terms").iterdir():
        words.update(json.loads(path.read_text(encoding="utf-8")))
    assert {"maker", "night", "nova", "scotia", "4", "6", "space", "robot", "quebec"} <= words


def test_a_record_has_a_line_for_each_block_and_its_spaces_collapsed():
    page = ('<div hidden><span data-pagefind-meta="title:T &amp; U"></span></div><main data-pagefind-body>'
            '\n  <h1> Title  <em>here</em> </h1>\n\n<ul>\n <li>One</li> <li> Two &amp;\tthree</li></ul>'
            '<p>a<br>b</p><span> </span><div>x&#10;y</div>\u00a0</main><p>not marked</p>')
    record = search_index.page_record("/x/", page)
    assert record is not None and record.meta == {"title": "T & U"}
    assert record.text.split("\n") == ["Title here", "One", "Two & three", "a", "b", "x", "y"]


def test_words_are_folded_and_plurals_stemmed():
    assert search_index.terms("Québec's LIBRARIES, classes & boxes; K-3") == [
        "quebec", "s", "library", "class", "box", "k", "3"]
    assert search_index.terms("its bus analysis partnerships") == [
        "its", "bus", "analysis", "partnership"]


WORDY = ("Québec's LIBRARIES, classes & boxes; K-3", "ΟΔΟΣ σοφίας ΣΟΦΙΑΣ", "snake_case __x",
         "Ⅻ x² ﬁne naïve caf\u00e9\u2019s \u201cquotes\u201d \u2013 \u00bd",
         "Москва́ ÉCOLE 東京タワー İstanbul", "", "e\u0301 a\u0300b",
         "tab\tnbsp\u00a0line\u2028sep ideographic\u3000space")


def test_words_are_counted_as_terms_finds_them():
    for text in WORDY:
        assert search_index._term_counts(text) == Counter(search_index.terms(text)), text


def searchable_pages(output: Path) -> list[tuple[str, bytes]]:
    """The searchable pages of the minimal site, as a build reads them, in URL order."""
    return [(url, (output / urls.output_path(url)).read_bytes()) for url in sorted(SEARCHED)]


def test_parts_made_anywhere_in_any_order_make_the_same_files(make_site, build, monkeypatch):
    monkeypatch.setattr(search_index, "PAGES_PER_FILE", 3)
    pages = searchable_pages(build(make_site()))
    pages.insert(4, ("/unmarked/", b"<main><p>Nothing here is marked.</p></main>"))
    whole = search_index.search_bundle(pages)
    ranked = [(rank, url, data) for rank, (url, data) in enumerate(pages)]
    random.Random(13).shuffle(ranked)  # chunks of pages as render workers might draw them
    parts = [part for n in range(0, len(ranked), 4) for part in search_index.index_pages(ranked[n:n + 4])]
    assert len(parts) > 4
    assert search_index.bundle_files(parts) == whole
    assert search_index.bundle_files(reversed(parts)) == whole
    assert search_index.bundle_files(search_index.index_pages(ranked)) == whole
    assert json.loads(dict(whole)["search-index/index.json"])["pages"] == len(SEARCHED)


def test_a_build_stages_each_pages_file_once_the_ranks_before_it_are_in(make_site, build, monkeypatch):
    monkeypatch.setattr(search_index, "PAGES_PER_FILE", 2)
    pages = searchable_pages(build(make_site()))
    ranked = [(rank, url, data) for rank, (url, data) in enumerate(pages)]
    staged: dict[str, bytes] = {}
    gathered = search_index.Gathered([url for url, _data in pages], staged.__setitem__)
    gathered.add(search_index.index_pages(ranked[3:5]))  # after ranks not given yet: it waits
    assert staged == {}
    gathered.add(search_index.index_pages(ranked[:3]))
    assert sorted(staged) == ["search-index/pages/0.json", "search-index/pages/1.json"]
    read_back: list[str] = []
    made = gathered.finish(lambda url: read_back.append(url) or dict(pages)[url], "en")
    assert read_back == [url for url, _data in pages[5:]]  # only the ranks no part held
    assert sorted(made) == sorted(staged)
    assert sorted(staged.items()) == search_index.search_bundle(pages)


def test_render_workers_index_what_they_draw_and_a_rebuild_reads_back_the_rest(
        make_site, monkeypatch, tmp_path):
    monkeypatch.setattr(render, "PARALLEL_FROM", 2)  # forked workers, as for a large site
    stories = {f"content/exemplars/story-{n:03}.md": exemplar(title=f"Story {n * 37 % 70:02}",
                                                             body=f"Told {n} times.\n")
               for n in range(70)}  # more pages than one chunk holds, titles in another order
    root = make_site(stories)
    read_back: list[str] = []
    given: list[search_index.Part] = []
    finish, add = search_index.Gathered.finish, search_index.Gathered.add

    def spied(self, read, language):
        return finish(self, lambda url: read_back.append(url) or read(url), language)

    monkeypatch.setattr(search_index.Gathered, "finish", spied)
    monkeypatch.setattr(search_index.Gathered, "add",
                        lambda self, parts: given.extend(parts) or add(self, parts))
    out = tmp_path / "out"
    assert build_site(root, out, use_cache=False).ok
    assert read_back == []  # every searchable page was indexed by the worker that drew it
    assert sum(len(part.ranks) for part in given) == 81 and len(given) <= 3  # a run a chunk, in URL order
    pages = [(url, path.read_bytes()) for url, path in _sources(root, out)]
    assert bundle(out) == {path.removeprefix("search-index/"): data
                           for path, data in search_index.search_bundle(pages)}
    (root / "content/exemplars/story-005.md").write_text(exemplar(title="Story five"), encoding="utf-8")
    report = build_site(root, out)
    drawn = {url for url in report.rendered if url in dict(pages)}
    assert "/exemplars/story-005/" in drawn and len(drawn) < len(pages)
    assert sorted(read_back) == sorted(set(dict(pages)) - drawn)  # only those not drawn again
    assert bundle(out) == bundle(build_site_into(root, tmp_path / "clean"))


def _sources(root: Path, out: Path) -> list[tuple[str, Path]]:
    builder = Builder(root, out)
    assert builder.build(search=False).ok
    try:
        return builder.search_sources()
    finally:
        builder.close()


def build_site_into(root: Path, output: Path) -> Path:
    assert build_site(root, output, use_cache=False).ok
    return output


def test_a_build_that_finds_its_index_in_the_store_indexes_nothing(make_site, tmp_path, monkeypatch):
    calls: list[int] = []
    index_pages = render.index_pages
    monkeypatch.setattr(render, "index_pages", lambda pages: calls.append(1) or index_pages(pages))
    root, out = make_site(), tmp_path / "out"
    assert build_site(root, out).ok
    assert calls
    first = bundle(out)
    for path in sorted(out.rglob("*"), reverse=True):  # as CI starts: the store, no output
        path.unlink() if path.is_file() else path.rmdir()
    calls.clear()
    assert set(build_site(root, out).rendered) >= set(SEARCHED)  # every page drawn again
    assert calls == []
    assert bundle(out) == first


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
