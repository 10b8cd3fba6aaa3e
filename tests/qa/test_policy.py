"""Decide: the hard rules and the confidence model, each able to fail on its own."""

from __future__ import annotations

import dataclasses

import pytest

from bot.kb.model import KnowledgeBase
from bot.qa.answer import Outcome
from bot.qa.engine import Engine
from bot.qa.policy import FEATURES, Policy, shipped_policy


def test_the_shipped_policy_names_every_feature() -> None:
    assert set(shipped_policy().weights) == set(FEATURES)


def test_a_policy_file_with_a_missing_feature_is_refused() -> None:
    values = dataclasses.asdict(shipped_policy())
    values["weights"].pop("phrasing")
    with pytest.raises(ValueError, match="weights must name"):
        Policy.from_mapping(values)


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("how tall is Lou de Laâge", "unexplained"),  # right person, attribute not in any fact
        ("what car does Jack drive", "unexplained"),
        ("sing me a lullaby about the second season", "single_word"),
    ],
)
def test_a_fact_that_does_not_say_what_was_asked_is_not_the_answer(
    mini_engine: Engine, question: str, reason: str
) -> None:
    explanation = mini_engine.explain(question)
    assert explanation.answer.outcome is not Outcome.ANSWER
    features = explanation.decision.features
    if features is not None:  # decided by the model: the feature must be what spoke
        assert features[reason] > 0


def test_the_confidence_falls_with_what_the_fact_leaves_unexplained() -> None:
    policy = shipped_policy()
    seen = dict.fromkeys(FEATURES, 0.0) | {"phrasing": 0.9, "coverage": 1.0, "named": 1.0}
    assert policy.confidence(seen | {"unexplained": 0.6}) < policy.confidence(seen)
    assert policy.confidence(seen | {"kind_mismatch": 1.0}) < policy.confidence(seen)
    assert policy.confidence(seen | {"single_word": 1.0}) < policy.confidence(seen)


def test_a_numbered_season_is_never_answered_by_another_number(shipped_engine: Engine) -> None:
    # Facts about "three years" or "three dancers" hold a 3, not a third season.
    explanation = shipped_engine.explain("when does season 3 come out")
    docs = shipped_engine.index.docs
    assert all("season3" in docs[c.doc].field_weight for c in explanation.ranked)
    assert explanation.answer.outcome is Outcome.ABSTAIN


def test_a_question_in_german_is_answered(mini_engine: Engine) -> None:
    answer = mini_engine.answer("Wer spielt Cheyenne?")
    assert answer.outcome is Outcome.ANSWER and answer.fact is not None
    assert answer.fact.id == "cast-cheyenne"


def test_a_fact_that_cannot_say_when_loses_to_one_that_can(mini_kb: KnowledgeBase) -> None:
    engine = Engine(mini_kb)
    ranked = engine.explain("when is the second season").ranked
    assert ranked and all(
        c.answers_kind == ("when" in engine.index.docs[c.doc].answers) for c in ranked
    )


def test_a_spoiler_gives_way_to_a_plain_fact_that_matches_as_well(shipped_engine: Engine) -> None:
    # Both the cancellation fact and the season-2 plot fact are phrased "season 2".
    answer = shipped_engine.answer("will there be a season 2")
    assert answer.outcome is Outcome.ANSWER and not answer.spoiler
    assert "cancel" in answer.text


def test_a_lone_name_offers_choices_but_a_question_about_it_is_answered(
    shipped_engine: Engine,
) -> None:
    assert shipped_engine.answer("cheyenne toussaint").outcome is Outcome.CHOICES
    assert shipped_engine.answer("who is cheyenne toussaint?").id == "cast-cheyenne"


def test_one_word_in_common_is_enough_only_when_the_question_says_nothing_else(
    shipped_engine: Engine,
) -> None:
    whole = shipped_engine.explain("who created the series?").decision.features
    partial = shipped_engine.explain("who created the lullaby?").decision.features
    assert whole is not None and whole["single_word"] == 0.0
    assert partial is None or partial["single_word"] == 1.0
