"""Analyse: what a question says, before any fact is looked at.

A question becomes a `Query`: its terms (words and whole names, each with a weight
and how sure we are we read it right), the kind of answer it asks for (a person, a
date, a number…), and the numbers it names. Typo correction happens here, against the
knowledge base's own vocabulary, and never turns a real word into another one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from cachetools import LRUCache
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.qa.folding import fold
from bot.qa.index import CONSTRAINING_KINDS, LAYER_MEMO_SIZE, MEMO_SIZE, Index, kept
from bot.qa.language import language_of
from bot.qa.lexicon import lexicon, word_frequencies
from bot.qa.normalize import (
    INTERROGATIVES,
    SERIES,
    canonical,
    is_numbered,
    is_small_talk,
    join_numbered,
    raw_tokens,
)

MAX_ANALYSED_CHARS = 500
"""Longer input is cut before analysis so a pasted essay cannot stall the event loop."""

REAL_WORD_ZIPF = 3.0
"""A word at least this common in everyday English, French, German, Spanish or Italian
(about once per million words) is a real word: it is never "corrected" into another."""

COMMON_WORD_INFO = 0.25
"""The least a known word can weigh, as a share of its rarity in the knowledge base
(reached by the commonest words of the language, Zipf 6 and above)."""

TYPO_ZIPF_MARGIN = 2.0
"""A real word is read as a typo only for a word this much more common (Zipf, i.e.
about 100 times): "wich" is German, but a fan typing it almost surely means "which"."""

DROP = ""
"""What a misspelt stop word ("frm", "teh") is corrected to: nothing."""

TYPO_CONFIDENCE = 0.85
"""How much a corrected word counts compared with one typed right."""

SPECIFIC_ASKS = ("who", "when", "where", "howmany", "why")
"""Question words that say what kind of answer is wanted, strongest first."""


@cache
def _everyday_words_by_start() -> dict[tuple[str, int], list[str]]:
    """The common words of the frequency list by first letter and length (shared)."""
    buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
    for word, zipf in word_frequencies().items():
        if zipf >= REAL_WORD_ZIPF:
            buckets[word[0], len(word)].append(word)
    return dict(buckets)


def _swap_or_insertion(typed: str, word: str) -> bool:
    """ "hwo" for "who" (letters swapped) or "whn" for "when" (one letter left out)."""
    if len(word) == len(typed):
        return sorted(word) == sorted(typed)
    letters = iter(word)
    return len(word) == len(typed) + 1 and all(c in letters for c in typed)


class TermKind(StrEnum):
    """What a term of a question is, which decides how it is weighed and matched."""

    WORD = "word"  # a topic word ("premiere", "cancel")
    NAME = "name"  # a person, character, company, place or other show
    NUMBER = "number"  # "season 3", "episode 5"
    QUESTION = "question"  # who, when, where… (sets `Query.asks`, carries no topic)


@dataclass(frozen=True, slots=True)
class Term:
    """One thing the question says: a word, or a whole name ("david alvarez")."""

    token: str
    surface: str  # the words as typed, for --explain
    kind: TermKind
    weight: float  # how much it matters: rarity in the knowledge base or in the language
    confidence: float  # 1 typed right, TYPO_CONFIDENCE corrected, 0 unknown
    spellings: tuple[frozenset[str], ...] = ()  # for names: each a set of tokens
    ids: frozenset[str] = frozenset()  # for names: the records named
    name_kind: str = ""  # for names: person, character, company, place, outside-show

    @property
    def known(self) -> bool:
        """Whether the word is one the knowledge base uses, as typed or corrected."""
        return self.confidence > 0

    @property
    def constraining(self) -> bool:
        """A person, character, company or other show: answers must be about it."""
        return self.kind is TermKind.NAME and self.name_kind in CONSTRAINING_KINDS

    @property
    def words(self) -> frozenset[str]:
        """Every token that may stand for this term in a document."""
        return frozenset().union(*self.spellings) if self.spellings else frozenset({self.token})


@dataclass(frozen=True, slots=True)
class Query:
    """A question as the analyser read it: what ranking and the decision work from."""

    text: str
    terms: tuple[Term, ...]
    asks: str | None  # who, when, where, howmany, why (None: what/which/how or no word)
    small_talk: bool
    language: str = "en"  # "fr" for a question asked in French, which gets a French answer

    @property
    def topics(self) -> tuple[Term, ...]:
        """The terms that say what the question is about (not its question words)."""
        return tuple(t for t in self.terms if t.kind is not TermKind.QUESTION)

    @property
    def numbers(self) -> frozenset[str]:
        """The numbers asked about (a season, an episode, a year), which a fact must contain.

        A count written as a word ("the two companies", "les deux compagnies") describes;
        it does not pin the answer down the way "season 3" or "2025" does.
        """
        return frozenset(
            t.token
            for t in self.terms
            if t.kind is TermKind.NUMBER
            and (not t.token.isdigit() or any(c.isdigit() for c in t.surface))
        )

    @property
    def topic_weight(self) -> float:
        """The total weight of the topic terms, against which coverage is measured."""
        return sum(t.weight for t in self.topics)

    @property
    def unknown_share(self) -> float:
        """Share of the topic weight in words the knowledge base never uses: off-topic sign."""
        total = self.topic_weight
        return sum(t.weight for t in self.topics if not t.known) / total if total else 0.0


def _language(text: str, terms: list[Term]) -> str:
    """The question's language from its own words: not from names ("Lou de Laâge", "de"
    included) nor from the series' title, which say nothing about how the fan writes."""
    named = {w for t in terms if t.kind is TermKind.NAME for w in fold(t.surface).split()}
    words = raw_tokens(text)
    inside_a_name = {
        i
        for i, word in enumerate(words)
        if word in named or (0 < i < len(words) - 1 and {words[i - 1], words[i + 1]} <= named)
    }
    return language_of(
        w for i, w in enumerate(words) if i not in inside_a_name and canonical(w) != SERIES
    )


