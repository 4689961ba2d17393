"""The exemplar JSON Schema: generated from fields.py, committed, published, and true to `check`."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import LEADING, exemplar

from rubricsite.load import read_text, split_front_matter
from rubricsite.pipeline import check_site
from rubricsite.scaffold import SCHEMA_COMMENT, new_exemplar, rubric_site
from rubricsite.schema import exemplar_schema, schema_json

SHIPPED = sorted((LEADING / "content/exemplars").glob("*.md"))


def _front_matter(path: Path) -> object:
    # read as the site reads it (dates stay text), which is also how editors' YAML plugins see it
    return split_front_matter(path, read_text(path))[0].data


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(schema_json(rubric_site(LEADING)[0]))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_every_field_of_the_validator_is_in_the_schema():
    from rubricsite import fields

    site = rubric_site(LEADING)[0]
    schema = exemplar_schema(site)
    assert list(schema["properties"]) == list(fields.EXEMPLAR)
    assert schema["required"] == [k for k, f in fields.EXEMPLAR.items() if f.required]
    resource = schema["properties"]["resources"]["items"]
    assert list(resource["properties"]) == list(fields.RESOURCE.fields)
    assert schema["properties"]["level"]["enum"] == ["emerging", "evolving", "established", "leading"]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_exemplar_matches_the_schema(validator, path):
    assert read_text(path).split("\n")[1] == SCHEMA_COMMENT
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(_front_matter(path))]
    assert errors == []


def test_a_new_file_matches_the_schema(make_site, tmp_path):
    root = make_site()
    path, _ = new_exemplar(root, "A", "leading", "Fresh one")
    schema = exemplar_schema(rubric_site(root)[0])
    assert list(jsonschema.Draft7Validator(schema).iter_errors(_front_matter(path))) == []


# what `check` rejects, the schema rejects too (so editors flag it as people type)
REJECTED = {
    "unknown key": dict(colour="red"),
    "unknown level": dict(level="establised"),
    "unknown theme": dict(theme="vison"),
    "missing summary": dict(summary=None),
    "empty title": dict(title=" "),
    "tags not a list": dict(tags="reading"),
    "javascript url": dict(resources=[{"title": "t", "url": "javascript:alert(1)"}]),
    "resource without title": dict(resources=[{"url": "https://example.org"}]),
    "year not a number": dict(resources=[{"title": "t", "year": "2020s"}]),
    "bad date": dict(date="28/11/2026"),
    "cells and theme": dict(cells=[{"theme": "A", "level": "leading"}]),
    "no cell": dict(theme=None, level=None),
}


@pytest.mark.parametrize("change", REJECTED.values(), ids=REJECTED.keys())
def test_schema_and_check_reject_the_same_mistakes(make_site, change):
    root = make_site({"content/exemplars/bad.md": exemplar(**change)})
    _, errors = check_site(root)
    assert errors, "check accepts it"
    schema = exemplar_schema(rubric_site(root)[0])
    assert list(jsonschema.Draft7Validator(schema).iter_errors(
        _front_matter(root / "content/exemplars/bad.md"))), "the schema accepts it"


def test_several_cells_and_letters_are_accepted(make_site):
    root = make_site({"content/exemplars/two.md": exemplar(
        theme=None, level=None, cells=[{"theme": "a", "level": "leading"},
                                       {"theme": "design", "level": "emerging"}])})
    assert check_site(root)[1] == []
    schema = exemplar_schema(rubric_site(root)[0])
    assert list(jsonschema.Draft7Validator(schema).iter_errors(
        _front_matter(root / "content/exemplars/two.md"))) == []


def test_the_build_publishes_the_schema(make_site, build):
    root = make_site()
    out = build(root)
    assert (out / "data/exemplar.schema.json").read_bytes() == schema_json(rubric_site(root)[0])
