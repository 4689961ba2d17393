"""The JSON Schema of exemplar front matter, generated from fields.py and the site's rubric.

Editors read it through the `# yaml-language-server: $schema=` line at the top of every exemplar, so
contributors get completion and errors as they type. The validator reads the same field specs, so
the two cannot drift apart; only the rubric's ids (themes, phases, standards) are added here.

The committed copy (with the issue form and CONTRIBUTING.md, also generated) is rewritten by
`rubricsite sync` (sync.py); `check` says when it is out of date.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from . import fields
from .fields import Field
from .model import Site

SCHEMA_PATH = Path("schema") / "exemplar.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"  # the draft editors' YAML plugins support best


def _field_schema(rule: Field) -> dict[str, object]:
    out: dict[str, object]
    if rule.kind == "string":
        out = {"type": "string"}
    elif rule.kind == "url":  # empty is allowed, as in validate._check_value
        out = {"type": "string", "pattern": r"^(https?://[^\s<>\"']+)?$"}
    elif rule.kind == "integer":
        out = {"type": "integer"}
    elif rule.kind == "date":
        out = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    elif rule.kind == "list":
        assert rule.items is not None
        out = {"type": "array", "items": _field_schema(rule.items)}
    elif rule.kind == "map":
        assert rule.items is not None
        out = {"type": "object", "additionalProperties": _field_schema(rule.items)}
    elif rule.kind == "object":
        out = _object_schema(rule.fields)
    else:  # a bug in fields.py, as in validate._check_value
        raise ValueError(f"unknown field kind {rule.kind}")
    if rule.required and rule.kind == "string":
        out.update(minLength=1, pattern=r"\S")  # `check`: "'title' is empty"
    elif not rule.required:
        # an optional key left empty (`year:`) counts as absent, as in `check`
        out["type"] = [out["type"], "null"]
    out = {"description": rule.description, **out}
    if rule.example is not None:
        out["examples"] = [rule.example]
    return out


def _object_schema(spec: Mapping[str, Field]) -> dict[str, object]:
    out: dict[str, object] = {
        "type": "object",
        "properties": {key: _field_schema(rule) for key, rule in spec.items()},
        "additionalProperties": False,  # unknown keys are errors in `check` too
    }
    required = [key for key, rule in spec.items() if rule.required]
    if required:
        out["required"] = required
    return out


def _with_enum(schema: dict, choices: list[str]) -> None:
    """Limit a string property to the rubric's ids, keeping its description."""
    schema["enum"] = choices


def exemplar_schema(site: Site) -> dict[str, object]:
    """The schema as a dict: fields.EXEMPLAR, with this site's theme, phase and standard ids."""
    schema = _object_schema(fields.EXEMPLAR)
    props = schema["properties"]
    cell_props = props["cells"]["items"]["properties"]  # type: ignore[index]
    # a theme may be given by id or letter, the letter in either case (as validate._theme_id)
    themes = list(dict.fromkeys(
        name for s in site.standards for t in s.themes
        for name in (t.id, t.code.upper(), t.code.lower())))
    levels = [lv.id for lv in site.statement_levels]
    for where in (props, cell_props):
        _with_enum(where["theme"], themes)
        _with_enum(where["level"], levels)
    _with_enum(props["standard"], [s.id for s in site.standards])
    required = list(schema["required"])  # type: ignore[arg-type]
    if len(site.standards) > 1:
        required.insert(1, "standard")
    return {
        "$schema": DRAFT,
        "title": "Exemplar front matter",
        "description": "The fields between the '---' lines at the top of content/exemplars/<slug>.md. "
                       "Generated from rubricsite/fields.py and the rubric: do not edit by hand.",
        **schema,
        "required": required,
        # one cell as theme + level, or several as cells, never both (as validate._exemplar_cells)
        "oneOf": [
            {"required": ["theme", "level"], "not": {"required": ["cells"]}},
            {"required": ["cells"], "not": {"anyOf": [{"required": ["theme"]},
                                                      {"required": ["level"]}]}},
        ],
    }


def schema_json(site: Site) -> bytes:
    """The schema file's bytes: stable key order, so a regenerated copy diffs cleanly."""
    return (json.dumps(exemplar_schema(site), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
