"""One URL policy for href and src, and one claim per output path."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from conftest import LEADING, exemplar
from hostile import cli, refused_by_check_and_build

from rubricsite import urlpolicy
from rubricsite.markup import to_html

BAD_ADDRESSES = ["javascript:alert(1)", "/javascript:alert(1)", "JavaScript:alert(1)",
                 "java\tscript:alert(1)", " javascript:alert(1)", "data:text/html,<b>x</b>",
                 "vbscript:msgbox(1)", "//evil.example/x", "/\\evil.example", "file:///etc/passwd",
                 "/a/../../../etc", "https://", "mailto:"]


def _all_addresses(output) -> list[str]:
    found = []
    for path in output.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(True):
            for name in ("href", "src", "action", "formaction", "srcset", "poster"):
                if tag.has_attr(name):
                    found.append(tag[name])
    return found


@pytest.mark.parametrize("url", BAD_ADDRESSES)
def test_the_rule_refuses(url):
    assert urlpolicy.problem(url) is not None


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "http://example.org",
                                 "mailto:llc@example.org", "/about/", "/assets/logo.svg", "#top"])
def test_the_rule_allows(url):
    assert urlpolicy.problem(url) is None


def test_the_quick_path_allows_only_what_the_checks_allow(monkeypatch):
    # every address built from these pieces, the hostile ones included, gets one verdict with
    # the quick path for plain web addresses and without it
    pieces = ["https://", "http://", "HTTPS://", "https:", "//", "/", "?", "#", "example.org",
              " ", "\t", "\\", '"', "<", "\x00", "\x7f", "é", ":", "a/b", "..", "@"]
    urls = {a + b + c for a in pieces for b in pieces for c in pieces} | set(BAD_ADDRESSES)
    def verdicts() -> dict:
        return {(url, r): urlpolicy.problem(url, relative=r) for url in urls for r in (False, True)}

    quick = verdicts()
    assert sum(bool(urlpolicy._PLAIN_WEB.fullmatch(url)) for url in urls) > 100  # it was taken
    monkeypatch.setattr(urlpolicy, "_PLAIN_WEB", re.compile(r"(?!)"))  # matches nothing
    assert verdicts() == quick


@pytest.mark.parametrize("url", BAD_ADDRESSES[:-2])
def test_footer_link_is_refused_with_its_line(make_site, tmp_path, url):
    root = make_site()
    quoted = url.replace("\\", "\\\\").replace("\t", "\\t")
    (root / "site.yaml").write_text((root / "site.yaml").read_text() +
                                    f'footer:\n  links:\n    - text: "x"\n      url: "{quoted}"\n')
    refused_by_check_and_build(root, [
        f"site.yaml:6: error: footer link '{url.strip()}' is neither a web address nor a path of "
        "this site (write https://... for another site, or /about/ for a page of this one)"],
        tmp_path)


@pytest.mark.parametrize("key", ["repository", "base_url"])
def test_site_addresses_must_be_http(make_site, tmp_path, key):
    root = make_site()
    (root / "site.yaml").write_text((root / "site.yaml").read_text() + f'{key}: "javascript:alert(1)"\n')
    refused_by_check_and_build(root, [
        f"site.yaml:3: error: `{key}` is not a web address: 'javascript:alert(1)' (copy the whole "
        "address from the browser's address bar, starting with https://)"], tmp_path)


def test_resource_address_must_be_http(make_site, tmp_path):
    root = make_site({"content/exemplars/x.md": exemplar(
        resources=[{"title": "T", "url": "javascript:alert(1)"}])})
    refused_by_check_and_build(root, [
        "content/exemplars/x.md:8: error: the first resource's `url` is not a web address: "
        "'javascript:alert(1)' (copy the whole address from the browser's address bar, starting "
        "with https://)"], tmp_path)


@pytest.mark.parametrize("name", ["javascript:alert(1).md", "Javascript%3Aalert.md", "a b.md",
                                  "feed.xml.md", "..md", "ÉTÉ.md"])
def test_content_page_names_follow_the_slug_rule(make_site, tmp_path, name):
    root = make_site({f"content/pages/{name}": "---\ntitle: Page\n---\n\nText.\n"})
    result = cli(root, "check")
    assert result.status == 1
    assert result.errors[0].startswith(f"content/pages/{name}:1: error: the file name '{name}' "
                                       "cannot be a web address (rename it to '")
    assert result.errors == cli(root, "build", "--output", tmp_path / "o").errors


def test_markdown_addresses_that_break_the_rule_are_dropped(make_site, build):
    story = "\n\n".join(f"[link {i}]({url}) ![img {i}]({url})" for i, url in
                        # paths of this site that lead nowhere are the link check's errors
                        enumerate(u for u in BAD_ADDRESSES if " " not in u and "\t" not in u
                                  and not (u.startswith("/") and not u.startswith("//"))))
    story += '\n\n<a href="javascript:alert(1)">raw</a> ' \
             '<img src="https://example.org/x.png" onerror="alert(1)">' \
             '\n\n[fine](../../sample/) [web](https://example.org/)'
    out = build(make_site({"content/exemplars/x.md": exemplar(story)}))
    addresses = _all_addresses(out)
    assert "../../sample/" in addresses and "https://example.org/" in addresses
    assert [a for a in addresses if urlpolicy.problem(a, relative=True)] == []
    assert b"onerror" not in (out / "exemplars" / "x" / "index.html").read_bytes()


def test_an_override_template_cannot_put_a_bad_address_in_a_page(make_site, tmp_path):
    root = make_site({
        "templates/exemplar.html": '{% extends "builtin/exemplar.html" %}{% block content %}'
                                   '<a href="{{ exemplar.title }}">x</a>{% endblock %}',
        "content/exemplars/x.md": exemplar(title="javascript:alert(1)")})
    result = cli(root, "build", "--output", tmp_path / "o")
    assert result.status == 1
    assert result.errors == [
        "templates/exemplar.html:1: error: address 'javascript:alert(1)' in an href or src is not "
        "allowed (http(s)://, mailto: or a path of this site), on /exemplars/x/ (fix the "
        "template, or the setting or front matter it shows)"]
    assert not (tmp_path / "o").exists()


def test_the_href_filter_refuses_with_the_template_line(make_site, tmp_path):
    root = make_site({
        "templates/exemplar.html": '{% extends "builtin/exemplar.html" %}{% block content %}\n'
                                   '<a href="{{ exemplar.summary|href }}">x</a>{% endblock %}',
        "content/exemplars/x.md": exemplar(summary="javascript:alert(1)"),
        "content/exemplars/reading-buddies.md": None})
    result = cli(root, "build", "--output", tmp_path / "o")
    assert result.status == 1
    assert len(result.errors) == 1 and result.errors[0].startswith(
        "templates/exemplar.html:2: error: address 'javascript:alert(1)' is not allowed")


def test_markdown_without_the_site_guard_keeps_safe_links():
    assert to_html("[a](/about/) [b](mailto:x@example.org)") == (
        '<p><a href="/about/" rel="noopener noreferrer">a</a> '
        '<a href="mailto:x@example.org" rel="noopener noreferrer">b</a></p>')


# --- no two sources claim one output path ----------------------------------------------------

CLAIMS = {
    "exemplars index": ("content/pages/exemplars.md", "the built-in page /exemplars/",
                        "/exemplars/"),
    "tags index": ("content/pages/tags.md", "the built-in page /tags/", "/tags/"),
    "search": ("content/pages/search.md", "the built-in page /search/", "/search/"),
    "growth plan": ("content/pages/assess.md", "the built-in page /assess/", "/assess/"),
    "standard grid": ("content/pages/sample.md", "standard of sample.yaml", "/sample/"),
}


@pytest.mark.parametrize("rel, other, url", CLAIMS.values(), ids=CLAIMS.keys())
def test_a_content_page_may_not_take_another_page_s_address(make_site, tmp_path, rel, other, url):
    root = make_site({rel: "---\ntitle: Mine\n---\n\nText.\n"})
    name = rel.rsplit("/", 1)[1]
    refused_by_check_and_build(root, [
        f"{rel}:1: error: content page {name} and {other} both claim the address {url} "
        "(rename one of them: two pages cannot share one address)"], tmp_path)


@pytest.mark.parametrize("slug", ["assets", "data", "pagefind"])
def test_a_content_page_may_not_go_inside_the_engine_s_folders(make_site, tmp_path, slug):
    root = make_site({f"content/pages/{slug}.md": "---\ntitle: Mine\n---\n\nText.\n"})
    refused_by_check_and_build(root, [
        f"content/pages/{slug}.md:1: error: content page {slug}.md and the engine's own {slug}/ "
        f"folder both claim the address /{slug}/ (rename one of them: two pages cannot share one "
        "address)"], tmp_path)


def test_a_standard_may_not_take_a_built_in_address(make_site, tmp_path):
    root = make_site()
    text = (root / "rubric" / "sample.yaml").read_text().replace("id: sample", "id: exemplars", 1)
    (root / "rubric" / "exemplars.yaml").write_text(text)
    (root / "rubric" / "sample.yaml").unlink()
    (root / "content" / "exemplars" / "reading-buddies.md").unlink()
    refused_by_check_and_build(root, [
        "rubric/exemplars.yaml:1: error: standard of exemplars.yaml and the built-in page "
        "/exemplars/ both claim the address /exemplars/ (rename one of them: two pages cannot "
        "share one address)"], tmp_path)


def _plain_scan(page_html: str) -> str | None:
    """unsafe_in_page written plainly: every attribute value in turn, each looked at in Python."""
    import html
    import re
    for match in re.finditer(r"""=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", page_html):
        value = next(g for g in match.groups() if g is not None)
        if not any(c in value for c in ":&\\") and value.lstrip()[:2] != "//":
            continue  # only these can break the rule
        start = match.start()
        if page_html.rfind("<", 0, start) < page_html.rfind(">", 0, start):
            continue
        name = re.compile(r"([a-zA-Z][\w:-]*)\s*$").search(page_html, max(0, start - 64), start)
        if name is None or name.group(1).lower() not in urlpolicy.URL_ATTRIBUTES:
            continue
        value = html.unescape(value)
        parts = [p.strip().split(" ")[0] for p in value.split(",")] \
            if name.group(1).lower() == "srcset" else [value]
        if any(urlpolicy.problem(part, relative=True) for part in parts if part.strip()):
            return value
    return None


