"""The shipped knowledge base must answer fans correctly: at least 95% on each set.

The dev set lives in ../shared (published); ours in tests/eval was written from the
sources independently of the knowledge files. Both count a correct abstention as
correct and a "choices" reply as not an answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.qa.engine import Engine
from bot.qa.evaluation import accuracy, evaluate, load_items

ROOT = Path(__file__).resolve().parents[2]
TARGET = 0.95
SETS = {
    "dev": ROOT.parent / "shared" / "eval" / "dev.yaml",
    "own": ROOT / "tests" / "eval" / "fan_questions.yaml",
}


@pytest.mark.parametrize("name", SETS)
def test_accuracy_meets_target(shipped_engine: Engine, name: str) -> None:
    path = SETS[name]
    if not path.exists():
        pytest.skip(f"{path} is not present on this machine")
    results = evaluate(shipped_engine, load_items(path))
    misses = "\n".join(
        f"  {r.item.question!r}: {r.answer.outcome.value} {r.answer.id} {r.answer.text[:80]!r}"
        for r in results
        if not r.correct
    )
    assert accuracy(results) >= TARGET, f"{accuracy(results):.1%} on {name}; misses:\n{misses}"


def test_own_set_is_substantial() -> None:
    items = load_items(SETS["own"])
    assert len(items) >= 200
    assert sum(item.expect is None for item in items) >= 50
