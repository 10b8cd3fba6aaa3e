"""The answering engine: a question and a knowledge base in, an `Answer` out.

It knows nothing about Discord. It never guesses: a confident match is answered, a
close call becomes a list of choices, and anything else is an honest abstention.
Confidence combines how well the question matches a fact's phrasings (weighted Dice
over rare words) with how much of the question the fact covers at all; words the
knowledge base has never seen count against it, and a question that names a person,
character, company or other show is only ever answered by a fact about that name.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.kb.model import Fact, KnowledgeBase, Quote
from bot.qa.answer import Answer, Choice, Outcome
from bot.qa.index import CONSTRAINING_KINDS, FIELD_WEIGHTS, Doc, Index
from bot.qa.normalize import INTERROGATIVES, fold, is_small_talk, tokens

QUOTE_WORDS = frozenset(tokens("say quote"))
RANKED_KEPT = 8  # exact scores are computed for at least this many of the best candidates
# The question words that say what kind of answer is wanted (a person, a date, a reason…).
QUESTION_KINDS = frozenset({"who", "when", "where", "why", "many"})

MAX_ANALYSED_CHARS = 500
"""Longer input is cut before analysis so a pasted essay cannot stall the event loop."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    answer: float = 0.5  # below this, never a confident answer
    margin: float = 0.03  # lead needed over the runner-up
    choices: float = 0.5  # below this, abstain
    choice_window: float = 0.15  # candidates this close to the best are offered
    max_choices: int = 4
    min_coverage: float = 0.5  # share of the question the answer must account for
    max_unknown: float = 0.35  # share of the question in words we have never seen
    dice_share: float = 0.65  # weight of phrasing similarity vs. coverage
    # When two facts cover the question equally, the lead in phrasing needed:
    distinct_dice: float = 0.05
    exact_dice: float = 0.95  # phrasing similarity that counts as asking exactly this fact
    quote_prior: float = 0.9  # a bare quote's score when the fan did not ask for a quote
    question_kind_mismatch: float = 0.75  # phrasing match when it asks "when" and the fan "why"
    other_show_coverage: float = 0.8  # a question naming another show must be covered this well


@dataclass(frozen=True, slots=True)
class QueryToken:
    token: str
    weight: float
    confidence: float  # 1 exact, <1 corrected typo, 0 unknown


@dataclass(frozen=True, slots=True)
class Unit:
    """One thing the question asks about: a word, or a whole name ("david alvarez").

    A name accepts any spelling of what it names, so "cheyene" (a known misspelling)
    matches facts phrased with "Cheyenne".
    """

    token: str
    spellings: tuple[frozenset[str], ...]  # each a set of words that must all be present
    weight: float
    confidence: float
    ids: frozenset[str] = frozenset()
    kind: str = ""  # for names: person, character, company, place, outside-show...

    @property
    def is_topic(self) -> bool:
        return self.confidence > 0 and self.token not in INTERROGATIVES and not self.token.isdigit()

    @property
    def words(self) -> frozenset[str]:
        return frozenset().union(*self.spellings)

    def field_weight(self, weights: dict[str, float]) -> float:
        return max(min(weights.get(t, 0.0) for t in spelling) for spelling in self.spellings)


@dataclass(frozen=True, slots=True)
class Scored:
    doc: int
    score: float
    dice: float
    coverage: float


@dataclass(frozen=True, slots=True)
class Prepared:
    question: str
    units: list[Unit]
    ranked: list[Scored]
    about_other_show: bool


