"""Unit tests of small stages: addresses (urls.py), citations (render.citation), and the line
marks YAML parsing keeps (load.parse_yaml), each without building a site."""

from __future__ import annotations

import ast
from pathlib import Path

import jinja2
import pytest
from conftest import exemplar

from rubricsite import render, urls
from rubricsite.errors import ContentError
from rubricsite.load import parse_yaml, split_front_matter
from rubricsite.markup import MarkupCache
from rubricsite.model import CellKey, Resource
from rubricsite.render import citation
from rubricsite.store import Store

# --- urls -----------------------------------------------------------------------------------------


def test_every_page_has_a_directory_url_and_an_index_file():
    key = CellKey("collaborative-engagement", "vision-for-learning", "established")
    assert urls.cell(key) == "/collaborative-engagement/vision-for-learning/established/"
    assert urls.theme(key.standard, key.theme) == "/collaborative-engagement/vision-for-learning/"
    assert urls.standard(key.standard) == "/collaborative-engagement/"
    assert urls.exemplar("maker-night") == "/exemplars/maker-night/"
    assert urls.tag("student-voice") == "/tags/student-voice/"
    assert urls.content_page("about") == "/about/"
    assert urls.output_path(urls.cell(key)) == \
        "collaborative-engagement/vision-for-learning/established/index.html"
    assert urls.output_path(urls.HOME) == "index.html"
    assert urls.output_path(urls.NOT_FOUND) == "404.html"
    assert urls.output_path(urls.asset("js/grid.js")) == "assets/js/grid.js"
    assert urls.output_path(urls.search_file("index.json")) == "search-index/index.json"
    assert urls.site_file("assets/logo.svg") == "/assets/logo.svg"
    assert urls.site_relative(urls.exemplar("x")) == "exemplars/x/"


@pytest.mark.parametrize(("target", "source", "link"), [
    ("/", "/", "./"),
    ("/exemplars/", "/", "exemplars/"),
    ("/", "/exemplars/x/", "../../"),
    ("/exemplars/y/", "/exemplars/x/", "../y/"),
    ("/exemplars/x/", "/exemplars/x/", "./"),
    ("/assets/site.css", "/a/b/c/", "../../../assets/site.css"),
    ("/a/#grid", "/b/", "../a/#grid"),
    ("#main", "/a/", "#main"),
    ("/feed.xml", "/404.html", "feed.xml"),
])
def test_relative_links_need_no_prefix(target, source, link):
    assert urls.relative_url(target, source) == link


def test_relative_links_resolve_to_the_target_under_any_prefix():
    import posixpath

    for prefix in ("/", "/llc/", "/district/site/"):
        for target, source in (("/a/b/", "/c/"), ("/", "/x/y/z/"), ("/feed.xml", "/t/")):
            here = prefix + source.lstrip("/")
            joined = posixpath.normpath(posixpath.join(here, urls.relative_url(target, source)))
            assert joined.rstrip("/") == (prefix + target.lstrip("/")).rstrip("/")


def test_absolute_urls_only_with_a_base():
    assert urls.absolute_url("/feed.xml", "https://example.org/llc/") == \
        "https://example.org/llc/feed.xml"
    assert urls.absolute_url("/feed.xml", "") == "/feed.xml"


# --- citations --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("resource", "text"), [
    (Resource("Leading Learning", "Canadian Library Association", 2014, "https://example.org/ll",
              "PDF"),
     'Canadian Library Association. (2014). <cite>Leading Learning</cite> [PDF]. '
     '<a href="https://example.org/ll">https://example.org/ll</a>'),
    (Resource("Why libraries?", "Doe, J."), "Doe, J. (n.d.). <cite>Why libraries?</cite>"),
    (Resource("A report", year=2020, kind="blog post"),
     "<cite>A report</cite> [Blog post]. (2020)."),
    (Resource("Plain"), "<cite>Plain</cite>. (n.d.)."),
    (Resource("<b>Bold</b> & co", "A <i>person</i>"),
     "A &lt;i&gt;person&lt;/i&gt;. (n.d.). <cite>&lt;b&gt;Bold&lt;/b&gt; &amp; co</cite>."),
])
def test_citations_are_apa_shaped_and_escaped(resource, text):
    assert str(citation(resource)) == text


# --- YAML line marks ----------------------------------------------------------------------------


