"""Scoring the engine against sets of fan questions with expected keywords.

The file format is the one of `../shared/eval/dev.yaml`: each item has `q` and
`expect`, a list of keyword groups (the answer text must contain one keyword of
every group, compared without case or accents) or the word `abstain`.
A "choices" outcome never counts as an answer, and an abstention is correct only
where the item expects one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.qa.answer import Answer, Outcome
from bot.qa.engine import Engine
from bot.qa.normalize import fold


@dataclass(frozen=True, slots=True)
class EvalItem:
    question: str
    expect: tuple[tuple[str, ...], ...] | None  # None means: must abstain


@dataclass(frozen=True, slots=True)
class EvalResult:
    item: EvalItem
    answer: Answer
    correct: bool


def load_items(path: Path) -> list[EvalItem]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = []
    for entry in data:
        expect = entry["expect"]
        groups = None if expect == "abstain" else tuple(tuple(str(k) for k in g) for g in expect)
        items.append(EvalItem(str(entry["q"]), groups))
    return items


def _comparable(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").split())


def is_correct(item: EvalItem, answer: Answer) -> bool:
    if item.expect is None:
        return answer.outcome is Outcome.ABSTAIN
    if answer.outcome is not Outcome.ANSWER:
        return False
    text = _comparable(answer.text)
    return all(any(_comparable(k) in text for k in group) for group in item.expect)


def evaluate(engine: Engine, items: list[EvalItem]) -> list[EvalResult]:
    results = []
    for item in items:
        answer = engine.answer(item.question)
        results.append(EvalResult(item, answer, is_correct(item, answer)))
    return results


def accuracy(results: list[EvalResult]) -> float:
    return sum(r.correct for r in results) / len(results) if results else 0.0
