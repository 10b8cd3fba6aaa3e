"""knowledge/schema.json: the editor's as-you-type check must agree with the loader.

The loader's field table (`bot.kb.loader.SECTIONS`) is the one source: the JSON Schema is
generated from it (`etoile-bot kb schema`), so VS Code and JetBrains flag the same
mistakes `etoile-bot kb check` reports.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from bot.kb.loader import (
    DATE_PATTERN,
    ID_PATTERN,
    OVERLAY_ONLY,
    SECTIONS,
    URL_PATTERN,
    FieldSpec,
    parse_document,
)
from bot.kb.schema import schema_text
from bot.kb.yamlread import read_yaml_text
from bot.settings import default_knowledge_dir
from tests.conftest import FIXTURES

KNOWLEDGE_DIR = default_knowledge_dir()
SCHEMA_PATH = KNOWLEDGE_DIR / "schema.json"
MODELINE = "# yaml-language-server: $schema=./schema.json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft7Validator:
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def _as_editor_sees(value: Any) -> Any:
    """Plain dicts and lists; PyYAML reads 2025-05-28 as a date, editors (YAML 1.2) as text."""
    if isinstance(value, dict):
        return {key: _as_editor_sees(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_editor_sees(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _schema_errors(validator: Draft7Validator, text: str) -> list[str]:
    # The bot's own reader (libyaml), not yaml.safe_load: pure-Python PyYAML refuses a
    # '?' inside a flow list (`[Who plays Jack?, ...]`), which libyaml and editors accept.
    data = _as_editor_sees(read_yaml_text(text, "x.yaml"))
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<top>'}: {error.message}"
        for error in validator.iter_errors(data)
    ]


def _knowledge_files() -> list[Path]:
    return sorted(KNOWLEDGE_DIR.glob("*.yaml")) + sorted((FIXTURES / "mini_kb").glob("*.yaml"))


# --- the schema itself ------------------------------------------------------------------


def test_the_schema_is_a_valid_draft_07_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"] and schema["title"]
    Draft7Validator.check_schema(schema)


def test_every_property_has_a_description(schema: dict[str, Any]) -> None:
    for section, section_schema in schema["properties"].items():
        assert section_schema.get("description"), section
        for name, field_schema in section_schema["items"].get("properties", {}).items():
            assert field_schema.get("description"), f"{section}.{name}"


# --- shipped and fixture knowledge validates ----------------------------------------------


@pytest.mark.parametrize("path", _knowledge_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_knowledge_files_validate_against_the_schema(
    validator: Draft7Validator, path: Path
) -> None:
    errors = _schema_errors(validator, path.read_text(encoding="utf-8"))
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", sorted(KNOWLEDGE_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_files_point_editors_at_the_schema(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.strip() == MODELINE


# --- broken documents: rejected by the schema AND by the loader ---------------------------

VALID_FACT = """\
facts:
  - id: cast-jack
    question: Who plays Jack?
    answer: Luke Kirby plays Jack McMillan.
    sources: [src-a]