class Engine:
    """Answers questions from one immutable knowledge base; safe to share between threads."""

    def __init__(self, kb: KnowledgeBase, thresholds: Thresholds | None = None) -> None:
        self.kb = kb
        self.index = Index(kb)
        self.thresholds = thresholds or Thresholds()
        self._form_weights = self.index.form_weights
        alias_tokens = {t for alias in self.index.aliases for t in alias}
        self._correctable_set = frozenset(self.index.vocabulary_set | alias_tokens)
        buckets: dict[str, list[str]] = defaultdict(list)
        for word in sorted(self._correctable_set):
            if len(word) >= 3 and not word.isdigit():
                buckets[word[0]].append(word)
        self._buckets = dict(buckets)
        # A memo of typo corrections. Concurrent readers may both fill the same entry
        # with the same value; a dict assignment is atomic, so sharing stays safe.
        self._corrections: dict[str, str | None] = {}
        self._carrier = {f.quote: f for f in self.index.facts.values() if f.quote}
        self._lightest_form = [
            min((self._form_weights[f] for f in doc.forms), default=float("inf"))
            for doc in self.index.docs
        ]
        self._everywhere = {
            entity_id
            for entity_id, docs in self.index.entity_docs.items()
            if len(docs) > len(self.index.docs) / 3
        }
        visible = [f for f in self.index.facts.values() if not f.is_spoiler]
        self._suggestion_questions = [f.question for f in visible]
        self._suggestion_keys = [fold(q) for f in visible for q in f.questions]
        self._suggestion_owner = [f.question for f in visible for _ in f.questions]

    # -- public ---------------------------------------------------------------------

    def answer(self, question: str) -> Answer:
        prepared = self.prepare(question)
        if isinstance(prepared, Answer):
            return prepared
        return self.decide(prepared)

    def prepare(self, question: str) -> Prepared | Answer:
        """Analyse and rank; an early abstention comes back as an `Answer`.

        Split from `decide` so the threshold tuner can rank once and decide many times.
        """
        query = self._analyse(question)
        if not query:
            return Answer(question, Outcome.ABSTAIN, reason="no words to match")
        if is_small_talk(question):
            return Answer(question, Outcome.ABSTAIN, reason="small talk")
        units = self._units(query)
        if not any(u.is_topic for u in units):
            return Answer(question, Outcome.ABSTAIN, reason="no word the knowledge base knows")
        constraining = [u for u in units if u.kind in CONSTRAINING_KINDS]
        ranked = self._rank(units, constraining)
        # "1" is everywhere ("first", "one", "season 1" of a one-season show): only
        # larger numbers are specific enough to require.
        numbers = [
            u.token for u in units if u.token.isdigit() and u.token != "1" and u.confidence > 0
        ]
        if numbers:
            # "season 3" must not be answered with a fact about season 1 or 2.
            docs = self.index.docs
            ranked = [s for s in ranked if all(n in docs[s.doc].field_weight for n in numbers)]
        if not ranked:
            reason = (
                "names something the knowledge base has no fact about"
                if constraining
                else "no match"
            )
            return Answer(question, Outcome.ABSTAIN, reason=reason)
        return Prepared(
            question, units, ranked, any(u.kind == "outside-show" for u in constraining)
        )

    def decide(self, prepared: Prepared) -> Answer:
        question, ranked = prepared.question, prepared.ranked
        if prepared.about_other_show and ranked[0].coverage < self.thresholds.other_show_coverage:
            # "Who plays Lorelai in Gilmore Girls?" is about another show, not Étoile.
            return Answer(question, Outcome.ABSTAIN, ranked[0].score, reason="about another show")
        only_names = all(u.ids for u in prepared.units)
        return self._decide(question, prepared.units, ranked, only_names)

    def fact_answer(self, fact: Fact, question: str | None = None, score: float = 1.0) -> Answer:
        """The answer for a fact chosen directly (a button pick, `/fact show`)."""
        quote = self.kb.quote_for(fact)
        return Answer(
            question or fact.question,
            Outcome.ANSWER,
            score=score,
            fact=fact,
            quote=quote,
            speaker=self.kb.speaker_name(quote) if quote else None,
            citations=self.kb.citations(fact.sources),
            # What the fan reads: the answer, then the quote shown with it.
            text=f"{fact.answer}\n“{quote.text}” — {self.kb.speaker_name(quote)}"
            if quote
            else fact.answer,
        )

    def quote_answer(self, quote: Quote, question: str | None = None, score: float = 1.0) -> Answer:
        speaker = self.kb.speaker_name(quote)
        return Answer(
            question or quote.text,
            Outcome.ANSWER,
            score=score,
            quote=quote,
            speaker=speaker,
            citations=self.kb.citations(quote.sources),
            text=f"“{quote.text}” — {speaker}",
        )

    # -- analysis -------------------------------------------------------------------

    def _analyse(self, question: str) -> list[QueryToken]:
        seen: dict[str, QueryToken] = {}
        for token in tokens(question[:MAX_ANALYSED_CHARS]):
            query_token = self._resolve(token)
            previous = seen.get(query_token.token)
            if previous is None or previous.confidence < query_token.confidence:
                seen[query_token.token] = query_token
        return list(seen.values())

    def _resolve(self, token: str) -> QueryToken:
        index = self.index
        if token in self._correctable_set:
            return QueryToken(token, index.weight(token), 1.0)
        corrected = self._correct(token)
        if corrected:
            return QueryToken(corrected, index.weight(corrected), 0.85)
        return QueryToken(token, index.unknown_weight, 0.0)

    def _correct(self, token: str) -> str | None:
        """The known word one typo away (two for long words): "plyas" -> "play".

        Edit distance with transpositions, not a similarity ratio: a ratio happily turns
        "louvre" into "lou". Words are bucketed by first letter to stay fast on a large
        knowledge base; results are cached per engine.
        """
        if len(token) < 4 or token.isdigit():
            return None
        if token in self._corrections:
            return self._corrections[token]
        max_distance = 1 if len(token) <= 6 else 2
        bucket = self._buckets.get(token[0], ())
        match = process.extractOne(token, bucket, scorer=OSA.distance, score_cutoff=max_distance)
        corrected = match[0] if match else None
        if corrected and len(token) <= 5 and len(corrected) != len(token):
            # In a short word a dropped letter is more likely another word ("handl" is
            # not "hand"); only swapped or mistyped letters are corrected.
            corrected = None
        if corrected and len(token) <= 4 and sorted(corrected) != sorted(token):
            corrected = None  # four letters: only a swap ("plya" -> "play"), not "plie" -> "paie"
        if len(self._corrections) < 50_000:
            self._corrections[token] = corrected
        return corrected

    def _units(self, query: list[QueryToken]) -> list[Unit]:
        """Group the words of the question: names first (longest match), then single words."""
        index = self.index
        words = [q.token for q in query]
        units: list[Unit] = []
        position = 0
        while position < len(query):
            longest = min(index.max_alias_length, len(query) - position)
            for length in range(longest, 0, -1):
                ids = index.aliases.get(tuple(words[position : position + length]))
                if ids and all(i in self._everywhere for i in ids):
                    ids = None  # the series itself: named in most facts, it tells nothing apart
                if ids:
                    span = query[position : position + length]
                    kinds = {index.kinds[i] for i in ids}
                    # An alias shared by several people ("david") still names a person.
                    kind = kinds.pop() if len(kinds) == 1 else "person"
                    spellings = {s for i in ids for s in index.spellings[i]}
                    spellings.add(frozenset(words[position : position + length]))
                    units.append(
                        Unit(
                            max(span, key=lambda q: q.weight).token,
                            tuple(spellings),
                            sum(q.weight for q in span),
                            min(q.confidence for q in span),
                            frozenset(ids),
                            kind,
                        )
                    )
                    position += length
                    break
            else:
                q = query[position]
                units.append(Unit(q.token, (frozenset({q.token}),), q.weight, q.confidence))
                position += 1
        return units

    # -- ranking --------------------------------------------------------------------

    def _rank(self, units: list[Unit], constraining: list[Unit]) -> list[Scored]:
        index = self.index
        known = [u for u in units if u.confidence > 0]
        total_weight = sum(u.weight for u in units)
        share = self.thresholds.dice_share
        question_weight = FIELD_WEIGHTS["question"]
        # Plain loops over a precomputed plan: this is the hot path of every answer.
        # A unit is a word (looked up in the field weights), a name with one id (looked
        # up in the precomputed name weights), or, rarely, a name shared by several ids.
        plan = [
            (
                u.weight * u.confidence,
                u.token if not u.ids else None,
                next(iter(u.ids)) if len(u.ids) == 1 else None,
                u.ids,
                u.confidence,
            )
            for u in known
        ]
        forms = index.forms
        form_weights = self._form_weights
        doc_names, form_names = index.doc_names, index.form_names
        # A bare quote is the answer when the fan asks what someone said; otherwise a
        # fact (which may show the same quote) is preferred.
        wants_quote = any(u.token in QUOTE_WORDS for u in units)
        quote_prior = 1.0 if wants_quote else self.thresholds.quote_prior
        asked = frozenset(u.token for u in units) & QUESTION_KINDS
        limits_mismatch = self.thresholds.question_kind_mismatch
        # Phase 1, for every candidate: coverage, and an upper bound on the phrasing score.
        pending: list[tuple[float, int, float, list[tuple]]] = []
        for doc_index in self._candidates(known):
            doc = index.docs[doc_index]
            if constraining and not self._satisfies(doc_index, constraining):
                continue
            field_weight = doc.field_weight
            names = doc_names[doc_index]
            matched = 0.0
            in_phrasing_credit = 0.0
            in_phrasing: list[tuple] = []
            for credit, single, name, ids, confidence in plan:
                if single is not None:
                    weight = field_weight.get(single, 0.0)
                elif name is not None:
                    weight = names.get(name, 0.0)
                else:
                    weight = max(names.get(i, 0.0) for i in ids)
                if weight:
                    matched += credit * weight
                    if weight >= question_weight:  # only then can it be in a phrasing
                        in_phrasing.append((credit, single, name, ids, confidence))
                        in_phrasing_credit += credit
            if matched <= 0:
                continue
            coverage = matched / total_weight
            dice_bound = min(
                1.0, 2 * in_phrasing_credit / (total_weight + self._lightest_form[doc_index])
            )
            prior = quote_prior if doc.quote is not None else 1.0
            bound = prior * (share * dice_bound * prior + (1 - share) * coverage)
            pending.append((bound, doc_index, coverage, in_phrasing))
        # Phase 2: the exact phrasing score, best bound first, until no remaining
        # candidate could enter the top few. Keeps large fan-outs cheap.
        pending.sort(key=lambda p: p[0], reverse=True)
        scored: list[Scored] = []
        best_scores: list[float] = []  # a min-heap of the RANKED_KEPT best exact scores
        for bound, doc_index, coverage, in_phrasing in pending:
            if len(best_scores) == RANKED_KEPT and bound < best_scores[0]:
                break
            doc = index.docs[doc_index]
            best_dice = 0.0
            for form_index in doc.forms if in_phrasing else ():
                form_tokens = forms[form_index].tokens
                in_form = 0.0
                for credit, single, name, ids, confidence in in_phrasing:
                    if single is not None:
                        if single in form_tokens:
                            in_form += credit
                    else:
                        # A name counts with the weight of the spelling the phrasing
                        # uses: "Mishi" alone is a weaker match for "Mishi Duplessis".
                        used_names = form_names[form_index]
                        if name is not None:
                            used = used_names.get(name, 0.0)
                        else:
                            used = max(used_names.get(i, 0.0) for i in ids)
                        if used:
                            in_form += min(credit, used * confidence)
                if in_form:
                    dice = 2 * in_form / (total_weight + form_weights[form_index])
                    if asked and form_tokens & QUESTION_KINDS and not asked & form_tokens:
                        dice *= limits_mismatch  # "why…?" is not answered by a "when…?" phrasing
                    if dice > best_dice:
                        best_dice = min(1.0, dice)
            prior = quote_prior if doc.quote is not None else 1.0
            best_dice *= prior
            score = prior * (share * best_dice + (1 - share) * coverage)
            scored.append(Scored(doc_index, score, best_dice, coverage))
            if len(best_scores) < RANKED_KEPT:
                heapq.heappush(best_scores, score)
            elif score > best_scores[0]:
                heapq.heapreplace(best_scores, score)
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored

    def _candidates(self, known: list[Unit]) -> set[int]:
        """Documents sharing a rare word or a name with the question.

        Common words ("who", "play") would drag in a large share of a big knowledge
        base; they still count in the score of every candidate, they just do not
        nominate candidates. A question made only of common words looks at the head of
        each word's postings, where the word is central to a fact's phrasing.
        """
        postings = self.index.doc_postings
        cap = max(48, len(self.index.docs) // 50)
        candidates: set[int] = set()
        for unit in known:
            for entity_id in unit.ids:
                docs = self.index.entity_docs.get(entity_id, ())
                if len(docs) <= cap:  # the series itself is in nearly every fact
                    candidates.update(docs)
            for token in unit.words:
                docs = postings.get(token, ())
                if len(docs) <= cap:
                    candidates.update(docs)
        if not candidates:
            for unit in known:
                if unit.token not in INTERROGATIVES:
                    candidates.update(postings.get(unit.token, ())[:cap])
        return candidates

    def _satisfies(self, doc_index: int, constraining: list[Unit]) -> bool:
        """Every person, character, company or other show the question names is in the fact."""
        related = self.index.related
        doc = self.index.docs[doc_index]
        for unit in constraining:
            if unit.ids & doc.entities:
                continue
            if any(related.get(i, set()) & doc.entities for i in unit.ids):
                continue
            # The curator may have forgotten to list the entity: accept a fact whose
            # phrasing or answer spells the name out.
            names = self.index.doc_names[doc_index]
            if max(names.get(i, 0.0) for i in unit.ids) >= FIELD_WEIGHTS["answer"]:
                continue
            return False
        return True

    # -- deciding -------------------------------------------------------------------

    def _decide(
        self, question: str, units: list[Unit], ranked: list[Scored], only_names: bool
    ) -> Answer:
        limits = self.thresholds
        index = self.index
        total_weight = sum(u.weight for u in units)
        unknown_share = sum(u.weight for u in units if u.confidence == 0) / total_weight
        best = ranked[0]
        best_doc = index.docs[best.doc]
        if unknown_share > limits.max_unknown:
            return Answer(question, Outcome.ABSTAIN, best.score, reason="mostly unknown words")
        if not any(u.is_topic and u.field_weight(best_doc.field_weight) > 0 for u in units):
            return Answer(
                question, Outcome.ABSTAIN, best.score, reason="only generic words matched"
            )
        rivals = [s for s in ranked[1:] if not self._same_answer(best_doc, index.docs[s.doc])]
        if (
            best.score >= limits.answer
            and best.coverage >= limits.min_coverage
            and (not rivals or self._clearly_ahead(best, rivals[0]))
            and not (only_names and rivals)  # "jack" alone: which fact about Jack?
        ):
            return self._doc_answer(question, best)
        if best.score >= limits.choices:
            choices = self._choices(ranked)
            if (
                len(choices) == 1
                and best.coverage >= limits.min_coverage
                and best.score >= limits.answer
            ):
                # Only one candidate is close: that is an answer, not a choice.
                return self._doc_answer(question, best)
            return Answer(
                question,
                Outcome.CHOICES,
                best.score,
                choices=tuple(choices),
                reason="close call",
                text="Did you mean one of these?",
            )
        return Answer(question, Outcome.ABSTAIN, best.score, reason="low confidence")

    def _clearly_ahead(self, best: Scored, runner_up: Scored) -> bool:
        """A lead in score, and when both cover the question equally, a lead in phrasing."""
        limits = self.thresholds
        if best.dice >= limits.exact_dice and runner_up.dice < best.dice - 0.04:
            return True  # the question is one of this fact's phrasings, the other's is not
        if best.score - runner_up.score < limits.margin:
            return False
        if runner_up.coverage >= best.coverage - 0.05:
            return best.dice - runner_up.dice >= limits.distinct_dice
        return True

    @staticmethod
    def _same_answer(best: Doc, other: Doc) -> bool:
        """A fact and the quote it shows are one answer, not rivals."""
        if best.fact and other.quote and best.fact.quote == other.key:
            return True
        return bool(other.fact and best.quote and other.fact.quote == best.key)

    def _choices(self, ranked: list[Scored]) -> list[Choice]:
        limits = self.thresholds
        floor = max(limits.choices, ranked[0].score - limits.choice_window)
        choices: list[Choice] = []
        shown: set[str] = set()
        for scored in ranked:
            if scored.score < floor or len(choices) >= limits.max_choices:
                break
            doc = self.index.docs[scored.doc]
            fact = doc.fact or self._carrier.get(doc.key)  # offer the fact that shows this quote
            key = fact.id if fact else doc.key
            if key in shown:
                continue
            shown.add(key)
            if fact is not None:
                choices.append(Choice(fact.id, fact.question, scored.score, fact.is_spoiler))
            elif doc.quote is not None:
                label = f"A quote by {self.kb.speaker_name(doc.quote)}"
                choices.append(Choice(doc.key, label, scored.score))
        return choices

    def _doc_answer(self, question: str, scored: Scored) -> Answer:
        doc = self.index.docs[scored.doc]
        if doc.fact is not None:
            return self.fact_answer(doc.fact, question, scored.score)
        assert doc.quote is not None
        return self.quote_answer(doc.quote, question, scored.score)

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
        units = self._units(self._analyse(question))
        facts: list[Fact] = []
        for scored in self._rank(units, []):
            fact = self.index.docs[scored.doc].fact
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
