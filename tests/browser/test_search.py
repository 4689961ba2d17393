"""Search in a real browser: the site's own search index answers under a path prefix."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from .browsing import PREFIX


def _results(page):  # type: ignore[no-untyped-def]
    page.wait_for_selector("#search-status:has-text('result')")
    return page.locator("#search-results .search-result")


def test_search_finds_a_known_exemplar_under_the_prefix(page, served):
    page.goto(served.url("search/?q=jigsaw"))
    results = _results(page)
    first = results.first
    link = first.locator("h2 a")
    assert link.inner_text() == "Climate Change, Cause and Effect: A Jigsaw Approach"
    assert first.locator(".result-type").inner_text() == "Exemplar"
    assert first.locator(".cell-code").inner_text() == "C2"
    assert first.locator(".result-excerpt mark").count() >= 1
    link.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == f"{PREFIX}exemplars/climate-change-jigsaw-approach/"
    assert page.locator("h1").inner_text().startswith("Climate Change, Cause and Effect")


def test_results_name_indicators_and_themes(page, served):
    page.goto(served.url("search/?q=whole school approach"))
    rows = _results(page)
    kinds = {rows.nth(i).locator(".result-type").inner_text() for i in range(rows.count())}
    assert "Indicator" in kinds
    indicator = rows.filter(has=page.locator(".result-type", has_text="Indicator")).first
    code = indicator.locator(".cell-code").inner_text()
    assert len(code) == 2 and code[0].isalpha() and code[1].isdigit()
    href = indicator.locator("h2 a").get_attribute("href")
    assert href.startswith(PREFIX)


def test_a_provocation_finds_its_theme(page, served):
    page.goto(served.url("search/?q=shared picture of learning"))
    theme = _results(page).filter(has=page.locator(".result-type", has_text="Theme")).first
    assert theme.locator(".cell-code").inner_text() == "A"
    assert theme.locator("h2 a").inner_text() == "A. Vision for Learning"
    assert urlsplit(theme.locator("h2 a").get_attribute("href")).path == (
        f"{PREFIX}collaborative-engagement/vision-for-learning/")


def test_header_box_submits_to_the_search_page(page, served):
    page.goto(served.url("exemplars/"))
    page.fill("#header-q", "jigsaw")
    page.press("#header-q", "Enter")
    page.wait_for_url("**/search/?q=jigsaw")
    assert _results(page).count() >= 1
    assert page.input_value("#search-q") == "jigsaw"


def test_typing_searches_and_updates_the_address(page, served):
    page.goto(served.url("search/"))
    page.fill("#search-q", "drip irrigation")
    page.wait_for_selector("#search-status:has-text('for “drip irrigation”')")
    assert "q=drip+irrigation" in page.url
    assert page.locator("#search-results h2 a").first.inner_text().startswith("Acadia")


def test_a_query_with_no_match_says_so(page, served):
    page.goto(served.url("search/?q=zzzqqqxx"))
    page.wait_for_selector("#search-status:has-text('No results')")
    assert page.locator("#search-results li").count() == 0


def test_without_javascript_the_page_points_to_the_exemplars(browser, served):
    ctx = browser.new_context(java_script_enabled=False)
    try:
        tab = ctx.new_page()
        tab.goto(served.url("search/?q=jigsaw"))
        assert tab.locator("form.search-form").is_hidden()
        link = tab.locator("main a", has_text="browse every exemplar").first
        assert link.get_attribute("href") == "../exemplars/"
    finally:
        ctx.close()


def test_an_index_in_many_files_finds_pages_in_every_file(page, served_in_shards):
    out = served_in_shards.output
    entry = json.loads((out / "search-index" / "index.json").read_text())
    searchable = [p for p in out.rglob("index.html") if b"data-pagefind-body" in p.read_bytes()]
    assert entry["pages"] == len(searchable)
    assert len(list(out.glob("search-index/pages/*.json"))) == -(-len(searchable) // 3)
    page.goto(served_in_shards.url("search/?q=jigsaw"))  # an exemplar: a late file
    assert _results(page).first.locator("h2 a").inner_text() == (
        "Climate Change, Cause and Effect: A Jigsaw Approach")
    page.goto(served_in_shards.url("search/?q=shared picture of learning"))  # a theme: an early one
    theme = _results(page).filter(has=page.locator(".result-type", has_text="Theme")).first
    assert theme.locator("h2 a").inner_text() == "A. Vision for Learning"


def test_a_word_finds_longer_words_it_begins_and_plurals_their_singular(page, served):
    page.goto(served.url("search/?q=partnership"))
    rows = _results(page)
    assert rows.count() >= 1
    page.goto(served.url("search/?q=partnerships"))
    assert _results(page).count() >= 1
    page.goto(served.url("search/?q=partn"))
    assert _results(page).count() >= rows.count()


def _all_results(page, query):  # type: ignore[no-untyped-def]
    """Every result for query, as (type, title, excerpt), with "Show more" pressed until none is left."""
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    page.wait_for_function("q => document.getElementById('search-status').textContent.includes(q)",
                           arg=f"“{query}”")
    while page.locator(".search-more button").count():
        before = page.locator("#search-results .search-result").count()
        page.click(".search-more button")
        page.wait_for_function("n => document.querySelectorAll('#search-results .search-result').length > n",
                               arg=before)
    return page.eval_on_selector_all("#search-results .search-result", """items => items.map(i => [
        i.querySelector('.result-type').textContent, i.querySelector('h2 a').textContent,
        i.querySelector('.result-excerpt').textContent])""")


def test_every_tag_region_and_grade_band_is_found_as_a_word(page, served):
    records = json.loads((served.output / "data" / "exemplars.json").read_text(encoding="utf-8"))
    wanted: dict[str, set[str]] = {}
    for r in records:
        for word in [*r["tags"], *r["grades"], *([r["region"]] if r["region"] else [])]:
            wanted.setdefault(word, set()).add(r["title"])
    assert len(wanted) > 20
    page.goto(served.url("search/"))
    missed = {}
    for word, titles in sorted(wanted.items()):
        found = {title for kind, title, _ in _all_results(page, word) if kind == "Exemplar"}
        if titles - found:
            missed[word] = sorted(titles - found)
    assert missed == {}


def test_snippets_keep_labels_and_values_apart(page, served):
    page.goto(served.url("search/"))
    excerpts = [e for q in ("Ontario", "advocacy", "9-12") for _, _, e in _all_results(page, q)]
    assert excerpts
    glued = [e for e in excerpts if re.search(r"Region[A-Z]|Added[A-Z]|Grades\d|Tags: \w+[a-z][A-Z]", e)]
    assert glued == []


def test_a_result_opens_its_page_with_the_words_marked(page, served):
    page.goto(served.url("search/?q=jigsaw"))
    link = _results(page).first.locator("h2 a")
    assert "highlight=jigsaw" in link.get_attribute("href")
    link.click()
    page.wait_for_selector("mark.search-hit")
    assert urlsplit(page.url).path == f"{PREFIX}exemplars/climate-change-jigsaw-approach/"
    marks = page.locator("main mark.search-hit").all_inner_texts()
    assert marks and all(m.lower().startswith("jigsaw") for m in marks)
    assert page.locator(".highlight-note").is_visible()
    page.click(".highlight-note a")
    page.wait_for_load_state()
    assert page.locator("mark.search-hit").count() == 0


def test_slash_puts_the_cursor_in_the_search_box(page, served):
    page.goto(served.url(""))
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "header-q"
    assert page.input_value("#header-q") == ""  # the "/" itself is not typed
    page.goto(served.url("search/"))
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.goto(served.url("assess/"))  # typing "/" into a field stays a character
    page.focus("#note-collaborative-engagement--vision-for-learning")
    page.keyboard.type("1/2")
    assert page.input_value("#note-collaborative-engagement--vision-for-learning") == "1/2"


def test_no_result_offers_the_grid_and_every_exemplar(page, served):
    page.goto(served.url("search/?q=zzzqqqxx"))
    page.wait_for_selector("#search-status:has-text('No results')")
    offer = page.locator(".search-none")
    assert offer.is_visible()
    hrefs = offer.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert served.url("collaborative-engagement/") in hrefs and served.url("exemplars/") in hrefs
    page.fill("#search-q", "jigsaw")
    page.press("#search-q", "Enter")
    page.wait_for_selector("#search-results .search-result")
    assert offer.is_hidden()
    assert int(page.get_attribute("#search", "data-first-result-ms")) > 0
