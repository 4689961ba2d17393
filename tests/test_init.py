"""`rubricsite init`: a district's own site repository that checks, builds and passes GitHub's
schemas with no edit, runs only the site's commands in CI, and pins this engine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT

from rubricsite import __version__
from rubricsite.cli import main
from rubricsite.pipeline import build_site, check_site

EXPECTED = [
    "site.yaml", "rubric/levels.yaml", "rubric/collaborative-engagement.yaml",
    "content/pages/about.md", "content/pages/contribute.md",
    ".github/workflows/check.yml", ".github/workflows/pages.yml", ".github/workflows/import-issue.yml",
    ".github/ISSUE_TEMPLATE/suggest-exemplar.yml", ".github/dependabot.yml",
    "requirements.txt", "CONTRIBUTING.md", "README.md", "schema/exemplar.schema.json",
    ".gitignore", ".gitattributes", "Makefile", "build.py",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("init") / "northwind-llc"
    assert main(["init", str(folder)]) == 0
    return folder


def tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def test_every_file_of_a_site_repository(site):
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert set(EXPECTED) <= files
    shipped = sorted(p.name for p in (PROJECT / "content/exemplars").glob("*.md"))
    assert sorted(p.name for p in (site / "content/exemplars").glob("*.md")) == shipped
    assert len(shipped) >= 42


def test_with_no_edit_it_checks_and_builds(site, tmp_path):
    assert check_site(site)[1] == []
    report = build_site(site, tmp_path / "out", use_cache=False)
    assert report.ok, report.errors
    assert (tmp_path / "out/collaborative-engagement/index.html").is_file()


def test_requirements_pin_this_engine_at_a_tag(site):
    lines = [ln for ln in (site / "requirements.txt").read_text().splitlines()
             if ln and not ln.startswith("#")]
    assert len(lines) == 1
    assert lines[0].startswith("rubricsite @ git+https://") and lines[0].endswith(f".git@v{__version__}")


def test_dependabot_proposes_engine_updates(site):
    config = yaml.safe_load((site / ".github/dependabot.yml").read_text())
    ecosystems = {u["package-ecosystem"]: u for u in config["updates"]}
    assert ecosystems["pip"]["directory"] == "/"  # where requirements.txt is


@pytest.mark.parametrize("schema, rel", [
    ("vendor.github-workflows", ".github/workflows/check.yml"),
    ("vendor.github-workflows", ".github/workflows/pages.yml"),
    ("vendor.github-workflows", ".github/workflows/import-issue.yml"),
    ("vendor.github-issue-forms", ".github/ISSUE_TEMPLATE/suggest-exemplar.yml"),
    ("vendor.dependabot", ".github/dependabot.yml"),
])
def test_github_files_match_githubs_schemas(site, schema, rel):
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", schema, str(site / rel)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_in_its_workflows(site):
    result = subprocess.run([tool("zizmor"), "--offline", "--persona=pedantic", "--no-progress",
                             str(site / ".github/workflows")], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def _steps(site: Path, name: str) -> list[dict]:
    data = yaml.safe_load((site / ".github/workflows" / name).read_text())
    return [s for job in data["jobs"].values() for s in job.get("steps", [])]


def test_its_ci_runs_only_what_a_site_needs(site):
    for name in ("check.yml", "pages.yml", "import-issue.yml"):
        scripts = "\n".join(s.get("run", "") for s in _steps(site, name))
        assert "pytest" not in scripts and "make test" not in scripts, name
    scripts = "\n".join(s.get("run", "") for s in _steps(site, "check.yml"))
    assert "check --format github" in scripts and "build --output output" in scripts


def test_its_check_workflow_commands_pass(site, tmp_path):
    """The check workflow's own scripts, run with bash as the runner would, in the new site."""
    venv = site / ".venv"
    venv.symlink_to(Path(sys.prefix))  # the workflow's install step made .venv from requirements.txt
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    try:
        for step in _steps(site, "check.yml"):
            if step.get("name") in ("Check content", "Build"):
                result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                                         step["run"]], cwd=site, env=env, capture_output=True,
                                        text=True, timeout=300)
                assert result.returncode == 0, step["name"] + result.stdout + result.stderr
    finally:
        venv.unlink()
    assert (site / "output/index.html").is_file()


