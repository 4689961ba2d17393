"""Reading and checking a large site fast gives what the plain way gives: files parsed by worker
processes, YAML read in one walk, links read once per story and kept with its parse."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml
from conftest import exemplar

from rubricsite import heap, load, parallel, validate
from rubricsite.errors import Problems
from rubricsite.link_targets import internal_links, markdown_links
from rubricsite.load import ParseCache, parse_yaml, read_sources
from rubricsite.pipeline import check_site

BROKEN = {
    "content/exemplars/no-front-matter.md": "Just a story.\n",
    "content/exemplars/bad-yaml.md": "---\ntitle: [unclosed\nsummary: x\n---\nStory.\n",
    "content/exemplars/hidden.md": exemplar(title="Reading\u202e buddies"),
    "content/exemplars/escaped.md": '---\ntitle: "a\\u202eb"\ntheme: vision\n---\nStory.\n',
    "content/exemplars/alias.md": "---\ntitle: &t x\nsummary: *t\ntags: &l [a]\ngrades: *l\n---\nS.\n",
    "content/exemplars/tagged.md": "---\ntitle: !shout hello\n---\nStory.\n",
    "content/exemplars/twice.md": "---\ntitle: a\ntitle: b\n---\nStory.\n",
    "content/exemplars/broken-link.md": exemplar(body="See [the grid](/no-such-page/).\n"),
}


def _many(count: int) -> dict[str, str]:
    files = {f"content/exemplars/club-{n:03}.md": exemplar(
        title=f"Club {n}", tags=["reading", f"t{n % 7}"], region="Ontario",
        body=f"## What it shows\n\nA [story](https://example.org/{n}) and [more](../club-000/).\n")
        for n in range(count)}
    return {**files, **BROKEN}


def _read(root: Path, cache: ParseCache) -> tuple[load.Sources, list]:
    problems = Problems()
    sources = read_sources(root, problems, cache)
    return sources, problems.sorted()


def test_files_read_by_workers_equal_files_read_in_one_process(make_site, monkeypatch):
    root = make_site(_many(40))
    monkeypatch.setattr(load, "PARALLEL_FROM", 10**9)
    alone_cache = ParseCache()
    alone = _read(root, alone_cache)
    asked = []
    chunked = parallel.chunked

    def spy(work, items, **options):
        asked.append((len(items), options["serial_below"]))
        return chunked(work, items, **options)

    monkeypatch.setattr(parallel, "chunked", spy)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(load, "PARALLEL_FROM", 2)  # every read below forks its workers
    forked_cache = ParseCache()
    forked = _read(root, forked_cache)
    assert any(n >= below for n, below in asked)  # the exemplars were read by workers
    assert forked == alone
    # every file that cannot be read says so (a broken YAML line is the validator's to report)
    assert {e.path.name for e in alone[1]} == {Path(p).name for p in BROKEN} - {
        "bad-yaml.md", "broken-link.md"}
    assert forked_cache.seen == alone_cache.seen and forked_cache.new == alone_cache.new
    # the rows the workers made serve the next read, here: no worker is forked for a file the
    # store holds as it is now; one edited since is parsed again, by a worker
    (root / "content/exemplars/club-001.md").write_text(exemplar(title="Club one, again"))
    asked.clear()
    warm_cache = ParseCache(dict(forked_cache.new))
    warm = _read(root, warm_cache)
    unheld = [p for p in (root / "content/exemplars").glob("*.md") if str(p) not in forked_cache.new]
    assert 0 < len(unheld) < len(BROKEN)  # a broken file is not kept, but some of them are
    assert sum(n for n, _below in asked) == len(unheld) + 1  # and the edited one
    assert warm == _read(root, ParseCache())
    assert set(warm_cache.new) == {str(root / "content/exemplars/club-001.md")}


@pytest.mark.parametrize("broken", ["every file", "a link", "nothing"])
def test_a_check_through_workers_reports_what_one_process_does(make_site, monkeypatch, broken):
    files = _many(30)
    if broken != "every file":  # links are checked once everything else reads
        files = {p: t for p, t in files.items()
                 if p not in BROKEN or ("link" in p and broken == "a link")}
    root = make_site(files)
    monkeypatch.setattr(load, "PARALLEL_FROM", 10**9)
    alone_site, alone_errors = check_site(root)
    alone = [e.text(root) for e in alone_errors]
    asked = []
    chunked = parallel.chunked

    def spy(work, items, **options):
        asked.append(work.__qualname__.split(".")[0])
        return chunked(work, items, **options)

    monkeypatch.setattr(parallel, "chunked", spy)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(load, "PARALLEL_FROM", 2)  # reading the exemplars forks its workers
    forked_site, forked_errors = check_site(root)
    assert [e.text(root) for e in forked_errors] == alone
    assert forked_site == alone_site
    assert "read_markdown_files" in set(asked)
    if broken == "a link":
        assert alone == ["content/exemplars/broken-link.md:8: error: link '/no-such-page/' leads "
                         "to no page or file of this site (link to a page of this site, or write "
                         "the full https:// address of another site)"]
    elif broken == "nothing":
        assert alone == [] and len(alone_site.exemplars) == 31
    else:
        assert len(alone) >= len(BROKEN)


YAML_PIECES = ["a: 1\n", "b: [1, 2]\n", "c: {x: y}\n", "- q\n", "d: !foo x\n", "e: &x [1]\nf: *x\n",
               "g: &s v\nh: *s\n", "<<: {m: 1}\n", "i: 2024-13-01\n", "j: yes\n", "k: ~\n",
               "l: 1.5e3\n", "m: .inf\n", "n: 0x1F\n", "o: 1:20\n", 'p: "\\u202e"\n',
               "? [a, b]\n: c\n", "1: x\n", "a: dup\n", "r: !!binary aGk=\n", "t: =\n",
               "u:\n  - v: 1\n    w: [x, {y: z}]\n", "  bad indent\n", "v: 'it''s'\n",
               "w: |\n  block\n  text\n", "x: !!str 5\n", "y: !!int '7'\n", "z: " + "[" * 30 + "]" * 30
               + "\n", "aa: null\n", "dd: !!timestamp 2020-01-01\n", "ee: !!set {a, b}\n"]


def _careful(path: Path, text: str, first_line: int) -> load.Doc:
    """parse_yaml as it was before its one-walk reading: compose, mark, construct, check."""
    try:
        node = yaml.compose(text, Loader=load._Loader)
    except yaml.YAMLError:  # broken YAML: both readings say so the same way, before either walk
        return parse_yaml(path, text, first_line)
    if node is None:
        return load.Doc(path, None, {}, first_line, first_line + text.count("\n") + 1)
    lines: dict = {}
    load._mark_lines(node, (), lines, first_line, path, set())
    data = load._construct(path, node, first_line)
    load._refuse_hidden(path, data, (), lines, first_line)
    return load.Doc(path, data, lines, first_line, first_line + text.count("\n") + 1)


def _outcome(parse, text: str) -> tuple:
    try:
        doc = parse(Path("f.yaml"), text, 3)
    except Exception as error:  # the very error is what is compared
        return ("error", type(error).__name__, str(error))
    return ("doc", repr(doc.data), sorted(doc.lines.items(), key=repr), doc.end_line)


def test_yaml_read_in_one_walk_equals_the_careful_reading():
    pick = random.Random(13)
    texts = ["".join(pick.choice(YAML_PIECES) for _ in range(pick.randint(1, 6)))
             for _ in range(1500)]
    plain = [t for t in texts if _outcome(_careful, t)[0] == "doc"]
    assert len(plain) > 100 and len(plain) < len(texts)  # both kinds are tried
    for text in texts:
        assert _outcome(parse_yaml, text) == _outcome(_careful, text), text


LINK_PIECES = ["[", "]", "(", ")", "`", "``", "```", "~~~", "\n", " ", "    ", "\t", "<", ">",
               "href=", 'src="', "'", '"', "a", "b/", "http:x", "\\", "!", ":", "\r", "HREF =",
               "  [r]: ", "\u017frc='x'", "=", "x", "](http:", "](/a/", "](<", "mailto:q", "1x:"]


def _links_line_by_line(text: str, first_line: int) -> list[tuple[int, str]]:
    """The plain reading: line by line, each pattern on each line outside code."""
    inline = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)")
    reference = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)")
    html = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
    fence_mark = re.compile(r"^ {0,3}(`{3,}|~{3,})")
    found, fence = [], ""
    for number, line in enumerate(text.split("\n"), start=first_line):
        opened = fence_mark.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened.group(1)
            continue
        if line.startswith(("    ", "\t")):
            continue
        line = re.sub(r"(`+).+?\1", "", line)
        found += [(number, m.group(1)) for p in (inline, reference, html) for m in p.finditer(line)]
    return found


def test_links_read_in_one_pass_equal_links_read_line_by_line():
    pick = random.Random(5)
    texts = ["".join(pick.choice(LINK_PIECES) for _ in range(pick.randint(0, 60)))
             for _ in range(4000)]
    texts.append("a [x](one) b ![y](two)\n~~~\n[z](three)\n~~~\n[ref]: four\n")
    assert sum(1 for t in texts if _links_line_by_line(t, 1)) > 500
    for text in texts:
        every = _links_line_by_line(text, 4)
        assert list(markdown_links(text, 4)) == every, text
        # those with a scheme are left out, by a search that skips the rest when there is none
        assert list(internal_links(text, 4)) == [(n, t) for n, t in every
                                                 if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", t)]


@pytest.mark.parametrize("target, kept", [("https://example.org/", False), ("mailto:a@b.c", False),
                                          ("/about/", True), ("../x/", True), ("#top", True),
                                          ("//host/x", True), ("1x:y", True)])
def test_only_links_that_may_lead_into_the_site_are_kept(target, kept):
    assert bool(internal_links(f"a [link]({target}) here", 1)) == kept


def test_a_one_off_build_lets_the_parses_go_and_makes_no_rows_without_a_store(make_site, tmp_path):
    from rubricsite.pipeline import Builder
    from rubricsite.store import Store, cache_dir

    files = {f"content/exemplars/club-{n}.md": exemplar(title=f"Club {n}") for n in range(3)}
    root = make_site(files)
    once = Builder(root, tmp_path / "once", use_cache=False, again=False)
    assert not once.build(persist=False).errors  # not saved: the rows made would still be here
    assert once.parse.seen and all(parse is None for _digest, parse in once.parse.seen.values())
    assert once.parse.new == {}  # no store to save them in: no JSON was made

    kept = Builder(root, tmp_path / "kept", again=False)
    assert not kept.build().errors
    kept.close()
    rows = Store(cache_dir(root)).parsed()  # saved from the digests alone, for the next build
    assert {str(root / name) for name in files} <= set(rows)
    again = Builder(root, tmp_path / "again")
    assert not again.build().errors
    assert any(isinstance(parse, load.SourceFile) for _digest, parse in again.parse.seen.values())
    assert again.parse.new == {}  # every file came from the store's rows
    again.close()


def test_what_a_list_shows_of_an_exemplar_is_a_copy_made_after_its_parse(make_site):
    # a worker drawing a list reads these fields of every exemplar: made while the files were
    # read, among their parses' other objects, they lay spread over the build's memory
    root = make_site({p: t for p, t in _many(4).items() if p not in BROKEN})
    problems = Problems()
    sources = read_sources(root, problems, ParseCache())
    site = validate.to_site(sources, problems, None)
    assert not problems and len(site.exemplars) == 5
    parsed = {s.slug: s.meta.data for s in sources.exemplars}
    for made in site.exemplars.values():
        data = parsed[made.slug]
        for name in ("title", "summary", "region"):
            assert getattr(made, name) == data[name] and getattr(made, name) is not data[name]
        assert made.grades == tuple(data.get("grades", ())) and all(
            g is not d for g, d in zip(made.grades, data.get("grades", ()), strict=True))
    assert heap.fresh(("é", "b")) == ("é", "b") and heap.fresh(3) == 3
    assert heap.fresh("\ud800 x") == "\ud800 x"  # what YAML may hold, kept as it is
