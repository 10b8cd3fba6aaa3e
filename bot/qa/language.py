"""Which language a question is asked in, so a French question gets a French answer.

Each word votes by how much more common it is in one language than in the other
(Zipf frequencies from wordfreq, data/languages.tsv.gz, built by
scripts/build_word_frequencies.py). Names and the series' own title are left out by
the caller: "Étoile" or "Lou de Laâge" say nothing about the fan's language.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from functools import cache
from importlib import resources

FRENCH_MARGIN = 2.0  # summed Zipf difference above which a question is French


@cache
def _frequencies() -> dict[str, tuple[float, float]]:
    """Folded word -> (English Zipf, French Zipf), read once per process."""
    data = resources.files("bot.qa").joinpath("data/languages.tsv.gz").read_bytes()
    table: dict[str, tuple[float, float]] = {}
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            word, english, french = line.split("\t")
            table[word] = (float(english), float(french))
    return table


def language_of(words: Iterable[str]) -> str:
    """'fr' when the folded words are, on balance, clearly French; 'en' otherwise."""
    table = _frequencies()
    lean = 0.0
    for word in words:
        english, french = table.get(word, (0.0, 0.0))
        lean += french - english
    return "fr" if lean > FRENCH_MARGIN else "en"
