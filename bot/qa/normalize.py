"""Text normalisation for a bilingual (English/French) show.

Fans type "etoile", "Étoile" and "ÉTOILE"; "Laâge" and "Laage"; curly and straight
apostrophes. Everything is folded to one form before matching. Accents are removed
from Latin letters only; a letter we do not know how to fold is kept as it is,
never dropped (python-discord's tag matcher turned "Étoile" into "toile").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Words that say what kind of question it is rather than what it is about.
INTERROGATIVES = frozenset({"who", "what", "when", "where", "why", "how", "which", "many", "much"})

_SPECIAL_LETTERS = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
    }
)


def _is_foldable_base(char: str) -> bool:
    """Latin, Greek and Cyrillic letters lose their accents; other scripts keep their marks."""
    return ord(char) < 0x0530 or 0x1E00 <= ord(char) <= 0x1FFF


def fold(text: str) -> str:
    """Lower-case, fold accents on Latin letters, unify quotes and dashes."""
    if text.isascii():
        return text.lower()  # nothing to fold: the common case, and the fast one
    text = unicodedata.normalize("NFKC", text).translate(_SPECIAL_LETTERS)
    out: list[str] = []
    previous_base = ""
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if previous_base and _is_foldable_base(previous_base):
                continue  # an accent on a Latin letter: drop the accent, keep the letter
        else:
            previous_base = char
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out)).casefold()


# Words that carry no meaning for matching, in both languages. Interrogatives are
# NOT here: "who" and "when" separate "who plays Jack" from "when was it released".
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "done",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "about",
        "by",
        "from",
        "and",
        "or",
        "but",
        "if",
        "so",
        "as",
        "than",
        "then",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "there",
        "here",
        "any",
        "some",
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "you",
        "your",
        "yours",
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "they",
        "them",
        "their",
        "theirs",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "just",
        "really",
        "very",
        "also",
        "too",
        "please",
        "tell",
        "know",
        "like",
        "get",
        "got",
        "s",
        "t",
        "d",
        "ll",
        "re",
        "ve",
        "m",
        "y",
        "im",
        "id",
        "ok",
        "okay",
        "hey",
        "thing",
        "stuff",
        "someone",
        "somebody",
        "anyone",
        "don",
        "doesn",
        "didn",
        "isn",
        "wasn",
        "aren",
        "weren",
        "won",
        "couldn",
        "wouldn",
        "shouldn",
        "haven",
        "hasn",
        "people",
        "person",
        "persons",
        "guy",
        "guys",
        "folk",
        "folks",
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "l",
        "c",
        "qu",
        "que",
        "est",
        "sont",
        "au",
        "aux",
        "et",
        "en",
        "dans",
        "par",
        "pour",
        "sur",
        "avec",
        "ne",
        "pas",
        "se",
        "sa",
        "son",
        "ses",
        "leur",
        "leurs",
        "ce",
        "cet",
        "cette",
        "ces",
        "il",
        "elle",
        "ils",
        "elles",
        "on",
        "je",
        "j",
        "tu",
        "vous",
        "nous",
        "moi",
        "toi",
        "mon",
        "ma",
        "mes",
        "ton",
        "ta",
        "tes",
        "notre",
        "votre",
        "vos",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "ca",
        "cela",
        "ceci",
        "lui",
        "eux",
        "n",
        "ete",
        "etait",
        "sera",
    ]
)

# Filler that says nothing about the question ("yo, quick question: who…"). A message
# made only of these is small talk (see is_small_talk), not a question.
FILLER = frozenset(
    "people person persons guy guys folk folks have has had yo hey hi hello pls plz lol lmao "
    "haha thx thanks um uh hmm btw bruh quick question wondering curious anybody remind "
    "actually exactly per each every etc".split()
)
STOP_WORDS = STOP_WORDS | FILLER

# Canonical forms: French and English words that mean the same thing for this bot.
# A value may hold several tokens ("nyc" -> "new york").
SYNONYMS: dict[str, str] = {
    # asking who plays whom
    "actress": "play",
    "actor": "play",
    "plays": "play",
    "played": "play",
    "playing": "play",
    "portray": "play",
    "portrayed": "play",
    "portrays": "play",
    "role": "play",
    "joue": "play",
    "jouer": "play",
    "interprete": "play",
    "incarne": "play",
    "acteur": "play",
    "actrice": "play",
    "comedien": "play",
    "comedienne": "play",
    "personnage": "character",
    # interrogatives
    "qui": "who",
    "quoi": "what",
    "everyone": "everybody",
    "tout": "everybody",
    "tous": "everybody",
    "pro": "professional",
    "pros": "professional",
    "professionnel": "professional",
    "professionnels": "professional",
    "whos": "who",
    "whats": "what",
    "wheres": "where",
    "whens": "when",
    "quand": "when",
    "combien": "many",
    "pourquoi": "why",
    "comment": "how",
    # the series and its parts
    "saison": "season",
    "ep": "episode",
    "eps": "episode",
    "serie": "series",
    "createur": "create",
    "createurs": "create",
    "creator": "create",
    "created": "create",
    "creating": "create",
    "creation": "create",
    "cree": "create",
    "showrunner": "create",
    "made": "create",
    "fait": "create",
    "danseur": "dancer",
    "danseuse": "dancer",
    "danseurs": "dancer",
    "danseuses": "dancer",
    "ballerina": "dancer",
    "cancelled": "cancel",
    "canceled": "cancel",
    "cancellation": "cancel",
    "annule": "cancel",
    "annulee": "cancel",
    "annulation": "cancel",
    "renewed": "renew",
    "renewal": "renew",
    "renouvele": "renew",
    "renouvelee": "renew",
    "filmed": "film",
    "filming": "film",
    "tourne": "film",
    "tournee": "film",
    "tournage": "film",
    "released": "release",
    "premiere": "release",
    "premiered": "release",
    "sortie": "release",
    "sorti": "release",
    "directeur": "director",
    "directrice": "director",
    "said": "say",
    "says": "say",
    "dit": "say",
    "citation": "quote",
    "quoted": "quote",
    "meaning": "mean",
    "means": "mean",
    "signifie": "mean",
    "veut": "mean",
    "nyc": "new york",
    "backstory": "background",
    "bio": "background",
    "biography": "background",
    "entraine": "train",
    "entrainee": "train",
    "entrainement": "train",
    "entrainer": "train",
    "pays": "country",
    "kid": "child",
    "kids": "child",
    "childhood": "child",
    "enfant": "child",
    "enfance": "child",
    "mom": "mother",
    "mum": "mother",
    "mere": "mother",
    "axed": "cancel",
    "dropped": "cancel",
    "scrapped": "cancel",
    "originally": "original",
    "initially": "original",
    "origine": "original",
    "ny": "new york",
    "nouvelle": "new",
    "chanson": "song",
    "musique": "music",
    # numbers written out
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "twenty": "20",
    "deux": "2",
    "trois": "3",
    "huit": "8",
    "vingt": "20",
    "first": "1",
    "second": "2",
    "third": "3",
    "premier": "1",
    "deuxieme": "2",
    "seconde": "2",
    "troisieme": "3",
    "1st": "1",
    "2nd": "2",
    "3rd": "3",
}

# Letters and digits, plus the combining marks of scripts whose marks fold() keeps
# (Hebrew, Arabic, Indic, Thai, kana), so a word in those scripts stays whole.
_TOKEN = re.compile(
    r"(?:[^\W_]|[\u0591-\u05C7\u0610-\u061A\u064B-\u065F\u0900-\u0DFF\u0E31-\u0E4E\u3099\u309A])+"
)
_WHERE_FR = re.compile(r"(?<!\w)où(?!\w)", re.IGNORECASE)  # "où" folds to "ou" ("or")


def _singular(word: str) -> str:
    """Simple English/French plural folding; short words are left alone."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("s") or (word.endswith("x") and word.endswith(("aux", "eux"))):
        return word[:-1]
    return word


