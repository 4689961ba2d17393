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
also finds longer words it begins (`partner` finds `partnerships`).

A build indexes each searchable page in the render worker that drew it (`index_pages`, called
from render.py), in `Part`s of consecutive ranks with their postings already written out; the main
process merges the parts as they come back, in rank order, and reads back the pages it did not
draw (`Gathered`). search_bundle is that same merge (`_Merge`) of one part, so the files never
depend on where the pages were indexed.
"""

from __future__ import annotations

import codecs
import html
import itertools
import json
import operator
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring  # type: ignore[attr-defined]

from . import parallel, urls

BUNDLE = urls.SEARCH_BUNDLE.strip("/")  # the index's folder in the output
ENTRY = "index.json"  # the file that says an index is there and what it holds
MARKER = "data-pagefind-body"
FORMAT = 2  # bump when the files change shape: it is part of every cache key of the index
PAGES_PER_FILE = 8  # a result page of 20 hits fetches at most 20 small files
TITLE_WEIGHT = 3  # a word in the title counts as often again as this

_OPEN = re.compile(r"<(\w+)\b[^>]*\bdata-pagefind-body\b[^>]*>")
_NESTED = {tag: re.compile(rf"<(/?){tag}\b[^>]*>") for tag in ("article", "div", "h1", "ol", "ul")}
_META = re.compile(r'data-pagefind-meta="([^":]*):([^"]*)"')
# a run of block tags and the spaces after them: one line break (spaces at a line's ends go anyway)
_BLOCK = (r"</?(?:p|li|h[1-6]|div|dd|dt|blockquote|br|td|th|tr|aside|header|section|ul|ol|dl"
          r"|figure|figcaption|pre|table|article|nav|footer|summary)\b[^>]*>")
_BLOCK_TAGS = re.compile(rf"{_BLOCK}(?:\s*{_BLOCK})*\s*")  # begins with `<`: found by a fast scan
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
    return [stem(w) for w in _WORD.findall(fold(text))]


def _term_counts(text: str) -> Counter[str]:
    """How often each searchable word occurs in a text: terms() counted, several times faster.

    Folding turns the other characters into letters or spaces, and ASCII text is then cut at
    whatever is not a letter or digit by str.translate, whose ASCII path is far quicker than
    the regex; words are stemmed through a table, all in C loops.
    """
    text = text.lower()
    if not text.isascii():
        try:  # the encoder finds the runs of other characters in C, far quicker than a regex
            text = text.encode("ascii", _FOLD_ERRORS).decode("ascii")
        except UnicodeEncodeError:  # a run folds to letters outside ASCII
            text = _NOT_ASCII.sub(lambda m: _fold_words(m.group()), text)
    words = text.translate(_ASCII_BREAKS).split() if text.isascii() else _WORD.findall(text)
    return Counter(map(_stems.__getitem__, words))


def _fold_error(error: UnicodeError) -> tuple[str, int]:
    """A run of other characters that the ASCII encoder met, folded (_fold_words), when that
    leaves only ASCII; else the error stands."""
    assert isinstance(error, UnicodeEncodeError)
    folded = _fold_words(error.object[error.start:error.end])
    if not folded.isascii():
        raise error
    return folded, error.end


_FOLD_ERRORS = "rubricsite.search_index.fold"
codecs.register_error(_FOLD_ERRORS, _fold_error)


class _Stems(dict):
    """Each word's stem, worked out once."""

    def __missing__(self, word: str) -> str:
        if len(self) > 200_000:  # a site's vocabulary is far smaller: never grow without end
            self.clear()
        found = self[word] = stem(word)
        return found


_stems = _Stems()


@lru_cache(maxsize=4096)
def _fold_words(run: str) -> str:
    return "".join(c if c.isalnum() else " " for c in _fold_run(run))


# every ASCII character that is not a letter or digit, as a space (what _WORD does not take)
_ASCII_BREAKS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


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
    text = html.unescape(_TAG.sub("", _BLOCK_TAGS.sub("\n", "\n".join(parts))))
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


@dataclass(frozen=True, slots=True)
class Part:
    """Searchable pages of consecutive ranks (their places in URL order), indexed together
    wherever they were drawn; the merge numbers them, so parts can come from any process.

    A page with nothing marked is a part of its own with no pages: it is not in the index.
    """

    ranks: range
    lengths: list[int]  # each page's words, for BM25's length norm
    pages: bytes  # the pages' entries of their pages files, [url, title, type, code, text], joined
    # by commas and compressed: the main process holds every part until the last has come
    ends: list[int]  # where each page's entry ends in the uncompressed text
    terms: dict[str, tuple[int, int, str]]  # term -> first and last page here, and its postings
    # from the first page's count on: "count,gap,count,…" (the first page's gap is the merge's)


