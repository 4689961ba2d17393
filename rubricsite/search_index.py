"""The search index: a compact static index of exemplar, indicator and theme pages.

A page joins the index by marking what should be searched with `data-pagefind-body` (exemplar.html,
cell.html and theme.html do); its type, cell code and title come from the `data-pagefind-meta`
spans that base.html writes from the page's `search_meta` (see plan.py). The attribute names are
Pagefind's, whose markup the templates kept when the site stopped running Pagefind itself.

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
import shutil
import tempfile
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import urls
from .plan import Page
from .write import Stage, existing_files

SEARCHABLE = frozenset({"exemplar", "indicator", "theme"})  # Page.kind values search shows
BUNDLE = "search-index"  # the index's folder in the output; search.html points the engine here
ENTRY = "index.json"  # the file that says an index is there and what it holds
MARKER = b"data-pagefind-body"
FORMAT = 2  # bump when the files change shape: it is part of every cache key of the index
PAGES_PER_FILE = 8  # a result page of 20 hits fetches at most 20 small files
TITLE_WEIGHT = 3  # a word in the title counts as often again as this

_MARK = MARKER.decode()
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


def is_searchable(page_html: bytes) -> bool:
    """Whether a page asks to be indexed (the templates mark exemplars, indicators and themes)."""
    return MARKER in page_html


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
    at = page_html.find(_MARK)
    while at != -1:
        start = page_html.rfind("<", 0, at)
        opening = _OPEN.match(page_html, start)
        if opening is None:
            break
        inside, end = _element(page_html, opening)
        parts.append(inside)
        at = page_html.find(_MARK, end)
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
    """The index for (site URL, HTML) pages, as (output path, bytes) to stage.

    URLs are site URLs ("/exemplars/x/"): the search page maps them onto wherever the site is
    served, so the index is the same under any path prefix. Pages are numbered in the order
    given, so that order must not vary from build to build.
    """
    index = _Index()
    files: list[tuple[str, bytes]] = []
    held: list[list[str]] = []
    for url, page_html in pages:
        if not is_searchable(page_html):
            continue
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


def stage_search_index(
    stage: Stage,
    pages: Sequence[Page],
    rendered: Mapping[str, bytes],
    *,
    rebuild: bool = True,
    language: str = "en",
) -> None:
    """Stage the index with the pages: made anew when a searchable page was drawn, else kept.

    rebuild=False (serve's quick rebuilds) keeps the last index as it is, even if stale.
    """
    entry = stage.output / BUNDLE / ENTRY
    # in URL order: pages are numbered in the order given, and a rebuild must number them as a
    # clean build does
    searchable = sorted((p for p in pages if p.kind in SEARCHABLE), key=lambda p: p.url)
    has_bundle = not stage.clean and entry.is_file()
    # a searchable page that was not redrawn has the same bytes as last time, and a deleted
    # exemplar redraws its cell's page, so nothing drawn means the last index still holds
    if has_bundle and not (rebuild and any(p.url in rendered for p in searchable)):
        for rel in sorted(existing_files(entry.parent)):
            stage.keep(f"{BUNDLE}/{rel}")
        return
    if not rebuild:
        return
    page_html = ((p.url, rendered.get(p.url) or (stage.output / urls.output_path(p.url)).read_bytes())
                 for p in searchable)
    for path, data in search_bundle(page_html, language):
        stage.put(path, data)


def index_search(output_dir: Path, language: str = "en") -> None:
    """Index an already built site in place: output_dir/BUNDLE/ is replaced as a whole.

    For `serve`, which may skip the index on quick rebuilds and make it afterwards.
    """
    output_dir = Path(output_dir).resolve()
    if not (output_dir / "index.html").is_file():
        raise SearchIndexError(f"{output_dir}: no built site here (index.html is missing)")
    found = []
    for path in output_dir.rglob("*.html"):
        rel = path.relative_to(output_dir).as_posix()
        if not rel.startswith(f"{BUNDLE}/"):
            found.append(("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel), path))
    # in URL order, as a build numbers its pages; read one at a time, not all held
    files = search_bundle(((url, path.read_bytes()) for url, path in sorted(found)), language)
    # build the new index beside the old one, then swap, so a reader never sees half of each
    fresh = Path(tempfile.mkdtemp(prefix=f".{BUNDLE}-", dir=output_dir))
    try:
        for rel, data in files:
            target = fresh / rel.removeprefix(f"{BUNDLE}/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for folder in (fresh, *(p for p in fresh.rglob("*") if p.is_dir())):
            folder.chmod(0o755)
        for path in fresh.rglob("*"):
            if path.is_file():
                path.chmod(0o644)
        old = output_dir / BUNDLE
        retired = output_dir / f".{BUNDLE}-old"
        if old.exists():
            shutil.rmtree(retired, ignore_errors=True)
            old.rename(retired)
        fresh.rename(old)
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
