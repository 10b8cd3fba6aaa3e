"""What to show for an answer, decided once for every medium.

Discord (`render.py`) and the terminal (`terminal.py`) draw the same `Presented`: the
title, the answer, the quote and its speaker, the citations, whether it spoils an
episode, the choices. They differ only in how they draw it (an embed within Discord's
limits and Markdown escaping; wrapped plain text).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.kb.model import Quote, Source
from bot.qa.answer import Answer, Outcome


@dataclass(frozen=True, slots=True)
class Choice:
    """One choice offered on a close call, as both renderers show it."""

    question: str
    spoiler: bool  # a choice never shows a spoiler question in the clear


@dataclass(frozen=True, slots=True)
class Presented:
    """What to show for an answer; the Discord and terminal renderers both draw it."""

    outcome: Outcome
    title: str  # the fact's question, or "A quote by …"
    body: str  # the answer ("" for a quote on its own)
    quote: Quote | None
    speaker: str  # who said the quote ("" without one)
    citations: tuple[Source, ...]
    spoiler_episode: int | None  # the episode whose plot it reveals
    choices: tuple[Choice, ...]
    reference: str  # "fact cast-jack", "quote q-x": what moderators look up

    @property
    def spoiler(self) -> bool:
        """Whether the answer reveals plot and must be hidden or flagged."""
        return self.spoiler_episode is not None


def present(answer: Answer) -> Presented:
    """The answer as something to show."""
    fact = answer.fact
    if fact is not None:
        title, body, reference = fact.question, fact.answer, f"fact {answer.id}"
    else:
        title, body, reference = f"A quote by {answer.speaker}", "", f"quote {answer.id}"
    return Presented(
        outcome=answer.outcome,
        title=title if answer.outcome is Outcome.ANSWER else "",
        body=body if answer.outcome is Outcome.ANSWER else "",
        quote=answer.quote,
        speaker=answer.speaker or "",
        citations=answer.citations,
        spoiler_episode=answer.spoiler_episode if answer.spoiler else None,
        choices=tuple(Choice(c.question, c.spoiler) for c in answer.choices),
        reference=reference,
    )
