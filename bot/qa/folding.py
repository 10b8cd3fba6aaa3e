"""Folding text and words to one comparable form, for a bilingual show.

Fans type "etoile", "Étoile" and "ÉTOILE"; "Laâge" and "Laage"; curly and straight
apostrophes. Accents are removed from Latin letters only; a letter we do not know how
to fold is kept as it is, never dropped (python-discord's tag matcher turned "Étoile"
into "toile").
"""

from __future__ import annotations

import unicodedata

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


def singular(word: str) -> str:
    """Simple English/French plural folding; short words are left alone."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("s") or word.endswith(("aux", "eux")):
        return word[:-1]
    return word


def stem(word: str) -> str:
    """Strip -ing, -ed and a final -e so "hire", "hired" and "hiring" all meet.

    Applied the same way to questions and to the knowledge base, so stems only need
    to be consistent, not real words. A stem keeps at least three letters.
    """
    if len(word) < 4 or not word.isalpha():
        return word
    if word.endswith("ing") and len(word) - 3 >= 3:
        word = word[:-3]
    elif word.endswith("ed") and len(word) - 2 >= 3:
        word = word[:-2]
    if word.endswith("e") and len(word) - 1 >= 3:
        word = word[:-1]
    return word
