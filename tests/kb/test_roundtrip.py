"""Writes to hand-edited YAML change only what changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb.roundtrip import set_items, set_value
from bot.settings import default_knowledge_dir

SHIPPED = sorted(default_knowledge_dir().glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_file_comes_back_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert set_items(text, "facts", {}) == text


def test_an_item_is_changed_in_place_and_comments_stay() -> None:
    text = (
        "# header\nfacts:\n  # the first\n  - id: a\n    question: 'Q?'\n    alternates:\n"
        "      - one\n    answer: A.\n  - id: b\n    question: B?\n    answer: B.\n"
    )
    changed = set_items(
        text,
        "facts",
        {"a": {"id": "a", "question": "Q?", "alternates": ["one", "two"], "answer": "A."}},
    )
    assert changed == text.replace("      - one\n", "      - one\n      - two\n")
    removed = set_items(changed, "facts", {"b": None})
    assert "id: b" not in removed and "# the first" in removed and "# header" in removed


def test_a_top_level_list_is_set_and_an_empty_one_removed() -> None:
    text = "# only a comment\n"
    with_retired = set_value(text, "retired", ["x", "y"])
    assert with_retired.startswith("# only a comment\n") and "- x" in with_retired
    assert "retired" not in set_value(with_retired, "retired", [])
