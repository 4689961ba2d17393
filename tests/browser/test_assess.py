"""The growth plan in a real browser, checked against data/rubric.json and data/exemplars.json."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .browsing import PREFIX, pages_in

STANDARD = "collaborative-engagement"
CHOICES = {  # theme id -> the phase chosen: a middle phase, the last one, and the first one
    "vision-for-learning": "evolving",
    "design-for-collaboration": "leading",
    "partners-in-collaborative-learning": "exploring",
}
NEXT = {"exploring": "emerging", "emerging": "evolving", "evolving": "established",
        "established": "leading", "leading": None}


@pytest.fixture(scope="module")
def rubric(served):  # type: ignore[no-untyped-def]
    data = json.loads((served.output / "data" / "rubric.json").read_text(encoding="utf-8"))
    standard = next(s for s in data["standards"] if s["id"] == STANDARD)
    return {t["id"]: {c["level"]: c for c in t["cells"]} for t in standard["themes"]}, standard


@pytest.fixture(scope="module")
def titles(served):  # type: ignore[no-untyped-def]
    records = json.loads((served.output / "data" / "exemplars.json").read_text(encoding="utf-8"))
    return {r["slug"]: r["title"] for r in records}


def _choose(page, choices):  # type: ignore[no-untyped-def]
    for theme, level in choices.items():
        page.check(f"#{STANDARD}--{theme}--{level}")


def _entry(page, theme):  # type: ignore[no-untyped-def]
    return page.locator(f"#plan-body .plan-theme[data-theme='{theme}']")


def _check_plan(page, rubric, titles):  # type: ignore[no-untyped-def]
    cells, _standard = rubric
    for theme, level in CHOICES.items():
        entry = _entry(page, theme)
        assert entry.get_attribute("data-current") == level
        nxt = NEXT[level]
        shown = entry.locator(".plan-exemplars a").all_inner_texts()
        if nxt:
            assert entry.locator(".plan-next").inner_text() == cells[theme][nxt]["statement"]
            expected = [titles[s] for s in cells[theme][nxt]["exemplars"]]
        else:  # Leading: sustain and share, with Leading's own exemplars
            assert "Sustain and share" in entry.locator(".plan-next-label").inner_text()
            expected = [titles[s] for s in cells[theme]["leading"]["exemplars"]]
        assert shown == expected
    for theme in cells:
        if theme not in CHOICES:
            assert _entry(page, theme).get_attribute("data-current") == ""


def _checked(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(page.eval_on_selector_all(
        "#assess-form input:checked",
        "inputs => inputs.map(i => [i.closest('fieldset').dataset.theme, i.value])"))


def test_plan_shows_the_next_phase_and_its_exemplars(page, served, rubric, titles):
    page.goto(served.url("assess/"))
    _choose(page, CHOICES)
    _check_plan(page, rubric, titles)
    text = page.inner_text("#plan")
    assert "score" not in text.lower() and "total" not in text.lower()


def test_plan_survives_reload_and_a_fresh_visit(page, served, rubric, titles):
    page.goto(served.url("assess/"))
    _choose(page, CHOICES)
    page.reload()
    assert _checked(page) == CHOICES
    _check_plan(page, rubric, titles)
    page.goto(served.url("assess/"))  # no fragment: localStorage brings the plan back
    assert urlsplit(page.url).fragment == ""
    assert _checked(page) == CHOICES
    _check_plan(page, rubric, titles)
    stored = dict(page.evaluate("Object.entries(localStorage)"))
    assert list(stored) == [f"rubricsite:growth-plan:{PREFIX}"]  # one key per site, under its prefix
    value = stored[f"rubricsite:growth-plan:{PREFIX}"]
    assert json.loads(value) == {STANDARD: {"version": rubric[1]["version"], "choices": CHOICES}}


def test_share_link_opens_as_a_shared_plan_that_can_be_kept(page, browser, served, rubric, titles):
    page.goto(served.url("assess/"))
    _choose(page, CHOICES)
    link = page.get_attribute("#plan-link", "href")
    assert urlsplit(link).query == ""  # the choices are in the fragment: never sent to a server
    other = browser.new_context()
    try:
        tab = other.new_page()
        tab.goto(link)
        assert tab.locator("#other-plan").is_visible()
        assert _checked(tab) == {}  # shown beside an empty plan, not made it
        shared = tab.locator("#other-body .plan-theme[data-theme='vision-for-learning']")
        assert shared.get_attribute("data-current") == "evolving"
        tab.click("#other-keep")
        assert tab.locator("#other-plan").is_hidden()
        assert _checked(tab) == CHOICES
        _check_plan(tab, rubric, titles)
    finally:
        other.close()


def test_csv_download_holds_the_plan(page, served, rubric, titles):
    cells, standard = rubric
    page.goto(served.url("assess/"))
    _choose(page, CHOICES)
    with page.expect_download() as info:
        page.click("#plan-csv")
    download = info.value
    assert download.suggested_filename == "growth-plan.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = {r["theme"]: r for r in csv.DictReader(io.StringIO(text))}
    assert set(rows) == set(CHOICES)
    vision = rows["vision-for-learning"]
    assert vision["standard"] == STANDARD and vision["standard_version"] == str(standard["version"])
    assert vision["current_phase"] == "Evolving" and vision["next_step"] == "Established"
    assert vision["next_statement"] == cells["vision-for-learning"]["established"]["statement"]
    assert rows["design-for-collaboration"]["next_step"] == "Sustain and share"
    assert rows["partners-in-collaborative-learning"]["next_step"] == "Emerging"


def test_keyboard_choice_updates_the_plan_and_is_announced(page, served, rubric):
    cells, _ = rubric
    page.goto(served.url("assess/"))
    page.focus(f"#{STANDARD}--vision-for-learning--exploring")
    page.keyboard.press("ArrowDown")  # a radio group moves and selects with the arrow keys
    assert _checked(page) == {"vision-for-learning": "emerging"}
    entry = _entry(page, "vision-for-learning")
    assert entry.locator(".plan-next").inner_text() == cells["vision-for-learning"]["evolving"]["statement"]
    assert "Vision for Learning" in page.inner_text("#plan-status")
    assert page.get_attribute("#plan-status", "role") == "status"


def test_an_older_version_shows_what_no_longer_matches_and_clear_forgets(page, served):
    page.goto(served.url(f"assess/#{STANDARD}=0&{STANDARD}.vision-for-learning=established"
                         f"&{STANDARD}.no-such-theme=leading&{STANDARD}.design-for-collaboration=bogus"))
    note = page.locator("#other-note")
    assert note.is_visible() and "version 0" in note.inner_text()
    # what no longer matches is named, not dropped
    assert "no-such-theme" in note.inner_text() and "bogus" in note.inner_text()
    page.click("#other-keep")
    assert _checked(page) == {"vision-for-learning": "established"}
    assert page.locator("#plan-note").is_visible()
    assert "no-such-theme" in page.inner_text("#plan-note")
    assert "no-such-theme" in page.evaluate("Object.values(localStorage).join(' ')")
    page.click("#plan-clear")
    assert _checked(page) == {}
    assert page.evaluate(f"localStorage.getItem('rubricsite:growth-plan:{PREFIX}')") is None
    assert urlsplit(page.url).fragment == ""
    assert page.locator("#plan .plan-tools").is_hidden()


@pytest.mark.parametrize("paper", ["Letter", "A4"])
@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
def test_a_full_plan_with_notes_prints_on_one_page(page, served, rubric, paper, landscape):
    cells, _ = rubric
    page.goto(served.url("assess/"))
    levels = list(NEXT)
    _choose(page, {theme: levels[(i + 1) % len(levels)] for i, theme in enumerate(cells)})
    for theme in cells:
        page.fill(f"#note-{STANDARD}--{theme}", "Evidence: timetable shared with two grade teams. "
                  "Next: invite the principal to the planning meeting in March.")
    page.fill("#plan-school", "Test School")
    head = page.text_content("#plan-print-head")  # shown in print only
    assert "Test School" in head and PREFIX in head and "Printed" in head
    pdf = page.pdf(format=paper, landscape=landscape)  # print CSS: the plan alone, without the form
    assert pages_in(pdf) == 1


def test_without_javascript_every_phase_is_readable(browser, served, rubric):
    cells, _ = rubric
    ctx = browser.new_context(java_script_enabled=False)
    try:
        tab = ctx.new_page()
        tab.goto(served.url("assess/"))
        label = tab.inner_text(f"label[for='{STANDARD}--vision-for-learning--leading']")
        assert cells["vision-for-learning"]["leading"]["statement"] in label
        assert tab.locator("#plan").is_hidden()
    finally:
        ctx.close()


def test_a_theme_page_leads_to_its_fieldset(page, served, rubric):
    page.goto(served.url(f"{STANDARD}/vision-for-learning/"))
    page.click("text=Place it in your growth plan")
    page.wait_for_url(f"**/assess/#fs-{STANDARD}--vision-for-learning")
    assert page.locator(f"#fs-{STANDARD}--vision-for-learning").is_visible()
    _choose(page, {"vision-for-learning": "established"})
    version = rubric[1]["version"]
    assert urlsplit(page.url).fragment == f"{STANDARD}={version}&{STANDARD}.vision-for-learning=established"


def test_choosing_sends_nothing_anywhere(page, served):
    page.goto(served.url("assess/"))
    page.wait_for_load_state("networkidle")
    sent = []
    page.on("request", lambda request: sent.append(request.url))
    _choose(page, CHOICES)
    page.click("#plan-csv")
    assert sent == []
    page.reload()  # the fragment holds the plan, and a browser never sends a fragment
    assert sent and not [u for u in sent if "vision-for-learning" in u]
