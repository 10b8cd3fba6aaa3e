"""Split a blind question batch into tune (60%) and held-out (40%) halves.

    python benchmarks/split_batch.py RAW.yaml NAME --brief "who wrote it, for whom"
    python benchmarks/split_batch.py RAW.yaml followups --brief "…" --into conversation --tune-share 0.4

The split is random but reproducible (seeded by NAME) and stratified by kind, so
each half has the batch's mix. Items are copied line for line (one flow-style item
per line, as the writers' brief asks), never rewritten.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "eval"
TUNE_SHARE = 0.6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path)
    parser.add_argument("name")
    parser.add_argument("--brief", required=True, help="one line: the writer's persona")
    parser.add_argument(
        "--into", default="", help="a folder under tests/eval for the tune/ and heldout/ halves"
    )
    parser.add_argument("--tune-share", type=float, default=TUNE_SHARE)
    args = parser.parse_args()
    lines = [
        line
        for line in args.raw.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith("- ")
    ]
    by_kind: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        (item,) = yaml.safe_load(line)
        if not {"kind", "expect"} <= set(item) or not (
            {"q"} <= set(item) or {"first", "then"} <= set(item)
        ):
            print(f"incomplete item: {line}", file=sys.stderr)
            return 1
        by_kind[item["kind"]].append(line)
    rng = random.Random(args.name)
    halves: dict[str, list[str]] = {"tune": [], "heldout": []}
    for kind in sorted(by_kind):
        group = by_kind[kind]
        rng.shuffle(group)
        cut = round(len(group) * args.tune_share)
        halves["tune"] += group[:cut]
        halves["heldout"] += group[cut:]
    for half, chosen in halves.items():
        target = EVAL / args.into / half / f"{args.name}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        header = (
            f"# Batch {args.name!r}, {half} half ({len(chosen)} of {len(lines)} questions).\n"
            f"# Written blind from ../shared/seeds and ../shared/research only: {args.brief}\n"
            "# Split by benchmarks/split_batch.py; format in tests/eval/README.md.\n"
        )
        target.write_text(header + "\n".join(chosen) + "\n", encoding="utf-8")
        print(f"{target.relative_to(ROOT)}: {len(chosen)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
