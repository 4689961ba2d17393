"""`rubricsite sync` and the "out of date" check of the files made from the rubric and the engine."""

from __future__ import annotations

import pytest
from conftest import LEADING

from rubricsite.cli import main
from rubricsite.issue_form import FORM_PATH
from rubricsite.pipeline import check_site
from rubricsite.schema import SCHEMA_PATH

GENERATED = [SCHEMA_PATH.as_posix(), FORM_PATH.as_posix(), "CONTRIBUTING.md"]


@pytest.fixture
def synced(make_site, capsys):
    root = make_site(base=LEADING)
    assert main(["sync", "--root", str(root)]) == 0
    written = capsys.readouterr().out.splitlines()
    assert written == [f"Wrote {rel}" for rel in GENERATED]
    return root


def test_sync_writes_every_generated_file_and_check_passes(synced, capsys):
    assert check_site(synced)[1] == []
    assert main(["sync", "--root", str(synced)]) == 0  # a second run changes nothing
    assert capsys.readouterr().out == "Every generated file is up to date.\n"


def test_a_renamed_theme_makes_schema_and_form_out_of_date_until_sync(synced, capsys):
    rubric = synced / "rubric" / "collaborative-engagement.yaml"
    text = rubric.read_text(encoding="utf-8")
    rubric.write_text(text.replace('title: "Vision for Learning"', 'title: "Shared Vision"'),
                      encoding="utf-8")
    errors = check_site(synced)[1]
    assert "Shared Vision" in rubric.read_text(encoding="utf-8")
    assert [e.text(synced) for e in errors] == [
        f"{FORM_PATH.as_posix()}:1: error: out of date: run `rubricsite sync` "
        "(it is made from the rubric and the engine; commit what sync rewrites)"]
    assert main(["sync", "--root", str(synced)]) == 0
    assert capsys.readouterr().out == f"Wrote {FORM_PATH.as_posix()}\n"
    assert check_site(synced)[1] == []


def test_an_edited_contribute_page_makes_contributing_out_of_date(synced):
    page = synced / "content" / "pages" / "contribute.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    errors = check_site(synced)[1]
    assert [(e.path.name, e.message) for e in errors] == [
        ("CONTRIBUTING.md", "out of date: run `rubricsite sync`")]
    assert "content/pages/contribute.md" in errors[0].hint


def test_a_site_without_generated_files_needs_none(make_site):
    assert check_site(make_site(base=LEADING))[1] == []


def test_version(capsys):
    from rubricsite import __version__

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"rubricsite {__version__}\n"
