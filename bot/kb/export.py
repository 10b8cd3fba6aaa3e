"""The whole knowledge base as JSON or YAML, for other tools and for backups."""

from __future__ import annotations

import json
from typing import Any

import yaml

from bot.kb.loader import Document
from bot.kb.model import Fact, KnowledgeBase, Quote, Source


def source_record(source: Source) -> dict[str, Any]:
    """A source in the file format (only the fields that are set)."""
    record = {
        "id": source.id,
        "title": source.title,
        "publisher": source.publisher,
        "author": source.author,
        "date": source.date,
        "url": source.url,
    }
    return {k: v for k, v in record.items() if v is not None}


def fact_record(fact: Fact) -> dict[str, Any]:
    """A fact in the file format (only the fields that are set), ready for YAML."""
    record: dict[str, Any] = {
        "id": fact.id,
        "question": fact.question,
        "alternates": list(fact.alternates),
        "answer": fact.answer,
        "sources": list(fact.sources),
        "tags": list(fact.tags),
        "entities": list(fact.entities),
    }
    if fact.quote:
        record["quote"] = fact.quote
    if fact.spoiler_episode is not None:
        record["spoiler_episode"] = fact.spoiler_episode
    return {k: v for k, v in record.items() if v != []}


def _quote(quote: Quote) -> dict[str, Any]:
    return {
        "id": quote.id,
        "text": quote.text,
        "speaker": quote.speaker,
        "sources": list(quote.sources),
        "context": quote.context,
        "tags": list(quote.tags),
    }


def export_data(kb: KnowledgeBase) -> dict[str, Any]:
    facts = []
    for fact in kb.facts.values():
        record = fact_record(fact)
        record["questions"] = list(fact.questions)
        record["spoiler"] = fact.is_spoiler
        record.setdefault("tags", [])
        record.setdefault("entities", [])
        facts.append(record)
    return {
        "sources": [
            {**dict.fromkeys(("author", "date", "url")), **source_record(s)}
            for s in kb.sources.values()
        ],
        "facts": facts,
        "quotes": [_quote(q) for q in kb.quotes.values()],
        "people": [
            {"id": p.id, "name": p.name, "aliases": list(p.aliases), "roles": list(p.roles)}
            for p in kb.people.values()
        ],
        "characters": [
            {
                "id": c.id,
                "name": c.name,
                "aliases": list(c.aliases),
                "played_by": c.played_by,
                "billing": c.billing,
                "description": c.description,
            }
            for c in kb.characters.values()
        ],
        "episodes": [{"number": e.number, "title": e.title} for e in kb.episodes.values()],
    }


def document_data(document: Document) -> dict[str, Any]:
    """A guild overlay document back in the file format, for rewriting it."""
    return {
        "sources": [source_record(s) for s, _ in document.records["sources"]],
        "facts": [fact_record(f) for f, _ in document.records["facts"]],
        "retired": list(document.retired),
    }


def export_json(kb: KnowledgeBase) -> str:
    return json.dumps(export_data(kb), ensure_ascii=False, indent=2)


def export_yaml(kb: KnowledgeBase) -> str:
    return yaml.safe_dump(export_data(kb), allow_unicode=True, sort_keys=False, width=100)
