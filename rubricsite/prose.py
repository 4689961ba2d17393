"""A quick way through Python-Markdown for plain prose, giving exactly the HTML it would give.

Most stories are paragraphs, `##` headings, one-line list items, quotes, `*emphasis*`,
`**strong**` and `[links](https://…)`. For a story made only of those, `Prose.convert` writes
the HTML itself, about ten times faster than Python-Markdown's own passes; for anything else
(HTML, code, tables, footnotes, nested lists, escapes, odd spacing…) it answers None and the caller
converts with Python-Markdown as before. The smart quotes, dashes and ellipses come from the
converter's own smarty patterns, applied by the same rules to the same runs of text, and heading
ids from the toc extension's own functions. tests/test_prose.py checks the result against
Python-Markdown on generated stories and on every kind of line the quick way refuses.
"""

from __future__ import annotations

import re

import markdown
from markdown.extensions import smarty
from markdown.extensions.toc import slugify, unique

# anything here sends the whole story to Python-Markdown: HTML and entities, escapes, code,
# tables, attribute lists, footnotes, abbreviations, images, control characters
# (one regex with all of it took a third of a conversion: its alternatives were tried at every
# position; one character class, then plain substrings, give the same answer)
_REFUSED_CHARACTER = re.compile(r"[<&\\`|{}\t\r\x00-\x08\x0b-\x1f_]")
_REFUSED_TEXT = ("[^", "![", "\n*[", "~~~", "\n\n\n", " \n", "\n ")
_QUOTE_INSIDE_A_LINE = re.compile(r"[^\n]>")
_URL = re.compile(r"\(([^\s()<>\"'\\&]+)\)")
_EMPHASIS = re.compile(r"(?<![\w*])(\*\*?)(?=[^\s*])([^*]+?)(?<=[^\s*])\1(?![\w*])")
_HEADING = re.compile(r"(#{1,6}) ([A-Za-z0-9][A-Za-z0-9 ,.:;!?()-]*)")
_BULLET = re.compile(r"- (\S.*)")
_NUMBERED = re.compile(r"(\d+)\. (\S.*)")
_QUOTED = re.compile(r"> ?(\S.*)")
# a line that Python-Markdown may read as something other than text in a paragraph: a heading, a
# list item, a quote, a rule or setext underline, a definition, a link reference, a lone emphasis mark
_NOT_TEXT = re.compile(r"#|>|[-*+] |\d+\.\s|:|[-*_= ]+$|\[[^\]]*\]:|[*+-]$|\d+\.$")
_SLOT = re.compile("\x02(\\d+)\x03")
_INLINE_MARK = "\x02klzzwxh:%04d\x03"  # Python-Markdown's inline placeholder, so regexes see the same
# what a text must hold for each smarty pattern to match: most of them start with a lookbehind or
# an alternation, which the regex engine tries at every position, so a failed search is costly
_TRIGGERS = {
    smarty.singleQuoteStartRe: "'", smarty.decadeAbbrRe: "'", smarty.openingSingleQuotesRegex: "'",
    smarty.closingSingleQuotesRegex: "'", smarty.closingSingleQuotesRegex2: "'",
    smarty.remainingSingleQuotesRegex: "'", smarty.doubleQuoteStartRe: '"',
    smarty.openingDoubleQuotesRegex: '"', smarty.closingDoubleQuotesRegex: '"',
    smarty.closingDoubleQuotesRegex2: '"', smarty.remainingDoubleQuotesRegex: '"',
    smarty.doubleQuoteSetsRe: "\"'", smarty.singleQuoteSetsRe2: "\"'",
    smarty.singleQuoteSetsRe: "'\"", smarty.doubleQuoteSetsRe2: "'\"",
    r"(?<!-)---(?!-)": "---", r"(?<!-)--(?!-)": "--", r"(?<!\.)\.{3}(?!\.)": "...",
}


