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
    title: str = ""  # the fact's question, in the question's language when it has one
    language: str = "en"  # the question's language: "en" or "fr"
    translated: bool = True  # the text is in the question's language (else English)
    related: tuple[Choice, ...] = ()  # other facts about the same people or topic
    suggestions: tuple[Choice, ...] = ()  # on a don't-know about the series: the nearest facts
    small_talk: str = ""  # a chat line, not a question: thanks, praise, bye, greeting, chat
    follow_up: str = ""  # how the previous answer was used: pronoun, ellipsis, more, source

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
            "choices": [_choice_json(c) for c in self.choices],
            "language": self.language,
            "translated": self.translated,
            "related": [_choice_json(c) for c in self.related],
            "suggestions": [_choice_json(c) for c in self.suggestions],
            "small_talk": self.small_talk or None,
            "follow_up": self.follow_up or None,
        }


def fact_body(fact: Fact, language: str) -> str:
    """A fact's answer in the question's language: French when asked in French and the
    fact has a French answer, English otherwise."""
    return (fact.answer_fr or fact.answer) if language == "fr" else fact.answer


def _choice_json(choice: Choice) -> dict[str, Any]:
    """A choice as JSON, flagged when its question reveals a plot point."""
    return {
        "id": choice.id,
        "question": choice.question,
        "score": round(choice.score, 4),
        "spoiler": choice.spoiler,
    }
