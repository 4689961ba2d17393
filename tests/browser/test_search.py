"""Search in a real browser: the site's own search index answers under a path prefix."""

from __future__ import annotations

import json
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
    assert theme.locator("h2 a").get_attribute("href") == (
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
