"""The knowledge base back in its file format, from the one field table of the loader.

`kb export --format yaml` is a knowledge folder of one file: `kb check` passes on it and
loading it gives the same knowledge (tests keep both true). The JSON export is the same
data plus what other tools want ready-made (every phrasing, spoiler flags, empty fields).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import yaml

from bot.kb.loader import SECTIONS, Document
from bot.kb.model import Fact, KnowledgeBase, Source

Record = dict[str, Any]


def record_of(section: str, item: Any) -> Record:
    """One record in the file format: the section's fields, unset or default ones left out."""
    defaults = {
        f.name: f.default for f in dataclasses.fields(item) if f.default is not dataclasses.MISSING
    }
    record: Record = {}
    for name in SECTIONS[section]:
        value = getattr(item, name)
        if value is None or value == () or (name in defaults and value == defaults[name]):
            continue
        record[name] = list(value) if isinstance(value, tuple) else value
    return record


def fact_record(fact: Fact) -> Record:
    """A fact in the file format, ready for YAML."""
    return record_of("facts", fact)


def source_record(source: Source) -> Record:
    """A source in the file format, ready for YAML."""
    return record_of("sources", source)


def export_data(kb: KnowledgeBase) -> dict[str, list[Record]]:
    """Every section of the knowledge base, in the order of the file format."""
    records: dict[str, Any] = {
        "sources": kb.sources,
        "people": kb.people,
        "characters": kb.characters,
        "entities": kb.entities,
        "episodes": kb.episodes,
        "facts": kb.facts,
        "quotes": kb.quotes,
    }
    return {
        section: [record_of(section, item) for item in records[section].values()]
        for section in SECTIONS
    }


def document_data(document: Document) -> dict[str, Any]:
    """A guild overlay document back in the file format, for rewriting it."""
    return {
        "sources": [source_record(s) for s, _ in document.records["sources"]],
        "facts": [fact_record(f) for f, _ in document.records["facts"]],
        "retired": list(document.retired),
    }


def export_json(kb: KnowledgeBase) -> str:
    """The file format plus, for other tools, every phrasing, spoiler flags and empty fields."""
    data = export_data(kb)
    for record, fact in zip(data["facts"], kb.facts.values(), strict=True):
        record |= {"questions": list(fact.questions), "spoiler": fact.is_spoiler}
        record.setdefault("tags", [])
        record.setdefault("entities", [])
    data["sources"] = [{"author": None, "date": None, "url": None, **s} for s in data["sources"]]
    for quote in data["quotes"]:
        quote.setdefault("context", None)
        quote.setdefault("tags", [])
    return json.dumps(data, ensure_ascii=False, indent=2)


def export_yaml(kb: KnowledgeBase) -> str:
    """The whole knowledge base as one knowledge file."""
    return yaml.safe_dump(export_data(kb), allow_unicode=True, sort_keys=False, width=100)
