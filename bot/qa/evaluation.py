"""Scoring any answerer against sets of fan questions with expected keywords.

The file format is the one of `../shared/eval/dev.yaml`: each item has `q` and
`expect`, a list of keyword groups (the answer text must contain one keyword of
every group, compared without case or accents) or the word `abstain`; our own
batches add `kind` (full, fragment, typo, french, other-language, rewording,
refuse). A "choices" outcome never counts as an answer, and an abstention is
correct only where the item expects one. A *false answer* is the one failure the
bot promises never to make: an answer that is wrong, or any answer to a question
that must be refused. Keywords are English: an answer given in French is checked through
the English answer of the same fact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bot.kb.citations import citation_line
from bot.qa.answer import Answer, Outcome
from bot.qa.conversation import Context
from bot.qa.folding import fold

if TYPE_CHECKING:
    from bot.qa.engine import Engine

KINDS = ("full", "fragment", "typo", "french", "other-language", "rewording", "refuse")
FOLLOW_UP_KINDS = ("pronoun", "ellipsis", "more", "source", "new-subject", "refuse")


@dataclass(frozen=True, slots=True)
class EvalItem:
    """One evaluation question and what its answer must contain (or that it must abstain)."""

    question: str
    expect: tuple[tuple[str, ...], ...] | None  # None means: must abstain
    kind: str = "untagged"
    batch: str = ""
    first: str = ""  # for a follow-up: the question asked just before it


@dataclass(frozen=True, slots=True)
class EvalResult:
    """How the answerer did on one evaluation item."""

    item: EvalItem
    answer: Answer
    correct: bool

    @property
    def false_answer(self) -> bool:
        """Answered, and wrongly (a wrong fact, or an answer to a must-refuse question)."""
        return self.answer.outcome is Outcome.ANSWER and not self.correct


def load_items(path: Path) -> list[EvalItem]:
    """One evaluation file; the batch is named after the file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = []
    for entry in data:
        expect = entry["expect"]
        groups = None if expect == "abstain" else tuple(tuple(str(k) for k in g) for g in expect)
        kind = str(entry.get("kind", "refuse" if groups is None else "untagged"))
        if "then" in entry:  # a two-turn exchange: `first`, then the follow-up `then`
            items.append(EvalItem(str(entry["then"]), groups, kind, path.stem, str(entry["first"])))
        else:
            items.append(EvalItem(str(entry["q"]), groups, kind, path.stem))
    return items


def load_split(directory: Path) -> list[EvalItem]:
    """Every batch file of one split folder (tests/eval/tune or tests/eval/heldout)."""
    return [item for path in sorted(directory.glob("*.yaml")) for item in load_items(path)]


def _comparable(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").split())


def is_correct(item: EvalItem, answer: Answer) -> bool:
    """Whether the answer has a keyword of every group, or abstains where it must."""
    if item.expect is None:
        return answer.outcome is Outcome.ABSTAIN
    if answer.outcome is not Outcome.ANSWER:
        return False
    shown = answer.text
    if answer.fact is not None and answer.text != answer.fact.answer:
        # Keywords are English (the writers' brief); a French answer is checked through
        # the English answer it translates, so a right fact in French counts as right.
        shown += "\n" + answer.fact.answer
    if item.first:  # "source?" is answered by the citations, so a follow-up is read whole
        shown += "\n" + "\n".join(citation_line(s, markdown=False) for s in answer.citations)
    text = _comparable(shown)
    return all(any(_comparable(k) in text for k in group) for group in item.expect)


def evaluate_follow_ups(engine: Engine, items: Iterable[EvalItem]) -> list[EvalResult]:
    """Ask each exchange's first question, then its follow-up with that answer as context."""
    results = []
    for item in items:
        context = Context.start(engine.answer(item.first))
        reply = engine.answer(item.question, context)
        results.append(EvalResult(item, reply, is_correct(item, reply)))
    return results


def evaluate(answer: Callable[[str], Answer], items: Iterable[EvalItem]) -> list[EvalResult]:
    """Ask every question through `answer` (an engine's `answer`, or a baseline's)."""
    results = []
    for item in items:
        reply = answer(item.question)
        results.append(EvalResult(item, reply, is_correct(item, reply)))
    return results


def accuracy(results: list[EvalResult]) -> float:
    """Share of items handled correctly, expected abstentions included."""
    return sum(r.correct for r in results) / len(results) if results else 0.0


def false_answer_rate(results: list[EvalResult]) -> float:
    """Share of items answered wrongly: the failure the bot promises never to make."""
    return sum(r.false_answer for r in results) / len(results) if results else 0.0


@dataclass(frozen=True, slots=True)
class Summary:
    """Aggregate figures: what may be read of a held-out split without studying it."""

    total: int
    accuracy: float
    false_answers: int
    by_kind: dict[str, tuple[int, float]]  # kind -> (count, accuracy)

    @property
    def false_answer_rate(self) -> float:
        """Share of the questions answered wrongly."""
        return self.false_answers / self.total if self.total else 0.0


def summarise(results: list[EvalResult]) -> Summary:
    """Aggregate the results overall and per question kind, for benchmark reports."""
    grouped: dict[str, list[EvalResult]] = defaultdict(list)
    for result in results:
        grouped[result.item.kind].append(result)
    order = {kind: n for n, kind in enumerate((*KINDS, *FOLLOW_UP_KINDS))}
    by_kind = {
        kind: (len(group), accuracy(group))
        for kind, group in sorted(grouped.items(), key=lambda kv: order.get(kv[0], 99))
    }
    return Summary(len(results), accuracy(results), sum(r.false_answer for r in results), by_kind)
