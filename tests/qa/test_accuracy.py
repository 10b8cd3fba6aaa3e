"""The shipped knowledge base must keep answering fans as well as it does now.

CI gates the TUNE half of tests/eval (the half the engine may be tuned on), with a
margin so one honest change is not blocked by a single question, and a ratchet on
false answers to must-refuse questions. The held-out half is never gated: it is read
as aggregate figures by benchmarks/bench_engine.py (see tests/eval/README.md).
"""

from __future__ import annotations

from pathlib import Path

from bot.qa.engine import Engine
from bot.qa.evaluation import evaluate, load_split, summarise

EVAL = Path(__file__).resolve().parents[1] / "eval"
# Measured on the tune half (benchmarks/bench_engine.py --split tune), minus a margin.
# Raise these as the engine improves; never lower them to let a change through.
MIN_TUNE_ACCURACY = 0.67
MAX_FALSE_REFUSALS = 7  # answers given to must-refuse tune questions (target: 0)


def test_tune_accuracy_holds(shipped_engine: Engine) -> None:
    summary = summarise(evaluate(shipped_engine.answer, load_split(EVAL / "tune")))
    assert summary.accuracy >= MIN_TUNE_ACCURACY, f"{summary.accuracy:.1%} on the tune half"


def test_must_refuse_questions_are_not_answered_more_than_today(shipped_engine: Engine) -> None:
    refuse = [i for i in load_split(EVAL / "tune") if i.expect is None]
    answered = [r.item.question for r in evaluate(shipped_engine.answer, refuse) if r.false_answer]
    assert len(answered) <= MAX_FALSE_REFUSALS, "\n".join(answered)


def test_the_corpus_is_large_and_split() -> None:
    tune, heldout = load_split(EVAL / "tune"), load_split(EVAL / "heldout")
    assert len(tune) + len(heldout) >= 1200
    for batch in {i.batch for i in heldout}:  # a batch's halves never share a question
        halves = [{i.question for i in half if i.batch == batch} for half in (tune, heldout)]
        assert not halves[0] & halves[1], batch
    refuse = sum(i.expect is None for i in heldout)
    assert refuse / len(heldout) >= 0.3