"""

BROKEN = {
    "unknown field": VALID_FACT + "    answr: typo of answer\n",
    "missing answer": (
        "facts:\n  - id: cast-jack\n    question: Who plays Jack?\n    sources: [src-a]\n"
    ),
    "id with uppercase": VALID_FACT.replace("id: cast-jack", "id: Cast-Jack"),
    "bad date": 'sources:\n  - id: src-a\n    title: T\n    publisher: P\n    date: "2025-13-01"\n',
    "bad billing": "characters:\n  - id: jack-mcmillan\n    name: Jack\n    billing: star\n",
    "spoiler_episode not a number": VALID_FACT + "    spoiler_episode: eight\n",
    "spoiler_episode out of range": VALID_FACT + "    spoiler_episode: 1000\n",
    "empty sources list": VALID_FACT.replace("sources: [src-a]", "sources: []"),
    "answer too long": VALID_FACT.replace("Luke Kirby plays Jack McMillan.", "x" * 1001),
    "kind missing": "entities:\n  - id: mbt\n    name: Metropolitan Ballet Theater\n",
    "url without scheme": (
        "sources:\n  - id: src-a\n    title: T\n    publisher: P\n    url: www.example.org\n"
    ),
    "unknown section": "fact:\n  - id: x\n",
}


@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_broken_documents_are_rejected_by_schema_and_loader(
    validator: Draft7Validator, text: str
) -> None:
    assert _schema_errors(validator, text), "the schema accepted it"
    assert parse_document(text, "x.yaml").problems, "the loader accepted it"


ACCEPTED = {
    "valid fact": VALID_FACT,
    "lone string for a list": (
        VALID_FACT.replace("sources: [src-a]", "sources: src-a") + "    tags: cast\n"
    ),
    "full source": (
        "sources:\n  - id: src-a\n    title: T\n    publisher: P\n    author: A\n"
        '    date: "2025-05"\n    url: https://example.org/a\n'
    ),
    "episode": "episodes:\n  - number: 8\n    title: Finale\n    sources: [src-a]\n",
}


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_valid_documents_are_accepted_by_schema_and_loader(
    validator: Draft7Validator, text: str
) -> None:
    assert not _schema_errors(validator, text)
    assert not parse_document(text, "x.yaml").problems


def test_retired_is_allowed_for_guild_overlays(validator: Draft7Validator) -> None:
    text = "retired: [cast-jack, cast-cheyenne]\n"
    assert not _schema_errors(validator, text)
    assert not parse_document(text, "x.yaml", overlay=True).problems


# --- the schema and the loader's SECTIONS cannot drift apart ------------------------------


def test_sections_match_the_loader(schema: dict[str, Any]) -> None:
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(SECTIONS) | set(OVERLAY_ONLY)


@pytest.mark.parametrize("section", SECTIONS)
def test_fields_and_required_fields_match_the_loader(schema: dict[str, Any], section: str) -> None:
    item = schema["properties"][section]["items"]
    specs = SECTIONS[section]
    assert item["additionalProperties"] is False
    assert set(item["properties"]) == set(specs)
    assert set(item["required"]) == {name for name, spec in specs.items() if spec.required}


def _same_regex(schema_pattern: str, loader_pattern: re.Pattern[str]) -> bool:
    # The schema drops the needless escape in `\"`, which JavaScript's unicode regexes reject.
    return schema_pattern == loader_pattern.pattern.replace('\\"', '"')


def _check_scalar(kind: str, spec: FieldSpec, sub: dict[str, Any], where: str) -> None:
    if kind == "id":
        assert sub["type"] == "string" and _same_regex(sub["pattern"], ID_PATTERN), where
    elif kind == "text":
        assert sub["type"] == "string", where
        assert sub["maxLength"] == spec.max_chars, where
        assert sub["pattern"] == r"\S", where  # the loader refuses blank text
    elif kind == "date":
        assert sub["type"] == "string" and _same_regex(sub["pattern"], DATE_PATTERN), where
    elif kind == "url":
        assert sub["type"] == "string" and _same_regex(sub["pattern"], URL_PATTERN), where
        assert sub["maxLength"] == spec.max_chars, where
    elif kind == "choice":
        assert sub["enum"] == list(spec.choices), where
    elif kind == "int":
        assert (sub["type"], sub["minimum"], sub["maximum"]) == ("integer", 1, 999), where
    elif kind == "bool":
        assert sub["type"] == "boolean", where
    else:
        pytest.fail(f"{where}: the schema test does not know the loader's kind '{kind}'")


@pytest.mark.parametrize("section", SECTIONS)
def test_field_rules_match_the_loader(schema: dict[str, Any], section: str) -> None:
    properties = schema["properties"][section]["items"]["properties"]
    for name, spec in SECTIONS[section].items():
        sub, where = properties[name], f"{section}.{name}"
        if spec.kind in ("texts", "ids"):
            element_kind = "id" if spec.kind == "ids" else "text"
            array, single = sub["anyOf"]
            assert array["type"] == "array", where
            assert array.get("minItems", 0) == (1 if spec.required else 0), where
            for element in (array["items"], single):
                _check_scalar(element_kind, spec, element, where)
        else:
            _check_scalar(spec.kind, spec, sub, where)


def test_the_committed_schema_is_the_one_generated_from_the_loader() -> None:
    # Regenerate with: etoile-bot kb schema
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()
    assert json.loads(schema_text())["$schema"] == "http://json-schema.org/draft-07/schema#"
