"""The browser's search engine (assets/js/search-engine.js) run by Node on a built index: it folds
and stems words as search_index.py does, needs every word, ranks and cuts snippets from sentences."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import exemplar

from rubricsite import search_index

ENGINE = Path(search_index.__file__).parent / "assets" / "js" / "search-engine.js"
WORDS = ["Québec's", "LIBRARIES", "classes", "boxes", "K-3", "its", "bus", "analysis", "Partnerships",
         "co-teaching", "naïve", "Œuvre", "ﬁle", "straße", "İstanbul", "x_y", "2019's", "Ĳssel"]

# reads the index from disk in place of fetch, then prints what the page would get
RUNNER = """
import { readFile } from "node:fs/promises";
const [engineUrl, indexDir, request] = process.argv.slice(2);
globalThis.fetch = async (url) => {
  try {
    const text = await readFile(new URL(url).pathname, "utf8");
    return { ok: true, json: async () => JSON.parse(text) };
  } catch { return { ok: false, status: 404 }; }
};
const engine = await import(engineUrl);
const { words, queries } = JSON.parse(request);
await engine.options({ index: `file://${indexDir}/`, baseUrl: "/prefix/", excerptLength: 12 });
const answers = {};
for (const q of queries) {
  const found = await engine.search(q);
  answers[q] = await Promise.all(found.results.map((r) => r.data()));
}
console.log(JSON.stringify({ terms: words.map((w) => engine.terms(w)), answers }));
"""


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") or os.environ.get("RUBRICSITE_REQUIRE_BROWSER"):
            pytest.fail("node is needed to run the search engine's tests")
        pytest.skip("needs node")
    return node


def _ask(tmp_path: Path, output: Path, queries: list[str]) -> dict:
    runner = tmp_path / "runner.mjs"
    runner.write_text(RUNNER, encoding="utf-8")
    request = json.dumps({"words": WORDS, "queries": queries})
    done = subprocess.run([_node(), str(runner), ENGINE.as_uri(), str(output / "search-index"), request],
                          capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)


@pytest.fixture
def searched(make_site, build, tmp_path):
    root = make_site({
        "content/exemplars/maker-night.md": exemplar(
            title="Maker night", theme="design", level="leading", region="Nova Scotia",
            tags=["Robotics"],
            body="Families build robots together. The library stays open late for reading.\n"),
        "content/exemplars/reading-buddies.md": exemplar(
            title="Reading buddies", region="Ontario",
            body="Older students read with younger ones. Robots appear once.\n"),
    })
    return build(root)


def test_python_and_javascript_make_the_same_words(searched, tmp_path):
    answer = _ask(tmp_path, searched, [])
    assert answer["terms"] == [search_index.terms(w) for w in WORDS]


def test_every_word_must_match_and_the_title_ranks_first(searched, tmp_path):
    answers = _ask(tmp_path, searched, ["robot", "robots nova", "maker", "zzz", "nova scotia robots x",
                                        "reading"])
    assert {r["meta"]["title"] for r in answers["answers"]["robot"]} == {"Maker night", "Reading buddies"}
    assert [r["meta"]["title"] for r in answers["answers"]["reading"]] == ["Reading buddies", "Maker night"]
    assert [r["url"] for r in answers["answers"]["robots nova"]] == ["/prefix/exemplars/maker-night/"]
    assert answers["answers"]["maker"][0]["meta"] == {"title": "Maker night", "type": "exemplar",
                                                      "code": "B4"}
    assert answers["answers"]["zzz"] == []
    assert answers["answers"]["nova scotia robots x"] == []


def test_a_snippet_is_the_sentence_holding_the_words_with_them_marked(searched, tmp_path):
    answers = _ask(tmp_path, searched, ["library open", "fami"])
    (hit,) = answers["answers"]["library open"]
    assert hit["excerpt"] == "The <mark>library</mark> stays <mark>open</mark> late for reading."
    assert answers["answers"]["fami"][0]["excerpt"] == "<mark>Families</mark> build robots together."
