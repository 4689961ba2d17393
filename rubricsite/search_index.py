"""The search index: a compact static index of exemplar, indicator and theme pages.

Which pages are indexed is decided by `Page.searchable` (plan.py) alone; within such a page,
`data-pagefind-body` marks the parts to index, and its type, cell code and title come from the
`data-pagefind-meta` spans that base.html writes from the page's `search_meta`. The attribute
names are Pagefind's, whose markup the templates kept when the site stopped running Pagefind.
The index is data only: the code that reads it is an asset (assets/js/search-engine.js), so
nothing the store keeps between builds (store.py) is ever run.

What the build writes into BUNDLE/, read by assets/js/search-engine.js:

- `index.json`: the format, the number of pages, pages per file, the term files there are, and
  each page's length in words (for BM25's length norm);
- `terms/<key>.json`: for every word that starts with `key` (its first two letters, in hex), the
  pages holding it as `[page gap, count, page gap, count, …]` (a title word counts 1 +
  TITLE_WEIGHT times), so a query costs one small file per word;
- `pages/<n>.json`: PAGES_PER_FILE pages each as `[url, title, type, code, text]`, fetched only for
  the results on screen, for their titles and a sentence around the words found.

Words are compared folded (lower case, accents dropped) and with the plural `s` taken off, the same
way in Python and in search-engine.js (tests/test_search_engine.py checks both agree); a query word
also finds longer words it begins (`partner` finds `partnerships`). Indexing 10,000 exemplars this
way takes a few seconds of Python where Pagefind took most of a clean build.
"""

from __future__ import annotations

import html
import json
import operator
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from . import urls

BUNDLE = urls.SEARCH_BUNDLE.strip("/")  # the index's folder in the output
ENTRY = "index.json"  # the file that says an index is there and what it holds
MARKER = "data-pagefind-body"
FORMAT = 2  # bump when the files change shape: it is part of every cache key of the index
PAGES_PER_FILE = 8  # a result page of 20 hits fetches at most 20 small files
TITLE_WEIGHT = 3  # a word in the title counts as often again as this

_OPEN = re.compile(r"<(\w+)\b[^>]*\bdata-pagefind-body\b[^>]*>")
_NESTED = {tag: re.compile(rf"<(/?){tag}\b[^>]*>") for tag in ("article", "div", "h1", "ol", "ul")}
_META = re.compile(r'data-pagefind-meta="([^":]*):([^"]*)"')
_BLOCK_TAG = re.compile(r"</?(?:p|li|h[1-6]|div|dd|dt|blockquote|br|td|th|tr|aside|header|section"
                        r"|ul|ol|dl|figure|figcaption|pre|table|article|nav|footer|summary)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_]+")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


class SearchIndexError(RuntimeError):
    """The index could not be made; the message says why."""


@lru_cache(maxsize=4096)
def _fold_run(run: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", run)
                   if not unicodedata.category(c).startswith("M"))


def fold(text: str) -> str:
    """Lower case without accents: `Québec` and `quebec` are the same word to search."""
    text = text.lower()
    if text.isascii():
        return text
    # only the runs of other characters are looked at: most text is ASCII around curly quotes
    return _NOT_ASCII.sub(lambda m: _fold_run(m.group()), text)


