"""The answering engine: a question and a knowledge base in, an `Answer` out.

It knows nothing about Discord. Three steps, each in its own module:
*analyse* (`analysis.py`: words, names, typos, what kind of answer is asked),
*rank* (`ranking.py`: candidates with named features) and *decide* (`policy.py`:
answer, choices or abstain). It never guesses: a verified match is answered, a close
call becomes choices, and anything else is an honest abstention.
"""

from __future__ import annotations

import gc
import math
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property

from rapidfuzz import fuzz, process

from bot.kb.model import Fact, KnowledgeBase, Quote
from bot.qa.analysis import Analyser, Query, TermKind
from bot.qa.answer import Answer, Choice, Outcome, fact_body
from bot.qa.conversation import Context, answer_in_context, small_talk_kind
from bot.qa.folding import fold
from bot.qa.index import Index
from bot.qa.language import language_of
from bot.qa.policy import Decision, Policy, decide, shipped_policy
from bot.qa.ranking import Candidate, Ranker

RELATED_SHOWN = 3  # related facts offered under an answer
RELATED_TAG_WEIGHT = 0.1  # a shared tag counts far less than a shared person or thing
SUGGESTIONS_SHOWN = 3  # nearest facts offered on a don't-know about the series
SUGGEST_RELATED_CUTOFF = 75  # WRatio for the "related" autocomplete tier: close matches only


@dataclass(frozen=True, slots=True)
class Explanation:
    """Everything `--explain` shows: how the question was read, ranked and decided."""

    query: Query
    ranked: list[Candidate]
    decision: Decision
    answer: Answer


