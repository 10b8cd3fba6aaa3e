"""Sweep the engine's decision thresholds over both evaluation sets.

    python benchmarks/tune_thresholds.py

Ranks every question once per ranking setting (dice_share, quote_prior), then tries
every combination of the decision thresholds on the cached rankings. Prints the
best combinations by the worse of the two sets' accuracy, then by their mean. Use
it to pick a robust region, not a single lucky point: the evaluation sets are small,
and fans will ask questions neither set contains.
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.kb.loader import load_directory  # noqa: E402
from bot.qa.answer import Answer  # noqa: E402
from bot.qa.engine import Engine, Thresholds  # noqa: E402
from bot.qa.evaluation import is_correct, load_items  # noqa: E402
from bot.settings import default_knowledge_dir  # noqa: E402

SETS = {
    "dev": ROOT.parent / "shared" / "eval" / "dev.yaml",
    "own": ROOT / "tests" / "eval" / "fan_questions.yaml",
}
RANKING = {"dice_share": (0.55, 0.65, 0.75), "quote_prior": (0.9,)}
DECISION = {
    "answer": (0.5, 0.55, 0.6),
    "margin": (0.02, 0.03, 0.05),
    "choices": (0.45, 0.5, 0.55),
    "min_coverage": (0.5, 0.6, 0.65, 0.7, 0.75),
    "max_unknown": (0.25, 0.3, 0.35, 0.4),
    "distinct_dice": (0.05, 0.1),
}


def main() -> int:
    kb = load_directory(default_knowledge_dir()).knowledge
    engine = Engine(kb)
    items = {name: load_items(path) for name, path in SETS.items() if path.exists()}
    results = []
    for ranking in itertools.product(*RANKING.values()):
        engine.thresholds = dataclasses.replace(
            Thresholds(), **dict(zip(RANKING, ranking, strict=True))
        )
        prepared = {
            name: [(item, engine.prepare(item.question)) for item in group]
            for name, group in items.items()
        }
        for decision in itertools.product(*DECISION.values()):
            settings = dict(zip(RANKING, ranking, strict=True)) | dict(
                zip(DECISION, decision, strict=True)
            )
            if settings["choices"] > settings["answer"]:
                continue
            engine.thresholds = dataclasses.replace(Thresholds(), **settings)
            scores = {}
            for name, pairs in prepared.items():
                correct = 0
                for item, ready in pairs:
                    answer = ready if isinstance(ready, Answer) else engine.decide(ready)
                    correct += is_correct(item, answer)
                scores[name] = correct / len(pairs)
            results.append(
                (min(scores.values()), sum(scores.values()) / len(scores), scores, settings)
            )
    results.sort(key=lambda r: (r[0], r[1]), reverse=True)
    print(f"defaults: {dataclasses.asdict(Thresholds())}")
    for worst, mean, scores, settings in results[:15]:
        shown = " ".join(f"{k}={v}" for k, v in settings.items())
        print(f"min {worst:.1%} mean {mean:.1%} {scores} :: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
