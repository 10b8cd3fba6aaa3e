"""What to show for an answer, decided once for every medium and in the reader's language.

Discord (`render.py`) and the terminal (`terminal.py`) draw the same `Presented`: the
title, the answer, the quote and its speaker, the citations, whether it spoils an
episode, the choices, the related facts, and what the bot says when it does not
answer (small talk, a don't-know with the nearest facts). They differ only in how
they draw it (an embed within Discord's limits and Markdown escaping; plain text).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, Texts
from bot.kb.model import Quote, Source
from bot.qa.answer import Answer, Outcome, fact_body
from bot.qa.answer import Choice as AnswerChoice

SMALL_TALK = {
    "thanks": N_("You're welcome! Ask me anything else about Étoile."),
    "praise": N_("Thank you! 💛 Ask me anything about Étoile."),
    "bye": N_("Bye! Come back with more Étoile questions."),
    "greeting": N_("Hi! Ask me anything about Étoile, for example “who plays Cheyenne?”."),
    "chat": N_("I'm here for questions about Étoile: its cast, creators, episodes and more."),
}
DONT_KNOW = N_(
    "I don't know that one, and I'd rather not guess. I answer questions about the series "
    "**Étoile**: its cast and characters, creators, production, episodes, release and "
    "reception, and what the people behind it said."
)
NEAREST = N_(
    "I don't have that exact answer. Here is what I know that comes closest, or browse "
    "with `/cast`, `/episode` and `/quote`."
)
CLOSE_CALL = N_("I'm not sure which you mean. Did you mean one of these?")
ENGLISH_ONLY = N_("(No French version of this answer yet: here it is in English.)")
HIDDEN_SPOILER = N_("A spoiler question (hidden)")


@dataclass(frozen=True, slots=True)
class Choice:
    """A fact offered to the fan (a close call, a related fact, a nearest fact)."""

    id: str
    label: str  # the fact's question, or a neutral label for a spoiler


@dataclass(frozen=True, slots=True)
class Presented:
    """What to show for an answer; the Discord and terminal renderers both draw it."""

    outcome: Outcome
    title: str  # the fact's question, or "A quote by …"
    body: str  # the answer ("" for a quote on its own)
    quote: Quote | None
    speaker: str  # who said the quote ("" without one)
    citations: tuple[Source, ...]
    spoiler: bool  # it reveals plot: hidden or flagged
    spoiler_episode: int | None  # the episode whose plot it reveals (None: the season's)
    choices: tuple[Choice, ...]  # on a close call
    reference: str  # "fact cast-jack", "quote q-x": what moderators look up
    message: str = ""  # what the bot says when it gives no fact (small talk, don't-know)
    note: str = ""  # a line under the answer (it is in English for a French question)
    related: tuple[Choice, ...] = ()  # other facts about the same people or things
    suggestions: tuple[Choice, ...] = ()  # on a don't-know about the series

    def spoiler_label(self, t: Texts) -> str:
        """What the answer spoils, for the warning: an episode or the season's plot."""
        if self.spoiler_episode is None:
            return t("the season's plot")
        return t("episode {episode}", episode=self.spoiler_episode)


def offered(choices: tuple[AnswerChoice, ...], t: Texts, *, spoilers: bool) -> tuple[Choice, ...]:
    """Facts to offer as choices: a spoiler's question is never shown in the clear, and
    without `spoilers` spoiler facts are left out altogether."""
    return tuple(
        Choice(c.id, t(HIDDEN_SPOILER) if c.spoiler else c.question)
        for c in choices
        if spoilers or not c.spoiler
    )


def present(answer: Answer, t: Texts | None = None, *, spoilers: bool = False) -> Presented:
    """The answer as something to show, in the language of `t` (English by default).

    `spoilers`: whether related facts that reveal plot may be offered (a guild setting).
    """
    t = t or Texts()
    fact = answer.fact
    if fact is not None:
        title = answer.title or fact.question
        body, reference = fact_body(fact, answer.language), f"fact {answer.id}"
    else:
        title = t("A quote by {speaker}", speaker=answer.speaker)
        body, reference = "", f"quote {answer.id}"
    answered = answer.outcome is Outcome.ANSWER
    if answer.follow_up == "source":  # "source?": the last answer's sources, not its text
        body = t("Where the last answer comes from:")
    message = ""
    if answer.outcome is Outcome.CHOICES:
        message = t(CLOSE_CALL)
    elif not answered:
        if fact is not None:  # a don't-know the sources explain: what is and isn't known
            message = body
        elif answer.small_talk:
            message = t(SMALL_TALK[answer.small_talk])
        else:
            message = t(NEAREST if answer.suggestions else DONT_KNOW)
    return Presented(
        outcome=answer.outcome,
        title=title if answered else "",
        body=body if answered else "",
        quote=answer.quote if answer.follow_up != "source" else None,
        speaker=answer.speaker or "",
        citations=answer.citations,
        spoiler=answer.spoiler,
        spoiler_episode=answer.spoiler_episode if answer.spoiler else None,
        choices=offered(answer.choices, t, spoilers=True),
        reference=reference,
        message=message,
        note=t(ENGLISH_ONLY) if answered and not answer.translated else "",
        related=offered(answer.related, t, spoilers=spoilers) if answered else (),
        suggestions=offered(answer.suggestions, t, spoilers=False),
    )
