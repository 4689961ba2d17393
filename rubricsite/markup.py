"""Markdown to safe HTML: one reused converter per process, an allowlist sanitiser, a cache."""

from __future__ import annotations

import hashlib
import importlib.metadata

import markdown
import nh3
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

from . import __version__, limits, urlpolicy
from .prose import Prose
from .store import Store

EXTENSIONS = ["extra", "sane_lists", "toc", "smarty"]
EXTENSION_CONFIGS = {
    "toc": {"permalink": False, "toc_depth": "2-4"},
    "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
}

# Contributors write prose: headings, lists, tables, links, images, footnotes. No scripts,
# no forms, no frames, no styles, no event handlers (nh3 drops every attribute not listed).
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang"},
    "a": {"href", "class"},  # class: footnote links only (see _filter_attribute)
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "div": {"class"},  # the footnotes block
    "sup": {"class"},
    "li": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# ids the page frame itself uses: a story heading "## Main" must not take the skip link's target
PAGE_IDS = frozenset({"main", "header-q", "grid", "grid-caption", "exemplars", "exemplar-groups",
                      "progression", "provocations", "resources-heading", "search"})


def converter_key() -> str:
    """What shapes converted Markdown: the stored conversions are kept under it."""
    return repr((__version__, markdown.__version__, EXTENSIONS, EXTENSION_CONFIGS,
                 TRIGGERS_CHECKED_WITH, limits.NESTING, limits.PARAGRAPH_MARKS))


def sanitiser_key() -> str:
    """What shapes sanitised HTML: the allowlist and nh3's version (part of every page's fingerprint)."""
    return repr((importlib.metadata.version("nh3"), sorted(ALLOWED_TAGS), sorted(URL_SCHEMES),
                 sorted((k, sorted(v)) for k, v in ALLOWED_ATTRIBUTES.items()), sorted(PAGE_IDS),
                 urlpolicy.SCHEMES))


class MarkupError(ValueError):
    """Markdown the converter refuses: beyond the limits (limits.markdown_problem) or too deep."""

    def __init__(self, message: str, line: int, hint: str, source: str) -> None:
        super().__init__(message)
        self.message, self.line, self.hint, self.source = message, line, hint, source


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    if attr in ("href", "src"):  # the one URL rule; relative paths are fine in a story
        return None if urlpolicy.problem(value, relative=True) else value
    if attr == "class":  # only the classes Python-Markdown's footnotes put on their own elements
        return value if value in {"footnote", "footnote-ref", "footnote-backref"} else None
    if attr == "id" and value in PAGE_IDS:
        return f"{value}-section"
    return value


