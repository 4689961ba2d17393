"""Small pieces of wording and markup the templates share: a title's language, a resource's kind
and where it lives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup

from . import urls
from .model import Resource, Site

# kinds whose label is not just the word capitalised (APA writes the format in brackets)
KIND_LABELS = {"pdf": "PDF", "blog post": "Blog post", "slides": "Slides", "video": "Video"}

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def kind_label(kind: str) -> str:
    """'article' -> 'Article', 'pdf' -> 'PDF'."""
    return KIND_LABELS.get(kind.lower(), kind.capitalize()) if kind else ""


def lang_attr(code: str) -> Markup:
    """` lang="fr"` for a title in another language than the page's; nothing when none is given."""
    return Markup(' lang="%s"') % code if code else Markup("")


def resource_where(resource: Resource) -> str:
    """'Article on journal.canadianschoollibraries.ca': what the resource is and whose site holds it."""
    host = urlsplit(resource.url).hostname or ""
    host = host.removeprefix("www.")
    kind = kind_label(resource.kind)
    if kind and host:
        return f"{kind} on {host}"
    return kind or host


@dataclass(frozen=True, slots=True)
class NavLink:
    """A link of the main menu; a page is in its part of the site when its URL starts with one
    of `within` (the link is then marked current)."""

    url: str
    title: str
    within: tuple[str, ...] = ()


def main_nav(site: Site) -> tuple[NavLink, ...]:
    """The main menu: each standard's grid, the exemplars (with the tags), the growth plan and the
    content pages. Made once per build: the frame draws it on every page."""
    return (*(NavLink(urls.standard(s.id), s.short_title, (urls.standard(s.id),))
              for s in site.standards),
            NavLink(urls.EXEMPLARS, "Exemplars", (urls.EXEMPLARS, urls.TAGS)),
            NavLink(urls.ASSESS, "Growth plan"),
            *(NavLink(urls.content_page(p.slug), p.title) for p in site.pages))
