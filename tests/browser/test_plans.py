"""The growth plan as a record of growth, in a real browser: a shared plan kept apart from yours,
clearing that can be undone, snapshots and their comparison, plan files, notes and the team view."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import urlsplit

from .browsing import PREFIX

STANDARD = "collaborative-engagement"
MINE = {"vision-for-learning": "emerging", "design-for-collaboration": "evolving"}
THEIRS = {"vision-for-learning": "established", "design-for-collaboration": "evolving",
          "school-administration-partnerships": "leading"}
PLAN_KEY = f"rubricsite:growth-plan:{PREFIX}"


def _choose(page, choices):  # type: ignore[no-untyped-def]
    for theme, level in choices.items():
        page.check(f"#{STANDARD}--{theme}--{level}")


def _checked(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(page.eval_on_selector_all(
        "#assess-form input:checked",
        "inputs => inputs.map(i => [i.closest('fieldset').dataset.theme, i.value])"))


def _link_for(browser, served, choices, notes=None) -> str:  # type: ignore[no-untyped-def]
    """A colleague's "Copy a link" URL, made in a browser of their own."""
    ctx = browser.new_context()
    try:
        tab = ctx.new_page()
        tab.goto(served.url("assess/"))
        _choose(tab, choices)
        for theme, text in (notes or {}).items():
            tab.fill(f"#note-{STANDARD}--{theme}", text)
        tab.wait_for_function(
            "n => document.getElementById('plan-link').href.split('.note=').length > n", arg=len(notes or {}))
        return tab.get_attribute("#plan-link", "href")
    finally:
        ctx.close()


def _stored(page):  # type: ignore[no-untyped-def]
    return json.loads(page.evaluate(f"localStorage.getItem('{PLAN_KEY}')") or "null")


def test_a_shared_link_never_replaces_your_plan(page, browser, served):
    link = _link_for(browser, served, THEIRS)
    page.goto(served.url("assess/"))
    _choose(page, MINE)
    before = _stored(page)
    page.goto(link)
    other = page.locator("#other-plan")
    assert other.is_visible()
    assert "Shared plan" in other.locator("h2").inner_text()
    assert "your own plan below is unchanged" in other.inner_text()
    assert _checked(page) == MINE  # the form is still yours
    assert _stored(page) == before
    page.reload()  # the link stays a shared plan on reload, still kept apart
    assert page.locator("#other-plan").is_visible() and _checked(page) == MINE
    page.click("#other-compare")
    rows = page.locator("#other-comparison tr[data-theme]")
    change = dict(rows.evaluate_all("rs => rs.map(r => [r.dataset.theme, r.dataset.change])"))
    assert change["vision-for-learning"] == "up"  # emerging -> established
    assert change["design-for-collaboration"] == "same"
    assert change["school-administration-partnerships"] == "placed"
    assert "moved up 2 phases" in page.inner_text("#other-comparison tr[data-theme='vision-for-learning']")
    page.click("#other-close")
    assert page.locator("#other-plan").is_hidden()
    assert _checked(page) == MINE and _stored(page) == before


def test_keeping_a_shared_plan_keeps_yours_as_a_snapshot(page, browser, served):
    link = _link_for(browser, served, THEIRS)
    page.goto(served.url("assess/"))
    _choose(page, MINE)
    page.goto(link)
    page.click("#other-keep")
    assert _checked(page) == THEIRS
    assert page.locator("#snapshot-list .snapshot").count() == 1
    assert "before keeping" in page.inner_text("#snapshot-list")
    page.click("#snapshot-list [data-action=open]")
    assert page.locator("#other-plan").is_visible()
    assert "Snapshot" in page.inner_text("#other-kind")
    entry = page.locator("#other-body .plan-theme[data-theme='vision-for-learning']")
    assert entry.get_attribute("data-current") == "emerging"