def test_templates_call_every_kind_of_callable_as_jinja_does(tmp_path):
    # the quicker call for plain functions must still hand the context to those that ask for it
    class Counter:
        def __call__(self, x):
            return x + 1

    def stops():
        raise StopIteration

    env = render.make_environment(tmp_path, MarkupCache(Store(None)))
    assert env.context_class is not jinja2.runtime.Context
    env.globals.update(
        plain=lambda x: x * 2, method="a-b".split, counter=Counter(), stops=stops,
        asks=jinja2.pass_context(lambda context, x: f"{context['who']} {x}"),
        asks_env=jinja2.pass_environment(lambda environment, x: environment is env and x))
    template = env.from_string(
        "{% macro m(x) %}[{{ x }}]{% endmacro %}{{ plain(2) }} {{ method('-')|join(',') }} {{ counter(1) }}"
        " {{ asks(3) }} {{ asks_env(4) }} {{ m(5) }} {{ stops() is undefined }}"
        " {% for i in [1] %}{{ asks(i) }}{% endfor %}")
    assert template.render(who="me") == "4 a,b 2 me 3 4 [5] True me 1"


def test_every_key_and_item_keeps_its_line():
    text = ("title: A\n"
            "cells:\n"
            "  - theme: vision\n"
            "    level: emerging\n"
            "  - {theme: design, level: leading}\n"
            "resources:\n"
            "  - title: R\n"
            "    url: https://example.org/\n")
    doc = parse_yaml(Path("x.md"), text, first_line=2)
    assert doc.line_of("title") == 2
    assert doc.line_of("cells", 0, "level") == 5
    assert doc.line_of("cells", 1, "theme") == 6
    assert doc.line_of("resources", 0, "url") == 9
    assert doc.line_of("resources", 0, "missing") == 8  # the deepest known key on the path
    assert doc.line_of("nothing") == 2  # the document's first line


def test_front_matter_lines_count_from_the_file_and_the_body_line_follows():
    text = "---\ntitle: A\nsummary: B\n---\n\nThe story.\n"
    meta, body, body_line, _ = split_front_matter(Path("x.md"), text)
    assert meta.line_of("summary") == 3
    assert body_line == 5 and body.strip() == "The story."


def test_broken_yaml_names_its_line():
    with pytest.raises(ContentError) as raised:
        parse_yaml(Path("x.yaml"), "a: 1\nb: [2\nc: 3\n")
    assert raised.value.line in (2, 3, 4)
    with pytest.raises(ContentError) as twice:
        parse_yaml(Path("x.yaml"), "a: 1\nb: 2\na: 3\n")
    assert twice.value.line == 3


# --- the README's module map ---------------------------------------------------------------------


def test_the_readme_module_map_lists_every_module_and_no_other():
    from conftest import PROJECT

    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## How it works", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    listed = {line.split()[0] for line in block.splitlines() if line[:1].isalpha()}
    modules = {p.name for p in (PROJECT / "rubricsite").glob("*.py") if p.name != "__init__.py"}
    assert listed == modules


def _engine_modules():
    from conftest import PROJECT

    return {p.stem: ast.parse(p.read_text(encoding="utf-8"))
            for p in (PROJECT / "rubricsite").glob("*.py")}


