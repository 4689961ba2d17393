"""Stage 5, render: one Jinja environment, site templates first, pages drawn in parallel."""

from __future__ import annotations

import functools
import traceback
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import __version__, links, parallel, urlpolicy, urls
from .errors import ContentError, Problems
from .load import BUILTIN
from .markup import MarkupCache, MarkupError
from .model import Resource, Site
from .plan import Page
from .presentation import kind_label, lang_attr, main_nav, resource_where
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
        # no stat of every template file for every page drawn: a build makes a new environment
        # when the templates' digest changes (Builder._environment)
        auto_reload=False,
    )
    env.context_class = _Context
    env.filters["markdown"] = lambda source: Markup(markup.html(source))
    env.filters["citation"] = citation
    env.filters["lang_attr"] = lang_attr
    env.filters["resource_where"] = resource_where
    env.filters["href"] = href
    env.globals["urls"] = urls
    env.globals["version"] = __version__
    return env


_PLAIN_CALLABLES = frozenset({types.FunctionType, types.BuiltinFunctionType, types.MethodType})


class _Context(jinja2.runtime.Context):
    """Jinja's context, calling a plain function without first asking whether it wants the
    context passed: a page calls dozens (rel and urls for each link it draws), and Jinja asks
    each of them, and their __call__, before every call."""

    @jinja2.utils.internalcode
    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if type(__obj) not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)  # a macro, a class, @pass_context...
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja's own call: an undefined value, not an ended generator
            return __self.environment.undefined("value was undefined because a callable raised a"
                                                " StopIteration exception")


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


Write = Callable[[str, bytes], bool]  # (URL, page bytes) -> whether the file was written


@dataclass(frozen=True, slots=True)
class Rendered:
    """What rendering gives back: each page drawn (URL -> whether its file was written, False
    when the output already held those bytes), Markdown rendered for the first time, errors,
    and the search index's parts for the searchable pages drawn (when the index is to be made)."""

    written: dict[str, bool]
    new_markup: dict[str, str]
    errors: list[ContentError]
    search: list[Part] = field(default_factory=list)


def page_globals(site: Site, asset_version: str) -> dict[str, object]:
    """What every template may use besides its page's own context."""
    return {"site": site, "config": site.config, "levels": site.levels,
            "standards": site.standards, "asset_version": asset_version, "nav": main_nav(site)}


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


Job = tuple[Callable[[], tuple[jinja2.Environment, MarkupCache]], dict, Write,
            Mapping[str, int] | None]


def _render_chunk(job: Job, pages: Sequence[Page]) -> Rendered:
    make, shared, write, search_ranks = job
    env, markup = make()
    written, errors, searchable = {}, [], []
    for page in pages:
        try:
            data = render_one(env, page, shared)
        except Exception as exc:
            errors.append(_template_error(exc, page))
            continue
        # written where it is drawn: page bytes never travel between processes
        written[page.url] = write(page.url, data)
        if search_ranks and page.url in search_ranks:
            searchable.append((search_ranks[page.url], page.url, data))
    errors.extend(shared.pop("broken_links", {}).values())  # type: ignore[attr-defined]
    # hand back only this chunk's new Markdown (in this process, serial, the next call starts afresh)
    new, markup.new = markup.new, {}
    # the worker that drew the searchable pages reads them for the index too, from the bytes
    # just drawn, not the main process after them all
    return Rendered(written, new, errors, index_pages(sorted(searchable)) if searchable else [])


# A page listing exemplars costs about one exemplar's page per this many of its inputs (each
# listed exemplar is one); a page that depends on all of them without listing them (the home
# page, the grid) is overrated, which only cuts its chunk short.
INPUTS_PER_PAGE_COST = 25


def _cost(page: Page) -> float:
    """A page's rough cost in exemplar pages, so that the tag pages, drawn last in URL order,
    are shared between the workers instead of ending the render on one of them."""
    return max(1.0, len(page.inputs) / INPUTS_PER_PAGE_COST)


def render_pages(
    pages: list[Page],
    make: Callable[[], tuple[jinja2.Environment, MarkupCache]],
    shared: dict[str, object],
    problems: Problems,
    write: Write,
    on_chunk: Callable[[Rendered], None],
    search_ranks: Mapping[str, int] | None = None,
    meanwhile: Iterable[object] = (),
) -> None:
    """Render pages, on every core when there are many, each written by write(url, bytes) where
    it is drawn; each chunk's Rendered goes to on_chunk as soon as it is done, so a build of
    10,000 pages never holds them all; template errors become problems. With search_ranks
    (searchable URL -> rank), the pages among them are indexed as they are drawn. meanwhile's
    steps are taken in this process while the workers draw (parallel.chunked)."""
    work = functools.partial(_render_chunk, (make, shared, write, search_ranks))
    for chunk in parallel.chunked(work, pages, serial_below=PARALLEL_FROM,
                                  weight=_cost, meanwhile=meanwhile):
        problems.extend(chunk.errors)
        on_chunk(chunk)