class _Run:
    """A part being made: pages of consecutive ranks, their postings as one flat list a term."""

    def __init__(self, rank: int) -> None:
        self.rank = rank
        self.lengths: list[int] = []
        self.pages: list[str] = []
        self.postings: dict[str, list[int]] = {}  # term -> [page, count, page, count, …]

    def add(self, record: Record) -> None:
        page, meta = len(self.lengths), record.meta
        counts = _term_counts(record.text)
        length = sum(counts.values())
        self.lengths.append(length)
        title = _term_counts(meta.get("title", ""))
        for word, count in title.items():
            counts[word] += TITLE_WEIGHT * count
        if length + TITLE_WEIGHT * sum(title.values()) > _MAX_COUNT:  # a count must fit the reader's
            counts = Counter({word: min(count, _MAX_COUNT) for word, count in counts.items()})
        postings = self.postings
        for word, count in counts.items():
            entry = postings.get(word)
            if entry is None:
                postings[word] = [page, count]
            else:
                entry += (page, count)
        fields = (record.url, meta.get("title", ""), meta.get("type", ""), meta.get("code", ""),
                  record.text)
        self.pages.append(f"[{','.join(map(encode_basestring, fields))}]")

    def part(self) -> Part:
        terms = {}
        for word, flat in self.postings.items():
            if len(flat) == 2:
                terms[word] = (flat[0], flat[0], str(flat[1]))
                continue
            pages, rest = flat[0::2], flat[1:]
            rest[1::2] = map(operator.sub, pages[1:], pages)  # gaps between pages
            terms[word] = (pages[0], pages[-1], ",".join(map(str, rest)))
        entries = [entry.encode() for entry in self.pages]
        ends = list(itertools.accumulate(len(entry) + 1 for entry in entries))  # each with its comma
        return Part(range(self.rank, self.rank + len(self.lengths)), self.lengths,
                    zlib.compress(b",".join(entries), 1), [end - 1 for end in ends], terms)


_MAX_COUNT = 65535  # the largest count a posting holds


def index_pages(pages: Iterable[tuple[int, str, bytes]]) -> list[Part]:
    """The parts of the index for (rank, site URL, HTML) of searchable pages.

    Pages in rank order make one part a run of consecutive ranks; any other order is right too,
    only in more, smaller parts. Each page's HTML is let go as soon as it is read.
    """
    parts: list[Part] = []
    run: _Run | None = None
    for rank, url, page_html in pages:
        record = page_record(url, page_html.decode("utf-8"))
        if run is not None and (record is None or rank != run.rank + len(run.lengths)):
            parts.append(run.part())
            run = None
        if record is None:
            parts.append(Part(range(rank, rank + 1), [], b"", [], {}))
            continue
        if run is None:
            run = _Run(rank)
        run.add(record)
    if run is not None:
        parts.append(run.part())
    return parts


def bundle_files(parts: Iterable[Part], language: str = "en") -> list[tuple[str, bytes]]:
    """The index's files (output path, bytes) made of parts that between them hold each rank once."""
    return sorted(each_bundle_file(parts, language))


def each_bundle_file(parts: Iterable[Part], language: str = "en") -> Iterator[tuple[str, bytes]]:
    """bundle_files one file at a time, in no set order, each let go by the caller once used:
    the text of every searchable page is never held twice over, as files and as parts."""
    merge = _Merge()
    for part in sorted(parts, key=lambda p: p.ranks.start):
        yield from merge.take(part)
    yield from merge.finish(language)


