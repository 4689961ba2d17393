"""One rule for every address that ends up in href or src: http(s)://, mailto:, or a path inside the site.

Settings and front matter are checked with it (an error naming the file and line), contributed
Markdown loses any address that breaks it, templates reach it through the `href` filter, and
every page is scanned once it is drawn, so an override template cannot slip one past it.
"""

from __future__ import annotations

import html
import re

SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_BROWSER_IGNORES = re.compile(r"[\t\n\r]")  # browsers drop these inside a URL before reading it
_BAD_CHARS = r"\x00-\x20\x7f<>\"'`\\"  # spaces, controls, quotes, angle brackets, backslashes
_BAD = re.compile(f"[{_BAD_CHARS}]")
# An attribute value: what follows '=' up to its closing quote, or an unquoted run.
_VALUE_SOURCE = r"""(?:"([^"]*)"|'([^']*)'|([^\s>"']+))"""
# Only a value holding ':', '&' or a backslash, or starting with '//', can break the rule. The scan
# reads values one after another from the start of the page, as a browser's tokeniser would not
# but a page's own markup does; the harmless ones (nearly all) are skipped inside the regex
# engine, possessively, so a value is never re-read from its middle.
_HARMLESS_VALUE = r"""(?:"(?!\s*//)[^":&\\]*"|'(?!\s*//)[^':&\\]*'|(?!//)[^\s>"':&\\]+(?![^\s>"']))"""
_NEXT_SUSPECT = re.compile(
    rf"""(?:[^=]+|=\s*{_HARMLESS_VALUE}|=(?!\s*{_VALUE_SOURCE}))*+(?P<at>=)\s*{_VALUE_SOURCE}""")
_NAME_RUN = re.compile(r"[\w:-]+")  # an attribute's name, read backwards from its '='
_NAME_START = re.compile(r"[a-zA-Z][\w:-]*")
_HOST = re.compile(r"^https?://[^/?#]+", re.IGNORECASE)
# What nearly every address is: lower-case http(s)://, a host, and nothing the checks below refuse
_PLAIN_WEB = re.compile(f"https?://[^/?#{_BAD_CHARS}]+[^{_BAD_CHARS}]*")
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "xlink:href",
                            "srcset", "ping", "background", "cite", "data", "manifest"})


def problem(url: str, *, relative: bool = False) -> str | None:
    """Why url may not go into href or src, or None when it may.

    Allowed: http(s)://host..., mailto:..., a path inside the site starting with '/', a fragment
    '#...', and (relative=True, contributed Markdown) a relative path such as '../other/'.
    """
    if _PLAIN_WEB.fullmatch(url):  # quicker than the checks below, which it passes: every page's
        return None  # last guard asks about each of its links (unsafe_in_page)
    url = _BROWSER_IGNORES.sub("", url).strip()
    if not url:
        return "the address is empty"
    if _BAD.search(url):
        return "the address holds spaces, quotes, angle brackets or backslashes"
    scheme = _SCHEME.match(url)
    if scheme:
        name = scheme.group(1).lower()
        if name not in SCHEMES:
            return f"'{name}:' addresses are not allowed"
        if name == "mailto":
            return None if len(url) > len("mailto:") else "the e-mail address is missing"
        return None if _HOST.match(url) else \
            "the address has no host after '//'"
    if url.startswith("//"):
        return "an address starting with '//' leads to another site"
    if url.startswith("#"):
        return None
    if not url.startswith("/") and not relative:
        return "a path of this site starts with '/'"
    path = url.split("?", 1)[0].split("#", 1)[0]
    if ":" in path:
        return "a path of this site holds no ':'"  # made relative, 'x:...' would read as a scheme
    if ".." in path.split("/") and not relative:
        return "a path of this site holds no '..'"
    return None


def site_path_problem(path: str) -> str | None:
    """Why a file path inside the site (a logo under assets/) is not one, or None."""
    parts = path.split("/")
    if not path or path.startswith("/") or "" in parts or "." in parts or ".." in parts:
        return "write a path inside the site such as assets/logo.svg, without '//', '.' or '..'"
    return problem("/" + path)


def unsafe_in_page(page_html: str) -> str | None:
    """The first address in a drawn page's href, src (...) that breaks the rule, or None.

    Linear and cheap: the regex hands over only the values that could break it (_NEXT_SUSPECT),
    and only those are checked for being inside a tag and in a URL attribute.
    """
    position = 0
    while (match := _NEXT_SUSPECT.match(page_html, position)) is not None:
        position = match.end()
        value = match.group(match.lastindex or 1)
        start = match.start("at")
        if page_html.rfind("<", 0, start) < page_html.rfind(">", 0, start):
            continue  # text between tags, not an attribute
        name = _attribute_name(page_html, start)
        if name not in URL_ATTRIBUTES:
            continue
        value = html.unescape(value)
        parts = [p.strip().split(" ")[0] for p in value.split(",")] \
            if name == "srcset" else [value]
        if any(problem(part, relative=True) for part in parts if part.strip()):
            return value
    return None


def _attribute_name(page_html: str, at: int) -> str:
    """The lower-case name of the attribute whose '=' is at `at` ('' when none is there): the
    run of name characters just before it, from its first ASCII letter."""
    backwards = page_html[max(0, at - 64) : at][::-1].lstrip()
    run = _NAME_RUN.match(backwards)
    name = _NAME_START.search(run.group()[::-1]) if run else None
    return name.group().lower() if name else ""
