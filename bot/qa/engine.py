"""The answering engine: a question and a knowledge base in, an `Answer` out.

It knows nothing about Discord. Three steps, each in its own module:
*analyse* (`analysis.py`: words, names, typos, what kind of answer is asked),
*rank* (`ranking.py`: candidates with named features) and *decide* (`policy.py`:
answer, choices or abstain). It never guesses: a verified match is answered, a close
call becomes choices, and anything else is an honest abstention.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.kb.model import Fact, KnowledgeBase, Quote
from bot.qa.analysis import Analyser, Query
from bot.qa.answer import Answer, Choice, Outcome
from bot.qa.folding import fold
from bot.qa.index import Index
from bot.qa.policy import Decision, Policy, decide, shipped_policy
from bot.qa.ranking import Candidate, Ranker


@dataclass(frozen=True, slots=True)
class Explanation:
    """Everything `--explain` shows: how the question was read, ranked and decided."""

    query: Query
    ranked: list[Candidate]
    decision: Decision
    answer: Answer


class Engine:
    """Answers questions from one immutable knowledge base; safe to share between threads."""

    def __init__(self, kb: KnowledgeBase, policy: Policy | None = None) -> None:
        self.kb = kb
        self.policy = policy or shipped_policy()
        self.index = Index(kb)
        self.analyser = Analyser(self.index)
        self.ranker = Ranker(self.index, self.policy)
        self._carrier = {f.quote: f for f in self.index.facts.values() if f.quote}
        visible = [f for f in self.index.facts.values() if not f.is_spoiler]
        self._suggestion_questions = [f.question for f in visible]
        self._suggestion_keys = [fold(q) for f in visible for q in f.questions]
        self._suggestion_owner = [f.question for f in visible for _ in f.questions]

    # -- answering ------------------------------------------------------------------

    def answer(self, question: str) -> Answer:
        """Answer a fan's question: the one call every front end makes."""
        return self.explain(question).answer

    def explain(self, question: str) -> Explanation:
        """Answer, keeping every step (reading, ranking, decision) for --explain."""
        query = self.analyser.analyse(question)
        ranked = self.ranker.rank(query) if not query.small_talk else []
        decision = decide(self.policy, query, ranked)
        return Explanation(query, ranked, decision, self._render(question, decision))

    def _render(self, question: str, decision: Decision) -> Answer:
        best = decision.best
        score = best.score if best else 0.0
        if decision.outcome is Outcome.ANSWER and best is not None:
            doc = self.index.docs[best.doc]
            if doc.fact is not None:
                return self.fact_answer(doc.fact, question, score)
            assert doc.quote is not None
            return self.quote_answer(doc.quote, question, score)
        if decision.outcome is Outcome.CHOICES:
            return Answer(
                question,
                Outcome.CHOICES,
                score,
                choices=tuple(self._choices(decision.choices)),
                reason=decision.reason,
                text="Did you mean one of these?",
            )
        return Answer(question, Outcome.ABSTAIN, score, reason=decision.reason)

    def fact_answer(self, fact: Fact, question: str | None = None, score: float = 1.0) -> Answer:
        """The answer for a fact chosen directly (a button pick, `/fact show`)."""
        return fact_answer(self.kb, fact, question, score)

    def quote_answer(self, quote: Quote, question: str | None = None, score: float = 1.0) -> Answer:
        """An answer that shows a quote with its speaker and sources."""
        return quote_answer(self.kb, quote, question, score)

    def _choices(self, candidates: tuple[Candidate, ...]) -> list[Choice]:
        choices: list[Choice] = []
        shown: set[str] = set()
        for candidate in candidates:
            doc = self.index.docs[candidate.doc]
            fact = doc.fact or self._carrier.get(doc.key)  # offer the fact that shows this quote
            key = fact.id if fact else doc.key
            if key in shown:
                continue
            shown.add(key)
            if fact is not None:
                choices.append(Choice(fact.id, fact.question, candidate.score, fact.is_spoiler))
            elif doc.quote is not None:
                label = f"A quote by {self.kb.speaker_name(doc.quote)}"
                choices.append(Choice(doc.key, label, candidate.score))
        return choices

    # -- other look-ups -------------------------------------------------------------

    def suggest(self, text: str, limit: int = 25) -> list[str]:
        """Known questions for autocomplete: fuzzy, accent-insensitive, never a spoiler.

        Any phrasing of a fact can match; the fact's canonical question is suggested.
        """
        typed = fold(text).strip()
        if not typed:
            return self._suggestion_questions[:limit]
        matches = process.extract(
            typed, self._suggestion_keys, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=55
        )
        suggestions: list[str] = []
        for _, _, position in matches:
            question = self._suggestion_owner[position]
            if question not in suggestions:
                suggestions.append(question)
                if len(suggestions) == limit:
                    break
        return suggestions

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

    def resolve_choice(self, choice_id: str) -> Answer | None:
        """The answer behind a choice the fan picked."""
        if choice_id in self.index.facts:
            return self.fact_answer(self.index.facts[choice_id])
        if choice_id in self.kb.quotes:
            return self.quote_answer(self.kb.quotes[choice_id])
        return None


def fact_answer(
    kb: KnowledgeBase, fact: Fact, question: str | None = None, score: float = 1.0
) -> Answer:
    """A fact as an answer, cited and quoted from `kb` (which may be a preview's)."""
    return _shown(kb, question or fact.question, score, fact, kb.quote_for(fact))


def quote_answer(
    kb: KnowledgeBase, quote: Quote, question: str | None = None, score: float = 1.0
) -> Answer:
    """A quote on its own as an answer, with its speaker and sources."""
    return _shown(kb, question or quote.text, score, None, quote)


def _shown(
    kb: KnowledgeBase, question: str, score: float, fact: Fact | None, quote: Quote | None
) -> Answer:
    speaker = kb.speaker_name(quote) if quote else None
    # What the fan reads: the answer, then the quote shown with it.
    lines = [fact.answer] if fact else []
    if quote:
        lines.append(f"“{quote.text}” — {speaker}")
    sources = fact.sources if fact else quote.sources if quote else ()
    return Answer(
        question,
        Outcome.ANSWER,
        score=score,
        fact=fact,
        quote=quote,
        speaker=speaker,
        citations=kb.citations(sources),
        text="\n".join(lines),
    )