class Engine:
    """Answers questions from one immutable knowledge base; safe to share between threads."""

    def __init__(
        self,
        kb: KnowledgeBase,
        policy: Policy | None = None,
        *,
        base: Engine | None = None,
        changed: tuple[Fact, ...] = (),
        removed: frozenset[str] = frozenset(),
    ) -> None:
        self.kb = kb
        self.base = base
        if base is None:
            self.policy = policy or shipped_policy()
            with _no_cycle_collection():  # a bulk build makes no cycles worth tracing
                self.index = Index(kb)
                self.analyser = Analyser(self.index)
        else:
            self.policy = base.policy
            self.index = Index.layered(base.index, kb, changed, removed)
            self.analyser = Analyser(self.index, base.analyser)
        self.ranker = Ranker(self.index, self.policy)

    @cached_property
    def _suggestible(self) -> list[tuple[Fact, list[tuple[str, str]]]]:
        """This layer's spoiler-free facts with their phrasings folded for autocomplete
        (made on the first keystroke, not at start-up)."""
        return [
            (f, [(q, " ".join(fold(q).replace("?", " ").split())) for q in f.questions])
            for f in (self.index.facts[i] for i in self.index.own_fact_ids())
            if not f.is_spoiler
        ]

    def layered(
        self, kb: KnowledgeBase, changed: tuple[Fact, ...], removed: frozenset[str]
    ) -> Engine:
        """This engine with `changed` facts added or replacing theirs and `removed` ones
        retired (a guild's edits, or a shared edit): it answers exactly as
        `Engine(kb)` would, and costs only what changed (tables are shared)."""
        return Engine(kb, base=self, changed=changed, removed=removed)

    def _suggestible_facts(self) -> Iterator[tuple[Fact, list[tuple[str, str]]]]:
        """Every live, spoiler-free fact with its folded phrasings, layer by layer."""
        if self.base is not None:
            live = self.index.facts
            for fact, phrasings in self.base._suggestible_facts():
                if live.get(fact.id) is fact:  # not retired or replaced here
                    yield fact, phrasings
        yield from self._suggestible

    # -- answering ------------------------------------------------------------------

    def answer(
        self, question: str, context: Context | None = None, language: str | None = None
    ) -> Answer:
        """Answer a fan's question, as a follow-up of `context` when there is one: the
        one call every front end makes. `language` forces the answer's language
        ("en" or "fr"); by default it is the question's."""
        if context is None:
            return self.answer_alone(question, language)
        return answer_in_context(self, question, context, language)

    def answer_alone(self, question: str, language: str | None = None) -> Answer:
        """Answer a question on its own, with no conversation around it."""
        return self.explain(question, language).answer

    def explain(self, question: str, language: str | None = None) -> Explanation:
        """Answer, keeping every step (reading, ranking, decision) for --explain."""
        query = self.analyser.analyse(question)
        ranked = self.ranker.rank(query) if not query.small_talk else []
        decision = decide(self.policy, query, ranked)
        answer = self._render(question, decision, language or query.language, query, ranked)
        return Explanation(query, ranked, decision, answer)

    def _render(
        self,
        question: str,
        decision: Decision,
        language: str,
        query: Query,
        ranked: list[Candidate],
    ) -> Answer:
        best = decision.best
        score = best.score if best else 0.0
        if decision.outcome is Outcome.ANSWER and best is not None:
            return self.answer_with(best, question, language)
        if decision.outcome is Outcome.CHOICES:
            return Answer(
                question,
                Outcome.CHOICES,
                score,
                choices=tuple(self._choices(decision.choices, language)),
                reason=decision.reason,
                text="Did you mean one of these?",
                language=language,
            )
        return Answer(
            question,
            Outcome.ABSTAIN,
            score,
            reason=decision.reason,
            language=language,
            small_talk=small_talk_kind(question) if query.small_talk else "",
            suggestions=self._suggestions(query, ranked),
        )

    def answer_with(self, candidate: Candidate, question: str, language: str = "en") -> Answer:
        """The answer a candidate gives once the decision is to answer with it (also how
        the policy is fitted: would answering with the best candidate be right?)."""
        doc = self.index.docs[candidate.doc]
        if doc.fact is not None and doc.fact.unknown:
            # What the sources do not say is told as a don't-know, with its sources.
            known = fact_answer(self.kb, doc.fact, question, candidate.score, language)
            return replace(known, outcome=Outcome.ABSTAIN, reason="the sources do not say")
        if doc.fact is not None:
            return self.fact_answer(doc.fact, question, candidate.score, language)
        assert doc.quote is not None
        return self.quote_answer(doc.quote, question, candidate.score, language)

    def fact_answer(
        self, fact: Fact, question: str | None = None, score: float = 1.0, language: str = "en"
    ) -> Answer:
        """The answer for a fact chosen directly (a button pick, `/fact show`)."""
        shown = fact_answer(self.kb, fact, question, score, language)
        return replace(shown, related=tuple(self.related(shown)))

    def quote_answer(
        self, quote: Quote, question: str | None = None, score: float = 1.0, language: str = "en"
    ) -> Answer:
        """An answer that shows a quote with its speaker and sources."""
        shown = quote_answer(self.kb, quote, question, score, language)
        return replace(shown, related=tuple(self.related(shown)))

    # -- around an answer -----------------------------------------------------------

    def related(self, answer: Answer, limit: int = RELATED_SHOWN) -> list[Choice]:
        """Other facts about the same people and things, the rarest shared first.

        Each shared entity counts by how few facts it is in ("Gael" says more than
        "Étoile") and how few others the fact is about, each shared tag a little; the
        answer's own fact and the fact that carries its quote are left out.
        """
        fact = answer.fact
        entities = set(fact.entities) if fact else set()
        tags = set(fact.tags) if fact else set(answer.quote.tags if answer.quote else ())
        if answer.quote is not None:
            entities.add(answer.quote.speaker)
        carrier = self.index.carrier(answer.quote.id) if answer.quote else None
        own = {answer.id, carrier.id if carrier else None}
        scores: dict[str, float] = defaultdict(float)
        for entity_id in entities:
            docs = self.index.entity_docs(entity_id)
            for doc_index in docs:
                other = self.index.docs[doc_index].fact
                if other is not None and other.id not in own:
                    # A fact about fewer people and things is more about each of them.
                    spread = math.sqrt(len(other.entities) or 1)
                    scores[other.id] += 1.0 / math.log2(2 + len(docs)) / spread
        for tag in tags:
            for doc_index in self.index.tag_docs(tag):
                other = self.index.docs[doc_index].fact
                if other is not None and other.id not in own:
                    scores[other.id] += RELATED_TAG_WEIGHT
        ranked = sorted(scores, key=lambda i: (-scores[i], i))[:limit]
        facts = self.index.facts
        language = answer.language
        return [
            Choice(i, question_in(facts[i], language), scores[i], facts[i].is_spoiler)
            for i in ranked
        ]

    def _suggestions(self, query: Query, ranked: list[Candidate]) -> tuple[Choice, ...]:
        """On a don't-know about the series (it names someone or something in it), the
        nearest facts to offer instead; nothing for small talk or another subject. The
        candidates already ranked (facts about what was named) come first; the whole
        base is ranked again only when there were none."""
        if query.small_talk or not any(
            t.kind is TermKind.NAME and t.name_kind != "outside-show" for t in query.topics
        ):
            return ()
        if any(t.name_kind == "outside-show" for t in query.topics):
            return ()
        choices: list[Choice] = []
        for candidate in ranked or self.ranker.rank(query, constrained=False):
            fact = self.index.docs[candidate.doc].fact
            if fact is not None and not fact.is_spoiler and fact.id not in {c.id for c in choices}:
                choices.append(Choice(fact.id, question_in(fact, query.language), candidate.score))
                if len(choices) == SUGGESTIONS_SHOWN:
                    break
        return tuple(choices)

    def _choices(self, candidates: tuple[Candidate, ...], language: str) -> list[Choice]:
        choices: list[Choice] = []
        shown: set[str] = set()
        for candidate in candidates:
            doc = self.index.docs[candidate.doc]
            fact = doc.fact or self.index.carrier(doc.key)  # offer the fact that shows this quote
            key = fact.id if fact else doc.key
            if key in shown:
                continue
            shown.add(key)
            if fact is not None:
                question = question_in(fact, language)
                choices.append(Choice(fact.id, question, candidate.score, fact.is_spoiler))
            elif doc.quote is not None:
                label = f"A quote by {self.kb.speaker_name(doc.quote)}"
                choices.append(Choice(doc.key, label, candidate.score))
        return choices

    # -- other look-ups -------------------------------------------------------------

    def suggest_tiers(
        self, text: str, limit: int = 25, language: str = "en"
    ) -> list[tuple[str, str]]:
        """Known questions for autocomplete as (tier, phrasing), best tier first.

        Tiers, like discord-utils-bot's: "exact" (a phrasing has the typed text at the
        start of a word), "keyword" (every typed word starts a word of a phrasing), and
        "related" (close fuzzy matches, only when nothing else matched). Each fact is
        offered once, by the phrasing that matched, so "chey" shows "Who plays
        Cheyenne?" and never a question without Cheyenne in it. The canonical question
        (or a phrasing in the fan's language) wins when it matches too; spoilers are
        never suggested, and matching ignores case and accents.
        """
        typed = " ".join(fold(text).replace("?", " ").split())
        words = typed.split()

        def exact(key: str) -> bool:
            """The typed text starts the phrasing or one of its words."""
            return not typed or key.startswith(typed) or f" {typed}" in key

        def keyword(key: str) -> bool:
            """Every typed word starts a word of the phrasing."""
            key_words = key.split()
            return bool(words) and all(any(k.startswith(w) for k in key_words) for w in words)

        found: list[tuple[str, str]] = []
        seen: set[str] = set()
        for tier, matches in (("exact", exact), ("keyword", keyword)):
            for fact, phrasings in self._suggestible_facts():
                if fact.id in seen or len(found) == limit:
                    continue
                matching = [p for p, key in phrasings if matches(key)]
                if matching:
                    seen.add(fact.id)
                    found.append((tier, _preferred(matching, language)))
        if typed and not found:
            entries = list(self._suggestible_facts())
            keys = [key for _, phrasings in entries for _, key in phrasings]
            owners = [(f, p) for f, phrasings in entries for p, _ in phrasings]
            for _, _, position in process.extract(
                typed,
                keys,
                scorer=fuzz.WRatio,
                limit=limit * 3,
                score_cutoff=SUGGEST_RELATED_CUTOFF,
            ):
                fact, phrasing = owners[position]
                if fact.id not in seen and len(found) < limit:
                    seen.add(fact.id)
                    found.append(("related", phrasing))
        return found

    def closest_facts(self, question: str, limit: int = 3) -> list[Fact]:
        """The facts nearest a question whatever the confidence: for moderators, never fans."""
        query = self.analyser.analyse(question)
        facts: list[Fact] = []
        for candidate in self.ranker.rank(query, constrained=False):
            fact = self.index.docs[candidate.doc].fact
            if fact is not None and fact not in facts:
                facts.append(fact)
                if len(facts) == limit:
                    break
        return facts

    def resolve_choice(self, choice_id: str, language: str = "en") -> Answer | None:
        """The answer behind a choice the fan picked, in their language."""
        if choice_id in self.index.facts:
            return self.fact_answer(self.index.facts[choice_id], language=language)
        if choice_id in self.kb.quotes:
            return self.quote_answer(self.kb.quotes[choice_id], language=language)
        return None