class Prose:
    """Converts plain-prose Markdown as `converter` (with smarty and toc) would, or returns None."""

    def __init__(self, converter: markdown.Markdown) -> None:
        patterns = list(converter.treeprocessors["smarty"].inlinePatterns)
        # (regex, what replaces a match: group numbers and literal HTML, what the text must hold)
        self._smarty = [(p.compiled_re, p.replace, _TRIGGERS.get(p.compiled_re.pattern, ""))
                        for p in patterns]

    def convert(self, source: str) -> str | None:
        text = source.strip("\n")  # blank lines around a story change nothing
        if not text or refused(text):
            return None
        out: list[str] = []
        ids: set[str] = set()
        counters: dict[str, int] = {}
        last = ""  # the kind of the previous block
        for block in text.split("\n\n"):
            kind, html = self._block(block, last, ids, counters)
            if html is None:
                return None
            out.append(html)
            last = kind
        return "\n".join(out)

    def _block(self, block: str, last: str, ids: set[str], counters: dict[str, int]
               ) -> tuple[str, str | None]:
        lines = block.split("\n")
        first = lines[0]
        if first.startswith("#"):
            m = _HEADING.fullmatch(first)
            if m is None or len(lines) > 1:
                return "", None
            title = m.group(2).rstrip()
            if "--" in title or "..." in title:
                return "", None
            level = len(m.group(1))
            anchor = unique(slugify(title, "-"), ids, counters)
            ids.add(anchor)
            return "h", f'<h{level} id="{anchor}">{title}</h{level}>'
        if first.startswith(">"):
            if last == "quote":
                return "", None  # Python-Markdown joins it to the quote before
            matches = [_QUOTED.fullmatch(line) for line in lines]
            if not all(matches):
                return "", None
            inner = self._paragraph([m.group(1) for m in matches])  # type: ignore[union-attr]
            return "quote", None if inner is None else f"<blockquote>\n{inner}\n</blockquote>"
        for kind, pattern in (("ul", _BULLET), ("ol", _NUMBERED)):
            if pattern.match(first):
                return kind, self._list(kind, pattern, lines, last)
        return "p", self._paragraph(lines)

    def _list(self, kind: str, pattern: re.Pattern[str], lines: list[str], last: str) -> str | None:
        if last in ("ul", "ol"):
            return None  # a second list block makes the one before it loose
        items = []
        for line in lines:
            m = pattern.fullmatch(line)
            if m is None:
                return None
            item = m.group(m.lastindex or 1)
            if _NOT_TEXT.match(item):
                return None
            html = self._inline(item)
            if html is None:
                return None
            items.append(f"<li>{html}</li>")
        start = ""
        if kind == "ol":
            number = pattern.fullmatch(lines[0]).group(1)  # type: ignore[union-attr]
            start = "" if number == "1" else f' start="{number}"'
        return f"<{kind}{start}>\n" + "\n".join(items) + f"\n</{kind}>"

    def _paragraph(self, lines: list[str]) -> str | None:
        if not lines or any(not line or _NOT_TEXT.match(line) for line in lines):
            return None
        html = self._inline("\n".join(lines))
        return None if html is None else f"<p>{html}</p>"

    def _inline(self, text: str) -> str | None:
        """A run of text with its links and emphasis, in the order Python-Markdown finds them."""
        pieces: list[str] = []  # HTML of the links and emphasis found, by slot number
        out, at = [], 0
        while (opening := text.find("[", at)) != -1:
            found = _link(text, opening)
            if found is None:
                return None
            inner, href, end = found
            # a link written inside a link's text stays as written, unless emphasis comes before
            # it: Python-Markdown searches the text after an element inside a link once more
            if "*" in inner and ("[" in inner or "]" in inner):
                return None
            html = self._spans(inner, pieces)
            if html is None:
                return None
            pieces.append(f'<a href="{href}">{html}</a>')
            out += [text[at:opening], f"\x02{len(pieces) - 1}\x03"]
            at = end
        out.append(text[at:])
        text = "".join(out)
        if "]" in text:
            return None
        html = self._spans(text, pieces)
        return None if html is None else self._expand(html, pieces)

    def _spans(self, text: str, pieces: list[str]) -> str | None:
        """Emphasis and strong emphasis; None when a `*` is left that is neither."""
        def span(m: re.Match[str]) -> str:
            tag = "strong" if len(m.group(1)) == 2 else "em"
            pieces.append(f"<{tag}>{self._educate_runs(m.group(2), pieces)}</{tag}>")
            return f"\x02{len(pieces) - 1}\x03"

        if "*" in text:  # the regex starts with a lookbehind: tried at every position, even for none
            text = _EMPHASIS.sub(span, text)
        if "*" in text:
            return None
        return self._educate_runs(text, pieces)

    def _educate_runs(self, text: str, pieces: list[str]) -> str:
        """Smart punctuation in each run of text between elements, as smarty sees them."""
        parts = _SLOT.split(text)
        for i in range(0, len(parts), 2):
            if parts[i]:
                parts[i] = self._educate(parts[i])
        for i in range(1, len(parts), 2):
            parts[i] = f"\x02{parts[i]}\x03"
        return "".join(parts)

    def _educate(self, data: str) -> str:
        """Python-Markdown's inline loop over the smarty patterns, on one run of text."""
        if not ("'" in data or '"' in data or "--" in data or "..." in data):
            return data
        stash: list[str] = []
        index, start = 0, 0
        while index < len(self._smarty):
            regex, replace, needed = self._smarty[index]
            m = regex.search(data, start) if needed in data else None
            if m is None:
                index, start = index + 1, 0
                continue
            stash.append("".join(m.group(part) if isinstance(part, int) else part for part in replace))
            mark = _INLINE_MARK % (len(stash) - 1)
            data = data[: m.start()] + mark + data[m.end():]
            start = m.start() + len(mark)
        for number, html in enumerate(stash):
            data = data.replace(_INLINE_MARK % number, html, 1)
        return data

    @staticmethod
    def _expand(html: str, pieces: list[str]) -> str:
        while "\x02" in html:
            html = _SLOT.sub(lambda m: pieces[int(m.group(1))], html)
        return html


def refused(text: str) -> bool:
    """Whether a story holds anything the quick way leaves to Python-Markdown."""
    return bool(_REFUSED_CHARACTER.search(text) or any(part in text for part in _REFUSED_TEXT)
                or text.startswith("*[") or text[:1].isspace() or text[-1:].isspace()
                or _QUOTE_INSIDE_A_LINE.search(text))


def _link(text: str, opening: int) -> tuple[str, str, int] | None:
    """(link text, URL, end) of `[text](url)` at opening, brackets in the text balanced as
    Python-Markdown counts them; None for any other use of brackets."""
    depth = 0
    for at in range(opening, len(text)):
        char = text[at]
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                m = _URL.match(text, at + 1)
                if m is None or at == opening + 1:
                    return None
                return text[opening + 1 : at], m.group(1), m.end()
    return None
