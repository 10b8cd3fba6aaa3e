"""Decide: answer, offer choices, or abstain, from the ranked candidates' features.

First a few hard rules (small talk, nothing known, another show); then a confidence:
a logistic model over the best candidate's named features (how close a phrasing is,
how much of the question it covers, what it leaves unexplained, its lead over the
next fact…). Its weights and thresholds live in `data/policy.yaml`, fitted on the tune
half of the evaluation questions only (`benchmarks/tune_policy.py`), so every number
is data and `etoile-bot ask --explain` can show what each feature contributed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from bot.qa.analysis import Query, TermKind
from bot.qa.answer import Outcome

if TYPE_CHECKING:
    from bot.qa.ranking import Candidate

FEATURES = (
    "phrasing",  # weighted Dice with the closest phrasing
    "coverage",  # share of the question's weight the fact contains
    "unexplained",  # share of what is asked (not names) the fact never mentions
    "unknown",  # share of the question in words no fact uses
    "named",  # the question names someone or something the fact is about
    "single_word",  # one ordinary word in common, no name, and the question says more
    "kind_mismatch",  # asks who/when/where/how many/why and the fact cannot say
)


@dataclass(frozen=True, slots=True)
class Policy:
    """The decision's numbers (documented one by one in data/policy.yaml)."""

    phrasing_share: float
    quote_prior: float
    spoiler_prior: float
    kind_mismatch: float
    max_unknown: float
    other_show_coverage: float
    weights: dict[str, float]
    bias: float
    answer_confidence: float
    choice_confidence: float
    choice_window: float
    max_choices: int

    def score(self, phrasing: float, coverage: float) -> float:
        """The ranking score: closeness to a phrasing, and coverage of the question."""
        return self.phrasing_share * phrasing + (1 - self.phrasing_share) * coverage

    def confidence(self, features: dict[str, float]) -> float:
        """Probability-like confidence that this candidate is the right answer."""
        z = self.bias + sum(self.weights[name] * features[name] for name in FEATURES)
        return 1.0 / (1.0 + math.exp(-z))

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Policy:
        """Build a policy from policy.yaml's values, refusing weights for the wrong features."""
        weights = {str(k): float(v) for k, v in values.pop("weights").items()}
        if set(weights) != set(FEATURES):
            raise ValueError(f"policy.yaml: weights must name exactly {', '.join(FEATURES)}")
        return cls(
            weights=weights,
            max_choices=int(values.pop("max_choices")),
            **{k: float(v) for k, v in values.items()},
        )


@cache
def shipped_policy() -> Policy:
    """The fitted policy from data/policy.yaml, read once per process."""
    text = resources.files("bot.qa").joinpath("data/policy.yaml").read_text("utf-8")
    return Policy.from_mapping(yaml.safe_load(text))


@dataclass(frozen=True, slots=True)
class Decision:
    """The engine's verdict on a question, with the confidence and features behind it."""

    outcome: Outcome
    reason: str
    best: Candidate | None = None
    choices: tuple[Candidate, ...] = ()
    confidence: float = 0.0
    features: dict[str, float] | None = None


def features(query: Query, candidate: Candidate) -> dict[str, float]:
    """The named features the confidence model reads."""
    return {
        "phrasing": candidate.phrasing,
        "coverage": candidate.coverage,
        "unexplained": candidate.unexplained,
        "unknown": query.unknown_share,
        "named": float(candidate.names > 0),
        "single_word": float(
            candidate.names == 0 and candidate.topic_words == 1 and candidate.unexplained > 0
        ),
        "kind_mismatch": float(not candidate.answers_kind),
    }


def decide(policy: Policy, query: Query, ranked: list[Candidate]) -> Decision:
    """The hard rules in order, then the confidence model."""
    if query.small_talk:
        return Decision(Outcome.ABSTAIN, "small talk")
    if not any(t.known for t in query.topics):
        return Decision(Outcome.ABSTAIN, "no word the knowledge base knows")
    if query.unknown_share > policy.max_unknown:
        return Decision(Outcome.ABSTAIN, "mostly words the knowledge base never uses")
    if not ranked:
        named = any(t.constraining for t in query.topics)
        return Decision(
            Outcome.ABSTAIN, "names something no fact is about" if named else "no fact matches"
        )
    best = ranked[0]
    if any(t.name_kind == "outside-show" for t in query.topics) and (
        best.coverage < policy.other_show_coverage
    ):
        return Decision(Outcome.ABSTAIN, "about another show", best)
    rival = next((c for c in ranked[1:] if c.key != best.key), None)
    seen = features(query, best)
    confidence = policy.confidence(seen)
    asked = any(t.kind is TermKind.QUESTION for t in query.terms)
    if all(t.kind is TermKind.NAME for t in query.topics) and rival and not asked:
        # "jack" alone: which fact about Jack? Let the fan pick. "who is jack?" asks.
        choices = tuple(ranked[: policy.max_choices])
        return Decision(Outcome.CHOICES, "only a name", best, choices, confidence, seen)
    if confidence >= policy.answer_confidence:
        return Decision(Outcome.ANSWER, "confident", best, (), confidence, seen)
    if confidence < policy.choice_confidence:
        return Decision(Outcome.ABSTAIN, "low confidence", best, (), confidence, seen)
    near = tuple(c for c in ranked if c.score >= best.score - policy.choice_window)
    if len(near) < 2:
        return Decision(Outcome.ABSTAIN, "not sure, and nothing close", best, (), confidence, seen)
    return Decision(
        Outcome.CHOICES, "close call", best, near[: policy.max_choices], confidence, seen
    )
