"""`rubricsite init DIR`: a complete site repository for a district, from the installed engine.

The new site gets the reference Leading Learning site's rubric, exemplars, pages and workflows
(packaged in the wheel as rubricsite/reference/, or read from the engine's own repository when it
runs from a checkout), the starter files beside this module (settings, README with the set-up
checklist, dependabot.yml, Makefile), a requirements.txt pinning this engine, and the files
`rubricsite sync` makes (issue form, schema, CONTRIBUTING.md). With no edit it checks and builds.
"""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

import yaml

from . import __version__
from .errors import ContentError
from .scaffold import rubric_site
from .sync import sync

HERE = Path(__file__).parent
STARTER = HERE / "starter"
REFERENCE_STANDARD = "collaborative-engagement"
# where the engine's releases are tagged; pyproject.toml's [project.urls] Source says it once
DEFAULT_SOURCE = "https://github.com/OWNER/rubricsite"
WORKFLOWS = ("check.yml", "pages.yml", "import-issue.yml")


def reference_root() -> Path:
    """The reference site's files: packaged inside the wheel, else the engine's repository."""
    packaged = HERE / "reference"
    return packaged if (packaged / "rubric").is_dir() else HERE.parent


def engine_source() -> str:
    """The engine repository's address, from the installed package's metadata."""
    try:
        urls = importlib.metadata.metadata("rubricsite").get_all("Project-URL") or []
    except importlib.metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "source" and url.strip():
            return url.strip().removesuffix(".git")
    return DEFAULT_SOURCE


def engine_requirement(spec: str | None = None) -> str:
    """requirements.txt's line: SPEC as given, else this version from a tag of the repository."""
    if spec:
        return spec.strip()
    return f"rubricsite @ git+{engine_source()}.git@v{__version__}"


def init_site(folder: Path, *, empty: bool = False, engine: str | None = None) -> list[Path]:
    """Write a new site into folder (new or empty); the files written, relative to it.

    Raises ContentError, writing nothing, when folder holds anything or is not a folder.
    """
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ContentError(folder, None, "init writes a new site only into an empty folder",
                           "name a folder that does not exist yet, or an empty one")
    source = reference_root()
    files = _site_files(source, empty, engine_requirement(engine))
    folder.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return sorted([*files, *_sync_new_site(folder)])


def _site_files(source: Path, empty: bool, requirement: str) -> dict[Path, bytes]:
    """Every file of the new site but the generated ones, by relative path."""
    files: dict[Path, bytes] = {}
    files[Path("rubric/levels.yaml")] = (source / "rubric/levels.yaml").read_bytes()
    if empty:
        files[Path("rubric/our-standard.yaml")] = (STARTER / "starter-standard.yaml").read_bytes()
        files[Path("content/exemplars/.gitkeep")] = b""
        # the contributors' guide stays: CONTRIBUTING.md and every cell's invitation link use it
        files[Path("content/pages/contribute.md")] = (source / "content/pages/contribute.md").read_bytes()
        standard = "our-standard"
        title = "Our Learning Commons: See it in action"
        description = "Our growth rubric for school library learning commons, with exemplars."
    else:
        for path in sorted((source / "rubric").glob("*.y*ml")):  # a fork's own standards too
            files[path.relative_to(source)] = path.read_bytes()
        for path in sorted((source / "content").rglob("*.md")):
            files[path.relative_to(source)] = path.read_bytes()
        standard = REFERENCE_STANDARD
        title = "Leading Learning: See it in action"
        description = ("The Leading Learning growth rubric for school library learning commons in "
                       "Canada, with published exemplars for every cell.")
    for name in WORKFLOWS:
        files[Path(".github/workflows") / name] = (source / ".github/workflows" / name).read_bytes()

    def filled(name: str) -> bytes:
        text = (STARTER / name).read_text(encoding="utf-8")
        for key, value in (("title", title), ("description", description), ("standard", standard),
                           ("version", __version__), ("engine", requirement)):
            text = text.replace("{" + key + "}", value)
        if not empty and (chosen := _published_choice(source)):
            # a fork that hides the shipped standard hands the same choice to its new sites
            text = text.replace(f"# standards: [{standard}]", f"standards: [{', '.join(chosen)}]")
        return text.encode("utf-8")

    files[Path("site.yaml")] = filled("site.yaml")
    files[Path("README.md")] = filled("README.md")
    files[Path("requirements.txt")] = (
        f"# The engine this site is built with: change the version to update (README.md).\n"
        f"{requirement}\n").encode()
    files[Path(".github/dependabot.yml")] = (STARTER / "dependabot.yml").read_bytes()
    for name, rel in (("gitignore", ".gitignore"), ("gitattributes", ".gitattributes"),
                      ("Makefile", "Makefile"), ("build.py", "build.py")):
        files[Path(rel)] = (STARTER / name).read_bytes()
    return files


def _published_choice(source: Path) -> list[str]:
    """The source site's `standards:` list, when it sets one."""
    try:
        settings = yaml.safe_load((source / "site.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return []
    chosen = settings.get("standards") if isinstance(settings, dict) else None
    return [str(c) for c in chosen] if isinstance(chosen, list) else []


def _sync_new_site(folder: Path) -> list[Path]:
    """The generated files of the new site (issue form, schema, CONTRIBUTING.md)."""
    site, errors = rubric_site(folder)
    if errors:  # the packaged rubric is checked by the engine's tests: this is a broken install
        shutil.rmtree(folder / "rubric", ignore_errors=True)
        raise errors[0]
    return sync(folder, site)