def fact_answer(
    kb: KnowledgeBase,
    fact: Fact,
    question: str | None = None,
    score: float = 1.0,
    language: str = "en",
) -> Answer:
    """A fact as an answer, cited and quoted from `kb` (which may be a preview's)."""
    return _shown(kb, question or fact.question, score, fact, kb.quote_for(fact), language)


def quote_answer(
    kb: KnowledgeBase,
    quote: Quote,
    question: str | None = None,
    score: float = 1.0,
    language: str = "en",
) -> Answer:
    """A quote on its own as an answer, with its speaker and sources."""
    return _shown(kb, question or quote.text, score, None, quote, language)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while building: millions of small, acyclic objects
    would otherwise be traced again and again (a third of the build time at 100k facts)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def is_french(text: str) -> bool:
    """Whether a phrasing is French, judged by its words like a fan's question."""
    return language_of(re.findall(r"[a-z]+", fold(text))) == "fr"


def _preferred(phrasings: list[str], language: str) -> str:
    """The first phrasing (the canonical question comes first), or for a French
    reader the first French one."""
    if language == "fr":
        return next((p for p in phrasings if is_french(p)), phrasings[0])
    return phrasings[0]


def question_in(fact: Fact, language: str) -> str:
    """The fact's question in the fan's language when one of its phrasings is in it."""
    return _preferred(list(fact.questions), language)


def _shown(
    kb: KnowledgeBase,
    question: str,
    score: float,
    fact: Fact | None,
    quote: Quote | None,
    language: str,
) -> Answer:
    speaker = kb.speaker_name(quote) if quote else None
    # A French question gets the French answer when the fact has one; a quote is
    # always shown in the words it was said in.
    french = language == "fr" and fact is not None and bool(fact.answer_fr)
    # What the fan reads: the answer, then the quote shown with it.
    lines = [fact_body(fact, language)] if fact else []
    if quote:
        lines.append(f"“{quote.text}” — {speaker}")
    sources = fact.sources if fact else quote.sources if quote else ()
    title = question_in(fact, language if french else "en") if fact else ""
    return Answer(
        question,
        Outcome.ANSWER,
        score=score,
        title=title,
        fact=fact,
        quote=quote,
        speaker=speaker,
        citations=kb.citations(sources),
        text="\n".join(lines),
        language=language,
        translated=language == "en" or french or fact is None,
    )
