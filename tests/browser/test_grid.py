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


WIDTHS = [320, 360, 414, 600, 768, 800, 900, 1010, 1024, 1280, 1366, 1440, 1920]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_statement_is_hidden_or_cut_at_any_width(page, served, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(served.url(GRID))
    found = page.evaluate("""() => {
        const limit = document.documentElement.clientWidth;
        const cut = [];
        const checked = '#grid .statement, #grid .see-it, #grid thead th, #grid .theme-head';
        for (const el of document.querySelectorAll(checked)) {
            const box = el.getBoundingClientRect();
            const shown = el.getClientRects().length > 0 && box.width > 0;
            // thead is visually hidden on narrow screens: every cell then names its own phase
            if (el.closest('thead') && el.closest('thead').getBoundingClientRect().width <= 1) continue;
            if (!shown || box.left < -0.5 || box.right > limit + 0.5 || el.scrollWidth > el.clientWidth + 1) {
                cut.push(el.textContent.trim().slice(0, 40));
            }
        }
        const stacked = getComputedStyle(document.querySelector('#grid tbody tr')).display !== 'table-row';
        const labels = [...document.querySelectorAll('#grid td .phase-label')]
            .filter(l => l.getBoundingClientRect().width > 1).length;
        return { cut, stacked, labels, sideways: document.documentElement.scrollWidth > limit,
                 statements: document.querySelectorAll('#grid .statement').length };
    }""")
    assert found["statements"] == 24
    assert found["cut"] == [], f"at {width} px: {found['cut']}"
    assert not found["sideways"]
    if found["stacked"]:  # cards: each cell says which phase it is
        assert found["labels"] == 30
    else:
        assert width >= 1024


def test_phase_headers_stay_in_view_down_a_tall_grid(page, served):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(served.url(GRID))
    row = page.locator("tr[data-theme='school-administration-partnerships']")
    row.scroll_into_view_if_needed()
    page.evaluate("document.querySelector(\"tr[data-theme='district-administration-and-consultant-partnerships']\")"
                  ".scrollIntoView({block: 'end', behavior: 'instant'})")
    seen = page.evaluate("""() => [...document.querySelectorAll('#grid thead th')].map(th => {
        const box = th.getBoundingClientRect();
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return box.top >= 0 && box.bottom < innerHeight && hit && th.contains(hit);
    })""")
    assert seen == [True] * 6
    assert page.evaluate("document.querySelector('#grid tbody tr').getBoundingClientRect().top") < 0


def test_on_a_phone_the_caption_reads_and_highlights_come_into_view(page, served):
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(served.url(GRID))
    caption = page.locator("#grid caption").bounding_box()
    assert caption["width"] > 280 and caption["height"] < 110  # a line or three, not a strip
    names = page.locator("button[data-highlight-theme]").all_inner_texts()
    assert names[0] == "A. Vision for Learning" and len(names) == 6
    page.click("button[data-highlight-theme='district-administration-and-consultant-partnerships']")
    row = "document.querySelector(\"tr[data-theme='district-administration-and-consultant-partnerships']\")"
    _wait_until_in_view(page, row)
    page.evaluate("scrollTo({top: 0, behavior: 'instant'})")
    page.click("button[data-highlight-level='leading']")
    _wait_until_in_view(page, "document.querySelector('#grid tbody td.is-highlighted')")


def _wait_until_in_view(page, element: str) -> None:
    """Smooth scrolling takes as long as the machine lets it: wait for the end, not a fixed time."""
    page.wait_for_function(f"() => {{ const top = {element}.getBoundingClientRect().top;"
                           " return top >= 0 && top < innerHeight; }", timeout=10_000)


def test_a_highlight_lives_in_the_url(page, browser, served):
    page.goto(served.url(GRID))
    page.click("button[data-highlight-level='evolving']")
    page.click("button[data-highlight-theme='partners-in-collaborative-learning']")
    url = page.url
    assert "phase=evolving" in url and "theme=partners-in-collaborative-learning" in url
    ctx = browser.new_context()
    try:
        tab = ctx.new_page()
        tab.goto(url)
        assert tab.get_attribute("button[data-highlight-level='evolving']", "aria-pressed") == "true"
        marked = tab.eval_on_selector_all("#grid td.is-highlighted", "els => els.length")
        assert marked == 6 + 5 - 1  # a column of six and a row of five, meeting in one cell
        tab.goto(served.url(GRID + "?phase=nonsense&theme=also-nonsense"))
        assert tab.locator("#grid .is-highlighted").count() == 0
    finally:
        ctx.close()
    page.click("button[data-highlight-level='evolving']")
    assert "phase=" not in page.url


def test_the_growth_plan_is_marked_on_the_grid(page, served):
    page.goto(served.url("assess/"))
    page.check("#collaborative-engagement--vision-for-learning--evolving")
    page.check("#collaborative-engagement--design-for-collaboration--leading")
    page.goto(served.url(GRID))
    assert page.locator("#grid-plan").is_visible()
    where = "els => els.map(e => e.closest('tr').dataset.theme + '/' + e.dataset.level)"
    here = page.eval_on_selector_all("#grid td.plan-here", where)
    nxt = page.eval_on_selector_all("#grid td.plan-next", where)
    assert here == ["vision-for-learning/evolving", "design-for-collaboration/leading"]
    assert nxt == ["vision-for-learning/established"]
    mark = page.inner_text("tr[data-theme='design-for-collaboration'] td.plan-here .plan-mark")
    assert "sustain and share" in mark
    page.uncheck("#grid-plan-show")
    assert page.locator("#grid .plan-mark").first.is_hidden()


@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_the_grid_prints_on_one_landscape_page(page, served, paper):
    from .browsing import pages_in

    page.goto(served.url(GRID))
    assert pages_in(page.pdf(format=paper, landscape=True)) == 1
    page.emulate_media(media="print")
    sizes = page.evaluate("""() => [document.querySelector('#grid td.cell-exploring'),
        document.querySelector('#grid .statement')].map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes[0] <= sizes[1]  # the "no statement" filler is no larger than the statements