def _engine_imports(tree, modules):
    """The engine's modules that the imports in a module's tree name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rubricsite."):
            names = [node.module.split(".")[1]]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".")[1] for a in node.names if a.name.startswith("rubricsite.")]
        else:
            continue
        yield from (name for name in names if name in modules)


def test_no_import_cycle_between_the_engines_modules_even_through_a_deferred_import():
    modules = _engine_modules()
    graph = {name: set(_engine_imports(tree, modules))
             for name, tree in modules.items()}
    done, on_path = set(), []

    def visit(name):
        assert name not in on_path, " -> ".join([*on_path[on_path.index(name):], name])
        if name not in done:
            on_path.append(name)
            for dep in sorted(graph[name]):
                visit(dep)
            on_path.pop()
            done.add(name)

    for name in sorted(graph):
        visit(name)


def test_imports_are_deferred_only_where_the_no_op_rebuild_needs_it():
    # cli answers a rebuild with nothing changed before the engine loads; anywhere else an
    # import inside a function guards no cycle (the test above) and hides what a module needs
    modules = _engine_modules()
    deferred = set()
    for name, tree in modules.items():
        for function in ast.walk(tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                deferred |= {(name, dep) for dep in _engine_imports(function, modules)}
    assert {name for name, _dep in deferred} <= {"cli"}, sorted(deferred)


def test_no_engine_function_is_longer_than_sixty_lines():
    long = [f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lines"
            for name, tree in _engine_modules().items() for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > 60]
    assert not long


# --- parallel.py: the fork-map every stage uses ---------------------------------------------------

def _pids_and_items(chunk):
    import os
    return os.getpid(), list(chunk)


def test_chunked_work_comes_back_in_order_from_other_processes(monkeypatch):
    import os

    from rubricsite import parallel
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    items = list(range(1000))
    results = list(parallel.chunked(_pids_and_items, items, serial_below=10, smallest=25))
    assert [i for _pid, chunk in results for i in chunk] == items
    assert len(results) > 2 and {pid for pid, _chunk in results} - {os.getpid()}
    assert os.getpid() not in {pid for pid, _chunk in results}


def test_chunked_bounds_chunk_sizes(monkeypatch):
    from rubricsite import parallel
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "LARGEST", 40)
    results = list(parallel.chunked(_pids_and_items, list(range(1000)), serial_below=10))
    assert max(len(chunk) for _pid, chunk in results) == 40 and len(results) == 25
    # a job whose workers touch only their own chunk takes larger ones
    light = list(parallel.chunked(_pids_and_items, list(range(1000)), serial_below=10,
                                  largest=100))
    assert max(len(chunk) for _pid, chunk in light) == 100


def _holding(chunk):  # a worker that keeps what it made, as a render worker keeps its Markdown
    import os
    _held.append(b"\1" * 3 * 2**20)  # written: pages of its own
    return os.getpid(), list(chunk)


_held: list = []


def test_a_worker_takes_chunks_until_it_holds_its_share_of_memory(monkeypatch):
    # a fork for every chunk paid the fork and the copying of the same memory again each time;
    # a worker that lived through the job kept a copy of all it ever touched
    from rubricsite import parallel
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "LARGEST", 40)
    assert parallel._private_memory() > 0  # Linux says what a process holds alone
    monkeypatch.setattr(parallel, "WORKER_MEMORY", 2**40)
    light = list(parallel.chunked(_pids_and_items, list(range(1000)), serial_below=10))
    assert [i for _pid, chunk in light for i in chunk] == list(range(1000))
    assert len({pid for pid, _chunk in light}) == 2  # two workers drew all 25 chunks
    monkeypatch.setattr(parallel, "WORKER_MEMORY", 8 * 2**20)
    heavy = list(parallel.chunked(_holding, list(range(1000)), serial_below=10))
    assert [i for _pid, chunk in heavy for i in chunk] == list(range(1000))
    per_worker = [sum(pid == p for p, _chunk in heavy) for pid in {p for p, _chunk in heavy}]
    assert 1 < max(per_worker) <= 4 and len(per_worker) >= 25 / 4
    monkeypatch.setattr(parallel, "WORKER_MEMORY", 0)  # each chunk in a fresh worker
    fresh = list(parallel.chunked(_pids_and_items, list(range(1000)), serial_below=10))
    assert len({pid for pid, _chunk in fresh}) == len(fresh) == 25


def test_a_job_given_up_early_leaves_no_worker(monkeypatch):
    import multiprocessing

    from rubricsite import parallel
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "LARGEST", 10)
    results = parallel.chunked(_pids_and_items, list(range(200)), serial_below=10)
    next(results), next(results), next(results)
    results.close()
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("serial", [False, True], ids=["forked", "serial"])
def test_work_meanwhile_runs_once_here_while_the_first_workers_draw(monkeypatch, serial):
    # the build compiles its templates there instead of waiting for the readers
    import multiprocessing
    import os

    from rubricsite import parallel
    monkeypatch.setattr(parallel, "workers", lambda: 1 if serial else 2)
    ran, seen = multiprocessing.get_context("fork").Event(), []

    def meanwhile():
        seen.append((os.getpid(), len(multiprocessing.active_children())))
        ran.set()

    def work(chunk):  # the workers wait for it: it must run while they draw, not after
        return ran.wait(10), list(chunk)

    results = parallel.chunked(work, list(range(500)), serial_below=10,
                               meanwhile=parallel.one_step(meanwhile))
    assert seen == []  # nothing runs before the job is asked for its first result
    chunks = list(results)
    assert [i for _ran, chunk in chunks for i in chunk] == list(range(500))
    assert all(ran_first for ran_first, _chunk in chunks)
    assert seen == [(os.getpid(), 0 if serial else 2)]


@pytest.mark.parametrize("serial", [False, True], ids=["forked", "serial"])
def test_work_meanwhile_is_taken_a_step_at_a_time_and_all_of_it(monkeypatch, serial):
    # a warm build copies the stored search index a file a step while its workers draw: every
    # step is taken, here, and (forked) between the workers' results, not all before the first
    import multiprocessing
    import os
    import time

    from rubricsite import parallel
    monkeypatch.setattr(parallel, "workers", lambda: 1 if serial else 2)
    monkeypatch.setattr(parallel, "LARGEST", 20)
    events = []

    def steps():
        for number in range(40):
            events.append(("step", number, os.getpid(), len(multiprocessing.active_children())))
            time.sleep(0.005)  # 40 steps outlast the first chunks: results come between them
            yield

    def work(chunk):
        time.sleep(0.01)
        return list(chunk)

    results = []
    for chunk in parallel.chunked(work, list(range(300)), serial_below=10, meanwhile=steps()):
        events.append(("result", chunk[0], os.getpid(), 0))
        results.extend(chunk)
    assert results == list(range(300))
    taken = [e for e in events if e[0] == "step"]
    assert [e[1] for e in taken] == list(range(40)) and {e[2] for e in taken} == {os.getpid()}
    kinds = [e[0] for e in events]
    if serial:
        assert kinds == ["step"] * 40 + ["result"]
    else:
        assert all(e[3] > 0 for e in taken[:5])  # the first steps while workers draw
        assert kinds.index("result") < len(kinds) - kinds[::-1].index("step")  # interleaved


def test_chunks_start_large_and_taper_so_no_core_waits_long_at_the_end():
    from rubricsite import parallel
    sizes = [end - start for start, end in parallel._bounds(range(1062), 2, 50, 150, None)]
    assert sum(sizes) == 1062 and sizes == sorted(sizes, reverse=True)
    assert sizes[0] == 150 and sizes[-1] <= 50 and len(sizes) < 1062 / 50 / 1.5
    # costly items (a tag page lists many exemplars) get chunks of their own worth
    costs = [1.0] * 100 + [30.0] * 6 + [1.0] * 100
    bounds = parallel._bounds(range(len(costs)), 2, 10, 150, costs.__getitem__)
    holding = {n for n, (start, end) in enumerate(bounds) for i in range(start, end) if costs[i] > 1}
    assert len(holding) >= 4  # not one chunk of 180 pages' worth at the end of the render
    assert [i for b in bounds for i in range(*b)] == list(range(len(costs)))


def _fail_on_seven(chunk):
    if 7 in chunk:
        raise OSError(28, "No space left on device")
    return list(chunk)


def _die_on_seven(chunk):
    import os
    if 7 in chunk:
        os._exit(9)  # as the kernel's out-of-memory killer would leave it: no answer at all
    return list(chunk)


@pytest.mark.parametrize(("work", "error"), [(_fail_on_seven, OSError),
                                             (_die_on_seven, ChildProcessError)])
def test_a_worker_that_fails_stops_the_job_with_its_error_and_leaves_no_worker(
        monkeypatch, work, error):
    import multiprocessing

    from rubricsite import parallel
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "LARGEST", 5)
    with pytest.raises(error):
        list(parallel.chunked(work, list(range(100)), serial_below=10))
    assert multiprocessing.active_children() == []


def test_every_worker_is_forked_from_the_thread_that_asked(monkeypatch):
    # a pool that replaces its workers forks from a thread of its own, at any moment: a fork
    # made while the build's thread was inside SQLite left the child waiting on SQLite's lock
    import os
    import threading

    from rubricsite import parallel
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "LARGEST", 10)
    forked_on, real_fork = [], os.fork

    def fork():
        forked_on.append(threading.get_ident())
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    results = list(parallel.chunked(_pids_and_items, list(range(100)), serial_below=10))
    assert len(results) == 10
    assert forked_on and set(forked_on) == {threading.get_ident()}


def test_chunked_work_below_the_threshold_stays_in_this_process():
    import os

    from rubricsite import parallel
    results = list(parallel.chunked(_pids_and_items, list(range(9)), serial_below=10))
    assert results == [(os.getpid(), list(range(9)))]
    assert list(parallel.chunked(_pids_and_items, [], serial_below=0)) == []


def test_chunked_cuts_a_run_of_costly_items_into_more_chunks(monkeypatch):
    # costly items at the end of the order must not all land in the last worker's chunk
    from rubricsite import parallel
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    items = [1] * 400 + [20] * 20
    results = list(parallel.chunked(_pids_and_items, items, serial_below=10, weight=float))
    assert [i for _pid, chunk in results for i in chunk] == items
    costly = [chunk for _pid, chunk in results if 20 in chunk]
    size = max(len(chunk) for _pid, chunk in results)
    assert len(costly) > 1 and all(sum(chunk) <= size + 20 for chunk in costly)


# --- post.py -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("files", [
    {},  # no exemplar but the fixture's own
    {"content/exemplars/nested.md": None},
    {"content/exemplars/ecole.md": exemplar(title="École \"ouverte\" – ça", tags=["a", "b"],
                                             region="Québec", grades=["K", "1"])},
])
def test_exemplars_json_made_record_by_record_holds_the_whole_list_one_exemplar_a_line(
        make_site, files):
    import json

    from rubricsite import post
    from rubricsite.pipeline import check_site
    root = make_site({k: v for k, v in files.items() if v is not None})
    if files and all(v is None for v in files.values()):
        for path in (root / "content/exemplars").glob("*.md"):
            path.unlink()
    site, problems = check_site(root)
    assert site is not None, problems
    whole = [post._exemplar_record(site, e) for e in site.exemplars.values()]
    data = post.exemplars_json(site)
    assert json.loads(data) == whole
    lines = data.decode().splitlines()
    if whole:  # one exemplar a line, between the list's brackets
        assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(whole) + 2
        assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == whole
    else:
        assert data == b"[]\n"