def test_the_readme_has_the_whole_checklist(site):
    readme = (site / "README.md").read_text()
    for step in ("Enable Actions", "Enable Issues", "Source: GitHub Actions", "`exemplar`",
                 "Workflow permissions", "Allow GitHub Actions to create and approve pull requests",
                 "Branch protection", "first-time contributors", "Approve and run", "Custom domain",
                 "fork", "Windows", "requirements.txt", "Dependabot"):
        assert step in readme, step
    assert "{" + "version}" not in readme and __version__ in readme


def test_site_yaml_is_commented_and_every_key_is_known(site):
    from rubricsite import fields

    text = (site / "site.yaml").read_text()
    assert text.count("\n#") > 20
    for key in fields.CONFIG:
        assert f"\n{key}:" in text or f"\n# {key}:" in text, key


def test_engine_spec_overrides_the_pin(tmp_path):
    assert main(["init", str(tmp_path / "s"), "--engine", "rubricsite==9.9.9"]) == 0
    assert (tmp_path / "s/requirements.txt").read_text().splitlines()[-1] == "rubricsite==9.9.9"


def test_empty_has_no_exemplars_and_a_one_theme_standard(tmp_path):
    folder = tmp_path / "empty"
    assert main(["init", str(folder), "--empty"]) == 0
    assert list((folder / "content/exemplars").glob("*.md")) == []
    assert sorted(p.name for p in (folder / "rubric").iterdir()) == ["levels.yaml", "our-standard.yaml"]
    site, errors = check_site(folder)
    assert errors == []
    assert [len(s.themes) for s in site.standards] == [1]
    assert build_site(folder, tmp_path / "out", use_cache=False).ok


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    assert main(["init", str(folder)]) == 2
    assert "init writes a new site only into an empty folder" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_build_py_init(tmp_path):
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "init", str(tmp_path / "s")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s/site.yaml").is_file()


def test_the_wheel_runs_with_nothing_from_this_repository(tmp_path):
    """python -m build, a fresh virtual environment, the wheel alone: --version, init, check, build."""
    dist = tmp_path / "dist"
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist)], cwd=PROJECT,
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel = next(dist.glob(f"rubricsite-{__version__}-py3-none-any.whl"))
    assert next(dist.glob(f"rubricsite-{__version__}.tar.gz"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    installed = subprocess.run([str(venv / "bin/pip"), "install", "--quiet",
                                "--disable-pip-version-check", str(wheel)],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-2000:]
    away = tmp_path / "elsewhere"  # no checkout on the path: only the installed package
    away.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}

    def run(*args: str) -> str:
        result = subprocess.run([str(venv / "bin/rubricsite"), *args], cwd=away, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, " ".join(args) + result.stdout + result.stderr
        return result.stdout

    assert run("--version") == f"rubricsite {__version__}\n"
    run("init", "site")
    assert run("check", "--root", "site") == "No problems found.\n"
    assert run("build", "--root", "site").startswith("Built ")
    where = subprocess.run([str(venv / "bin/python"), "-c", "import rubricsite; print(rubricsite.__file__)"],
                           cwd=away, env=env, capture_output=True, text=True, check=True).stdout
    assert str(venv) in where and str(PROJECT) not in where


def test_a_fork_that_hides_the_shipped_standard_hands_its_choice_on(tmp_path, monkeypatch):
    import shutil

    from conftest import LEADING, SITES

    from rubricsite import starter

    fork = tmp_path / "fork"
    shutil.copytree(LEADING, fork)
    shutil.copytree(PROJECT / ".github", fork / ".github")
    # its own standard reuses a letter of the shipped one, which it no longer publishes
    shutil.copy(SITES / "district/rubric/reading-culture.yaml", fork / "rubric")
    with (fork / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("\nstandards: [reading-culture]\n")
    monkeypatch.setattr(starter, "reference_root", lambda: fork)
    new = tmp_path / "new"
    assert main(["init", str(new)]) == 0
    assert "standards: [reading-culture]" in (new / "site.yaml").read_text(encoding="utf-8")
    site, errors = check_site(new)
    assert errors == [] and [s.id for s in site.standards] == ["reading-culture"]
