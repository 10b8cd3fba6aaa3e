"""Follow-up resolution: two-turn exchanges, answered with and without the first turn.

    python benchmarks/bench_conversation.py                  # held-out exchanges
    python benchmarks/bench_conversation.py --split tune

The exchanges (tests/eval/conversation/) were written blind from the seeds and the
fact sheet. Each first question is answered, then the follow-up is answered with
that answer as context (`Engine.answer(question, context)`), and, as a baseline, on
its own. Prints accuracy per kind and false answers; only aggregates.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.kb.loader import load_directory  # noqa: E402
from bot.qa.engine import Engine  # noqa: E402
from bot.qa.evaluation import (  # noqa: E402
    FOLLOW_UP_KINDS,
    EvalResult,
    evaluate_follow_ups,
    is_correct,
    load_split,
    summarise,
)
from bot.settings import default_knowledge_dir  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "heldout"), default="heldout")
    args = parser.parse_args()
    items = load_split(ROOT / "tests" / "eval" / "conversation" / args.split)
    assembly = load_directory(default_knowledge_dir())
    assert assembly.knowledge is not None, assembly.problems[:3]
    engine = Engine(assembly.knowledge)
    with_context = summarise(evaluate_follow_ups(engine, items))
    alone = summarise(
        [EvalResult(i, a, is_correct(i, a)) for i in items for a in [engine.answer(i.question)]]
    )
    kinds = [k for k in FOLLOW_UP_KINDS if k in with_context.by_kind]
    print(f"## follow-ups, {args.split}: {len(items)} exchanges\n")
    print("| answerer | accuracy | " + " | ".join(kinds) + " | false answers |")
    print("| --- | ---: | " + " | ".join("---:" for _ in kinds) + " | ---: |")
    for name, summary in (("with context", with_context), ("follow-up alone", alone)):
        cells = [f"{summary.by_kind[k][1]:.0%} (n={summary.by_kind[k][0]})" for k in kinds]
        print(
            f"| {name} | {summary.accuracy:.1%} | "
            + " | ".join(cells)
            + f" | {summary.false_answers} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
