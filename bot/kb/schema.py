"""The JSON Schema of a knowledge file, generated from the loader's field table.

Editors (VS Code's YAML extension, JetBrains) use it to flag mistakes as you type; it is
written to knowledge/schema.json by `etoile-bot kb schema`, and a test fails when the
committed file is stale, so the editor and `kb check` never disagree. Draft-07, which
the VS Code YAML extension supports.
"""

from __future__ import annotations

import json
from typing import Any

from bot.kb.loader import (
    DATE_PATTERN,
    ID_PATTERN,
    SECTION_DESCRIPTIONS,
    SECTIONS,
    URL_PATTERN,
    FieldSpec,
)

DRAFT = "http://json-schema.org/draft-07/schema#"
ID_MESSAGE = (
    "Use lowercase letters, digits and dashes only (no spaces, no capitals), starting "
    "with a letter or digit; at most 64 characters."
)


def _pattern(regex: str) -> str:
    # JavaScript's unicode regexes (the editor's) refuse the needless escape in `\"`.
    return regex.replace('\\"', '"')


def _scalar(spec: FieldSpec) -> dict[str, Any]:
    """The schema of one value of a field (one item, for the list kinds)."""
    if spec.kind in ("id", "ids"):
        return {
            "type": "string",
            "pattern": _pattern(ID_PATTERN.pattern),
            "patternErrorMessage": ID_MESSAGE,
        }
    if spec.kind in ("text", "texts"):
        return {
            "type": "string",
            "maxLength": spec.max_chars,
            "pattern": "\\S",
            "patternErrorMessage": "Must not be empty.",
        }
    if spec.kind == "date":
        return {
            "type": "string",
            "pattern": _pattern(DATE_PATTERN.pattern),
            "patternErrorMessage": 'Write the date in quotes as "YYYY", "YYYY-MM" or "YYYY-MM-DD".',
        }
    if spec.kind == "url":
        return {
            "type": "string",
            "maxLength": spec.max_chars,
            "pattern": _pattern(URL_PATTERN.pattern),
            "patternErrorMessage": "Must be a web address starting with http:// or https://, without spaces.",
        }
    if spec.kind == "choice":
        return {"type": "string", "enum": list(spec.choices)}
    if spec.kind == "int":
        return {"type": "integer", "minimum": 1, "maximum": 999}
    if spec.kind == "bool":
        return {"type": "boolean"}
    raise ValueError(f"no schema for field kind {spec.kind!r}")


def _field(spec: FieldSpec) -> dict[str, Any]:
    item = _scalar(spec)
    if spec.kind in ("texts", "ids"):  # a list, or one value written alone
        array: dict[str, Any] = {"type": "array", "items": item}
        if spec.required:
            array["minItems"] = 1  # a required list must not be empty
        return {"description": spec.description, "anyOf": [array, item]}
    return {"description": spec.description, **item}


def knowledge_schema() -> dict[str, Any]:
    """The whole schema, as a JSON-ready dict."""
    properties: dict[str, Any] = {
        section: {
            "description": SECTION_DESCRIPTIONS[section],
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [name for name, spec in fields.items() if spec.required],
                "properties": {name: _field(spec) for name, spec in fields.items()},
            },
        }
        for section, fields in SECTIONS.items()
    }
    properties["retired"] = {
        "description": SECTION_DESCRIPTIONS["retired"],
        "type": "array",
        "items": {
            "description": "Id of a shared fact to switch off.",
            **_scalar(SECTIONS["facts"]["id"]),
        },
    }
    return {
        "$schema": DRAFT,
        "$id": "urn:etoile-bot:knowledge-schema",
        "title": "Étoile bot knowledge file",
        "description": (
            "One file of the Étoile bot's knowledge base (see knowledge/README.md). "
            "Check a whole folder with: etoile-bot kb check knowledge/"
        ),
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }


def schema_text() -> str:
    """knowledge/schema.json as it must be committed."""
    return json.dumps(knowledge_schema(), ensure_ascii=False, indent=2) + "\n"
