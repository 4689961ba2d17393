"""The internal link check: a build knows every file it writes, so a link to any other is an error.

Links in Markdown (stories, content pages, a standard's intro) are read from the source, so the
error names the file and line a contributor wrote; links in templates are checked as `rel()`
draws them, so the error names the template and its line. External links (http:, mailto:, ...)
are not fetched; a bare `#fragment` stays on its own page.
"""

from __future__ import annotations

import posixpath
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from . import urls
from .errors import ContentError, closest
from .link_targets import internal_links
from .load import asset_dirs
from .model import Site

# the whole-site files post.py writes beside the pages (tests/test_links.py keeps this in step)
WHOLE_SITE_FILES = ("sitemap.xml", "feed.xml", "robots.txt", ".nojekyll", "data/rubric.json",
                    "data/exemplars.json", "data/exemplar.schema.json")
BUNDLE_PREFIX = urls.SEARCH_BUNDLE.lstrip("/")  # the search index: made after the pages


def site_paths(root: Path, page_urls: Iterable[str]) -> frozenset[str]:
    """Every output path a build writes: the pages, the assets and the whole-site files."""
    found = {urls.output_path(url) for url in page_urls}
    for folder in asset_dirs(root):
        found.update(f"assets/{p.relative_to(folder).as_posix()}" for p in folder.rglob("*")
                     if p.is_file() and not p.name.startswith("."))
    found.update(WHOLE_SITE_FILES)
    return frozenset(found)


def resolve(target: str, from_url: str) -> str | None:
    """The output path a link leads to ('a/b/index.html'), or None when it leaves the site or
    stays on its page (a scheme, `//host`, `#fragment`, an empty link)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//") or not parts.path:
        return None
    base = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    joined = unquote(parts.path) if parts.path.startswith("/") else base + unquote(parts.path)
    segments: list[str] = []
    for segment in joined.split("/"):
        if segment == "..":
            if not segments:
                return ".."  # above the site's root: never a file of it
            segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    rel = "/".join(segments)
    if not rel or parts.path.endswith(("/", "/.", "/..")) or parts.path in (".", ".."):
        rel = f"{rel}/index.html" if rel else "index.html"
    return rel


def leads_somewhere(target: str, from_url: str, known: frozenset[str]) -> bool:
    """Whether a link from the page at from_url reaches a file of the site (or leaves the site)."""
    path = resolve(target, from_url)
    if path is None or path in known or path.startswith(BUNDLE_PREFIX):
        return True
    return f"{path}/index.html" in known  # `../about`: the host adds the slash


_answers: tuple[frozenset[str], dict[str, bool]] = (frozenset(), {})


def rel_target_known(target: str, known: frozenset[str]) -> bool:
    """leads_somewhere for a template's `rel('/site/path/')`, quick: it runs for every link drawn,
    and its answers are kept while the site's files are the same (targets recur on every page)."""
    global _answers
    if _answers[0] is not known:
        _answers = (known, {})
    answer = _answers[1].get(target)
    if answer is None:
        answer = _answers[1][target] = _leads_to_a_file(target, known)
    return answer


def _leads_to_a_file(target: str, known: frozenset[str]) -> bool:
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/") or path.startswith("//") or ".." in path:
        return leads_somewhere(target, "/", known)
    rel = path[1:]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return rel in known or rel.startswith(BUNDLE_PREFIX) or f"{rel}/index.html" in known


def _hint(target: str, from_url: str, known: frozenset[str], absolute: bool = False) -> str:
    pages = [p.removesuffix("index.html") for p in known if p.endswith("index.html")]
    wanted = (resolve(target, from_url) or "").removesuffix("index.html")
    # a file is suggested only for a file of its kind: 'photo.jpg' is not a misspelt 'js/site.js'
    kind = PurePosixPath(wanted).suffix
    files = [p for p in known if not p.endswith("index.html") and PurePosixPath(p).suffix == kind]
    near = closest(wanted, (pages if not kind else []) + files)
    if near:
        return f"did you mean '{'/' + near if absolute else urls.relative_url('/' + near, from_url)}'?"
    return "link to a page of this site, or write the full https:// address of another site"


def _sources(site: Site) -> Iterator[tuple[Path, tuple[tuple[int, str], ...], str]]:
    """(file, its links that may lead into the site, the URL of the page that shows it)."""
    for exemplar in site.exemplars.values():
        yield exemplar.path, exemplar.links, urls.exemplar(exemplar.slug)
    for page in site.pages:
        yield page.path, page.links, urls.content_page(page.slug)
    for standard in site.standards:
        yield (standard.path, internal_links(standard.intro, _intro_line(standard.path)),
               urls.standard(standard.id))


def _intro_line(path: Path) -> int:
    """The line where a standard's intro text starts (after `intro: |`), for its links' lines."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return 1
    for number, line in enumerate(lines, start=1):
        if line.startswith("intro:"):
            rest = line[len("intro:"):].strip()
            return number + (1 if rest[:1] in ("|", ">", "") else 0)
    return 1


def check_markdown(site: Site, known: frozenset[str]) -> list[ContentError]:
    """A broken internal link in any story, content page or standard intro, at its line."""
    errors = []
    for path, found, page_url in _sources(site):
        errors.extend(_broken(path, found, page_url, known))
    return errors


def check_text(path: Path, text: str, first_line: int, page_url: str,
               known: frozenset[str]) -> list[ContentError]:
    """The broken internal links of one piece of Markdown shown at page_url."""
    return _broken(path, internal_links(text, first_line), page_url, known)


def _broken(path: Path, found: Iterable[tuple[int, str]], page_url: str,
            known: frozenset[str]) -> list[ContentError]:
    return [ContentError(path, line, f"link '{target}' leads to no page or file of this site",
                         _hint(target, page_url, known))
            for line, target in found if not leads_somewhere(target, page_url, known)]


def template_link_error(target: str, page_url: str, known: frozenset[str]) -> ContentError:
    """The error for `rel(target)` drawn by a template: the template file and line that asked."""
    frame = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:
            line = template.get_corresponding_lineno(frame.f_lineno)
            return ContentError(Path(template.filename), line,
                                f"link '{target}' leads to no page or file of this site",
                                _hint(target, "/", known, absolute=True))
        frame = frame.f_back
    return ContentError(Path("templates"), None, f"link '{target}' leads to no page or file of "
                        f"this site (drawn on {page_url})")
