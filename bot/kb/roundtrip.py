"""Changing a hand-edited YAML file the way a person would: only what changed changes.

Reading knowledge stays on PyYAML's C safe loader (`yamlread.py`). Writes go through
ruamel.yaml's round-trip mode, which keeps comments, key order, quoting and line breaks
of everything it is not asked to change; a new alternate is one added line. The
shipped files load and dump back byte for byte (a test keeps it so).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

Record = dict[str, Any]


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments and formatting survive
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long answer someone wrote on one line
    yaml.indent(mapping=2, sequence=4, offset=2)  # the style of knowledge/*.yaml
    return yaml


def _load(text: str) -> CommentedMap:
    data = _yaml().load(text)
    return data if isinstance(data, CommentedMap) else CommentedMap()


def _dump(data: CommentedMap, header: str) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return header + out.getvalue()


def _header(text: str) -> str:
    """The comment lines before any content, which a document with no content would lose."""
    lines = []
    for line in text.splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def set_items(text: str, section: str, records: Mapping[str, Record | None]) -> str:
    """Set (or with None remove) records of a section by id; new ones go at the end."""
    data = _load(text)
    header = _header(text) if not data else ""
    items = data.get(section)
    if not isinstance(items, CommentedSeq):
        items = data[section] = CommentedSeq()
    for record_id, record in records.items():
        index = next(
            (
                i
                for i, item in enumerate(items)
                if isinstance(item, dict) and item.get("id") == record_id
            ),
            None,
        )
        if record is None:
            if index is not None:
                del items[index]
        elif index is None:
            items.append(CommentedMap(record))
        else:
            _update(items[index], record)
    if not items:
        del data[section]
    return _dump(data, header)


def set_value(text: str, key: str, value: list[str]) -> str:
    """Set a top-level list (e.g. `retired`); an empty one is removed."""
    data = _load(text)
    header = _header(text) if not data else ""
    if list(data.get(key) or []) != value:
        if value:
            data[key] = CommentedSeq(value)
        else:
            data.pop(key, None)
    return _dump(data, header)


def _update(existing: CommentedMap, record: Record) -> None:
    """Change only the keys whose value changed; a list that only grew is appended to."""
    for key in [k for k in existing if k not in record]:
        del existing[key]
    for key, value in record.items():
        old = existing.get(key)
        if old == value:
            continue
        if isinstance(old, list) and isinstance(value, list) and value[: len(old)] == list(old):
            old.extend(value[len(old) :])
        else:
            existing[key] = value
