"""The files a site keeps in its repository but never edits by hand: `rubricsite sync` writes them.

They are made from the site's rubric and the engine (the exemplar schema, the issue form) and from
its contribute page (CONTRIBUTING.md). `check` compares each one the site has with what `sync`
would write and says "out of date: run `rubricsite sync`"; that one command fixes it. The
repository's .gitattributes merges them with `union`, so an upstream update that changes one merges
without a conflict, and `check` then asks for the `sync` that sets it right.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ContentError
from .issue_form import FORM_PATH, issue_form_yaml
from .model import Site
from .scaffold import CONTRIBUTE_PAGE, contributing_md
from .schema import SCHEMA_PATH, schema_json


def generated_files(root: Path, site: Site) -> dict[Path, tuple[bytes, str]]:
    """Every generated file of the site at root, by path relative to it: the bytes it must hold
    and what it is made from."""
    files = {SCHEMA_PATH: (schema_json(site), "the rubric and the engine's exemplar fields"),
             FORM_PATH: (issue_form_yaml(site).encode("utf-8"), "the rubric and the engine")}
    if (root / CONTRIBUTE_PAGE).is_file():  # a site may have no contribute page
        files[Path("CONTRIBUTING.md")] = (contributing_md(root).encode("utf-8"),
                                          CONTRIBUTE_PAGE.as_posix())
    return files


def stale_files(root: Path, site: Site) -> list[ContentError]:
    """One error per generated file the site has whose bytes differ from what `sync` writes.

    A file the site does not have is not an error: a fixture, or a site published without the
    issue form, is complete without it.
    """
    errors = []
    for rel, (data, source) in generated_files(root, site).items():
        path = root / rel
        if path.is_file() and path.read_bytes() != data:
            errors.append(ContentError(path, None, "out of date: run `rubricsite sync`",
                                       f"it is made from {source}; commit what sync rewrites"))
    return errors


def sync(root: Path, site: Site) -> list[Path]:
    """Write every generated file whose bytes differ; the paths written, relative to root."""
    written = []
    for rel, (data, _source) in generated_files(root, site).items():
        target = root / rel
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise ContentError(target, None, "not a plain file, so sync does not replace it",
                               "remove it, then run `rubricsite sync` again")
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(rel)
    return written
