"""The way in from the site: what a cell page's "Add an exemplar" box and an exemplar page's
"Suggest an edit" box link to.

With `repository` set in site.yaml: GitHub's new-file page prefilled with the cell's template, the
issue form with the cell's standard, theme and phase already chosen, and the contribute page. With
none: the contribute page alone, whose steps work without knowing the repository's address.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from . import urls
from .issue_form import questions
from .model import CellKey, Exemplar, Site
from .scaffold import edit_url, issue_form_url, new_file_url

GUIDE = urls.content_page("contribute")


def cell_links(site: Site, key: CellKey) -> dict[str, str] | None:
    """What a cell page's "Add an exemplar" box links to; None when there is nothing to link."""
    guide = _guide(site)
    if not site.config.repository:
        return {"guide": guide} if guide else None
    return {"new_file": new_file_url(site, key), "issue_form": prefilled_form_url(site, key),
            "guide": guide}


@dataclass(frozen=True, slots=True)
class EditLinks:
    """An exemplar page's "Suggest an edit" box: the file on GitHub, the issue form, and the
    contribute page ('' when the site has none)."""

    edit: str
    issue_form: str
    guide: str


def exemplar_links(site: Site, exemplar: Exemplar) -> EditLinks | None:
    """What an exemplar page's "Suggest an edit" box links to; None when no repository is set."""
    if not site.config.repository:
        return None
    return EditLinks(edit_url(site, exemplar), issue_form_url(site.config), _guide(site))


def prefilled_form_url(site: Site, key: CellKey) -> str:
    """The issue form with this cell's standard, theme and phase already chosen: GitHub fills a
    form's field from the query parameter named by the field's id, a dropdown by its option."""
    chosen = {"standard": key.standard, "theme": f"{key.standard}/{key.theme}", "level": key.level}
    fill = {}
    for question in questions(site):
        if question.options and question.key in chosen:
            label = next((lb for lb, v in question.options.items() if v == chosen[question.key]), "")
            if label:
                fill[question.id] = label
    return f"{issue_form_url(site.config)}&{urlencode(fill, quote_via=quote)}"


def _guide(site: Site) -> str:
    """The contribute page's URL, or '' when the site has none."""
    return GUIDE if any(p.slug == "contribute" for p in site.pages) else ""