class Analyser:
    """Reads questions against one index's vocabulary and names.

    For a layered index (a guild's view), pass the base's analyser: the known-word
    tables are shared, and only the words the layer adds or hides are looked at again.
    """

    def __init__(self, index: Index, base: Analyser | None = None) -> None:
        self.index = index
        self.frequencies = word_frequencies()
        size = LAYER_MEMO_SIZE if base else MEMO_SIZE
        # A base remembers what words mean; a layer works it out again (a few look-ups),
        # so a thousand layers do not each keep a table.
        self._meanings: LRUCache[str, str | None] | None = None if base else LRUCache(size)
        # Typed word -> the canonical token it stands for (see `_meaning`): the words a
        # typo may be a slip for, by length; for a real word, only far commoner ones.
        lowest = REAL_WORD_ZIPF + TYPO_ZIPF_MARGIN
        if base is None:
            candidates = self._candidates()
        else:
            changed = index.changed_words()
            vocabulary = lexicon()
            changed |= {
                word
                for table in (vocabulary.concepts, vocabulary.question_words)
                for word, meaning in table.items()
                if meaning in changed
            }
            candidates = {w for w in changed if base.known(w) is None}
        # Candidate words by length, and the far commoner ones a real word may be a slip
        # for. A layer keeps only the words it adds; the base's lists are shared.
        self._base = base
        self._words_by_length: dict[int, list[str]] = defaultdict(list)
        self._common_by_length: dict[int, list[str]] = defaultdict(list)
        for word in sorted(candidates):
            if len(word) >= 3 and not word.isdigit() and self.known(word) is not None:
                self._words_by_length[len(word)].append(word)
                if self.frequencies.get(word, 0.0) >= lowest:
                    self._common_by_length[len(word)].append(word)
        self._corrections: LRUCache[str, str | None] = LRUCache(size)
        # Everyday-word look-ups depend on the language only: one cache for all layers.
        self._misspelt: LRUCache[str, float] = base._misspelt if base else LRUCache(MEMO_SIZE)

    def _candidates(self) -> set[str]:
        """Every word that may mean something: the knowledge base's tokens and words as
        written, question words, and the lexicon's concepts and stop words."""
        vocabulary = lexicon()
        words = set(self.index.vocabulary()) | set(self.index.written_words())
        words |= set(INTERROGATIVES) | set(vocabulary.stop_words)
        words |= set(vocabulary.concepts) | set(vocabulary.question_words)
        return words

    def known(self, word: str) -> str | None:
        """The canonical token a typed word stands for, DROP for a stop word, None for a
        word of three letters or more that means nothing here (a typo's candidate)."""
        if len(word) < 3 or word.isdigit():
            return None
        if self._meanings is None:
            return self._meaning(word)
        return kept(self._meanings, word, self._meaning)

    def _meaning(self, word: str) -> str | None:
        """What a word means here, strongest reading first: a question word; a word the
        knowledge base writes (as the token it stands for); one of its tokens; a word
        of the lexicon whose meaning the knowledge base uses; a stop word (DROP)."""
        index = self.index
        if word in INTERROGATIVES:
            return word
        spelled = index.spelled(word)
        if spelled is not None:
            return spelled
        if index.has(word):
            return word
        vocabulary = lexicon()
        for table in (vocabulary.concepts, vocabulary.question_words):
            meaning = table.get(word)
            if meaning is not None and (
                meaning in INTERROGATIVES or index.has(meaning) or index.spelled(meaning)
            ):
                return meaning
        return DROP if word in vocabulary.stop_words else None

    def analyse(self, question: str) -> Query:
        """Read a question into terms and the kind of answer it asks for."""
        text = question[:MAX_ANALYSED_CHARS]
        read = self._read_words(text)
        terms = self._group_names(read)
        asked = {t.token for t in terms if t.kind is TermKind.QUESTION}
        asks = next((kind for kind in SPECIFIC_ASKS if kind in asked), None)
        return Query(question, tuple(terms), asks, is_small_talk(text), _language(text, terms))

    # -- words ----------------------------------------------------------------------

    def _read_words(self, text: str) -> list[Term]:
        """Each meaningful word once, typo-corrected where it is not a real word."""
        read: list[tuple[str, Term]] = []
        for raw in raw_tokens(text):
            token = canonical(raw)
            if token is None or token == SERIES:
                continue  # a stop word, or the series itself: it tells no fact apart
            term = self._read_word(raw, token)
            if term is not None and term.token != SERIES:
                read.append((term.token, term))
        seen: dict[str, Term] = {}
        for token, first in join_numbered(read):
            term = first if token == first.token else self._read_word(first.surface, token)
            if term is None:
                continue
            previous = seen.get(term.token)
            if previous is None or previous.confidence < term.confidence:
                seen[term.token] = term
        return list(seen.values())

    def _read_word(self, raw: str, token: str) -> Term | None:
        """The term for one typed word; None for a misspelt stop word."""
        index = self.index
        if token in INTERROGATIVES:
            return Term(token, raw, TermKind.QUESTION, 0.0, 1.0)
        if is_numbered(token):
            return Term(token, raw, TermKind.NUMBER, index.weight(token), 1.0)
        corrected = self._correct(raw, token)
        if corrected == DROP:
            return None
        if corrected is None and (self.known(token) is not None or index.has(token)):
            return Term(token, raw, TermKind.WORD, index.weight(token) * self._info(raw), 1.0)
        if corrected is not None:
            kind = TermKind.QUESTION if corrected in INTERROGATIVES else TermKind.WORD
            weight = 0.0 if kind is TermKind.QUESTION else index.weight(corrected)
            return Term(corrected, raw, kind, weight, TYPO_CONFIDENCE)
        return Term(token, raw, TermKind.WORD, self._unknown_weight(raw), 0.0)

    def _info(self, raw: str) -> float:
        """How much an everyday word can say: "getting" or "before" may be rare in the
        knowledge base, but they are among the most common words of the language."""
        zipf = self.frequencies.get(raw, 0.0)
        return min(1.0, max(COMMON_WORD_INFO, (7.0 - zipf) / 4.0))

    def _unknown_weight(self, raw: str) -> float:
        """A word the knowledge base never uses weighs by how rare it is in the language:
        "zodiac" says more than "want", a misspelt everyday word ("actualy") weighs like
        the word it misspells, and gibberish weighs like the rarest word."""
        zipf = self.frequencies.get(raw) or self._misspelt_zipf(raw)
        rarity = (7.0 - min(7.0, zipf)) / 7.0
        return self.index.max_weight * rarity

    def _misspelt_zipf(self, raw: str) -> float:
        """The frequency of the everyday word one typo away, 0 when there is none."""
        if len(raw) < 5 or not raw.isalpha():
            return 0.0
        if raw in self._misspelt:
            return self._misspelt[raw]
        # Typos rarely hit the first letter: looking only there keeps this fast.
        pool = _everyday_words_by_start()
        near = [
            w for n in (len(raw) - 1, len(raw), len(raw) + 1) for w in pool.get((raw[0], n), ())
        ]
        match = process.extractOne(raw, near, scorer=OSA.distance, score_cutoff=1)
        zipf = self.frequencies[match[0]] if match else 0.0
        if len(self._misspelt) < 50_000:
            self._misspelt[raw] = zipf
        return zipf

    def _correct(self, raw: str, token: str) -> str | None:
        """The canonical token of the known word one typo away ("dirctor" -> "director",
        "ceast" -> "cast" -> play, "tobais" -> "tobias"), DROP for a misspelt stop word.

        Edit distance with transpositions (a similarity ratio happily turns "louvre"
        into "lou"): one edit, two for words of eight letters or more, and in
        three-letter words a swap or one missing letter ("hwo", "whn"). A word the
        knowledge base uses is never corrected, nor a real word, unless into a far more
        common one (TYPO_ZIPF_MARGIN). Among equally close words the most likely
        intended one wins: a stop or question word, else the one most facts use.
        """
        if len(raw) < 3 or raw.isdigit() or self.known(raw) is not None:
            return None
        if self.index.has(token):
            return None
        if raw in self._corrections:
            return self._corrections[raw]
        zipf = self.frequencies.get(raw, 0.0)
        floor = zipf + TYPO_ZIPF_MARGIN if zipf >= REAL_WORD_ZIPF else None
        best: str | None = None
        for word in (raw, token) if token != raw else (raw,):
            limit = 1 if len(word) < 8 else 2
            pool = [
                w
                for length in range(len(word) - limit, len(word) + limit + 1)
                for w in self._pool(length, common=floor is not None)
                # A real word is a typo only of a word it starts like: fans rarely slip on
                # the first letter, and "tall" is not "all" nor "resident" "president".
                if floor is None or (self.frequencies.get(w, 0.0) >= floor and w[0] == word[0])
            ]
            matches = process.extract(
                word, pool, scorer=OSA.distance, score_cutoff=limit, limit=None
            )
            if len(word) == 3:  # a swap or one missing letter, never another short word
                matches = [m for m in matches if _swap_or_insertion(word, m[0])]
            # A layer may have hidden the only fact that used a word of the shared pool.
            meant: list[tuple[float, str]] = []
            for _, distance, position in matches:
                meaning = self.known(pool[position])
                if meaning is not None:
                    meant.append((distance, meaning))
            if meant:
                nearest = min(distance for distance, _ in meant)
                tied = [meaning for distance, meaning in meant if distance == nearest]
                best = max(tied, key=self._prior)
                break
        self._corrections[raw] = best
        return best

    def _pool(self, length: int, *, common: bool) -> Iterator[str]:
        """The words of this length a typo may be a slip for (only the far commoner
        ones for a real word), from the base's lists and this layer's additions."""
        if self._base is not None:
            yield from self._base._pool(length, common=common)
        yield from (self._common_by_length if common else self._words_by_length).get(length, ())

    def _prior(self, token: str) -> tuple[int, str]:
        """How likely a fan meant this token: stop and question words are the commonest."""
        if token == DROP or token in INTERROGATIVES:
            return (self.index.size + 1, token)
        return (self.index.doc_freq(token), token)

    # -- names ----------------------------------------------------------------------

    def _group_names(self, words: list[Term]) -> list[Term]:
        """Join the words that make a name (longest first): "lou de laage" is one term."""
        index = self.index
        tokens = [w.token for w in words]
        terms: list[Term] = []
        position = 0
        while position < len(words):
            longest = min(index.max_alias_length, len(words) - position)
            for length in range(longest, 0, -1):
                ids = index.aliases.get(tuple(tokens[position : position + length]))
                if not ids:
                    continue
                span = words[position : position + length]
                kinds = {index.kinds[i] for i in ids}
                # An alias shared by several people ("david") still names a person.
                name_kind = kinds.pop() if len(kinds) == 1 else "person"
                spellings = {s for i in ids for s in index.spellings[i]}
                spellings.add(frozenset(tokens[position : position + length]))
                terms.append(
                    Term(
                        max(span, key=lambda t: t.weight).token,
                        " ".join(t.surface for t in span),
                        TermKind.NAME,
                        sum(t.weight for t in span),
                        min(t.confidence for t in span),
                        tuple(spellings),
                        frozenset(ids),
                        name_kind,
                    )
                )
                position += length
                break
            else:
                terms.append(words[position])
                position += 1
        return terms
