"""Rebuild bot/qa/data/words.tsv.gz: which words are real words, and how common.

    pip install 'wordfreq==3.1.1' && python scripts/build_word_frequencies.py

The engine never "corrects" a real word into another one ("resident" is not a typo
for "present"), and a word the knowledge base has never seen weighs against
confidence by how rare it is in everyday language. Both need a word-frequency list;
wordfreq (Robyn Speer, data under CC BY-SA 4.0, code under Apache 2.0) is the
maintained source. Only the head of each language's list is kept, folded the way the
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
HEAD = {"en": 60_000, "fr": 40_000, "de": 20_000, "es": 20_000, "it": 20_000}


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
    header = f"# wordfreq {wordfreq.__version__ if hasattr(wordfreq, '__version__') else '3.1.1'}; {HEAD}; word<TAB>max zipf\n"
    # mtime=0 keeps the file byte-identical from one rebuild to the next.
    with TARGET.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write((header + "\n".join(lines) + "\n").encode("utf-8"))
    print(f"{TARGET.relative_to(ROOT)}: {len(lines)} words, {TARGET.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
