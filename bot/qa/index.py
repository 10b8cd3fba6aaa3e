"""A search index over one knowledge base, built once and then only read.

Every fact and quote becomes a `Doc`: its question forms (the phrasings fans use)
and a bag of tokens from its other fields, each field with its own weight. Inverted
postings keep the cost of a question proportional to the documents that share its
rarer words, not to the size of the knowledge base.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from bot.kb.model import Character, Fact, KnowledgeBase, Person, Quote
from bot.qa.derived import derived_facts
from bot.qa.normalize import INTERROGATIVES, SERIES, canonical, raw_tokens, tokens

# How much a query word found in each field counts towards coverage.
FIELD_WEIGHTS = {"question": 1.0, "entity": 0.9, "tag": 0.8, "answer": 0.6}

# Kinds of named things that a question must stay on: a question naming Cheyenne is
# never answered with a fact about Jack. Places are looser (a fact about the Paris
# company need not name the city).
CONSTRAINING_KINDS = frozenset({"person", "character", "company", "outside-show"})

# What an answer's text shows it can answer, whatever its phrasings ask.
_DATE = re.compile(
    r"\b(1[89]\d\d|20\d\d|january|february|march|april|may|june|july|august|september"
    r"|october|november|december)\b",
    re.IGNORECASE,
)
_COUNT = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?"
    r"|hundreds?|thousands?|twenty|thirty|forty|fifty)\b",
    re.IGNORECASE,
)
_REASON = re.compile(
    r"\b(because|since|so that|due to|in order|after|wanted|as a)\b", re.IGNORECASE
)
_NAMED_KINDS = {"person": "who", "character": "who", "place": "where"}


@dataclass(frozen=True, slots=True)
class Form:
    """One phrasing of a document as tokens, compared with the question's."""

    doc: int
    tokens: frozenset[str]


@dataclass(frozen=True, slots=True)
class Doc:
    """A fact or quote as the ranker sees it: phrasings, weighted tokens and names."""

    key: str  # fact or quote id
    fact: Fact | None
    quote: Quote | None
    entities: frozenset[str]
    forms: tuple[int, ...]  # indexes into Index.forms
    field_weight: dict[str, float]  # token -> best field weight for this doc
    answers: frozenset[str]  # kinds of question it can answer: who, when, where, howmany, why