def _stem(word: str) -> str:
    """Strip -ing, -ed and a final -e so "hire", "hired" and "hiring" all meet.

    Applied the same way to questions and to the knowledge base, so the stems only
    need to be consistent, not real words. A stem keeps at least three letters
    ("need" and "thing" stay whole).
    """
    if len(word) < 4 or not word.isalpha() or word in INTERROGATIVES:
        return word
    if word.endswith("ing") and len(word) - 3 >= 3:
        word = word[:-3]
    elif word.endswith("ed") and len(word) - 2 >= 3:
        word = word[:-2]
    if word.endswith("e") and len(word) - 1 >= 3:
        word = word[:-1]
    return word


_SEASON_EPISODE = re.compile(r"(?<![^\W\d_])(s|ep|e)(\d{1,2})(?![^\W\d_])")


def _expand_short_forms(folded: str) -> str:
    """ "s1" is season 1, "ep5" / "e5" is episode 5."""
    return _SEASON_EPISODE.sub(
        lambda m: f" {'season' if m.group(1) == 's' else 'episode'} {m.group(2)} ", folded
    )


# Phrases that mean one thing: "when does it come out" asks for the release date.
_PHRASES = {
    "come out": " release ",
    "comes out": " release ",
    "came out": " release ",
    "coming out": " release ",
    "tl;dr": " ",
    "tldr": " ",
    "combien de temps": " how long ",
    "directeur de la photo": " cinematographer ",
    "directrice de la photo": " cinematographer ",
    "directeur de la photographie": " cinematographer ",
    "directrice de la photographie": " cinematographer ",
    "director of photography": " cinematographer ",
    "dp": " cinematographer ",
    "a l'origine": " original ",
    "in the first place": " ",
}
_PHRASE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _PHRASES), key=len, reverse=True)) + r")\b"
)


