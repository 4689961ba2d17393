"""Stage 5, render: one Jinja environment, site templates first, pages drawn in parallel."""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import __version__, links, parallel, urlpolicy, urls
from .errors import ContentError, Problems
from .load import BUILTIN
from .markup import MarkupCache, MarkupError
from .model import Resource, Site
from .plan import Page
from .presentation import kind_label, lang_attr, resource_where
from .search_index import Part, index_pages

PARALLEL_FROM = 400  # below this many pages a second process costs more than it saves


def make_environment(root: Path, markup: MarkupCache) -> jinja2.Environment:
    """The one Jinja environment of a build; `builtin/` reaches a built-in a site overrides."""
    builtin = jinja2.FileSystemLoader(BUILTIN / "templates")
    loaders: list[jinja2.BaseLoader] = []
    if (root / "templates").is_dir():
        loaders.append(jinja2.FileSystemLoader(root / "templates"))
    loaders += [builtin, jinja2.PrefixLoader({"builtin": builtin})]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = lambda source: Markup(markup.html(source))
    env.filters["citation"] = citation
    env.filters["lang_attr"] = lang_attr
    env.filters["resource_where"] = resource_where
    env.filters["href"] = href
    env.globals["urls"] = urls
    env.globals["version"] = __version__
    return env


@jinja2.pass_context
def href(context: jinja2.runtime.Context, url: str) -> str:
    """`{{ x|href }}`: an address for href or src that passes urlpolicy's rule, a site path made
    relative to the page; anything else stops the build with the template's line."""
    why = urlpolicy.problem(str(url))
    if why:
        raise ValueError(f"address '{url}' is not allowed in href or src: {why}")
    return context["rel"](url) if str(url).startswith("/") else str(url)


def citation(resource: Resource) -> Markup:
    """An APA-style reference: Author. (Year). Title [Kind]. URL."""
    year = f"({resource.year})" if resource.year else "(n.d.)"
    kind = f" [{kind_label(resource.kind)}]" if resource.kind else ""
    stop = "" if not kind and resource.title.endswith(("?", "!", ".")) else "."
    title = Markup("<cite%s>%s</cite>%s%s") % (lang_attr(resource.language), resource.title, kind, stop)
    author = resource.author.strip()
    if author:
        author += "" if author.endswith(".") else "."
        text = Markup("%s %s. %s") % (author, year, title)
    else:  # APA moves the title to the author's place
        text = Markup("%s %s.") % (title, year)
    if resource.url:
        text += Markup(' <a href="%s">%s</a>') % (resource.url, resource.url)
    return text


@dataclass(frozen=True, slots=True)
class Rendered:
    """What rendering gives back: page bytes by URL, Markdown rendered for the first time, and
    the search index's parts for the searchable pages drawn (when the index is to be made)."""

    files: dict[str, bytes]
    new_markup: dict[str, str]
    errors: list[ContentError]
    search: list[Part] = field(default_factory=list)


def page_globals(site: Site, asset_version: str) -> dict[str, object]:
    """What every template may use besides its page's own context."""
    return {"site": site, "config": site.config, "levels": site.levels,
            "standards": site.standards, "asset_version": asset_version}


def render_one(env: jinja2.Environment, page: Page, shared: Mapping[str, object]) -> bytes:
    """One page's bytes; links inside it are relative to the page's own URL."""
    base = shared["config"].base_url  # type: ignore[attr-defined]
    is_404 = page.url == urls.NOT_FOUND
    known: frozenset[str] | None = shared.get("site_paths")  # type: ignore[assignment]

    def rel(target: str) -> str:
        if known is not None and not links.rel_target_known(target, known):
            error = links.template_link_error(target, page.url, known)
            shared.setdefault("broken_links", {})[error.sort_key()] = error  # type: ignore[attr-defined]
        # a host serves 404.html at any depth, so its links carry the base path (see DESIGN.md)
        if is_404:
            return urls.absolute_url(target, base) if base else target
        return urls.relative_url(target, page.url)

    template = env.get_template(page.template)
    html = template.render(**shared, **page.context, page=page, rel=rel,
                           canonical=urls.absolute_url(page.url, base) if base else "")
    unsafe = urlpolicy.unsafe_in_page(html)
    if unsafe is not None:  # whatever a template put there: the last guard before publishing
        raise UnsafeAddress(f"address '{unsafe}' in an href or src is not allowed "
                            "(http(s)://, mailto: or a path of this site)", template.filename)
    return html.encode("utf-8")


class UnsafeAddress(ValueError):
    """A drawn page holds an address that breaks urlpolicy's rule."""

    def __init__(self, message: str, template: str | None) -> None:
        super().__init__(message)
        self.template = template


