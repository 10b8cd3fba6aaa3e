"""A search index over one knowledge base, built once and then only read.

Every fact and quote becomes a `Doc`: its question forms (the phrasings fans use)
and a bag of tokens from its other fields, each field with its own weight. Inverted
postings keep the cost of a question proportional to the documents that share its
rarer words, not to the size of the knowledge base.

An index can also be a *layer* over another (`Index.layered`): a guild's view of the
shared base (its own facts on top, the ones it retired or replaced hidden), or a
shared edit waiting to be compacted. A layer indexes only its own documents; every
statistic that depends on the whole collection (document frequencies, word weights,
and what derives from them) is computed for the layer as a whole, on demand, so a
layer answers exactly as an index rebuilt from its knowledge base would, at the cost
of its own size.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar, overload

from bot.kb.model import Character, Fact, KnowledgeBase, NamedRecord, Person, Quote
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


MEMO_SIZE = 8192
"""Entries kept by the analyser's caches of word meanings and typo corrections."""

LAYER_MEMO_SIZE = 2048
"""The same for a layer: a thousand guilds' views must stay small, and a layer's
statistics are cheap to recompute from its base's."""

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


def kept(
    cache: MutableMapping[K, V] | None, key: K, compute: Callable[[K], V], *, bounded: bool = False
) -> V:
    """The value from `cache` (computed and kept on first use), or computed afresh
    when there is no cache. A `bounded` cache is emptied when it reaches
    LAYER_MEMO_SIZE: a layer keeps what its recent questions touched, no more."""
    if cache is None:
        return compute(key)
    try:
        return cache[key]
    except KeyError:
        if bounded and len(cache) >= LAYER_MEMO_SIZE:
            cache.clear()
        value = cache[key] = compute(key)
        return value


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
    """Inverted index of one knowledge base, or a layer of one over another index.

    Documents are numbered globally: a layer's own documents come after its base's.
    Only live documents (not hidden by this layer or the ones below) are reachable
    through postings, so the ranker never sees a retired or replaced fact.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        base: Index | None = None,
        *,
        changed: tuple[Fact, ...] = (),
        removed: frozenset[str] = frozenset(),
    ) -> None:
        self.kb = kb
        self.base = base
        self.doc_end: int  # one past the last global document number of this layer
        self.form_end: int
        self.size: int  # live documents, whatever their numbers
        self.doc_offset = base.doc_end if base else 0
        self.form_offset = base.form_end if base else 0
        self._docs: list[Doc] = []
        self._forms: list[Form] = []
        self._doc_of: dict[str, int] = {}  # own document key -> global index
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._entity_docs: dict[str, list[int]] = defaultdict(list)
        self._tag_docs: dict[str, list[int]] = defaultdict(list)
        self._own_df: Counter[str] = Counter()
        self._own_words: Counter[str] = Counter()  # words of the texts as written
        self._hidden_df: Counter[str] = Counter()
        self._hidden_words: Counter[str] = Counter()
        self.hidden: frozenset[int] = frozenset()
        if base is None:
            self.aliases: dict[tuple[str, ...], set[str]] = defaultdict(set)
            self.kinds: dict[str, str] = {}
            self.related: dict[str, set[str]] = defaultdict(set)
            self.spellings: dict[str, list[frozenset[str]]] = defaultdict(list)
            self._index_names(kb)
            self.max_alias_length = max((len(a) for a in self.aliases), default=1)
            self._by_spelling = self._spelling_index()
            own: dict[str, Fact] = {**kb.facts, **derived_facts(kb)}
            for text in self._name_texts(kb):
                self._own_words.update(set(raw_tokens(text)))
        else:
            # People, characters and entities come from the shared base: a layer adds,
            # replaces or retires facts only.
            self.aliases, self.kinds, self.related = base.aliases, base.kinds, base.related
            self.spellings, self.max_alias_length = base.spellings, base.max_alias_length
            self._by_spelling = base._by_spelling
            own = {fact.id: fact for fact in changed}
            gone = {base.doc_index(key) for key in (removed | own.keys())}
            self.hidden = frozenset(i for i in gone if i is not None)
            for doc_index in self.hidden:
                doc = base.doc(doc_index)
                self._hidden_df.update(doc.field_weight.keys())
                if doc.fact is not None:
                    self._hidden_words.update(_fact_words(doc.fact))
        self._own_facts = own
        for fact in own.values():
            self._add_fact(fact)
            self._own_words.update(_fact_words(fact))
        if base is None:
            for quote in kb.quotes.values():
                self._add_quote(quote)
                self._own_words.update(set(raw_tokens(quote.text)))
        self.doc_end = self.doc_offset + len(self._docs)
        self.form_end = self.form_offset + len(self._forms)
        self.size = (base.size - len(self.hidden) if base else 0) + len(self._docs)
        # A base's own lists are its global numbering; a layer looks numbers up below.
        self.docs: Sequence[Doc] = self._docs if base is None else _Numbered(self.doc)
        self.forms: Sequence[Form] = self._forms if base is None else _Numbered(self.form)
        self.facts: Mapping[str, Fact] = _LiveFacts(self)
        self._carriers: dict[str, list[str]] = defaultdict(list)
        for fact in own.values():
            if fact.quote:
                self._carriers[fact.quote].append(fact.id)
        self._doc_names = [self._names_in(doc) for doc in self._docs]
        self._scale = math.log(max(self.size, 1) + 1) + 1.0
        # The words whose document frequency this layer changes (a reworded fact that
        # keeps its words changes none): the phrasings with one of them are re-summed.
        self._touched = frozenset(
            t
            for t in self._own_df.keys() | self._hidden_df.keys()
            if base is None or self.doc_freq(t) != base.doc_freq(t)
        )
        self._df_hist = self._frequency_histogram()
        lowest = min((f for f, n in self._df_hist.items() if n > 0), default=0)
        self.max_weight = self._idf(lowest) if lowest else 1.0
        # What depends on the whole collection is computed on first use. A base keeps
        # all of it (as a full precomputation would, but only for what questions touch);
        # a layer recomputes it from its base's counts, which costs a few look-ups, and
        # keeps only its merged postings, so a thousand layers stay small.
        kept = base is None
        self._weights: dict[str, float] | None = {} if kept else None
        self._form_sums: dict[int, tuple[int, float]] = {}
        self._lightest: dict[int, float] = {}
        self._form_names: dict[int, dict[str, float]] | None = {} if kept else None
        self._name_sums: dict[int, list[tuple[str, int, float]]] = {}
        self._spellings: dict[int, list[tuple[str, frozenset[str]]]] = {}
        self._central: dict[str, tuple[int, ...]] = {}

    @classmethod
    def layered(
        cls, base: Index, kb: KnowledgeBase, changed: tuple[Fact, ...], removed: frozenset[str]
    ) -> Index:
        """`base` with `changed` facts added or replacing theirs and `removed` retired:
        answers exactly as `Index(kb)` would, built at the cost of the changes."""
        return cls(kb, base, changed=changed, removed=removed)

    # -- documents ------------------------------------------------------------------

    def doc(self, doc_index: int) -> Doc:
        """The document with this global number (from this layer or one below)."""
        if doc_index < self.doc_offset:
            assert self.base is not None
            return self.base.doc(doc_index)
        return self._docs[doc_index - self.doc_offset]

    def form(self, form_index: int) -> Form:
        """The phrasing with this global number."""
        if form_index < self.form_offset:
            assert self.base is not None
            return self.base.form(form_index)
        return self._forms[form_index - self.form_offset]

    def doc_index(self, key: str) -> int | None:
        """The live document of a fact or quote id, if there is one."""
        if key in self._doc_of:
            return self._doc_of[key]
        if self.base is None:
            return None
        found = self.base.doc_index(key)
        return None if found is None or found in self.hidden else found

    def own_fact_ids(self) -> Iterator[str]:
        """The facts this layer itself indexes (all of them for a base)."""
        return iter(self._own_facts)

    def carrier(self, quote_id: str) -> Fact | None:
        """The live fact that shows this quote with its answer (the first by id when
        several do, so the choice never depends on the order facts were loaded in)."""
        ids = self._carrier_ids(quote_id)
        return self.facts[min(ids)] if ids else None

    def _carrier_ids(self, quote_id: str) -> list[str]:
        below = self.base._carrier_ids(quote_id) if self.base else []
        live = [i for i in below if i not in self._own_facts and self.doc_index(i) is not None]
        return live + self._carriers.get(quote_id, [])

    def doc_names(self, doc_index: int) -> dict[str, float]:
        """Which named things a document mentions, and how strongly (see `_names_in`)."""
        if doc_index < self.doc_offset:
            assert self.base is not None
            return self.base.doc_names(doc_index)
        return self._doc_names[doc_index - self.doc_offset]

    # -- statistics of the whole collection -----------------------------------------

    def doc_freq(self, token: str) -> int:
        """How many live documents contain the token."""
        own = self._own_df.get(token, 0)
        if self.base is None:
            return own
        return self.base.doc_freq(token) - self._hidden_df.get(token, 0) + own

    def has(self, token: str) -> bool:
        """Whether some live document uses the token."""
        return self.doc_freq(token) > 0

    def weight(self, token: str) -> float:
        """Inverse document frequency; question words and the series' name weigh nothing."""
        cache = self._weights
        if cache is not None:
            known = cache.get(token)
            if known is not None:
                return known
        value = 0.0 if token in INTERROGATIVES or token == SERIES else self._weight(token)
        if cache is not None:
            cache[token] = value
        return value

    def _weight(self, token: str) -> float:
        frequency = self.doc_freq(token)
        return self._idf(frequency) if frequency else self.max_weight

    def _idf(self, frequency: int) -> float:
        # log((N + 1) / (df + 0.5)) + 1, written as a collection-wide scale minus a
        # per-word term, so a layer reuses its base's sums for phrasings it left alone.
        return self._scale - _log_frequency(frequency)

    def _frequency_histogram(self) -> Counter[int]:
        """How many live words have each document frequency (for the heaviest weight)."""
        if self.base is None:
            return Counter(self._own_df.values())
        histogram = Counter(self.base._df_hist)
        for token in self._own_df.keys() | self._hidden_df.keys():
            before, after = self.base.doc_freq(token), self.doc_freq(token)
            if before:
                histogram[before] -= 1
            if after:
                histogram[after] += 1
        return histogram

    def vocabulary(self) -> Iterator[str]:
        """Every live token (walks the whole collection: for building, not answering)."""
        return self._live(lambda layer: layer._own_df, self.has)

    def _live(
        self, table: Callable[[Index], Mapping[str, int]], live: Callable[[str], bool]
    ) -> Iterator[str]:
        """The keys of a per-layer table, from every layer down, that are live here."""
        seen: set[str] = set()
        layer: Index | None = self
        while layer is not None:
            for key in table(layer):
                if key not in seen:
                    seen.add(key)
                    if live(key):
                        yield key
            layer = layer.base

    def spelled(self, word: str) -> str | None:
        """The token of a word as the knowledge base writes it ("tobias" -> tobia)."""
        if self._word_count(word) <= 0:
            return None
        token = canonical(word)
        return token if token is not None and self.has(token) else None

    def _word_count(self, word: str) -> int:
        own = self._own_words.get(word, 0)
        if self.base is None:
            return own
        return self.base._word_count(word) - self._hidden_words.get(word, 0) + own

    def written_words(self) -> Iterator[str]:
        """Every word the live texts use as written (for building, not answering)."""
        return self._live(lambda layer: layer._own_words, lambda w: self._word_count(w) > 0)

    def changed_words(self) -> set[str]:
        """The words and tokens whose standing this layer may change (none for a base)."""
        if self.base is None:
            return set()
        return (
            set(self._own_df)
            | set(self._hidden_df)
            | set(self._own_words)
            | set(self._hidden_words)
        )

    # -- postings -------------------------------------------------------------------

    def postings(self, token: str) -> tuple[int, ...]:
        """The live documents with the token, where it sits in the shortest phrasing first.

        A question made only of common words looks at the head of these lists only,
        which keeps its cost bounded on a very large knowledge base. The order depends
        on the documents alone (phrasing length, then id), so a layer and a rebuilt
        index agree on it.
        """
        cache = self._central
        found = cache.get(token)
        if found is None:
            found = kept(cache, token, self._ordered_postings, bounded=self.base is not None)
        return found

    def _ordered_postings(self, token: str) -> tuple[int, ...]:
        def central(doc_index: int) -> tuple[int, str]:
            """Where the document stands in this word's postings."""
            return self._centrality(doc_index, token)

        own = sorted(self._postings.get(token, ()), key=central)
        if self.base is None:
            return tuple(own)
        merged = [d for d in self.base.postings(token) if d not in self.hidden]
        for doc_index in own:  # a few: placed by binary search, not by re-sorting
            bisect.insort(merged, doc_index, key=central)
        return tuple(merged)

    def _centrality(self, doc_index: int, token: str) -> tuple[int, str]:
        doc = self.doc(doc_index)
        lengths = [len(f.tokens) for f in map(self.form, doc.forms) if token in f.tokens]
        return (min(lengths, default=_NOT_IN_A_PHRASING), doc.key)

    def entity_docs(self, entity_id: str) -> tuple[int, ...]:
        """The live documents about a person, character or entity."""
        own = tuple(self._entity_docs.get(entity_id, ()))
        if self.base is None:
            return own
        below = tuple(d for d in self.base.entity_docs(entity_id) if d not in self.hidden)
        return below + own

    def tag_docs(self, tag: str) -> tuple[int, ...]:
        """The live facts with this tag."""
        own = tuple(self._tag_docs.get(tag, ()))
        if self.base is None:
            return own
        return tuple(d for d in self.base.tag_docs(tag) if d not in self.hidden) + own

    # -- weights of phrasings (depend on the whole collection) ----------------------

    def form_weight(self, form_index: int) -> float:
        """The weight of a phrasing: the sum of its words' weights."""
        count, logs = self._form_terms(form_index)
        return count * self._scale - logs

    def _form_terms(self, form_index: int) -> tuple[int, float]:
        """How many weighted words a phrasing has, and the sum of their frequency terms:
        its weight is `count × scale − sum`. A layer reuses its base's for a phrasing
        whose words it did not touch."""
        known = self._form_sums.get(form_index)
        if known is not None:
            return known
        if self._below_as_is(form_index):
            assert self.base is not None
            return self.base._form_terms(form_index)
        return kept(self._form_sums, form_index, self._sum_terms, bounded=self.base is not None)

    def _below_as_is(self, form_index: int) -> bool:
        """Whether a phrasing comes from below and has no word whose frequency this
        layer changed: its frequency terms are then its base's."""
        return (
            self.base is not None
            and form_index < self.form_offset
            and self.form(form_index).tokens.isdisjoint(self._touched)
        )

    def _sum_terms(self, form_index: int) -> tuple[int, float]:
        return self._terms(self.form(form_index).tokens)

    def _terms(self, words: frozenset[str]) -> tuple[int, float]:
        """How many of the words weigh something, and the sum of their frequency terms."""
        count, logs = 0, 0.0
        for token in words:
            if token in INTERROGATIVES or token == SERIES:
                continue
            count += 1
            logs += _log_frequency(self.doc_freq(token))
        return count, logs

    def lightest_form(self, doc_index: int) -> float:
        """The weight of a document's lightest phrasing (inf without one)."""
        known = self._lightest.get(doc_index)
        if known is not None:
            return known
        return kept(
            self._lightest,
            doc_index,
            lambda d: min((self.form_weight(f) for f in self.doc(d).forms), default=math.inf),
            bounded=self.base is not None,
        )

    def form_names(self, form_index: int) -> dict[str, float]:
        """The named things a phrasing spells out, weighed by their longest spelling
        ("Mishi Duplessis" counts more than "Mishi")."""
        cache = self._form_names
        if cache is not None:
            known = cache.get(form_index)
            if known is not None:
                return known
        return kept(cache, form_index, self._names_in_form)

    def _names_in_form(self, form_index: int) -> dict[str, float]:
        used: dict[str, float] = {}
        for record_id, count, logs in self._name_terms(form_index):
            weight = count * self._scale - logs
            used[record_id] = max(used.get(record_id, 0.0), weight)
        return used

    def _name_terms(self, form_index: int) -> list[tuple[str, int, float]]:
        """Each spelling of a name the phrasing contains, as (record, words, frequency
        terms): its weight is `words × scale − terms`, like a phrasing's. A layer reuses
        its base's for a phrasing whose words it did not touch."""
        if self._below_as_is(form_index):
            assert self.base is not None
            return self.base._name_terms(form_index)
        bounded = self.base is not None
        return kept(self._name_sums, form_index, self._sum_name_terms, bounded=bounded)

    def _sum_name_terms(self, form_index: int) -> list[tuple[str, int, float]]:
        return [
            (record_id, *self._terms(spelling))
            for record_id, spelling in self._spellings_in(form_index)
        ]

    def _spellings_in(self, form_index: int) -> list[tuple[str, frozenset[str]]]:
        """The spellings of names a phrasing contains (weights aside: kept by the layer
        that holds the phrasing, so every layer above reads them)."""
        if form_index < self.form_offset:
            assert self.base is not None
            return self.base._spellings_in(form_index)
        return kept(self._spellings, form_index, self._find_spellings)

    def _find_spellings(self, form_index: int) -> list[tuple[str, frozenset[str]]]:
        form_tokens = self.form(form_index).tokens
        return [
            (record_id, spelling)
            for token in form_tokens
            for record_id, spelling in self._by_spelling.get(token, ())
            if spelling <= form_tokens
        ]

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

    def _spelling_index(self) -> dict[str, list[tuple[str, frozenset[str]]]]:
        """Each name's spellings, found by one of their tokens."""
        by_token: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        for record_id, spellings in self.spellings.items():
            for spelling in spellings:
                by_token[min(spelling)].append((record_id, spelling))
        return by_token

    @staticmethod
    def _name_texts(kb: KnowledgeBase) -> Iterator[str]:
        """The names and aliases as written, whose words a fan may misspell."""
        records: list[NamedRecord] = [
            *kb.people.values(),
            *kb.characters.values(),
            *kb.entities.values(),
        ]
        for record in records:
            yield record.name
            yield from record.aliases

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

    def _names_in(self, doc: Doc) -> dict[str, float]:
        """Which named things a document mentions: the best field weight of any spelling
        of the name (at least the entity weight when the fact lists it). Computed once,
        so answering does one dict look-up per name."""
        present: dict[str, float] = {}
        for token in doc.field_weight:
            for record_id, spelling in self._by_spelling.get(token, ()):
                if all(t in doc.field_weight for t in spelling):
                    weight = min(doc.field_weight[t] for t in spelling)
                    present[record_id] = max(present.get(record_id, 0.0), weight)
        for record_id in doc.entities:
            present[record_id] = max(present.get(record_id, 0.0), FIELD_WEIGHTS["entity"])
        return present

    def _add_doc(
        self,
        key: str,
        fact: Fact | None,
        quote: Quote | None,
        phrasings: list[str],
        fields: dict[str, list[str]],
        entities: frozenset[str],
    ) -> None:
        doc_index = self.doc_offset + len(self._docs)
        form_indexes: list[int] = []
        seen_forms: set[frozenset[str]] = set()
        for phrasing in phrasings:
            token_set = frozenset(tokens(phrasing))
            if not token_set or token_set in seen_forms:
                continue
            seen_forms.add(token_set)
            form_indexes.append(self.form_offset + len(self._forms))
            self._forms.append(Form(doc_index, token_set))
        # Each token at the weight of the best field it is in: lightest fields first,
        # each heavier one overwriting, the phrasings last.
        field_weight: dict[str, float] = {}
        for field_name in sorted(fields, key=FIELD_WEIGHTS.__getitem__):
            weight = FIELD_WEIGHTS[field_name]
            for text in fields[field_name]:
                field_weight.update(dict.fromkeys(tokens(text), weight))
        for token_set in seen_forms:
            field_weight.update(dict.fromkeys(token_set, FIELD_WEIGHTS["question"]))
        for token in field_weight:
            self._postings[token].append(doc_index)
        self._own_df.update(field_weight.keys())
        for entity_id in entities:
            self._entity_docs[entity_id].append(doc_index)
        for tag in fact.tags if fact else ():
            self._tag_docs[tag].append(doc_index)
        answers = {t for f in form_indexes for t in self.form(f).tokens} & INTERROGATIVES
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
        self._doc_of[key] = doc_index
        self._docs.append(
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


@lru_cache(maxsize=65536)
def _log_frequency(frequency: int) -> float:
    """The per-word term of a word's weight (see Index._idf)."""
    return math.log(frequency + 0.5)


_NOT_IN_A_PHRASING = 1_000_000
"""The centrality of a document whose phrasings lack the word (it is in another field)."""


def _fact_words(fact: Fact) -> set[str]:
    """The words a fact's phrasings and answer use, as written."""
    return {word for text in (*fact.questions, fact.answer) for word in raw_tokens(text)}


class _Numbered(Sequence[T]):
    """Documents or phrasings by global number, from whichever layer holds them."""

    def __init__(self, get: Callable[[int], T]) -> None:
        self._get = get

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            raise TypeError("documents are looked up one by one")
        return self._get(index)

    def __len__(self) -> int:
        raise TypeError("use Index.size: numbers skip hidden documents")


class _LiveFacts(Mapping[str, Fact]):
    """Every live fact of an index or layer, by id: its own, then the ones below it
    that it did not retire or replace."""

    def __init__(self, index: Index) -> None:
        self._index = index

    def __getitem__(self, fact_id: str) -> Fact:
        index = self._index
        if fact_id in index._own_facts:
            return index._own_facts[fact_id]
        if index.base is None or index.doc_index(fact_id) is None:
            raise KeyError(fact_id)
        return index.base.facts[fact_id]

    def __iter__(self) -> Iterator[str]:
        index = self._index
        if index.base is not None:
            for fact_id in index.base.facts:
                if fact_id not in index._own_facts and index.doc_index(fact_id) is not None:
                    yield fact_id
        yield from index._own_facts

    def __len__(self) -> int:
        return sum(1 for _ in self)
