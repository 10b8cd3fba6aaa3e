"""Accuracy and speed of the answering engine, measured the way the bot uses it.

    python benchmarks/bench_engine.py            # full run (about a minute)
    python benchmarks/bench_engine.py --quick    # skips the 100k-fact growth step

Prints accuracy on the public dev set and on our own evaluation set, per-question
latency (p50, p99) in process, knowledge-base load time, and how latency and build
time grow with 1k, 10k and 100k synthetic extra facts. Pinned to one CPU core.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.kb.loader import load_directory  # noqa: E402
from bot.kb.model import Fact, KnowledgeBase, Source  # noqa: E402
from bot.qa.engine import Engine  # noqa: E402
from bot.qa.evaluation import accuracy, evaluate, load_items  # noqa: E402
from bot.settings import default_knowledge_dir  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "eval" / "dev.yaml"
OWN_SET = ROOT / "tests" / "eval" / "fan_questions.yaml"

SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "da",
    "de",
    "di",
    "do",
    "du",
    "ka",
    "ke",
    "ki",
    "ko",
    "ku",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "mu",
    "na",
    "ne",
    "ni",
    "no",
    "nu",
    "ra",
    "re",
    "ri",
    "ro",
    "ru",
    "sa",
    "se",
    "si",
    "so",
    "su",
    "ta",
    "te",
    "ti",
    "to",
    "tu",
    "va",
    "ve",
    "vi",
    "vo",
    "vu",
    "za",
    "ze",
    "zi",
    "zo",
    "zu",
]
COMMON = [
    "who",
    "what",
    "when",
    "where",
    "plays",
    "directed",
    "wrote",
    "premiere",
    "season",
    "episode",
    "company",
    "dancer",
    "city",
    "theatre",
    "music",
    "award",
    "review",
    "studio",
    "festival",
    "rehearsal",
    "costume",
]
TEMPLATES = (
    "Who plays {a} in {b}?",
    "When did {a} join the {b} company?",
    "What did {a} say about {b} {c}?",
    "Where was the {a} {b} filmed?",
    "How many {a} dancers were in {b}?",
)


def pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def with_synthetic_facts(kb: KnowledgeBase, count: int, seed: int = 7) -> KnowledgeBase:
    """The knowledge base plus `count` made-up facts over a Zipf-like made-up vocabulary."""
    rng = random.Random(seed)
    vocabulary = [pseudo_word(rng) for _ in range(max(200, count // 5))]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    source = Source("synthetic", "Synthetic benchmark source", "Benchmark")

    def words(n: int) -> list[str]:
        return rng.choices(vocabulary, weights, k=n)

    facts = dict(kb.facts)
    for number in range(count):
        a, b, c = words(3)
        questions = [template.format(a=a, b=b, c=c) for template in rng.sample(TEMPLATES, 3)]
        answer = " ".join(words(8) + rng.sample(COMMON, 3)).capitalize() + "."
        facts[f"synthetic-{number}"] = Fact(
            f"synthetic-{number}", questions[0], answer, ("synthetic",), tuple(questions[1:])
        )
    return KnowledgeBase.build(
        sources={**kb.sources, "synthetic": source},
        people=dict(kb.people),
        characters=dict(kb.characters),
        entities=dict(kb.entities),
        episodes=dict(kb.episodes),
        facts=facts,
        quotes=dict(kb.quotes),
    )


def latencies_ms(engine: Engine, questions: list[str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for question in questions:
            start = time.perf_counter_ns()
            engine.answer(question)
            samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100k-fact step")
    parser.add_argument("--knowledge", type=Path, default=default_knowledge_dir())
    args = parser.parse_args()
    pin_to_one_core()

    load_times = []
    for _ in range(5):
        start = time.perf_counter()
        assembly = load_directory(args.knowledge)
        if not assembly.ok:
            print("\n".join(map(str, assembly.problems)), file=sys.stderr)
            return 1
        kb = assembly.knowledge
        engine = Engine(kb)
        load_times.append((time.perf_counter() - start) * 1000)
    print(
        f"knowledge base: {len(kb.facts)} facts, {len(kb.quotes)} quotes; peak memory {peak_rss_mb():.0f} MB"
    )
    print(f"load + index time: median {statistics.median(load_times):.0f} ms (5 runs)")

    all_questions: list[str] = []
    for name, path in (("dev set", DEV_SET), ("own set", OWN_SET)):
        if not path.exists():
            print(f"{name}: {path} not found, skipped")
            continue
        items = load_items(path)
        results = evaluate(engine, items)
        answerable = [r for r in results if r.item.expect is not None]
        abstain = [r for r in results if r.item.expect is None]
        print(
            f"{name}: {accuracy(results):.1%} correct of {len(results)} "
            f"(answerable {accuracy(answerable):.1%} of {len(answerable)}, "
            f"abstain {accuracy(abstain):.1%} of {len(abstain)})"
        )
        all_questions += [item.question for item in items]

    samples = latencies_ms(engine, all_questions, rounds=20)
    print(
        f"latency at shipped size: p50 {percentile(samples, 0.5):.3f} ms, "
        f"p99 {percentile(samples, 0.99):.3f} ms, max {max(samples):.3f} ms "
        f"({len(samples)} answers)"
    )

    sizes = (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000)
    for size in sizes:
        grown = with_synthetic_facts(kb, size)
        start = time.perf_counter()
        grown_engine = Engine(grown)
        build = time.perf_counter() - start
        samples = latencies_ms(grown_engine, all_questions, rounds=3 if size >= 100_000 else 5)
        print(
            f"+{size:>7,} facts: index build {build:.2f} s, p50 {percentile(samples, 0.5):.3f} ms, "
            f"p99 {percentile(samples, 0.99):.3f} ms, peak memory {peak_rss_mb():.0f} MB"
        )
        del grown, grown_engine
    return 0


if __name__ == "__main__":
    sys.exit(main())