def stem(word: str) -> str:
    """The word without a plural ending; search-engine.js has the same rule."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """The searchable words of a text, in order."""
    return [_stem(w) for w in _WORD.findall(fold(text))]


def _term_counts(text: str) -> Counter[str]:
    """How often each searchable word occurs in a text: terms() counted, five times faster.

    Folding turns the other characters into letters or spaces, and ASCII text is then cut at
    whatever is not a letter or digit by str.translate, whose ASCII path is far quicker than
    the regex.
    """
    text = text.lower()
    if not text.isascii():
        text = _NOT_ASCII.sub(lambda m: _fold_words(m.group()), text)
    words = text.translate(_ASCII_BREAKS).split() if text.isascii() else _WORD.findall(text)
    counts: Counter[str] = Counter()
    for word, count in Counter(words).items():
        counts[_stem(word)] += count
    return counts


@lru_cache(maxsize=4096)
def _fold_words(run: str) -> str:
    return "".join(c if c.isalnum() else " " for c in _fold_run(run))


# every ASCII character that is not a letter or digit, as a space (what _WORD does not take)
_ASCII_BREAKS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


_stems: dict[str, str] = {}


def _stem(word: str) -> str:
    found = _stems.get(word)
    if found is None:
        if len(_stems) > 200_000:  # a site's vocabulary is far smaller; never grow without end
            _stems.clear()
        found = _stems[word] = stem(word)
    return found


@dataclass(frozen=True, slots=True)
class Record:
    """What the index keeps of one page."""

    url: str
    meta: Mapping[str, str]
    text: str  # the marked parts as plain text, one block a line


def page_record(url: str, page_html: str) -> Record | None:
    """The searchable text and meta of a page; None when nothing on it is marked."""
    parts = []
    at = page_html.find(MARKER)
    while at != -1:
        start = page_html.rfind("<", 0, at)
        opening = _OPEN.match(page_html, start)
        if opening is None:
            break
        inside, end = _element(page_html, opening)
        parts.append(inside)
        at = page_html.find(MARKER, end)
    if not parts:
        return None
    meta = {html.unescape(k): html.unescape(v) for k, v in _META.findall(page_html)}
    text = html.unescape(_TAG.sub("", _BLOCK_TAG.sub("\n", "\n".join(parts))))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return Record(url, meta, "\n".join(line for line in lines if line))


def _element(page_html: str, opening: re.Match[str]) -> tuple[str, int]:
    """The inside of the element that opening starts (nested ones of its kind counted), and
    where it ends."""
    nested = _NESTED.get(opening.group(1)) or re.compile(rf"<(/?){opening.group(1)}\b[^>]*>")
    depth = 1
    for m in nested.finditer(page_html, opening.end()):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return page_html[opening.end(): m.start()], m.end()
    return page_html[opening.end():], len(page_html)


class _Index:
    """Postings built page by page, held as compact arrays (10,000 pages hold ~3 million)."""

    def __init__(self) -> None:
        self.lengths: list[int] = []  # words by page number, for BM25's length norm
        self.postings: dict[str, tuple[array, array]] = {}  # term -> (pages, counts)

    def add(self, record: Record) -> None:
        number = len(self.lengths)
        counts = _term_counts(record.text)
        self.lengths.append(sum(counts.values()))
        for word, count in _term_counts(record.meta.get("title", "")).items():
            counts[word] += TITLE_WEIGHT * count
        for word, count in counts.items():
            entry = self.postings.get(word)
            if entry is None:
                entry = self.postings[word] = (array("I"), array("H"))
            entry[0].append(number)
            entry[1].append(min(count, 65535))

    def term_files(self) -> dict[str, bytes]:
        """The term files by key: each term's pages as gaps, each followed by its count there."""
        by_key: dict[str, list[str]] = {}
        for word in sorted(self.postings):
            pages, counts = self.postings[word]
            flat: list[int] = [0] * (2 * len(pages))
            flat[0::2] = [pages[0], *map(operator.sub, pages[1:], pages)]
            flat[1::2] = counts
            by_key.setdefault(_key(word), []).append(
                f"{json.dumps(word, ensure_ascii=False)}:[{','.join(map(str, flat))}]")
        return {key: ("{" + ",".join(entries) + "}").encode() for key, entries in by_key.items()}


def _key(word: str) -> str:
    """The term file a word lives in: its first two characters, in hex (safe in any URL)."""
    return word[:2].encode("utf-8").hex()


def search_bundle(pages: Iterable[tuple[str, bytes]], language: str = "en") -> list[tuple[str, bytes]]:
    """The index of (site URL, HTML) of the searchable pages, as (output path, bytes) to stage.

    URLs are site URLs ("/exemplars/x/"): the search page maps them onto wherever the site is
    served, so the index is the same under any path prefix. Pages are numbered in the order
    given, so that order must not vary from build to build.
    """
    index = _Index()
    files: list[tuple[str, bytes]] = []
    held: list[list[str]] = []
    for url, page_html in pages:
        record = page_record(url, page_html.decode("utf-8"))
        if record is None:
            continue
        index.add(record)
        meta = record.meta
        held.append([url, meta.get("title", ""), meta.get("type", ""), meta.get("code", ""),
                     record.text])
        if len(held) == PAGES_PER_FILE:  # written as they come: 10,000 stories are 40 MB of text
            files.append(_pages_file(len(index.lengths) - 1, held))
            held = []
    if not index.lengths:
        return []  # nothing to search: no index, and the search page says it cannot load
    if held:
        files.append(_pages_file(len(index.lengths) - 1, held))
    term_files = index.term_files()
    files += [(f"{BUNDLE}/terms/{key}.json", data) for key, data in term_files.items()]
    entry = {"format": FORMAT, "language": language, "pages": len(index.lengths),
             "pages_per_file": PAGES_PER_FILE, "keys": sorted(term_files), "lengths": index.lengths}
    files.append((f"{BUNDLE}/{ENTRY}", json.dumps(entry, separators=(",", ":")).encode()))
    return sorted(files)


def _pages_file(last: int, held: list[list[str]]) -> tuple[str, bytes]:
    number = last // PAGES_PER_FILE
    return (f"{BUNDLE}/pages/{number}.json",
            json.dumps(held, ensure_ascii=False, separators=(",", ":")).encode())
