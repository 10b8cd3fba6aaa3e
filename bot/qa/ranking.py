"""Rank: every fact or quote that could answer a query, with named features.

Each candidate gets a `Candidate` whose fields say, in words, why it is where it is:
how closely one of its phrasings matches (`phrasing`), how much of the question it
covers anywhere in its fields (`coverage`), how much of what the question asks about
it does not contain at all (`unexplained`), how many topic words and names it shares,
and whether it can give the kind of answer asked for (`answers_kind`). The decision
(`policy.py`) reads only these features.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

from bot.qa.analysis import Query, Term, TermKind
from bot.qa.index import FIELD_WEIGHTS, Doc, Index
from bot.qa.normalize import tokens
from bot.qa.policy import Policy

QUOTE_WORDS = frozenset(tokens("say quote"))
RANKED_KEPT = 8  # exact scores are computed for at least this many of the best candidates
# A word nominates at most this many documents (its most central ones): 2% of the
# collection, within bounds, so a huge knowledge base does not rank thousands per word.
NOMINEES_MIN, NOMINEES_MAX = 48, 256


@dataclass(frozen=True, slots=True)
class Candidate:
    """A fact or quote that could answer, with the named features the policy reads."""

    doc: int
    key: str  # fact or quote id
    score: float
    phrasing: float  # weighted Dice with its best phrasing, 0..1
    coverage: float  # share of the question's topic weight found anywhere in it, 0..1
    unexplained: float  # share of what is asked (topic words, not names) it does not contain
    topic_words: int  # topic words (not names) of the question it contains
    names: int  # names of the question it is about
    answers_kind: bool  # it can give the kind of answer asked for (who → a person…)


class Ranker:
    """Scores the documents of one index for analysed queries."""

    def __init__(self, index: Index, policy: Policy) -> None:
        self.index = index
        self.policy = policy

    def rank(self, query: Query, *, constrained: bool = True) -> list[Candidate]:
        """Candidates best first. With `constrained`, only facts about every name asked."""
        index = self.index
        topics = [t for t in query.topics if t.known]
        if not topics:
            return []
        constraining = [t for t in topics if t.constraining] if constrained else []
        numbers = query.numbers - {"1"}  # "1" is everywhere ("first", "one", season 1)
        total = query.topic_weight
        # What the question asks about a name, typed right or not: "how tall is X" asks
        # "tall", and a fact about X that never mentions it does not answer.
        asked = [t for t in query.topics if t.kind is not TermKind.NAME]
        asked_weight = sum(t.weight for t in asked)
        wants_quote = any(t.token in QUOTE_WORDS for t in topics)
        pending: list[tuple[float, int, float, float, int, int, list[Term]]] = []
        for doc_index in self._nominees(topics):
            doc = index.docs[doc_index]
            if constraining and not self._about(doc_index, constraining):
                continue
            if numbers and not all(n in doc.field_weight for n in numbers):
                continue  # "season 3" is never answered with a fact about season 1
            matched = 0.0
            words = names = 0
            in_phrasing: list[Term] = []
            for term in topics:
                weight = self._presence(doc_index, doc, term)
                if weight:
                    matched += term.weight * term.confidence * weight
                    if term.kind is TermKind.NAME:
                        names += 1
                    else:
                        words += 1
                    if weight >= FIELD_WEIGHTS["question"]:
                        in_phrasing.append(term)
            if matched <= 0:
                continue
            missing = sum(t.weight for t in asked if not self._presence(doc_index, doc, t))
            coverage = matched / total
            credit = sum(t.weight * t.confidence for t in in_phrasing)
            bound = min(1.0, 2 * credit / (total + index.lightest_form(doc_index)))
            prior = self._prior(doc, wants_quote)
            pending.append(
                (
                    prior * self.policy.score(bound, coverage),
                    doc_index,
                    coverage,
                    missing / asked_weight if asked_weight else 0.0,
                    words,
                    names,
                    in_phrasing,
                )
            )
        # The exact phrasing score, best bound first, until no remaining candidate
        # could enter the top few: keeps a very large knowledge base cheap. Ties go
        # by id, so the order never depends on how documents happen to be numbered.
        pending.sort(key=lambda p: (-p[0], index.docs[p[1]].key))
        ranked: list[Candidate] = []
        kept: list[float] = []  # min-heap of the best exact scores
        for bound, doc_index, coverage, unexplained, words, names, in_phrasing in pending:
            if len(kept) == RANKED_KEPT and bound < kept[0]:
                break
            doc = index.docs[doc_index]
            phrasing = self._phrasing(doc, in_phrasing, total, by_containment=wants_quote)
            answers_kind = query.asks is None or query.asks in doc.answers
            score = self._prior(doc, wants_quote) * self.policy.score(phrasing, coverage)
            if not answers_kind:
                score *= self.policy.kind_mismatch
            ranked.append(
                Candidate(
                    doc_index,
                    doc.key,
                    score,
                    phrasing,
                    coverage,
                    unexplained,
                    words,
                    names,
                    answers_kind,
                )
            )
            if len(kept) < RANKED_KEPT:
                heapq.heappush(kept, score)
            elif score > kept[0]:
                heapq.heapreplace(kept, score)
        ranked.sort(key=lambda c: (-c.score, c.key))
        return ranked

    def _prior(self, doc: Doc, wants_quote: bool) -> float:
        """A bare quote when no quote was asked for, or a spoiler, gives way to a plain
        fact that matches as well: nobody is spoiled by a tie."""
        if doc.quote is not None and not wants_quote:
            return self.policy.quote_prior
        if doc.fact is not None and doc.fact.is_spoiler:
            return self.policy.spoiler_prior
        return 1.0

    def _presence(self, doc_index: int, doc: Doc, term: Term) -> float:
        """The field weight with which the fact contains the term (0: not at all)."""
        if term.kind is TermKind.NAME:
            names = self.index.doc_names(doc_index)
            return max(names.get(i, 0.0) for i in term.ids)
        return doc.field_weight.get(term.token, 0.0)

    def _phrasing(
        self, doc: Doc, in_phrasing: list[Term], total: float, *, by_containment: bool
    ) -> float:
        """Weighted Dice between the question and the fact's closest phrasing.

        When the fan asks what someone said, a quote's long text is matched by how much
        of the question it contains instead.
        """
        containment = by_containment and doc.quote is not None
        index = self.index
        best = 0.0
        for form_index in doc.forms if in_phrasing else ():
            form_tokens = index.forms[form_index].tokens
            used_names = index.form_names(form_index)
            shared = 0.0
            for term in in_phrasing:
                if term.kind is TermKind.NAME:
                    # A name counts with the weight of the spelling the phrasing uses:
                    # "Mishi" alone is a weaker match for "Mishi Duplessis".
                    used = max(used_names.get(i, 0.0) for i in term.ids)
                    shared += min(term.weight, used) * term.confidence
                elif term.token in form_tokens:
                    shared += term.weight * term.confidence
            if shared:
                length = total if containment else index.form_weight(form_index)
                best = max(best, min(1.0, 2 * shared / (total + length)))
        return best

    def _nominees(self, topics: list[Term]) -> set[int]:
        """Documents sharing a rare word or a name with the question.

        Common words would drag in a large share of a big knowledge base; they still
        count in every candidate's score, they just do not nominate candidates.
        """
        index = self.index
        cap = max(NOMINEES_MIN, min(index.size // 50, NOMINEES_MAX))
        nominees: set[int] = set()
        docs: Sequence[int]
        for term in topics:
            for entity_id in term.ids:
                docs = index.entity_docs(entity_id)
                if len(docs) <= cap:
                    nominees.update(docs)
            for token in term.words:
                docs = index.postings(token)
                nominees.update(docs if len(docs) <= cap else docs[:cap])
        return nominees

    def _about(self, doc_index: int, constraining: list[Term]) -> bool:
        """Every person, character, company or other show the question names is in the fact."""
        index = self.index
        doc = index.docs[doc_index]
        names = index.doc_names(doc_index)
        for term in constraining:
            if term.ids & doc.entities:
                continue
            if any(index.related.get(i, set()) & doc.entities for i in term.ids):
                continue  # the actor for the character, and back
            # The curator may have forgotten to list the entity: accept a fact whose
            # phrasing or answer spells the name out.
            if max(names.get(i, 0.0) for i in term.ids) >= FIELD_WEIGHTS["answer"]:
                continue
            return False
        return True
