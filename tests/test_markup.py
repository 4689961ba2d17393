"""Markdown in, sanitised HTML out: source and expected HTML side by side."""

from __future__ import annotations

import pytest

from rubricsite import markup
from rubricsite.markup import MarkupCache, cache_key, to_html
from rubricsite.store import FILE_NAME, Store

CASES = [
    ("# Title\n\nText.", '<h2 id="title">Title</h2>\n<p>Text.</p>'),
    ("## What it shows", '<h2 id="what-it-shows">What it shows</h2>'),
    ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
    ("[site](https://example.org)",
     '<p><a href="https://example.org" rel="noopener noreferrer">site</a></p>'),
    ("<script>alert(1)</script>\n\nText", "\n\n<p>Text</p>"),
    ('<iframe src="https://evil.example"></iframe>', ""),
    ("[x](javascript:alert(1))", '<p><a rel="noopener noreferrer">x</a></p>'),
    ('<a href="https://a.org" onclick="steal()">a</a>',
     '<p><a href="https://a.org" rel="noopener noreferrer">a</a></p>'),
    ('<img src="x.png" onerror="steal()" alt="pic">', '<p><img src="x.png" alt="pic"></p>'),
    ('<p style="color:red" class="evil">p</p>', "<p>p</p>"),
    ("<svg><script>alert(1)</script></svg>", "<p></p>"),
    ('<a href="data:text/html,hi">d</a>', '<p><a rel="noopener noreferrer">d</a></p>'),
    ("<form><input name=a></form>", ""),
    ("## Main", '<h2 id="main-section">Main</h2>'),  # the page's own id stays unique
    ('<p id="header-q">x</p>', '<p id="header-q-section">x</p>'),
    ("It's \"quoted\" -- done", "<p>It\u2019s \u201cquoted\u201d \u2013 done</p>"),
]


@pytest.mark.parametrize("source, expected", CASES)
def test_markdown_to_safe_html(source, expected):
    assert to_html(source) == expected


def test_footnotes_keep_their_ids_and_classes():
    html = to_html("A claim.[^1]\n\n[^1]: The source.")
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1"' in html
    assert '<div class="footnote">' in html
    assert '<li id="fn:1">' in html
    assert 'class="footnote-backref"' in html


def test_converter_is_reset_between_documents():
    to_html("A claim.[^1]\n\n[^1]: The source.")
    assert "footnote" not in to_html("Plain text.")


def test_cache_round_trip_and_damaged_cache_is_ignored(tmp_path):
    store = Store(tmp_path)
    cache = MarkupCache(store)
    html = cache.html("*hi*")
    cache.save()
    store.close()
    again = MarkupCache(Store(tmp_path))
    assert again.html("*hi*") == html == "<p><em>hi</em></p>"
    assert not again.new  # served from disk, not rendered again
    again.store.close()
    (tmp_path / FILE_NAME).write_bytes(b"not a database")
    broken = MarkupCache(Store(tmp_path))
    assert broken.html("*hi*") == html
    broken.store.close()


def test_without_a_store_no_conversion_is_kept_to_be_saved():
    # --no-cache: the conversions would only travel back from every render worker to be dropped
    cache = MarkupCache(Store(None))
    assert cache.html("*hi*") == "<p><em>hi</em></p>"
    assert cache.new == {}


def test_a_crafted_cache_row_is_sanitised_like_any_markdown(tmp_path):
    store = Store(tmp_path)
    store.put_markup({cache_key("A story."): '<p onclick="x()">A story.</p><script>alert(1)</script>'
                                              '<a href="javascript:alert(1)">link</a>'})
    store.close()
    cache = MarkupCache(Store(tmp_path))
    html = cache.html("A story.")
    cache.store.close()
    assert html == "<p>A story.</p><a rel=\"noopener noreferrer\">link</a>"


def test_a_changed_allowlist_is_used_at_once(monkeypatch):
    # the sanitiser is built once per process; a new allowlist must not find the old one
    assert "<em>" in markup.sanitise("<p><em>kept</em></p>")
    monkeypatch.setattr(markup, "ALLOWED_TAGS", markup.ALLOWED_TAGS - {"em"})
    assert "<em>" not in markup.sanitise("<p><em>dropped</em></p>")
