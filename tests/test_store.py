"""The store kept between builds is data, not code: whatever is planted, damaged or foreign in
.cache/, a build either equals a clean one or is only slower (issue 9, item 3)."""

from __future__ import annotations

import json
import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import exemplar

from rubricsite.pipeline import build_site
from rubricsite.search_index import BUNDLE
from rubricsite.store import FILE_NAME, Store, cache_dir

STORY = "## What it shows\n\nA story with *emphasis* and a [link](https://example.org/).\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(make_site) -> Path:
    return make_site({"content/exemplars/reading-buddies.md": exemplar(
        title="Reading buddies", body=STORY, tags=["reading"])})


def _clean(root: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "clean"
    assert build_site(root, out, use_cache=False).ok
    return snapshot(out)


class _Payload:
    """Unpickling this would create a file: proof that a pickle ran."""

    def __init__(self, proof: Path) -> None:
        self.proof = proof

    def __reduce__(self):
        return (Path.write_text, (self.proof, "a cached pickle ran"))


def test_a_planted_pickle_is_never_loaded(site, tmp_path):
    proof = tmp_path / "proof.txt"
    cache = cache_dir(site)
    for rel in ("state.pickle", "manifest.pickle", "search/0123.pickle", "store.pickle"):
        (cache / rel).parent.mkdir(parents=True, exist_ok=True)
        (cache / rel).write_bytes(pickle.dumps(_Payload(proof)))
    assert build_site(site, tmp_path / "out").ok
    assert build_site(site, tmp_path / "out").ok
    assert not proof.exists()
    assert snapshot(tmp_path / "out") == _clean(site, tmp_path)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "foreign table", "trigger",
                                    "other version", "wrong types"])
