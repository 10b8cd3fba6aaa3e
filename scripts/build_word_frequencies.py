"""Rebuild bot/qa/data/words.tsv.gz (which words are real words, and how common) and
bot/qa/data/languages.tsv.gz (how common each word is in English and in French).

    pip install 'wordfreq==3.1.1' && python scripts/build_word_frequencies.py

The engine never "corrects" a real word into another one ("resident" is not a typo
for "present"), and a word the knowledge base has never seen weighs against
confidence by how rare it is in everyday language. Both need a word-frequency list;
wordfreq (Robyn Speer, data under CC BY-SA 4.0, code under Apache 2.0) is the
maintained source. The second file tells which language a question is asked in, so a
French question gets a French answer. Only the head of each language's list is kept, folded the way the
engine folds text, so the package stays small and no data is fetched at run time.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import wordfreq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.qa.normalize import fold  # noqa: E402

TARGET = ROOT / "bot" / "qa" / "data" / "words.tsv.gz"
LANGUAGES = ROOT / "bot" / "qa" / "data" / "languages.tsv.gz"
HEAD = {"en": 60_000, "fr": 40_000, "de": 20_000, "es": 20_000, "it": 20_000}
ANSWER_LANGUAGES = {"en": 30_000, "fr": 30_000}  # the languages answers are written in
VERSION = "3.1.1"


def write_gzip(target: Path, header: str, lines: list[str]) -> None:
    """Write the lines gzipped; mtime=0 keeps the file byte-identical between rebuilds."""
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write((header + "\n".join(lines) + "\n").encode("utf-8"))
    print(f"{target.relative_to(ROOT)}: {len(lines)} words, {target.stat().st_size // 1024} KiB")


def main() -> int:
    best: dict[str, float] = {}
    for language, count in HEAD.items():
        for word in wordfreq.top_n_list(language, count):
            folded = fold(word)
            if not folded.isalpha():
                continue
            zipf = wordfreq.zipf_frequency(word, language)
            if zipf > best.get(folded, 0.0):
                best[folded] = zipf
    lines = [f"{word}\t{zipf:.1f}" for word, zipf in sorted(best.items())]
    write_gzip(TARGET, f"# wordfreq {VERSION}; {HEAD}; word<TAB>max zipf\n", lines)
    by_language: dict[str, dict[str, float]] = {}
    for language, count in ANSWER_LANGUAGES.items():
        for word in wordfreq.top_n_list(language, count):
            folded = fold(word)
            if folded.isalpha():
                zipf = wordfreq.zipf_frequency(word, language)
                entry = by_language.setdefault(folded, {})
                entry[language] = max(entry.get(language, 0.0), zipf)
    rows = [
        f"{word}\t{zipfs.get('en', 0.0):.1f}\t{zipfs.get('fr', 0.0):.1f}"
        for word, zipfs in sorted(by_language.items())
    ]
    header = f"# wordfreq {VERSION}; {ANSWER_LANGUAGES}; word<TAB>en zipf<TAB>fr zipf\n"
    write_gzip(LANGUAGES, header, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
