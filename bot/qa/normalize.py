"""From text to canonical tokens, the same way for questions and for the knowledge base.

Folding (`folding.fold`), multi-word phrases, then per word: a question word becomes
the kind of answer it asks for ("qui" -> "who"), a concept word its concept ("joue",
"actress" -> "play"), a stop word nothing, anything else a light stem. What words mean
lives in `data/lexicon.yaml`, not here.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TypeVar

from bot.qa.folding import fold, singular, stem
from bot.qa.lexicon import lexicon

SERIES = "etoile"  # the token every name of the series becomes

# Letters and digits, plus the combining marks of scripts whose marks fold() keeps
# (Hebrew, Arabic, Indic, Thai, kana), so a word in those scripts stays whole.
_TOKEN = re.compile(
    r"(?:[^\W_]|[\u0591-\u05C7\u0610-\u061A\u064B-\u065F\u0900-\u0DFF\u0E31-\u0E4E\u3099\u309A])+"
)
_WHERE_FR = re.compile(r"(?<!\w)où(?!\w)", re.IGNORECASE)  # "où" folds to "ou" ("or")
_DIGIT = re.compile(r"\d")
_SEASON_EPISODE = re.compile(r"(?<![^\W\d_])(s|ep|e)(\d{1,2})(?![^\W\d_])")

INTERROGATIVES = lexicon().question_kinds
"""Canonical question-word tokens: who, when, where, howmany, why, what, how."""


@cache
def _phrase_pattern() -> re.Pattern[str]:
    phrases = sorted(lexicon().phrases, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, phrases)) + r")(?!\w)")


@lru_cache(maxsize=16384)
def raw_tokens(text: str) -> tuple[str, ...]:
    """Folded words, phrases joined, before stop words and concepts are applied (cached:
    building the index reads each text for its tokens and for its words as written)."""
    if "ù" in text or "Ù" in text:
        text = _WHERE_FR.sub(" where ", text)
    folded = fold(text)
    if _DIGIT.search(folded):
        folded = _SEASON_EPISODE.sub(
            lambda m: f" {'season' if m.group(1) == 's' else 'episode'} {m.group(2)} ", folded
        )
    phrases = lexicon().phrases
    folded = _phrase_pattern().sub(lambda m: f" {phrases[m.group(1)]} ", folded)
    return tuple(_TOKEN.findall(folded))


@lru_cache(maxsize=65536)
def canonical(word: str) -> str | None:
    """The canonical token for one folded word; None for a stop word."""
    words = lexicon()
    if word in words.question_words:
        return words.question_words[word]
    if word in words.series_names:
        return SERIES
    if word in words.concepts:
        return words.concepts[word]
    single = singular(word)
    # A stop word as typed wins over a concept's stem: French "dans" is not "danse".
    if word in words.stop_words or single in words.stop_words or word in words.filler:
        return None
    # French plurals are a plain "s" ("compagnies" -> "compagnie"), English ones may not be.
    french_single = word[:-1] if word.endswith("s") and len(word) > 3 else single
    for form in dict.fromkeys((single, stem(single), french_single, stem(french_single))):
        concept = words.concepts.get(form) or words.concept_stems.get(form)
        if concept is not None:
            return concept
    return stem(single)


T = TypeVar("T")
NUMBERED = ("season", "episode")
ORDINALS = {"first": "1", "second": "2", "third": "3", "last": "last"}


def join_numbered(items: list[tuple[str, T]]) -> list[tuple[str, T]]:
    """ "season 3", "third season" and "s3" become one token, "season3": a fact about
    three years or three dancers is not a fact about the third season. Each token
    travels with a payload (the analyser's typed word); a joined one keeps the first."""
    joined: list[tuple[str, T]] = []
    for token, payload in items:
        previous = joined[-1][0] if joined else ""
        if previous in NUMBERED and token.isdigit():
            joined[-1] = (previous + token, joined[-1][1])
        elif token in NUMBERED and (previous.isdigit() or previous in ORDINALS):
            joined[-1] = (token + ORDINALS.get(previous, previous), joined[-1][1])
        else:
            joined.append((token, payload))
    return joined


def is_numbered(token: str) -> bool:
    """A number, or a numbered season or episode ("season3")."""
    return token.isdigit() or (token.startswith(NUMBERED) and token[-1].isdigit())


@lru_cache(maxsize=16384)
def tokens(text: str) -> tuple[str, ...]:
    """Meaningful canonical tokens of a text, in order (cached: the index and the
    checker read the same phrasings)."""
    out = [t for t in map(canonical, raw_tokens(text)) if t is not None]
    if "season" not in out and "episode" not in out:  # NUMBERED: nothing to join
        return tuple(out)  # nothing to join: the common case, and the fast one
    return tuple(token for token, _ in join_numbered([(t, None) for t in out]))


def normalize(text: str) -> str:
    """A folded, stop-word-free, canonical form of the text for fuzzy comparison."""
    return " ".join(tokens(text))


def is_small_talk(text: str) -> bool:
    """Only greetings, thanks and filler: a chat line, not a question."""
    words = lexicon()
    raw = raw_tokens(text)
    return bool(raw) and all(
        w in words.small_talk or w in words.stop_words or w in words.filler for w in raw
    )


def looks_like_a_question(text: str) -> bool:
    """A chat line that asks something (for the Q&A channel, which must not answer every
    message): it ends with "?" or opens with a question word ("qui", "est-ce que")."""
    stripped = text.strip()
    if stripped.endswith("?"):
        return True
    words = raw_tokens(stripped)
    opening = lexicon().question_openers
    return bool(words) and (words[0] in lexicon().question_words or words[0] in opening)
