"""Questions fans asked that got no answer, grouped so moderators see what to add first."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.qa.normalize import INTERROGATIVES, SERIES, tokens
from bot.storage.store import AskedQuestion

SIMILAR = 80  # token-set similarity (0-100) above which two questions are the same gap
# Words almost every question has; they say nothing about which gap it is.
GENERIC = INTERROGATIVES | {SERIES, "series"}


def topic(question: str) -> str:
    """Reduce a question to its topic words, so rewordings of one gap group together."""
    words = [t for t in tokens(question) if t not in GENERIC]
    return " ".join(words) or question.casefold()


@dataclass
class Gap:
    """One group of similar unanswered questions, as /kb gaps lists it for moderators."""

    question: str  # the most recent wording
    count: int
    latest: float
    ids: list[int] = field(default_factory=list)
    wordings: list[str] = field(default_factory=list)


def group_gaps(asked: list[AskedQuestion]) -> list[Gap]:
    """Group similar questions; most asked first, then most recent. `asked` is newest first."""
    groups: list[tuple[str, Gap]] = []
    for item in asked:
        key = topic(item.question)
        for group_key, gap in groups:
            if fuzz.token_set_ratio(key, group_key) >= SIMILAR:
                gap.count += 1
                gap.ids.append(item.id)
                if item.question not in gap.wordings:
                    gap.wordings.append(item.question)
                break
        else:
            groups.append((key, Gap(item.question, 1, item.created_at, [item.id], [item.question])))
    return sorted((gap for _, gap in groups), key=lambda g: (-g.count, -g.latest))