# The character(s) a text must hold for each inline pattern's regex to match, checked against
# Python-Markdown 3.11.3's patterns. Its inline pass tries every pattern on every piece of text
# (about 1,800 tries per story), which is half the cost of a conversion; skipping the patterns
# whose character is absent gives the same HTML (a test compares both ways) in 60% of the time.
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",), "escape": ("\\",), "footnote": ("[^",), "reference": ("[",),
    "link": ("[",), "image_link": ("![",), "image_reference": ("![",), "short_reference": ("[",),
    "short_image_ref": ("![",), "autolink": ("<",), "automail": ("<",), "linebreak": ("  \n",),
    "html": ("<",), "entity": ("&",), "em_strong": ("*", "_"),
    "smarty-em-dashes": ("---",), "smarty-en-dashes": ("--",), "smarty-ellipses": ("...",),
    "smarty-left-angle-quotes": ("<<",), "smarty-right-angle-quotes": (">>",),
}
TRIGGERS_CHECKED_WITH = "3.11.3"


def _triggers(name: str) -> tuple[str, ...] | None:
    if name.startswith("smarty-quotes-"):
        return ("'", '"')
    return _TRIGGERS.get(name)  # None: an unknown pattern is always tried


class _QuickInline(InlineProcessor):
    """Python-Markdown's inline pass, trying a pattern only when its character is in the text."""

    _table: tuple[list, list] | None = None

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        # the loop of InlineProcessor.__handleInline, plus the skip; a skip resets the start
        # index to 0, as the original does for a pattern that does not match
        if isinstance(data, AtomicString):
            return data
        if self._table is None:
            patterns = list(self.inlinePatterns)  # sorts the registry: names below in this order
            names = [name for name, _priority in self.inlinePatterns._priority]
            self._table = (patterns, [_triggers(n) for n in names])
        patterns, triggers = self._table
        apply = self._InlineProcessor__applyPattern
        start = 0
        while patternIndex < len(patterns):
            needed = triggers[patternIndex]
            if needed is not None and not any(t in data for t in needed):
                patternIndex, start = patternIndex + 1, 0
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def make_converter(quick: bool = True) -> markdown.Markdown:
    """The converter with our extensions; quick=False keeps Python-Markdown's own inline pass."""
    converter = markdown.Markdown(extensions=[*EXTENSIONS, "footnotes"],
                                  extension_configs=EXTENSION_CONFIGS)
    if quick and markdown.__version__ == TRIGGERS_CHECKED_WITH:
        for name in ("inline", "smarty"):
            # same object, same state: only the method that loops over the patterns changes
            converter.treeprocessors[name].__class__ = _QuickInline
    return converter


_converter: markdown.Markdown | None = None
_prose: Prose | None = None


def convert(source: str) -> str:
    """Contributor Markdown as HTML, NOT yet safe; headings one level down (the page owns the h1)."""
    global _converter, _prose  # one converter per process: building one costs more than converting
    if _converter is None:
        _converter = make_converter()
        # plain prose skips Python-Markdown's passes: the same HTML, checked against this version
        _prose = Prose(_converter) if markdown.__version__ == TRIGGERS_CHECKED_WITH else None
    refused = limits.markdown_problem(source)
    if refused is not None:  # check reports the same problem, so a checked site never gets here
        raise MarkupError(refused[1], refused[0], refused[2], source)
    html = _prose.convert(source) if _prose is not None else None
    if html is None:
        try:
            html = _converter.reset().convert(source)
        except RecursionError:  # a safety net below the limits: never a traceback
            _converter = _prose = None  # their state is unknown after an interrupted conversion
            raise MarkupError("the Markdown is nested too deeply to convert", 1,
                              "use fewer levels of emphasis, links, lists or quotes inside each "
                              "other", source) from None
    return html.replace("<h1", "<h2").replace("</h1>", "</h2>")


_cleaner: tuple[tuple[object, ...], nh3.Cleaner] | None = None


def sanitise(html: str) -> str:
    """Only the allowlist's tags, attributes and URL schemes survive; run on every build."""
    global _cleaner  # one per process: nh3.clean builds its sanitiser anew on every call
    allowlist = (ALLOWED_TAGS, ALLOWED_ATTRIBUTES, URL_SCHEMES)
    if _cleaner is None or any(a is not b for a, b in zip(_cleaner[0], allowlist, strict=True)):
        _cleaner = allowlist, nh3.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
            attribute_filter=_filter_attribute,
            strip_comments=True,
        )
    return _cleaner[1].clean(html)


def to_html(source: str) -> str:
    """Contributor Markdown as sanitised HTML."""
    return sanitise(convert(source))


def cache_key(source: str, converter: str | None = None) -> str:
    """A conversion's key in the store: its source and converter_key()."""
    text = f"{converter if converter is not None else converter_key()}\0{source}"
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


class MarkupCache:
    """Converted Markdown, kept in the store between builds; sanitised every time it is used.

    The store is as untrusted as the site folder, so what comes from it is only ever the input
    of the sanitiser: a crafted row can change a story's words, never put a script in a page.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.memory: dict[str, str] = {}  # key -> sanitised HTML, made in this process
        self.new: dict[str, str] = {}  # key -> converted HTML not yet in the store
        self.converter = converter_key()

    def html(self, source: str) -> str:
        key = cache_key(source, self.converter)
        if key in self.memory:
            return self.memory[key]
        converted = self.store.markup(key)
        if converted is None:
            converted = convert(source)
            if self.store.path is not None:  # with no store, nothing to send back or save
                self.new[key] = converted
        value = self.memory[key] = sanitise(converted)
        return value

    def save(self, entries: dict[str, str] | None = None) -> None:
        """Store new conversions (those of this process, or those workers sent back)."""
        self.store.put_markup(self.new if entries is None else entries)
        if entries is None:
            self.new = {}