def raw_tokens(text: str) -> list[str]:
    """Folded words, before stop words and synonyms are applied."""
    folded = _expand_short_forms(fold(_WHERE_FR.sub(" where ", text)))
    folded = _PHRASE.sub(lambda m: _PHRASES[m.group(1)], folded)
    return _TOKEN.findall(folded)


# Conversation that is not a question about the show. A message made only of these
# (and stop words) gets an honest "I answer questions about Étoile" instead of a fact.
SMALL_TALK = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "hiya",
        "yo",
        "sup",
        "thanks",
        "thank",
        "thx",
        "ty",
        "cheers",
        "cool",
        "ok",
        "okay",
        "k",
        "nice",
        "great",
        "awesome",
        "good",
        "bad",
        "bot",
        "lol",
        "lmao",
        "haha",
        "hahaha",
        "wow",
        "yes",
        "yeah",
        "yep",
        "no",
        "nope",
        "nah",
        "sure",
        "bye",
        "goodbye",
        "morning",
        "evening",
        "night",
        "please",
        "welcome",
        "sorry",
        "oops",
        "hmm",
        "huh",
        "what",
        "merci",
        "bonjour",
        "salut",
        "coucou",
        "bonsoir",
        "oui",
        "non",
        "super",
        "genial",
        "top",
        "mdr",
        "ah",
        "oh",
        "test",
        "testing",
        "ping",
    ]
)


def is_small_talk(text: str) -> bool:
    words = raw_tokens(text)
    return bool(words) and all(w in SMALL_TALK or w in STOP_WORDS for w in words)


@lru_cache(maxsize=65536)
def canonical(word: str) -> tuple[str, ...]:
    """The canonical token(s) for one folded word; empty for a stop word."""
    if word in SYNONYMS:
        return tuple(_stem(t) for t in SYNONYMS[word].split())
    single = _singular(word)
    if single in SYNONYMS:
        return tuple(_stem(t) for t in SYNONYMS[single].split())
    if word in STOP_WORDS or single in STOP_WORDS:
        return ()
    return (_stem(single),)


@lru_cache(maxsize=131072)
def tokens(text: str) -> tuple[str, ...]:
    """Meaningful canonical tokens of a text, in order (cached: the checker and the index
    read the same phrasings)."""
    out: list[str] = []
    for word in raw_tokens(text):
        out.extend(canonical(word))
    return tuple(out)


def normalize(text: str) -> str:
    """A folded, stop-word-free, canonical form of the text for fuzzy comparison."""
    return " ".join(tokens(text))
