"""The answer object every front end renders: Discord, the terminal, JSON, benchmarks."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.kb.citations import citation_dict
from bot.kb.model import Fact, Quote, Source


class Outcome(StrEnum):
    """What the engine decided: answer, offer choices, or abstain."""

    ANSWER = "answer"  # confident: one fact or quote
    CHOICES = "choices"  # a close call: let the fan pick
    ABSTAIN = "abstain"  # off-topic or unknown: say so honestly


@dataclass(frozen=True, slots=True)
class Choice:
    """One fact offered to the fan on a close call."""

    id: str
    question: str
    score: float
    spoiler: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    """The engine's reply to a question, rendered by Discord, the terminal and JSON."""

    question: str
    outcome: Outcome
    score: float = 0.0
    fact: Fact | None = None
    quote: Quote | None = None
    speaker: str | None = None
    citations: tuple[Source, ...] = ()
    choices: tuple[Choice, ...] = ()
    reason: str = ""  # why the engine abstained or hesitated, for logs and moderators
    text: str = field(default="")

    @property
    def answered(self) -> bool:
        """Whether the fan got a confident answer."""
        return self.outcome is Outcome.ANSWER

    @property
    def id(self) -> str | None:
        """The fact or quote answered with, for feedback buttons and logs."""
        if self.fact:
            return self.fact.id
        return self.quote.id if self.quote else None

    @property
    def spoiler(self) -> bool:
        """Whether the answer reveals plot and must be hidden."""
        return bool(self.fact and self.fact.is_spoiler)

    @property
    def spoiler_episode(self) -> int | None:
        """The episode whose plot the answer reveals, for the spoiler warning."""
        return self.fact.spoiler_episode if self.fact else None

    def to_json(self) -> dict[str, Any]:
        """The answer as plain JSON, for ask --json and the benchmarks."""
        return {
            "question": self.question,
            "answered": self.answered,
            "outcome": self.outcome.value,
            "id": self.id,
            "text": self.text,
            "score": round(self.score, 4),
            "citations": [citation_dict(s) for s in self.citations],
            "quote": {"text": self.quote.text, "speaker": self.speaker} if self.quote else None,
            "spoiler": self.spoiler,
            "choices": [
                {"id": c.id, "question": c.question, "score": round(c.score, 4)}
                for c in self.choices
            ],
        }