def test_clearing_can_be_undone(page, served):
    page.goto(served.url("assess/"))
    _choose(page, MINE)
    page.fill(f"#note-{STANDARD}--vision-for-learning", "Spoke to the principal")
    page.click("#plan-clear")
    assert _checked(page) == {} and _stored(page) is None
    undo = page.locator(".undo-row button")
    assert undo.is_visible()
    assert page.evaluate("document.activeElement.textContent").startswith("Undo")
    undo.click()
    assert _checked(page) == MINE
    assert page.input_value(f"#note-{STANDARD}--vision-for-learning") == "Spoke to the principal"
    assert _stored(page)[STANDARD]["choices"] == MINE


def test_snapshots_are_saved_renamed_compared_and_deleted(page, served):
    page.goto(served.url("assess/"))
    _choose(page, MINE)
    page.fill("#snapshot-name", "Fall 2026, staff meeting")
    page.click("#snapshot-add")
    _choose(page, {"vision-for-learning": "established", "design-for-collaboration": "emerging"})
    page.fill("#snapshot-name", "Spring 2027")
    page.keyboard.press("Enter")
    names = page.locator("#snapshot-list .snapshot-name").all_inner_texts()
    assert names == ["Fall 2026, staff meeting", "Spring 2027"]
    assert page.locator("#snapshot-list time").first.get_attribute("datetime")
    for select, name in (("#compare-a", "Fall 2026"), ("#compare-b", "Spring 2027")):
        page.select_option(select, label=page.locator(f"{select} option", has_text=name).inner_text())
    page.click("#compare-run")
    rows = page.locator("#compare-result tr[data-theme]")
    change = dict(rows.evaluate_all("rs => rs.map(r => [r.dataset.theme, r.dataset.change])"))
    assert change["vision-for-learning"] == "up" and change["design-for-collaboration"] == "down"
    assert change["partners-in-collaborative-learning"] == "none"
    assert "1 theme moved up, 1 moved back" in page.inner_text("#compare-result")
    # rename the first, in place
    page.click("#snapshot-list .snapshot >> nth=0 >> [data-action=rename]")
    page.fill("#snapshot-list input[type=text]", "Fall 2026")
    page.keyboard.press("Enter")
    assert page.locator("#snapshot-list .snapshot-name").all_inner_texts() == ["Fall 2026", "Spring 2027"]
    page.reload()  # snapshots are kept in this browser
    assert page.locator("#snapshot-list .snapshot-name").all_inner_texts() == ["Fall 2026", "Spring 2027"]
    page.click("#snapshot-list .snapshot >> nth=1 >> [data-action=delete]")
    assert page.locator("#snapshot-list .snapshot-name").all_inner_texts() == ["Fall 2026"]
    page.click(".undo-row button")
    assert page.locator("#snapshot-list .snapshot-name").all_inner_texts() == ["Fall 2026", "Spring 2027"]
    assert _checked(page) == {"vision-for-learning": "established", "design-for-collaboration": "emerging"}


def _export(page, button) -> dict:  # type: ignore[no-untyped-def]
    with page.expect_download() as info:
        page.click(button)
    return json.loads(Path(info.value.path()).read_text(encoding="utf-8"))