def _markup_error(exc: MarkupError, page: Page) -> ContentError | None:
    """The contributed file a page drew the refused Markdown from; its line when it was the
    file's story (another field, shown as Markdown by a site's template, names the file)."""
    for name in ("exemplar", "content", "standard"):
        item = page.context.get(name)
        if item is not None and hasattr(item, "path"):
            body, first = getattr(item, "body", None), getattr(item, "body_line", None)
            line = first + exc.line - 1 if body == exc.source and first else None
            return ContentError(item.path, line, exc.message, exc.hint)
    return None


def _template_error(exc: BaseException, page: Page) -> ContentError:
    if isinstance(exc, MarkupError) and (error := _markup_error(exc, page)) is not None:
        return error
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return ContentError(Path(exc.filename or exc.name or "?"), exc.lineno, exc.message or "")
    if isinstance(exc, UnsafeAddress):
        return ContentError(Path(exc.template or page.template), None, f"{exc}, on {page.url}",
                            "fix the template, or the setting or front matter it shows")
    for frame, line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        name = frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt", ".json")):
            return ContentError(Path(name), line, f"{exc} (while drawing {page.url})")
    return ContentError(Path(page.template), None, f"{type(exc).__name__}: {exc} ({page.url})")


Job = tuple[Callable[[], tuple[jinja2.Environment, MarkupCache]], dict, Mapping[str, int] | None]


def _render_chunk(job: Job, pages: Sequence[Page]) -> Rendered:
    make, shared, search_ranks = job
    env, markup = make()
    files, errors = {}, []
    for page in pages:
        try:
            files[page.url] = render_one(env, page, shared)
        except Exception as exc:
            errors.append(_template_error(exc, page))
    errors.extend(shared.pop("broken_links", {}).values())  # type: ignore[attr-defined]
    # hand back only this chunk's new Markdown: a worker draws many chunks, and sending all it
    # ever rendered with each one made the traffic grow with the square of the chunk count
    new, markup.new = markup.new, {}
    if parallel.in_worker():
        # a worker keeps no Markdown between chunks: every kept story is private memory, two
        # workers held ~450 MB each by the end of 10,000 exemplars, and none is drawn twice
        markup.memory.clear()
    return Rendered(files, new, errors, _index_parts(files, search_ranks))


def _index_parts(files: Mapping[str, bytes], ranks: Mapping[str, int] | None) -> list[Part]:
    """The index's parts for the searchable pages among files, from the bytes just drawn: the
    worker that drew them reads them for the index too, not the main process after them all."""
    if not ranks:
        return []
    return index_pages(sorted((ranks[url], url, data) for url, data in files.items() if url in ranks))


def render_pages(
    pages: list[Page],
    make: Callable[[], tuple[jinja2.Environment, MarkupCache]],
    shared: dict[str, object],
    problems: Problems,
    on_progress: Callable[[int], None] | None = None,
    on_chunk: Callable[[Rendered], None] | None = None,
    search_ranks: Mapping[str, int] | None = None,
) -> Rendered:
    """Render pages in memory, on every core when there are many; template errors become problems.

    With on_chunk, each chunk of pages goes there as soon as it is drawn and is not kept: a
    build of 10,000 pages then never holds them all at once (issue 5: peak memory). With
    search_ranks (searchable URL -> rank), the pages among them are indexed as they are drawn,
    and pages are drawn in URL order, the index's: a chunk's searchable pages are then a run of
    consecutive ranks, one part (in plan order, exemplars by title, each page was a part).
    """
    if search_ranks:
        pages = sorted(pages, key=lambda page: page.url)
    chunks, done = [], 0
    work = functools.partial(_render_chunk, (make, shared, search_ranks))
    for chunk in parallel.chunked(work, pages, serial_below=PARALLEL_FROM, smallest=50):
        done += len(chunk.files) + len(chunk.errors)
        chunks.append(_handed(chunk, on_chunk))
        if on_progress:
            on_progress(done)
    files: dict[str, bytes] = {}
    new_markup: dict[str, str] = {}
    errors: list[ContentError] = []
    search: list[Part] = []
    for chunk in chunks:
        files.update(chunk.files)
        new_markup.update(chunk.new_markup)
        errors.extend(chunk.errors)
        search.extend(chunk.search)
    problems.extend(errors)
    return Rendered(files, new_markup, errors, search)


def _handed(chunk: Rendered, on_chunk: Callable[[Rendered], None] | None) -> Rendered:
    """The chunk to keep: all of it, or only its errors once on_chunk has taken the rest."""
    if on_chunk is None:
        return chunk
    on_chunk(chunk)
    return Rendered({}, {}, chunk.errors)
