"""The import workflow: a `---` in an answer is content; a reviewed pull request is left alone."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT
from hostile import cli, snapshot

from rubricsite.issue_form import convert_issue
from rubricsite.load import split_front_matter
from rubricsite.scaffold import rubric_site

WORKFLOW = PROJECT / ".github" / "workflows" / "import-issue.yml"
BOT = "41898282+github-actions[bot]@users.noreply.github.com"


def _rendered(**changes: str) -> str:
    from test_issue_form import rendered

    return rendered(**changes)


@pytest.mark.parametrize("answer", ["Story", "Why the resource is worth a look"])
def test_a_dash_line_in_an_answer_is_content(make_site, tmp_path, answer):
    text = "First part.\n\n---\n\nSecond part, after a line of dashes.\n---\nThird."
    root = make_site()
    issue = tmp_path / "issue.md"
    issue.write_text(_rendered(**{answer.replace(" ", "_"): text}))
    result = cli(root, "import-issue", issue, cwd=tmp_path)
    assert result.status == 0, result.err
    path = root / result.out.strip()
    meta, body, _line, _digest = split_front_matter(path, path.read_text())
    if answer == "Story":
        assert body.strip() == text
    else:
        assert meta.data["resources"][0]["annotation"] == text
    assert cli(root, "check").status == 0


def test_an_indented_dash_line_in_hand_written_front_matter_is_not_a_fence(make_site):
    root = make_site()
    path = root / "content" / "exemplars" / "reading-buddies.md"
    text = path.read_text().replace('    kind: article\n',
                                    '    kind: article\n    annotation: |\n      One\n      ---\n      Two\n')
    path.write_text(text)
    meta = split_front_matter(path, text)[0]
    assert meta.data["resources"][0]["annotation"] == "One\n---\nTwo"
    assert cli(root, "check").status == 0


def test_a_conversion_never_has_a_second_fence(make_site):
    site = rubric_site(make_site())[0]
    result = convert_issue(site, _rendered(Summary="--- a summary ---", Title="---"),
                           today=dt.date(2026, 12, 1))
    meta = split_front_matter(Path("x.md"), result.text)[0]
    assert meta.data["title"] == "---" and meta.data["summary"] == "--- a summary ---"


# --- the guard step, run with bash and a stand-in for gh --------------------------------------

def _guard_step() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text())
    steps = data["jobs"]["import"]["steps"]
    guard = next(s for s in steps if s.get("id") == "guard")
    opens = next(s for s in steps if s.get("name") == "Open a pull request")
    assert opens["if"] == "steps.guard.outputs.stop != 'true'"
    assert steps.index(guard) < steps.index(opens)
    return guard


def _run_guard(tmp_path: Path, *, pr: str = "", reviews: int = 0, branch: bool = True,
               emails: list[str] | None = None, compare_fails: bool = False) -> tuple[str, str]:
    """The guard's outputs and the comment it left (empty when none)."""
    temp = tmp_path / "runner"
    temp.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    answers = {"pr": pr, "reviews": str(reviews), "branch": branch,
               "emails": "\n".join(emails or []), "compare_fails": compare_fails}
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    gh = bin_dir / "gh"
    gh.write_text(f"""#!{sys.executable}
import json, shutil, sys
a = json.load(open({str(tmp_path / "answers.json")!r}))
args = sys.argv[1:]
if args[:2] == ["pr", "list"]:
    print(a["pr"])
elif args[:2] == ["pr", "view"]:
    print(a["reviews"])
elif args[0] == "api" and "/branches/" in args[1]:
    sys.exit(0 if a["branch"] else 1)
elif args[0] == "api" and "/compare/" in args[1]:
    if a["compare_fails"]:
        sys.exit(1)
    print(a["emails"])
elif args[:2] == ["issue", "comment"]:
    shutil.copy(args[args.index("--body-file") + 1], {str(temp / "comment.md")!r})
""")
    gh.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "RUNNER_TEMP": str(temp),
           "GITHUB_OUTPUT": str(temp / "output"), "GITHUB_REPOSITORY": "example/llc",
           "ISSUE_NUMBER": "7", "BRANCH": "exemplar/issue-7", "BASE_BRANCH": "main",
           "GH_TOKEN": "x", **_guard_step()["env"]}
    env["GH_TOKEN"] = "x"
    env["BOT_EMAIL"] = BOT
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                             _guard_step()["run"]], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    comment = temp / "comment.md"
    return (temp / "output").read_text(), comment.read_text() if comment.exists() else ""


def test_first_import_goes_ahead(tmp_path):
    assert _run_guard(tmp_path, branch=False) == ("stop=false\n", "")


def test_an_edit_updates_a_pull_request_nobody_has_touched(tmp_path):
    assert _run_guard(tmp_path, pr="12", emails=[BOT, BOT]) == ("stop=false\n", "")


def test_a_reviewed_pull_request_is_left_alone_and_the_issue_says_so(tmp_path):
    output, comment = _run_guard(tmp_path, pr="12", reviews=1, emails=[BOT, BOT])
    assert output == "stop=true\n"
    assert "pull request #12 was reviewed or changed by someone else" in comment
    assert "**not** updated" in comment


def test_a_maintainer_s_commit_on_the_branch_is_never_wiped(tmp_path):
    output, comment = _run_guard(tmp_path, pr="12", emails=[BOT, BOT, "maintainer@example.org",
                                                            "noreply@github.com"])
    assert output == "stop=true\n" and "**not** updated" in comment


def test_a_branch_left_without_its_pull_request_keeps_others_commits(tmp_path):
    output, _comment = _run_guard(tmp_path, pr="", emails=[BOT, "someone@example.org", BOT])
    assert output == "stop=true\n"


def test_when_the_branch_cannot_be_read_it_is_left_alone(tmp_path):
    output, _comment = _run_guard(tmp_path, pr="12", compare_fails=True)
    assert output == "stop=true\n"


def test_the_workflow_still_imports_nothing_it_should_not(make_site, tmp_path):
    root = make_site()
    before = snapshot(root)
    issue = tmp_path / "issue.md"
    issue.write_text(_rendered(Story="Hidden \u202e text\n---\nmore"))
    result = cli(root, "import-issue", issue, cwd=tmp_path)
    assert result.status == 0
    added = root / result.out.strip()
    assert "\u202e" not in added.read_text()
    assert set(snapshot(root)) - set(before) == {result.out.strip()}
