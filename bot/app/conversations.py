"""Who was just told what: the short memory that lets a fan ask a follow-up.

One context per fan and channel (and per fan in DMs or the terminal), kept for a few
minutes: long enough for "and Jack?" or "source?", short enough that a question asked
tomorrow is read on its own. Memory is bounded, and nothing here is written to disk.
"""

from __future__ import annotations

from cachetools import TTLCache

from bot.qa.answer import Answer
from bot.qa.conversation import Context

CONTEXT_SECONDS = 5 * 60
MAX_CONVERSATIONS = 10_000

ConversationKey = tuple[int | None, int | None, int]  # guild, channel, user


class Conversations:
    """The last answer each fan got, per channel, for a few minutes."""

    def __init__(self, ttl: float = CONTEXT_SECONDS, maxsize: int = MAX_CONVERSATIONS) -> None:
        self._contexts: TTLCache[ConversationKey, Context] = TTLCache(maxsize, ttl)

    def context(self, key: ConversationKey) -> Context | None:
        """The fan's current context, or None when the last answer is too old."""
        return self._contexts.get(key)

    def remember(self, key: ConversationKey, answer: Answer) -> None:
        """Keep `answer` as the context of the fan's next question (if it answered)."""
        previous = self._contexts.get(key)
        context = previous.after(answer) if previous else Context.start(answer)
        if context is not None:
            self._contexts[key] = context

    def forget(self, key: ConversationKey) -> None:
        """Drop a fan's context (the knowledge changed under it, or they asked to)."""
        self._contexts.pop(key, None)
