"""Every page type in a real browser: zero axe-core violations, no sideways scroll at 320 px,
and every control reachable with the Tab key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

STANDARD = "collaborative-engagement"
PLAN = f"{STANDARD}=1&{STANDARD}.vision-for-learning=evolving&{STANDARD}.design-for-collaboration=leading"


def _wait_for_results(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("#search-results .search-result")


def _press_highlights(page) -> None:  # type: ignore[no-untyped-def]
    page.click("button[data-highlight-level='established']")
    page.click("button[data-highlight-theme='vision-for-learning']")


def _plan_over_time(page) -> None:  # type: ignore[no-untyped-def]
    """Your plan with a note, two snapshots compared, and a team view of it and a shared link."""
    page.check(f"#{STANDARD}--vision-for-learning--emerging")
    page.fill(f"#note-{STANDARD}--vision-for-learning", "Evidence: a shared planning log")
    page.click("#snapshot-add")
    page.check(f"#{STANDARD}--vision-for-learning--established")
    page.click("#snapshot-add")
    page.click("#compare-run")
    page.fill("#team-links", page.url.split("#")[0] + "#" + PLAN)
    page.click("#team-run")
    page.wait_for_selector("#team-result table")


# page type -> (path under the site, what to do before checking); interactive pages are checked
# in the state their script draws, not only as first loaded
PAGES: dict[str, tuple[str, Callable | None]] = {
    "home": ("", None),
    "grid": (f"{STANDARD}/", _press_highlights),
    "theme": (f"{STANDARD}/vision-for-learning/", None),
    "cell": (f"{STANDARD}/vision-for-learning/established/", None),
    "empty cell": (f"{STANDARD}/student-and-community-partnerships/evolving/", None),
    "exemplar": ("exemplars/climate-change-jigsaw-approach/", None),
    "exemplars index": ("exemplars/", None),
    "exemplars filtered": ("exemplars/?phase=leading&grade=9-12", None),
    "tag": ("tags/inquiry/", None),
    "tags": ("tags/", None),
    "search with results": ("search/?q=jigsaw", _wait_for_results),
    "search, empty": ("search/", None),
    "assess": ("assess/", None),
    "assess with a plan": (f"assess/#{PLAN}", None),
    "assess over time": ("assess/", _plan_over_time),
    "404": ("no/such/page/", None),
}


def _content_pages(output: Path) -> list[str]:
    """about/, contribute/ and any other page from content/pages, when the site has them."""
    known = {"assess", "assets", "data", "exemplars", "search-index", "search", "tags", STANDARD}
    return sorted(f"{d.name}/" for d in output.iterdir()
                  if d.is_dir() and d.name not in known and (d / "index.html").is_file())


def _open(page, served, name):  # type: ignore[no-untyped-def]
    path, prepare = PAGES.get(name, (name, None))
    response = page.goto(served.url(path))
    assert response.status == (404 if name == "404" else 200)
    if prepare:
        prepare(page)


def _axe(page, axe_source):  # type: ignore[no-untyped-def]
    page.add_script_tag(content=axe_source)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return { violations: r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary) })),
            rules: r.violations.length + r.passes.length + r.incomplete.length + r.inapplicable.length };
    }""")
    return result


@pytest.fixture(params=[*PAGES, "content pages"])
def page_names(request, served):  # type: ignore[no-untyped-def]
    if request.param == "content pages":
        names = _content_pages(served.output)
        if not names:
            pytest.skip("this site has no content pages")
        return names
    return [request.param]


def test_axe_finds_no_violation(page, served, axe_source, page_names):
    for name in page_names:
        _open(page, served, name)
        result = _axe(page, axe_source)
        assert result["rules"] > 50  # axe really ran
        assert result["violations"] == [], f"{name}: {result['violations']}"


@pytest.mark.parametrize("name", ["grid", "exemplars filtered", "search with results",
                                  "assess with a plan", "cell"])
def test_axe_finds_no_violation_in_dark_mode(browser, served, axe_source, name):
    ctx = browser.new_context(color_scheme="dark")
    try:
        tab = ctx.new_page()
        _open(tab, served, name)
        assert tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        assert _axe(tab, axe_source)["violations"] == []
    finally:
        ctx.close()


def test_nothing_scrolls_sideways_at_320px(page, served, page_names):
    page.set_viewport_size({"width": 320, "height": 640})
    for name in page_names:
        _open(page, served, name)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"{name}: {width[0]} px of content in a {width[1]} px window"


@pytest.mark.parametrize("name", ["home", "grid", "theme", "cell", "exemplars index",
                                  "search with results", "assess with a plan", "exemplar", "404"])
def test_tab_reaches_every_control_with_a_visible_focus(page, served, name):
    _open(page, served, name)
    controls = page.evaluate("""() => {
        const all = [...document.querySelectorAll(
            'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')];
        const visible = all.filter(el => !el.disabled && el.getClientRects().length > 0
            && getComputedStyle(el).visibility !== 'hidden');
        visible.forEach((el, i) => { el.dataset.control = i; });
        return visible.length;
    }""")
    # start at the first control, the skip link, whatever a click before focused
    page.focus("[data-control='0']")
    reached, unmarked = {"0"}, []
    for _ in range(controls + 5):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const style = getComputedStyle(el);
            const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
            // a radio group is one Tab stop: the arrow keys choose within it
            const group = el.type === 'radio'
                ? [...document.querySelectorAll(`input[name="${el.name}"]`)].map(r => r.dataset.control)
                : [el.dataset.control];
            return { group, ring, label: el.outerHTML.slice(0, 80) };
        }""")
        if info is None:
            break  # past the last control
        reached.update(info["group"])
        if not info["ring"]:
            unmarked.append(info["label"])
    missed = page.evaluate("""(reached) => [...document.querySelectorAll('[data-control]')]
        .filter(el => !reached.includes(el.dataset.control)).map(el => el.outerHTML.slice(0, 80))""",
                           sorted(c for c in reached if c is not None))
    assert missed == [], f"not reached with Tab on {name}"
    assert unmarked == [], "\n".join(unmarked)