PIECES = ("<a ", "<img ", ">", "<", " ", "\n", "=", '"', "'", "href", "src", "srcset", "title",
          "data-src", "xlink:href", "HREF", "  =  ", "/ok/", "https://example.org/x", "javascript:x",
          "//evil", " //evil", "&#106;avascript:x", "a:b", "a\\b", "x&amp;y", "mailto:", "1src",
          "é", "text", ",", " 2x", "-", "_")


def test_the_page_scan_finds_what_reading_every_value_finds():
    import random
    rng = random.Random(13)
    samples = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40))) for _ in range(20_000)]
    differ = [s for s in samples if urlpolicy.unsafe_in_page(s) != _plain_scan(s)]
    assert differ == []
    assert sum(_plain_scan(s) is not None for s in samples) > 300  # the samples do hold bad ones


def test_the_page_scan_reads_built_pages_as_every_value_read(build):
    output = build(LEADING)
    pages = [p.read_text(encoding="utf-8") for p in output.rglob("*.html")]
    assert pages and all(urlpolicy.unsafe_in_page(p) == _plain_scan(p) is None for p in pages)
    broken = pages[0].replace('href="', 'href="javascript:alert(1)//', 1)
    assert urlpolicy.unsafe_in_page(broken) == _plain_scan(broken) is not None