class _Merge:
    """Parts taken in rank order, one at a time: a pages file as soon as its pages are in, each
    term's postings kept to the end, when the term files are written."""

    def __init__(self) -> None:
        self.next_rank = 0  # the first rank of the part to take next
        self.lengths: list[int] = []
        # term -> [the last page holding it so far, its postings' text a piece a part, ...]
        self.postings: dict[str, list] = {}
        self.group: list[bytes] = []  # the entries of the pages file being filled
        self.files = 0  # pages files made

    def take(self, part: Part) -> Iterator[tuple[str, bytes]]:
        """Merge the part that starts at next_rank; the pages files it fills."""
        start = len(self.lengths)
        self.lengths += part.lengths
        postings = self.postings
        for word, (first, end, counts) in part.terms.items():
            entry = postings.get(word)
            if entry is None:
                postings[word] = [start + end, f"{start + first},{counts}"]
            else:  # one lookup a term: a site's words number in the tens of thousands
                entry.append(f"{start + first - entry[0]},{counts}")
                entry[0] = start + end
        self.next_rank = part.ranks.stop
        # the part's text uncompressed only while it is read
        text, at = zlib.decompress(part.pages) if part.ends else b"", 0
        for end in part.ends:
            self.group.append(text[at:end])
            at = end + 1
            if len(self.group) == PAGES_PER_FILE:
                yield self._pages_file()

    def finish(self, language: str) -> Iterator[tuple[str, bytes]]:
        """The last pages file, the term files and the entry; nothing when no page was indexed
        (no index: the search page says it cannot load)."""
        if not self.lengths:
            return
        if self.group:
            yield self._pages_file()
        keys = []
        for key, data in _term_files(self.postings):
            keys.append(key)
            yield f"{BUNDLE}/terms/{key}.json", data
        entry = {"format": FORMAT, "language": language, "pages": len(self.lengths),
                 "pages_per_file": PAGES_PER_FILE, "keys": keys, "lengths": self.lengths}
        yield f"{BUNDLE}/{ENTRY}", json.dumps(entry, separators=(",", ":")).encode()

    def _pages_file(self) -> tuple[str, bytes]:
        path, data = f"{BUNDLE}/pages/{self.files}.json", b"[" + b",".join(self.group) + b"]"
        self.group, self.files = [], self.files + 1
        return path, data


def _term_files(postings: dict[str, list]) -> Iterator[tuple[str, bytes]]:
    """The term files in key order: each term's pages as gaps, each followed by its count there.
    Sorted, the words of one key come together (a key is a word's start); each word's postings
    are let go once written."""
    for key, words in itertools.groupby(sorted(postings), key=_key):
        entries = []
        for word in words:
            entry = postings.pop(word)  # [last page, piece, ...]
            entries.append(f"{encode_basestring(word)}:"
                           f"[{entry[1] if len(entry) == 2 else ','.join(entry[1:])}]")
        yield key, ("{" + ",".join(entries) + "}").encode()


def _key(word: str) -> str:
    """The term file a word lives in: its first two characters, in hex (safe in any URL)."""
    return word[:2].encode("utf-8").hex()


class Gathered:
    """One build's index as it is gathered and staged: parts from the render workers as their
    chunks come back, merged in rank order as soon as the ranks before them are in (a pages
    file is staged once full, and its text let go); then the searchable pages not drawn this
    build, read back from the new site, and the term files."""

    def __init__(self, searchable: Sequence[str], put: Callable[[str, bytes], None]) -> None:
        self.ranks = {url: rank for rank, url in enumerate(searchable)}  # URL order: see search_bundle
        self._put = put
        self._merge = _Merge()
        self._waiting: list[Part] = []  # parts whose ranks come after one not given yet
        self._paths: list[str] = []  # the files staged

    def add(self, parts: Iterable[Part]) -> None:
        self._waiting.extend(parts)
        self._waiting.sort(key=lambda p: p.ranks.start, reverse=True)
        while self._waiting and self._waiting[-1].ranks.start == self._merge.next_rank:
            self._stage(self._merge.take(self._waiting.pop()))

    def finish(self, read: Callable[[str], bytes], language: str) -> list[str]:
        """Stage the rest of the index, the pages no part holds read with read(url), on every
        core; every file of the index staged, by path."""
        held = {rank for part in self._waiting for rank in part.ranks}
        missing = [(rank, url) for url, rank in self.ranks.items()
                   if rank >= self._merge.next_rank and rank not in held]

        def index(chunk: Sequence[tuple[int, str]]) -> list[Part]:
            return index_pages((rank, url, read(url)) for rank, url in chunk)

        for parts in parallel.chunked(index, missing, serial_below=READ_BACK_PARALLEL_FROM):
            self.add(parts)
        if self._waiting:  # a rank given twice, or one no page has: a fault of the engine's
            raise SearchIndexError(f"the search index lacks rank {self._merge.next_rank}")
        self._stage(self._merge.finish(language))
        return self._paths

    def _stage(self, files: Iterable[tuple[str, bytes]]) -> None:
        for path, data in files:
            self._put(path, data)
            self._paths.append(path)


READ_BACK_PARALLEL_FROM = 400  # pages to read back before a second process pays for itself


def search_bundle(pages: Iterable[tuple[str, bytes]], language: str = "en") -> list[tuple[str, bytes]]:
    """The index of (site URL, HTML) of the searchable pages, as (output path, bytes) to stage.

    URLs are site URLs ("/exemplars/x/"): the search page maps them onto wherever the site is
    served, so the index is the same under any path prefix. Pages are numbered in the order
    given, so that order must not vary from build to build. A build that drew the pages makes
    the same files from the parts its render workers gave back (`Gathered`).
    """
    return bundle_files(index_pages((rank, url, data) for rank, (url, data) in enumerate(pages)),
                        language)
