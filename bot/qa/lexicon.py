"""The engine's vocabulary, read from data files instead of Python literals.

`data/lexicon.yaml` says what words mean (stop words, question words, concepts in
five languages, phrases); `data/words.tsv.gz` says which words are real words and how
common they are (from wordfreq; rebuilt by scripts/build_word_frequencies.py).
Both are read once per process and shared by every engine.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from bot.qa.folding import fold, singular, stem


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The engine's vocabulary from data/lexicon.yaml: what each word means to it."""

    stop_words: frozenset[str]
    filler: frozenset[str]
    small_talk: frozenset[str]
    series_names: frozenset[str]  # canonical token "etoile" stands for these
    question_words: dict[str, str]  # folded word or phrase -> answer kind ("who", "howmany")
    question_openers: frozenset[str]  # words that open a yes/no question ("est-ce que")
    concepts: dict[str, str]  # folded word, as listed -> canonical concept
    concept_stems: dict[str, str]  # light stem of a listed word -> canonical concept
    phrases: dict[str, str]  # folded multi-word expression -> one token

    @property
    def question_kinds(self) -> frozenset[str]:
        """The kinds of answer a question can ask for (who, when, howmany and so on)."""
        return frozenset(self.question_words.values())


def _words(text: str | list[str]) -> list[str]:
    items = text.split() if isinstance(text, str) else [str(t) for t in text]
    return [fold(item) for item in items]


@cache
def lexicon() -> Lexicon:
    """The shipped lexicon (read once)."""
    raw = yaml.safe_load(resources.files("bot.qa").joinpath("data/lexicon.yaml").read_text("utf-8"))
    stop_words = frozenset(w for words in raw["stop_words"].values() for w in _words(words))
    question_words: dict[str, str] = {}
    phrases = {fold(k): fold(v) for k, v in raw["phrases"].items()}
    for kind, words in raw["question_words"].items():
        token = kind.replace("_", "")
        for word in _words(words):
            if " " in word:
                phrases[word] = token
            question_words[word.replace(" ", "")] = token
            question_words[token] = token
    concepts: dict[str, str] = {}
    for concept, words in raw["concepts"].items():
        for word in _words(words):
            concepts.setdefault(word, concept)
    for number, words in raw["numbers"].items():
        for word in _words(words):
            concepts.setdefault(word, str(number))
    # Inflected forms meet at the stem: "joue", "jouee" and "joues" are one word; a word
    # listed as it is ("premier") wins over another's stem ("premiere").
    concept_stems: dict[str, str] = {}
    for concept, words in raw["concepts"].items():
        for word in _words(words):
            concept_stems.setdefault(stem(singular(word)), concept)
    series_names = frozenset(_words(raw["series_names"]))
    for name in series_names:
        if " " in name:
            phrases[name] = "etoile"
    return Lexicon(
        stop_words=stop_words - set(question_words),
        filler=frozenset(_words(raw["filler"])),
        small_talk=frozenset(_words(raw["small_talk"])),
        series_names=series_names,
        question_words=question_words,
        question_openers=frozenset(_words(raw.get("question_openers", []))),
        concepts=concepts,
        concept_stems=concept_stems,
        phrases=phrases,
    )


@cache
def word_frequencies() -> dict[str, float]:
    """Folded word -> highest Zipf frequency over en, fr, de, es, it (7 = "the", 0 = unseen)."""
    data = resources.files("bot.qa").joinpath("data/words.tsv.gz").read_bytes()
    frequencies: dict[str, float] = {}
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            word, zipf = line.split("\t")
            frequencies[word] = float(zipf)
    return frequencies