def test_an_exported_file_opens_in_another_browser(page, browser, served, tmp_path):
    page.goto(served.url("assess/"))
    _choose(page, MINE)
    page.fill(f"#note-{STANDARD}--vision-for-learning", "Evidence: co-planning log")
    page.fill("#snapshot-name", "Fall")
    page.click("#snapshot-add")
    data = _export(page, "#plan-file")
    assert data["format"] == "rubricsite-growth-plans" and data["format_version"] == 1
    assert data["site"].endswith(PREFIX)
    themes = data["plans"][0]["standards"][STANDARD]["themes"]
    assert themes["vision-for-learning"] == {"phase": "emerging", "notes": "Evidence: co-planning log"}
    assert data["plans"][0]["standards"][STANDARD]["version"]
    everything = _export(page, "#snapshots-file")
    assert [p["name"] for p in everything["plans"]] == ["Fall"]
    # the same file, as from a browser on an older rubric: a theme and a phase that are gone
    data["plans"][0]["standards"][STANDARD]["version"] = "0"
    themes["retired-theme"] = {"phase": "leading", "notes": "kept anyway"}
    file = tmp_path / "plan.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    ctx = browser.new_context()
    try:
        tab = ctx.new_page()
        tab.goto(served.url("assess/"))
        tab.set_input_files("#plan-import", str(file))
        tab.wait_for_selector("#other-plan", state="visible")
        assert _checked(tab) == {}  # opening a file never replaces a plan
        note = tab.inner_text("#other-note")
        assert "version 0" in note and "retired-theme" in note and "kept anyway" in note
        entry = tab.locator("#other-body .plan-theme[data-theme='vision-for-learning']")
        assert entry.get_attribute("data-current") == "emerging"
        assert "co-planning log" in entry.inner_text()
        assert tab.locator("#snapshot-list .snapshot").count() == 1
        tab.click("#other-keep")
        assert _checked(tab) == MINE
        assert tab.input_value(f"#note-{STANDARD}--vision-for-learning") == "Evidence: co-planning log"
        bad = {"name": "bad.json", "mimeType": "application/json", "buffer": b"{not json"}
        tab.set_input_files("#plan-import", files=[bad])
        tab.wait_for_selector("#snapshot-status:has-text('could not be read')")
    finally:
        ctx.close()


def test_notes_go_into_the_csv_and_the_link(page, served):
    page.goto(served.url("assess/"))
    _choose(page, MINE)
    page.fill(f"#note-{STANDARD}--design-for-collaboration", "Next: a shared timetable")
    page.wait_for_function("document.getElementById('plan-link').href.includes('.note=')")
    assert "Next: a shared timetable" in page.inner_text(
        "#plan-body .plan-theme[data-theme='design-for-collaboration'] .plan-notes")
    with page.expect_download() as info:
        page.click("#plan-csv")
    rows = {r["theme"]: r for r in csv.DictReader(io.StringIO(
        Path(info.value.path()).read_text(encoding="utf-8-sig")))}
    assert rows["design-for-collaboration"]["notes"] == "Next: a shared timetable"
    fragment = urlsplit(page.get_attribute("#plan-link", "href")).fragment
    assert f"{STANDARD}.design-for-collaboration.note=" in fragment


def test_team_view_counts_each_phase_per_theme(page, browser, served, tmp_path):
    links = [
        _link_for(browser, served, {"vision-for-learning": "evolving"},
                  {"vision-for-learning": "Plan A note"}),
        _link_for(browser, served, {"vision-for-learning": "evolving",
                                    "design-for-collaboration": "leading"}),
    ]
    page.goto(served.url("assess/"))
    _choose(page, {"vision-for-learning": "emerging"})
    data = _export(page, "#plan-file")
    themes = data["plans"][0]["standards"][STANDARD]["themes"]
    themes["vision-for-learning"] = {"phase": "established", "notes": "From a file"}
    file = tmp_path / "colleague.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    page.fill("#team-links", "\n".join(links))
    page.set_input_files("#team-files", str(file))
    sent = []
    page.on("request", lambda request: sent.append(request.url))
    page.click("#team-run")
    page.wait_for_selector("#team-status:has-text('combined')")
    assert "4 plans combined" in page.inner_text("#team-status")  # two links, one file, mine
    vision = page.locator("#team-result tr[data-theme='vision-for-learning'] td.count[data-level]")
    counts = dict(vision.evaluate_all("tds => tds.map(t => [t.dataset.level, +t.textContent])"))
    assert counts == {"exploring": 0, "emerging": 1, "evolving": 2, "established": 1, "leading": 0}
    design = page.locator("#team-result tr[data-theme='design-for-collaboration'] td.count")
    assert design.all_inner_texts() == ["0", "0", "0", "0", "1", "3"]  # five phases, then not placed
    notes = page.inner_text("#team-result .team-theme[data-theme='vision-for-learning']")
    assert "Plan A note" in notes and "From a file" in notes
    assert sent == []  # nothing leaves the browser