def test_a_damaged_or_foreign_store_gives_the_clean_build(site, tmp_path, damage):
    out = tmp_path / "out"
    assert build_site(site, out).ok
    store = cache_dir(site) / FILE_NAME
    data = store.read_bytes()
    if damage == "garbage":
        store.write_bytes(b"\x00not a database at all" * 100)
    elif damage == "truncated":
        store.write_bytes(data[: len(data) // 3])
    elif damage == "empty":
        store.write_bytes(b"")
    else:
        with sqlite3.connect(store) as db:
            if damage == "foreign table":
                db.execute("CREATE TABLE extra (x)")
            elif damage == "trigger":
                db.execute("CREATE TRIGGER t AFTER INSERT ON pages BEGIN DELETE FROM markup; END")
            elif damage == "other version":
                db.execute("UPDATE meta SET value = '0 0.0' WHERE name = 'version'")
            else:
                db.execute("UPDATE pages SET fingerprint = 7")
                db.execute("UPDATE parsed SET data = '{\"data\": [1, 2'")
                db.execute("UPDATE meta SET value = '[]' WHERE name = 'build'")
        db.close()
    shutil.rmtree(out)
    report = build_site(site, out)
    assert report.ok
    assert snapshot(out) == _clean(site, tmp_path)
    assert build_site(site, out).changed == []  # and the store works again


def _craft_row(site: Path, change) -> None:
    with sqlite3.connect(cache_dir(site) / FILE_NAME) as db:
        (data,) = db.execute("SELECT data FROM parsed WHERE path LIKE '%reading-buddies.md'").fetchone()
        db.execute("UPDATE parsed SET data = ? WHERE path LIKE '%reading-buddies.md'",
                   (json.dumps(change(json.loads(data))),))
    db.close()


def test_a_crafted_parse_row_cannot_add_markup(site, tmp_path):
    out = tmp_path / "out"
    assert build_site(site, out).ok
    _craft_row(site, lambda row: {**row, "data": {**row["data"], "title": "<script>alert(1)</script>"
                                                  "<img src=x onerror=alert(1)>"}})
    shutil.rmtree(out)
    assert build_site(site, out).ok
    html = (out / "exemplars/reading-buddies/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html


def test_the_story_is_read_from_the_file_not_the_row(site, tmp_path):
    out = tmp_path / "out"
    assert build_site(site, out).ok
    store = Store(cache_dir(site))
    (row,) = [r for path, r in store.parsed().items() if path.endswith("reading-buddies.md")]
    store.close()
    assert "A story with" not in row[1]  # only its length: a row cannot change what a story says
    for length in (10**6, -1, "12", True):  # beyond the file, or not a length: the file is parsed
        _craft_row(site, lambda row, length=length: {**row, "body_length": length})
        shutil.rmtree(out)
        assert build_site(site, out).ok
        assert snapshot(out) == _clean(site, tmp_path)


def test_stored_search_files_never_leave_the_index_folder(site, tmp_path):
    out = tmp_path / "out"
    assert build_site(site, out).ok
    store = cache_dir(site) / FILE_NAME
    with sqlite3.connect(store) as db:
        for path in (f"{BUNDLE}/../../escaped.txt", "escaped.txt", f"{BUNDLE}/a/../../escaped.txt"):
            db.execute("INSERT INTO search VALUES (?, ?)", (path, b"x"))
    db.close()
    shutil.rmtree(out)
    assert build_site(site, out).ok
    assert not list(tmp_path.rglob("escaped.txt")) and not list(site.rglob("escaped.txt"))
    assert snapshot(out) == _clean(site, tmp_path)


def test_a_warm_build_takes_the_stored_search_index_a_file_at_a_time(site, tmp_path, monkeypatch):
    # a warm CI build: an empty output, the cache kept. The index is the store's, read one file
    # at a time (never the whole bundle at once), and it equals the one a clean build makes
    from rubricsite import search_index
    out = tmp_path / "out"
    assert build_site(site, out).ok
    shutil.rmtree(out)
    read = []
    search_file = Store.search_file
    monkeypatch.setattr(Store, "search_file", lambda self, path: read.append(path) or search_file(self, path))
    monkeypatch.setattr(search_index.Gathered, "finish", lambda *a: pytest.fail("the index was made again"))
    assert build_site(site, out).ok
    monkeypatch.undo()
    assert read == sorted(p for p in snapshot(out) if p.startswith(f"{BUNDLE}/")) and len(read) > 1
    assert snapshot(out) == _clean(site, tmp_path)


def test_a_stored_index_file_lost_midway_makes_the_index_anew(site, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert build_site(site, out).ok
    shutil.rmtree(out)
    search_file, read = Store.search_file, []

    def lost_second(self, path):  # staged the first, then the row is gone
        read.append(path)
        return None if len(read) == 2 else search_file(self, path)

    monkeypatch.setattr(Store, "search_file", lost_second)
    assert build_site(site, out).ok
    assert snapshot(out) == _clean(site, tmp_path)


def test_the_store_holds_plain_data_only(site, tmp_path):
    assert build_site(site, tmp_path / "out").ok
    files = sorted(p.relative_to(cache_dir(site)).as_posix()
                   for p in cache_dir(site).rglob("*") if p.is_file())
    assert files == [FILE_NAME]
    store = Store(cache_dir(site))
    (row,) = [r for path, r in store.parsed().items() if path.endswith("reading-buddies.md")]
    assert row[1].startswith("{")  # JSON text
    store.close()


@pytest.mark.parametrize("data", ["not json", "[1, 2]", '{"index.html": [1]}',
                                  '{"index.html": ["1", 2]}', '{"index.html": [1.5, 2]}', "7"])
def test_damaged_stats_are_a_miss_never_a_no_op(site, tmp_path, data):
    from rubricsite.unchanged import nothing_changed
    out = tmp_path / "out"
    assert build_site(site, out).ok
    assert nothing_changed(site, out, None) is not None  # the stats of the last build answer
    with sqlite3.connect(cache_dir(site) / FILE_NAME) as db:
        assert db.execute("SELECT count(*) FROM stats").fetchone() == (2,)  # a row of each kind
        db.execute("UPDATE stats SET data = ? WHERE kind = 'output'", (data,))
    db.close()
    assert nothing_changed(site, out, None) is None  # so the build looks at every file
    assert build_site(site, out).ok
    assert snapshot(out) == _clean(site, tmp_path)
    assert nothing_changed(site, out, None) is not None  # and the store works again


def test_a_page_file_changed_since_the_last_build_is_drawn_again(site, tmp_path):
    # the store's fingerprints say what the last build drew, not what the output holds now
    out = tmp_path / "out"
    assert build_site(site, out).ok
    (out / "index.html").write_text("edited by hand")
    (out / "exemplars/reading-buddies/index.html").unlink()
    (out / "exemplars/reading-buddies/index.html").write_bytes(b"replaced")
    report = build_site(site, out)
    assert report.ok
    assert snapshot(out) == _clean(site, tmp_path)
    assert build_site(site, out).changed == []
