"""Exemplar filters in a real browser, checked against data/exemplars.json (not the page's own DOM)."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from rubricsite.slugs import slugify


@pytest.fixture(scope="module")
def records(served):  # type: ignore[no-untyped-def]
    return json.loads((served.output / "data" / "exemplars.json").read_text(encoding="utf-8"))


def _values(record: dict, facet: str) -> set[str]:
    """The filter ids one exemplar answers to."""
    cells = record["cells"]
    return {
        "standard": {c["standard"] for c in cells},
        "theme": {c["theme"] for c in cells},
        "phase": {c["level"] for c in cells},
        "region": {slugify(record["region"])} if record["region"] else set(),
        "grade": set(record["grades"]),
        "tag": {slugify(t) for t in record["tags"]},
    }[facet]


def _visible(page) -> set[str]:  # type: ignore[no-untyped-def]
    return set(page.eval_on_selector_all(
        "#exemplar-groups .exemplar-card[data-slug]",
        "cards => cards.filter(c => c.offsetParent !== null).map(c => c.dataset.slug)"))


def _narrowing_value(records: list[dict], facet: str) -> str:
    """A value that some but not all exemplars have: the most common such one."""
    counts = Counter(v for r in records for v in _values(r, facet))
    for value, n in counts.most_common():
        if n < len(records):
            return value
    pytest.skip(f"every exemplar shares one {facet}: nothing to narrow")


@pytest.mark.parametrize("facet", ["standard", "theme", "phase", "region", "grade", "tag"])
def test_each_filter_narrows_and_the_url_restores_it(page, served, records, facet):
    if facet == "standard" and len({c["standard"] for r in records for c in r["cells"]}) < 2:
        value = records[0]["cells"][0]["standard"]  # one standard: it must keep every exemplar
    else:
        value = _narrowing_value(records, facet)
    expected = {r["slug"] for r in records if value in _values(r, facet)}
    page.goto(served.url("exemplars/"))
    assert len(_visible(page)) == len(records)
    page.select_option(f"#filter-{facet}", value)
    assert _visible(page) == expected
    count = page.inner_text("#filter-count")
    assert count.startswith(f"{len(expected)} of {len(records)} ")
    assert parse_qs(urlsplit(page.url).query) == {facet: [value]}
    page.reload()
    assert page.input_value(f"#filter-{facet}") == value
    assert _visible(page) == expected


def test_filters_combine_and_back_steps_through_them(page, served, records):
    cell = records[0]["cells"][0]
    page.goto(served.url("exemplars/"))
    page.select_option("#filter-theme", cell["theme"])
    after_theme = _visible(page)
    page.select_option("#filter-phase", cell["level"])
    both = {r["slug"] for r in records
            if any(c["theme"] == cell["theme"] and c["level"] == cell["level"] for c in r["cells"])}
    assert _visible(page) == both and records[0]["slug"] in both
    assert parse_qs(urlsplit(page.url).query) == {"theme": [cell["theme"]], "phase": [cell["level"]]}
    page.go_back()
    assert page.input_value("#filter-phase") == ""
    assert page.input_value("#filter-theme") == cell["theme"]
    assert _visible(page) == after_theme
    page.go_forward()
    assert _visible(page) == both


def test_a_shared_link_opens_filtered_and_clear_shows_all(page, served, records):
    page.goto(served.url("exemplars/?phase=leading&region=no-such-region"))
    leading = {r["slug"] for r in records if "leading" in _values(r, "phase")}
    assert _visible(page) == leading  # an unknown value is dropped, the known one kept
    assert page.input_value("#filter-region") == ""
    page.click("#filter-clear")
    assert len(_visible(page)) == len(records)
    assert urlsplit(page.url).query == ""
    assert page.inner_text("#filter-count") == f"Showing all {len(records)} exemplars."


def test_level_is_read_as_phase(page, served, records):
    page.goto(served.url("exemplars/?level=leading"))
    assert page.input_value("#filter-phase") == "leading"
    assert _visible(page) == {r["slug"] for r in records if "leading" in _values(r, "phase")}


def test_no_match_says_so(page, served, records):
    grades = Counter(g for r in records for g in r["grades"])
    tags = Counter(slugify(t) for r in records for t in r["tags"])
    for grade in grades:
        for tag in tags:
            if not any(grade in r["grades"] and tag in _values(r, "tag") for r in records):
                page.goto(served.url(f"exemplars/?grade={grade}&tag={tag}"))
                assert _visible(page) == set()
                assert page.locator("#filter-empty").is_visible()
                assert page.inner_text("#filter-count").startswith("0 of ")
                return
    pytest.skip("every grade and tag pair has an exemplar")


def test_without_javascript_the_full_list_is_shown(browser, served, records):
    ctx = browser.new_context(java_script_enabled=False)
    try:
        tab = ctx.new_page()
        tab.goto(served.url("exemplars/?phase=leading"))
        assert tab.locator("#filters").is_hidden()
        shown = set(tab.eval_on_selector_all(
            ".exemplar-card[data-slug]", "cards => cards.map(c => c.dataset.slug)"))
        assert shown == {r["slug"] for r in records}
    finally:
        ctx.close()