class Index:
    """Inverted index of one knowledge base, built once for the analyser and ranker."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.docs: list[Doc] = []
        self.forms: list[Form] = []
        self.doc_postings: dict[str, list[int]] = defaultdict(list)
        self.postings: dict[str, tuple[int, ...]] = {}  # central documents first
        self.aliases: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self.kinds: dict[str, str] = {}
        self.related: dict[str, set[str]] = defaultdict(set)
        self.spellings: dict[str, list[frozenset[str]]] = defaultdict(list)
        self.entity_docs: dict[str, list[int]] = defaultdict(list)
        self._index_names(kb)
        self.facts: dict[str, Fact] = {**kb.facts, **derived_facts(kb)}
        for fact in self.facts.values():
            self._add_fact(fact)
        for quote in kb.quotes.values():
            self._add_quote(quote)
        document_count = len(self.docs) or 1
        self.idf: dict[str, float] = {
            token: math.log((document_count + 1) / (len(postings) + 0.5)) + 1.0
            for token, postings in self.doc_postings.items()
        }
        self.max_weight = max(self.idf.values(), default=1.0)
        self.vocabulary_set = frozenset(self.doc_postings)
        self.spelled: dict[str, str] = self._spelled()
        self.max_alias_length = max((len(a) for a in self.aliases), default=1)
        self.form_weights = [sum(self.weight(t) for t in form.tokens) for form in self.forms]
        self.postings = self._central_first()
        self.doc_postings.clear()  # built into `postings`; no need to hold it twice
        self.doc_names, self.form_names = self._names_present()

    def _names_present(self) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
        """Which named things each fact and each phrasing mentions, and how strongly.

        For a fact: the best field weight of any spelling of the name (at least the
        entity weight when the fact lists it). For a phrasing: the weight of the
        longest spelling it uses ("Mishi Duplessis" counts more than "Mishi").
        Precomputed so answering does one dict look-up per name.
        """
        by_token: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        for record_id, spellings in self.spellings.items():
            for spelling in spellings:
                by_token[min(spelling)].append((record_id, spelling))
        doc_names: list[dict[str, float]] = []
        for doc in self.docs:
            present: dict[str, float] = {}
            for token in doc.field_weight:
                for record_id, spelling in by_token.get(token, ()):
                    if all(t in doc.field_weight for t in spelling):
                        weight = min(doc.field_weight[t] for t in spelling)
                        present[record_id] = max(present.get(record_id, 0.0), weight)
            for record_id in doc.entities:
                present[record_id] = max(present.get(record_id, 0.0), FIELD_WEIGHTS["entity"])
            doc_names.append(present)
        form_names: list[dict[str, float]] = []
        for form in self.forms:
            used: dict[str, float] = {}
            for token in form.tokens:
                for record_id, spelling in by_token.get(token, ()):
                    if spelling <= form.tokens:
                        weight = sum(self.weight(t) for t in spelling)
                        used[record_id] = max(used.get(record_id, 0.0), weight)
            form_names.append(used)
        return doc_names, form_names

    def _spelled(self) -> dict[str, str]:
        """Every word as the knowledge base spells it (folded) -> its canonical token.

        Typos are made on words as written ("tobais" for "tobias"), not on stems.
        """
        spelled: dict[str, str] = {}
        texts: list[str] = []
        for fact in self.facts.values():
            texts += [*fact.questions, fact.answer]
        texts += [q.text for q in self.kb.quotes.values()]
        for person in self.kb.people.values():
            texts += [person.name, *person.aliases]
        for character in self.kb.characters.values():
            texts += [character.name, *character.aliases]
        for entity in self.kb.entities.values():
            texts += [entity.name, *entity.aliases]
        for text in texts:
            for word in raw_tokens(text):
                if word not in spelled:
                    token = canonical(word)
                    if token is not None and token in self.doc_postings:
                        spelled[word] = token
        return spelled

    def _central_first(self) -> dict[str, tuple[int, ...]]:
        """Postings ordered so documents where the word sits in a short phrasing come first.

        A question made only of common words looks at the head of these lists only,
        which keeps its cost bounded on a very large knowledge base.
        """
        centrality: dict[tuple[int, str], float] = {}
        for form_index, form in enumerate(self.forms):
            weight = self.form_weights[form_index]
            for token in form.tokens:
                key = (form.doc, token)
                if weight < centrality.get(key, math.inf):
                    centrality[key] = weight

        def central(token: str, docs: list[int]) -> tuple[int, ...]:
            """The word's postings with its most central documents first."""
            return tuple(sorted(docs, key=lambda d: centrality.get((d, token), math.inf)))

        return {token: central(token, docs) for token, docs in self.doc_postings.items()}

    def weight(self, token: str) -> float:
        """Inverse document frequency; question words and the series' name weigh nothing."""
        if token in INTERROGATIVES or token == SERIES:
            return 0.0
        return self.idf.get(token, self.max_weight)

    # -- building -------------------------------------------------------------------

    def _index_names(self, kb: KnowledgeBase) -> None:
        named: list[tuple[str, str, tuple[str, ...], str]] = []
        for person in kb.people.values():
            named.append((person.id, person.name, person.aliases, "person"))
        for character in kb.characters.values():
            named.append((character.id, character.name, character.aliases, "character"))
            if character.played_by:
                self.related[character.id].add(character.played_by)
                self.related[character.played_by].add(character.id)
        for entity in kb.entities.values():
            kind = entity.kind if entity.in_universe else "outside-show"
            named.append((entity.id, entity.name, entity.aliases, kind))
        named += self._name_parts(named)
        for record_id, name, aliases, kind in named:
            self.kinds[record_id] = kind
            for alias in (name, *aliases):
                alias_tokens = tuple(tokens(alias))
                if alias_tokens:
                    self.aliases[alias_tokens].add(record_id)
                    self.spellings[record_id].append(frozenset(alias_tokens))

    @staticmethod
    def _name_parts(
        named: list[tuple[str, str, tuple[str, ...], str]],
    ) -> list[tuple[str, str, tuple[str, ...], str]]:
        """First names and surnames alone ("Ivan", "Gainsbourg") when they name one person only."""
        owners: dict[str, set[str]] = defaultdict(set)
        kinds: dict[str, str] = {}
        taken: set[tuple[str, ...]] = set()
        for record_id, name, aliases, kind in named:
            kinds[record_id] = kind
            for alias in (name, *aliases):
                taken.add(tuple(tokens(alias)))
            if kind not in ("person", "character"):
                continue
            words = tokens(name)
            if len(words) >= 2:
                for part in (words[0], words[-1]):
                    if len(part) >= 3 and not part.isdigit():
                        owners[part].add(record_id)
        return [
            (next(iter(ids)), part, (), kinds[next(iter(ids))])
            for part, ids in owners.items()
            if len(ids) == 1 and (part,) not in taken
        ]

    def _names_of(self, record_id: str) -> list[str]:
        record = self.kb.named(record_id)
        if record is None:
            return []
        names = [record.name, *record.aliases]
        if (
            isinstance(record, Character)
            and record.played_by
            and record.played_by in self.kb.people
        ):
            names.append(self.kb.people[record.played_by].name)
        if isinstance(record, Person):
            names.extend(c.name for c in self.kb.characters.values() if c.played_by == record.id)
        return names

    def _add_doc(
        self,
        key: str,
        fact: Fact | None,
        quote: Quote | None,
        phrasings: list[str],
        fields: dict[str, list[str]],
        entities: frozenset[str],
    ) -> None:
        doc_index = len(self.docs)
        field_weight: dict[str, float] = {}
        form_indexes: list[int] = []
        seen_forms: set[frozenset[str]] = set()
        for phrasing in phrasings:
            form_tokens = tokens(phrasing)
            token_set = frozenset(form_tokens)
            if not token_set or token_set in seen_forms:
                continue
            seen_forms.add(token_set)
            form_index = len(self.forms)
            self.forms.append(Form(doc_index, token_set))
            form_indexes.append(form_index)
            for token in token_set:
                field_weight[token] = FIELD_WEIGHTS["question"]
        for field_name, texts in fields.items():
            weight = FIELD_WEIGHTS[field_name]
            for text in texts:
                for token in tokens(text):
                    if field_weight.get(token, 0.0) < weight:
                        field_weight[token] = weight
        for token in field_weight:
            self.doc_postings[token].append(doc_index)
        for entity_id in entities:
            self.entity_docs[entity_id].append(doc_index)
        answers = {t for form in form_indexes for t in self.forms[form].tokens} & INTERROGATIVES
        answers |= {
            _NAMED_KINDS[self.kinds[e]] for e in entities if self.kinds.get(e) in _NAMED_KINDS
        }
        text = " ".join(fields.get("answer", ())) if fact else ""
        if quote is not None:
            answers |= {"who", "why"}  # a quote answers who said it, and often why
        answers |= {
            kind
            for kind, pattern in (("when", _DATE), ("howmany", _COUNT), ("why", _REASON))
            if pattern.search(text)
        }
        self.docs.append(
            Doc(key, fact, quote, entities, tuple(form_indexes), field_weight, frozenset(answers))
        )

    def _add_fact(self, fact: Fact) -> None:
        names = [name for entity_id in fact.entities for name in self._names_of(entity_id)]
        self._add_doc(
            fact.id,
            fact,
            None,
            list(fact.questions),
            {
                "entity": names,
                "tag": [t.replace("-", " ") for t in fact.tags],
                "answer": [fact.answer],
            },
            frozenset(fact.entities),
        )

    def _add_quote(self, quote: Quote) -> None:
        speaker = self._names_of(quote.speaker)
        # A quote is found by its words, by its topic, and by who said it.
        phrasings = [quote.text]
        if quote.context:
            phrasings.append(quote.context)
        self._add_doc(
            quote.id,
            None,
            quote,
            phrasings,
            {
                "entity": [*speaker, "quote", "said"],
                "tag": [t.replace("-", " ") for t in quote.tags],
            },
            frozenset({quote.speaker}),
        )
