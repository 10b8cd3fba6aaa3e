"""Follow-ups: a question read with the previous answer as context.

"who plays Cheyenne?" then "and her mother?", "and Jack?", "tell me more", "source?".
The context is only ever a way to *rewrite* the follow-up into a standalone question
(or to pick the next related fact); the rewritten question then goes through the
same analyse → rank → decide as any other, so context can make the engine understand
more, never answer with less evidence. A follow-up that names its own subject is
answered on its own: context never overrides an explicit new subject.

The cue words live in data/conversation.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import yaml

from bot.qa.analysis import TermKind
from bot.qa.answer import Answer, Outcome
from bot.qa.folding import fold
from bot.qa.lexicon import lexicon

if TYPE_CHECKING:
    from bot.qa.engine import Engine

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Cues:
    """The words that mark a follow-up, from data/conversation.yaml."""

    source_words: frozenset[str]
    more_words: frozenset[str]
    pronouns: frozenset[str]
    ellipsis_openers: tuple[str, ...]
    small_talk: tuple[tuple[str, frozenset[str]], ...]  # (kind of reply, words), in order


@cache
def cues() -> Cues:
    """The shipped cue words, read once per process."""
    text = resources.files("bot.qa").joinpath("data/conversation.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)

    def words(value: str) -> frozenset[str]:
        """A space-separated word list, folded like questions are."""
        return frozenset(fold(value).split())

    return Cues(
        source_words=words(raw["source_words"]),
        more_words=words(raw["more_words"]),
        pronouns=words(raw["pronouns"]),
        ellipsis_openers=tuple(fold(o) for o in raw["ellipsis_openers"]),
        small_talk=tuple((kind, words(value)) for kind, value in raw["small_talk"].items()),
    )


def small_talk_kind(text: str) -> str:
    """What a friendly reply to a chat line should say: thanks, praise, bye, greeting, chat."""
    typed = set(_WORD.findall(fold(text)))
    return next((kind for kind, words in cues().small_talk if typed & words), "chat")


@dataclass(frozen=True, slots=True)
class Context:
    """What the conversation is about: the last confident answer, what the thread is
    about (the answer "tell me more" and "source?" keep returning to), what was shown."""

    question: str  # the question the thread is about
    answer: Answer  # the last answer given
    subject: Answer  # the answer the thread is about (not moved by "more" or "source")
    shown: tuple[str, ...] = ()  # facts already given in this thread, for "tell me more"

    def after(self, answer: Answer) -> Context:
        """The context once `answer` has been given (unchanged when it answered nothing)."""
        if not answer.answered or answer.id is None:
            return self
        shown = (*self.shown, answer.id)[-20:]
        if answer.follow_up in ("source", "more"):
            return Context(self.question, answer, self.subject, shown)
        return Context(answer.question, answer, answer, shown)

    @classmethod
    def start(cls, answer: Answer) -> Context | None:
        """The context after a first answer (None when it answered nothing)."""
        if not answer.answered or answer.id is None:
            return None
        return cls(answer.question, answer, answer, (answer.id,))


def _cue(question: str) -> str | None:
    """'source' or 'more' when every meaningful word of the question is such a cue."""
    c = cues()
    stop = lexicon().stop_words
    asking = lexicon().question_words
    words = [
        w
        for w in _WORD.findall(fold(question))
        if w not in stop and w not in asking and w not in c.pronouns
    ]
    for kind, vocabulary in (("source", c.source_words), ("more", c.more_words)):
        if words and all(w in vocabulary for w in words):
            return kind
    return None


def _opens_an_ellipsis(question: str) -> bool:
    folded = " ".join(_WORD.findall(fold(question)))
    return any(folded == o or folded.startswith(o + " ") for o in cues().ellipsis_openers)


def _points_back(question: str) -> bool:
    return any(w in cues().pronouns for w in _WORD.findall(fold(question)))


def answer_in_context(
    engine: Engine, question: str, context: Context | None, language: str | None = None
) -> Answer:
    """Answer a question, leaning on the previous answer when the question needs it.

    The follow-up is rewritten into standalone questions (the previous question with
    the new subject, or the question with each person the last answer was about);
    the rewrite the engine answers with the most confidence wins, and the answer
    keeps the fan's own words as its question.
    """
    alone = engine.answer_alone(question, language)
    if context is None or (context.answer.fact is None and context.answer.quote is None):
        return alone
    cue = _cue(question)
    if cue == "source":
        return replace(context.answer, question=question, follow_up="source")
    if cue == "more":
        return _more(engine, question, context, language or alone.language)
    query = engine.analyser.analyse(question)
    names = [t for t in query.topics if t.kind is TermKind.NAME]
    ellipsis = _opens_an_ellipsis(question)
    rewrites: list[tuple[str, str]] = []
    if names:
        if not ellipsis:
            return alone  # an explicit subject: context never overrides it
        reframed = _reframe(engine, context.question, names[0].surface)
        rewrites += [(reframed, "ellipsis")] if reframed else []
    elif ellipsis or _points_back(question):
        rewrites += [(f"{question} {name}", "pronoun") for name in _subjects(engine, context)]
    best: Answer | None = None
    for rewrite, how in rewrites:
        resolved = engine.answer_alone(rewrite, language or alone.language)
        fresh = resolved.answered and resolved.id != context.answer.id
        if fresh and (best is None or resolved.score > best.score):
            best = replace(resolved, question=question, follow_up=how)
    return best or alone


def _more(engine: Engine, question: str, context: Context, language: str) -> Answer:
    """The most related fact not yet shown in this thread, or an honest 'nothing more'.

    "Tell me more" after an answer about someone asks about them: a related fact that
    does not name the person (or character) asked about is not more about them.
    """
    kb = engine.kb
    subjects = _subject_ids(engine, context)
    asked = engine.analyser.analyse(context.question)
    named = {i for t in asked.topics if t.kind is TermKind.NAME for i in t.ids}
    people = [kb.named(i) for i in (named or subjects) if i in kb.people or i in kb.characters]
    spellings = [fold(s) for p in people if p for s in (p.name, *p.aliases)]
    for choice in engine.related(context.subject, limit=10):
        if choice.id in context.shown or choice.spoiler:
            continue
        fact = engine.index.facts[choice.id]
        if spellings and not any(s in fold(fact.answer) for s in spellings):
            continue
        return replace(engine.fact_answer(fact, question, language=language), follow_up="more")
    return Answer(
        question,
        Outcome.ABSTAIN,
        reason="nothing more on this",
        language=language,
        follow_up="more",
    )


def _reframe(engine: Engine, previous: str, new_name: str) -> str | None:
    """The previous question with its subject swapped for the new one ("and Jack?")."""
    query = engine.analyser.analyse(previous)
    old = next((t for t in query.topics if t.kind is TermKind.NAME), None)
    if old is None:
        return None
    folded, surface = fold(previous), fold(old.surface)
    at = folded.find(surface)
    if at < 0:
        return None
    return folded[:at] + new_name + folded[at + len(surface) :]


def _asked_ids(engine: Engine, question: str) -> list[str]:
    """The people, characters and things a question names."""
    asked = engine.analyser.analyse(question)
    return [i for t in asked.topics if t.kind is TermKind.NAME for i in sorted(t.ids)]


def _subject_ids(engine: Engine, context: Context) -> list[str]:
    """Who the last answer was about: the names the fan asked about first, then the
    others the fact lists."""
    ids = _asked_ids(engine, context.question)
    record = context.subject.fact
    if record is not None:
        ids += [i for i in record.entities if i not in ids]
    return ids


def _subjects(engine: Engine, context: Context) -> list[str]:
    """The names a pronoun may point at, most likely first."""
    names: list[str] = []
    for record_id in _subject_ids(engine, context):
        named = engine.kb.named(record_id)
        if named is not None and named.name not in names:
            names.append(named.name)
    return names[:4]
