"""The GitHub workflows and the issue form: valid against GitHub's schemas, free of injection risks.

check-jsonschema carries GitHub's schemas and zizmor runs --offline, so nothing here needs the network.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT

from rubricsite.issue_form import FORM_PATH
from rubricsite.scaffold import contributing_md

WORKFLOWS = PROJECT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))


def tool(name: str) -> str:
    """A checker installed beside this Python (the project's .venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    assert found, f"{name} is not installed: run `make setup`"
    return found


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120,
                          cwd=PROJECT)


def test_the_three_workflows_exist():
    assert [p.name for p in FILES] == ["check.yml", "import-issue.yml", "pages.yml"]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_workflow_matches_github_schema(path):
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_form_matches_github_schema():
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-issue-forms",
                 PROJECT / FORM_PATH)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_can_fail(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    steps: []\n")  # no runs-on
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", broken)
    assert result.returncode == 1


def test_zizmor_finds_nothing_even_pedantic():
    result = run(tool("zizmor"), "--offline", "--persona=pedantic", "--no-progress", WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_zizmor_would_catch_an_injection(tmp_path):
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "bad.yml").write_text(
        "on: issues\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo \"${{ github.event.issue.title }}\"\n")
    result = run(tool("zizmor"), "--offline", "--no-progress", folder)
    assert result.returncode != 0
    assert "template-injection" in result.stdout


def _steps(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text())
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_expression_inside_a_script(path):
    """Values reach scripts through env only, so no text can become shell code."""
    for step in _steps(path):
        assert "${{" not in step.get("run", ""), step.get("name", step["run"][:40])


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_actions_pinned_by_commit(path):
    for step in _steps(path):
        if "uses" in step:
            ref = step["uses"].split("@", 1)[1]
            assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), step["uses"]


def test_import_issue_reads_the_body_only_from_a_file():
    text = (WORKFLOWS / "import-issue.yml").read_text()
    data = yaml.safe_load(text)
    assert data["permissions"] == {}
    job = data["jobs"]["import"]
    assert job["env"]["BRANCH"] == "exemplar/issue-${{ github.event.issue.number }}"
    body_steps = [s for s in job["steps"] if "github.event.issue.body" in str(s)]
    assert len(body_steps) == 1
    assert body_steps[0]["env"] == {"ISSUE_BODY": "${{ github.event.issue.body }}"}
    assert "import-issue" in "".join(s.get("run", "") for s in job["steps"])


def test_pages_passes_the_base_url_through_env():
    data = yaml.safe_load((WORKFLOWS / "pages.yml").read_text())
    steps = data["jobs"]["build"]["steps"]
    build = next(s for s in steps if s.get("name") == "Build")
    assert build["env"] == {"BASE_URL": "${{ steps.pages.outputs.base_url }}"}
    assert '--base-url "$BASE_URL/"' in build["run"]
    uses = [s["uses"].split("@")[0] for j in data["jobs"].values() for s in j["steps"] if "uses" in s]
    assert {"actions/configure-pages", "actions/upload-pages-artifact",
            "actions/deploy-pages"} <= set(uses)


def test_check_reports_to_the_summary_and_uploads_the_site():
    data = yaml.safe_load((WORKFLOWS / "check.yml").read_text())
    assert set(data[True]) == {"pull_request", "push"}  # YAML 1.1 reads the key `on` as True
    steps = data["jobs"]["check"]["steps"]
    scripts = "\n".join(s.get("run", "") for s in steps)
    assert "check --format github" in scripts and "$GITHUB_STEP_SUMMARY" in scripts
    assert "make test" in scripts
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert uses["actions/cache"]["with"]["path"] == ".cache/rubricsite"
    assert uses["actions/upload-artifact"]["with"]["path"] == "output/"


def test_contributing_is_the_contribute_page():
    assert (PROJECT / "CONTRIBUTING.md").read_text(encoding="utf-8") == contributing_md(PROJECT), (
        "CONTRIBUTING.md is out of date: edit content/pages/contribute.md, then run `make schema`")
