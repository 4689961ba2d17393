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
from conftest import LEADING, PROJECT, SITES

from rubricsite.issue_form import issue_form_yaml
from rubricsite.load import split_front_matter
from rubricsite.scaffold import rubric_site

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


def test_the_four_workflows_exist():
    assert [p.name for p in FILES] == ["check.yml", "engine.yml", "import-issue.yml", "pages.yml"]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_workflow_matches_github_schema(path):
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("site", [LEADING, SITES / "district"], ids=["one standard", "two standards"])
def test_issue_form_matches_github_schema(site, tmp_path):
    form = tmp_path / "form.yml"
    form.write_text(issue_form_yaml(rubric_site(site)[0]), encoding="utf-8")
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-issue-forms", form)
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
    assert not data[True]["pull_request"]  # every pull request is checked, whatever it changes
    steps = data["jobs"]["check"]["steps"]
    scripts = "\n".join(s.get("run", "") for s in steps)
    assert "check --format github" in scripts and "$GITHUB_STEP_SUMMARY" in scripts
    assert "-r requirements.txt" in scripts and " build " in scripts
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert uses["actions/cache"]["with"]["path"] == ".cache/rubricsite"
    assert uses["actions/upload-artifact"]["with"]["path"] == "output/"


@pytest.mark.parametrize("name", ["check.yml", "import-issue.yml", "pages.yml"])
def test_site_workflows_never_run_the_engine_tests(name):
    """A site's workflows check its content; a contributor's pull request never waits for pytest."""
    scripts = "\n".join(s.get("run", "") for s in _steps(WORKFLOWS / name))
    assert "pytest" not in scripts and "make test" not in scripts and "make setup" not in scripts
    assert "-r requirements.txt" in scripts  # the engine the site pins


def test_engine_tests_run_only_when_the_engine_changes():
    data = yaml.safe_load((WORKFLOWS / "engine.yml").read_text())
    for event in ("pull_request", "push"):
        paths = data[True][event]["paths"]
        assert {"rubricsite/**", "tests/**", "pyproject.toml"} <= set(paths)
        assert not [p for p in paths if p.startswith(("content", "rubric/", "site.yaml", "templates",
                                                      "assets"))]
    assert "make test" in "\n".join(s.get("run", "") for s in _steps(WORKFLOWS / "engine.yml"))


# --- the import workflow's own scripts, run with bash as the runner would ----------------------

HOSTILE_TITLE = '$(touch pwned-1) `touch pwned-2` "; touch pwned-3; echo "'


def _import_steps() -> dict[str, dict]:
    data = yaml.safe_load((WORKFLOWS / "import-issue.yml").read_text())
    return {step.get("name", ""): step for step in data["jobs"]["import"]["steps"]}


def _runner(make_site, tmp_path: Path, body: str) -> tuple[dict[str, str], Path]:
    root = make_site()
    shutil.copy(PROJECT / "build.py", root / "build.py")
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    gh = fake_bin / "gh"  # records what the workflow would send to GitHub
    gh.write_text('#!/bin/sh\necho "$@" > "$RUNNER_TEMP/gh-args"\n'
                  'while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" "$RUNNER_TEMP/gh-body"; '
                  'shift; done\n')
    gh.chmod(0o755)
    env = {"PATH": f"{fake_bin}:{Path(sys.executable).parent}:/usr/bin:/bin",
           "RUNNER_TEMP": str(temp), "GITHUB_WORKSPACE": str(root),
           "GITHUB_OUTPUT": str(temp / "github-output"), "GITHUB_REPOSITORY": "example/llc",
           "ISSUE_NUMBER": "7", "GH_TOKEN": "not-a-token", "ISSUE_BODY": body}
    return env, root


