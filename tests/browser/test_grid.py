"""The grid and its neighbours in a real browser: arrow keys, highlights, cell and theme pages."""

from __future__ import annotations

import pytest

GRID = "collaborative-engagement/"


def _focused(page) -> str:  # type: ignore[no-untyped-def]
    """Where focus is, as 'theme-id/level-id' (or 'theme-id/head' for a row's header link)."""
    return page.evaluate("""() => {
        const cell = document.activeElement.closest('th, td');
        const row = cell.closest('tr').dataset.theme;
        return row + '/' + (cell.dataset.level || 'head');
    }""")


def test_arrow_keys_move_between_cells_without_trapping_tab(page, served):
    page.goto(served.url(GRID))
    page.focus("tr[data-theme='vision-for-learning'] td[data-level='emerging'] a")
    steps = [
        ("ArrowRight", "vision-for-learning/evolving"),
        ("ArrowDown", "design-for-collaboration/evolving"),
        ("Home", "design-for-collaboration/head"),
        ("ArrowRight", "design-for-collaboration/emerging"),  # Exploring has no link: skipped
        ("End", "design-for-collaboration/leading"),
        ("ArrowUp", "vision-for-learning/leading"),
        ("ArrowUp", "vision-for-learning/leading"),  # the edge: focus stays
        ("Control+End", "district-administration-and-consultant-partnerships/leading"),
        ("ArrowLeft", "district-administration-and-consultant-partnerships/established"),
    ]
    for key, where in steps:
        page.keyboard.press(key)
        assert _focused(page) == where, key
    page.keyboard.press("Tab")  # Tab still walks the links in reading order...
    assert _focused(page) == "district-administration-and-consultant-partnerships/leading"
    page.keyboard.press("Tab")  # ...and leaves the grid after its last link
    assert page.evaluate("document.activeElement.closest('#grid')") is None


def test_highlight_buttons_mark_a_column_and_a_row(page, served):
    page.goto(served.url(GRID))
    evolving = page.locator("button[data-highlight-level='evolving']")
    theme_c = page.locator("button[data-highlight-theme='partners-in-collaborative-learning']")
    marked = "els => els.map(e => e.dataset.level || e.id)"
    evolving.click()
    assert evolving.get_attribute("aria-pressed") == "true"
    cells = page.eval_on_selector_all("#grid .is-highlighted", marked)
    assert cells == ["phase-evolving"] + ["evolving"] * 6
    page.locator("button[data-highlight-level='leading']").click()
    assert evolving.get_attribute("aria-pressed") == "false"
    theme_c.click()
    row = page.eval_on_selector_all(
        "#grid tr[data-theme='partners-in-collaborative-learning'] .is-highlighted", marked)
    assert len(row) == 6  # the row's header and its five cells
    theme_c.click()
    page.locator("button[data-highlight-level='leading']").click()
    assert page.locator("#grid .is-highlighted").count() == 0
    assert theme_c.get_attribute("aria-pressed") == "false"


def test_cell_page_links_its_four_neighbours(page, served):
    page.goto(served.url(f"{GRID}design-for-collaboration/evolving/"))
    nav = page.locator("nav.cell-nav")
    hrefs = nav.locator("a").evaluate_all("links => links.map(a => a.href)")
    expected = [f"{GRID}design-for-collaboration/emerging/", f"{GRID}design-for-collaboration/established/",
                f"{GRID}vision-for-learning/evolving/", f"{GRID}partners-in-collaborative-learning/evolving/"]
    assert hrefs == [served.url(path) for path in expected]


@pytest.mark.parametrize("width, per_row", [(1280, 4), (320, 1)])
def test_theme_page_shows_the_progression_side_by_side(page, served, width, per_row):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(served.url(f"{GRID}vision-for-learning/"))
    tops = page.eval_on_selector_all(".progression-step", "els => els.map(e => e.offsetTop)")
    assert len(tops) == 4
    assert tops.count(tops[0]) == per_row