def _bash(step: dict, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # GitHub runs `run:` with: bash --noprofile --norc -eo pipefail {0}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                          env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_import_workflow_scripts_keep_hostile_text_out_of_the_shell(make_site, tmp_path):
    from test_issue_form import rendered

    env, root = _runner(make_site, tmp_path, rendered(Title=HOSTILE_TITLE))
    steps = _import_steps()
    for name in ("Save the issue body to a file", "Convert the issue to an exemplar file"):
        result = _bash(steps[name], env, root)
        assert result.returncode == 0, result.stderr
    temp = Path(env["RUNNER_TEMP"])
    assert (temp / "github-output").read_text() == "ok=true\n"
    added = (temp / "added.txt").read_text().strip()
    assert added.startswith("content/exemplars/") and added.endswith(".md")
    meta = split_front_matter(root / added, (root / added).read_text())[0].data
    assert meta["title"] == HOSTILE_TITLE
    assert not [p for p in tmp_path.rglob("pwned-*")], "an issue answer ran as a command"


def test_import_workflow_replies_with_the_errors(make_site, tmp_path):
    from test_issue_form import rendered

    env, root = _runner(make_site, tmp_path, rendered(Phase="Establisehd", Theme="A````"))
    steps = _import_steps()
    for name in ("Save the issue body to a file", "Convert the issue to an exemplar file"):
        assert _bash(steps[name], env, root).returncode == 0
    temp = Path(env["RUNNER_TEMP"])
    assert (temp / "github-output").read_text() == "ok=false\n"
    reply = _bash(steps["Reply with what to fix"], env, root)
    assert reply.returncode == 1  # the run shows as failed until the issue is fixed
    assert (temp / "gh-args").read_text().split()[:4] == ["issue", "comment", "7", "--repo"]
    body = (temp / "gh-body").read_text()
    assert ("issue.md:13: error: Phase: unknown phase 'Establisehd' (did you mean 'established'?)"
            in body)
    # an answer quoted in an error cannot close the reply's code block early
    assert ("issue.md:9: error: Theme: unknown theme 'A''''' (expected one of: vision, design)"
            in body.splitlines())
    assert body.count("````") == 2
    assert list((root / "content/exemplars").iterdir()) == [root / "content/exemplars/reading-buddies.md"]


def test_import_workflow_opens_a_pull_request_from_the_issue_number_branch(make_site, tmp_path):
    from test_issue_form import rendered

    env, root = _runner(make_site, tmp_path, rendered())
    remote = tmp_path / "remote.git"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q", "--bare", str(remote)], check=True)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "site"],
                 ["remote", "add", "origin", str(remote)]):
        subprocess.run([*git, *args], cwd=root, check=True)
    env["HOME"] = str(tmp_path)  # git config --global stays out of the way
    steps = _import_steps()
    for name in ("Save the issue body to a file", "Convert the issue to an exemplar file",
                 "Open a pull request"):
        result = _bash(steps[name], {**env, "BRANCH": "exemplar/issue-7", "BASE_BRANCH": "main"}, root)
        assert result.returncode == 0, name + result.stderr
    pushed = subprocess.run(["git", "ls-tree", "-r", "--name-only", "exemplar/issue-7"], cwd=remote,
                            capture_output=True, text=True, check=True).stdout.split()
    assert "content/exemplars/reading-buddies-across-the-grades.md" in pushed
    args = (Path(env["RUNNER_TEMP"]) / "gh-args").read_text().split()
    assert args[:2] == ["pr", "create"] and "exemplar/issue-7" in args
    assert (Path(env["RUNNER_TEMP"]) / "gh-body").read_text() == (
        "Adds `content/exemplars/reading-buddies-across-the-grades.md`, suggested in #7.\n\n"
        "Closes #7\n")


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_script_is_valid_bash(path):
    for step in _steps(path):
        if "run" in step:
            result = subprocess.run(["bash", "-n", "-c", step["run"]], capture_output=True, text=True)
            assert result.returncode == 0, result.stderr


def test_pages_keeps_the_engine_cache_keyed_by_engine_version():
    data = yaml.safe_load((WORKFLOWS / "pages.yml").read_text())
    steps = data["jobs"]["build"]["steps"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".cache/rubricsite"
    assert "steps.engine.outputs.version" in cache["with"]["key"]
    assert cache["with"]["restore-keys"] in cache["with"]["key"]  # the newest of that version
    names = [s.get("name") or s.get("uses") for s in steps]
    assert names.index("Engine version") < names.index(cache["uses"]) < names.index("Build")
    build = next(s for s in steps if s.get("name") == "Build")
    assert "--no-cache" not in build["run"]  # a warm build: only the output starts empty
