"""Many customised guilds on one process: build, memory, edits and /ask latency.

    python benchmarks/bench_guilds.py                    # table for 10, 100, 1,000, 10,000 guilds
    python benchmarks/bench_guilds.py --guilds 1000 --json
    python benchmarks/bench_guilds.py --base-facts 100000 --json   # one big shared base

Each guild gets an overlay file of OVERLAY_FACTS facts (seven new, two rewordings of
shared facts, one retired), written to disk in the format moderators' edits use. One
run per size, each in its own process so resident memory is not shared between them.
Fields of the JSON object:

- `build_s`: loading the shared base and validating every overlay (KnowledgeService.load)
- `views_s`: building every guild's layer (each guild's first question)
- `rss_mb`: resident memory of the process once every guild has answered
- `guild_edit_ms`: a moderator's save in one guild until that guild answers with it
- `shared_edit_ms`: an owner's shared save until the next question in any guild sees it
- `first_ask_after_shared_edit_p99_ms`: a guild's first question after that (its layer is
  rebuilt then), over a sample of guilds
- `ask_p50_ms`, `ask_p99_ms`: /ask in customised guilds, each question asked a second time
  in its guild; `ask_p99_ms_no_overlays`: the same questions on the shared engine alone,
  also warm, in the same run (`ask_p99_ratio`); `ask_p99_ms_first_in_guild`: the first
  time, when a guild's layer computes what depends on its own changes

Targets (issue 12): 1,000 guilds within 250 MB resident, a guild edit under 300 ms, a
shared edit served everywhere under 1 s, /ask p99 ratio <= 1.2; at 100k facts, index
build <= 8 s and <= 350 MB, p99 <= 20 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import (  # noqa: E402
    percentile,
    pin_to_one_core,
    rss_mb,
    with_synthetic_facts,
)

from bot.app.editor import KnowledgeEditor  # noqa: E402
from bot.app.knowledge import KnowledgeService  # noqa: E402
from bot.kb.export import export_yaml, fact_record  # noqa: E402
from bot.kb.loader import load_directory  # noqa: E402
from bot.qa.evaluation import load_split  # noqa: E402
from bot.settings import default_knowledge_dir  # noqa: E402
from bot.storage.store import SHARED_SCOPE, Store  # noqa: E402

SIZES = (10, 100, 1_000, 10_000)
OVERLAY_FACTS = 10
QUESTIONS = 200  # timed /ask questions, a fixed seeded sample of the tune split
FIRST_ASK_SAMPLE = 100


def overlay_text(guild: int, shared: list[dict[str, Any]], rng: random.Random) -> str:
    """A guild's overlay: seven new facts, two rewordings of shared ones, one retired."""
    facts = [
        {
            "id": f"guild-{guild}-{n}",
            "question": f"What does server {guild} say about its watch party number {n}?",
            "alternates": [f"watch party {n} of server {guild}"],
            "answer": f"Server {guild} held watch party {n} on a Friday.",
            "sources": ["deadline-2025-06-06"],
        }
        for n in range(OVERLAY_FACTS - 3)
    ]
    picked = rng.sample(shared, 3)
    for record in picked[:2]:
        facts.append(record | {"answer": record["answer"] + f" (Noted by server {guild}.)"})
    return yaml.safe_dump(
        {"facts": facts, "retired": [picked[2]["id"]]}, allow_unicode=True, sort_keys=False
    )


def prepare(folder: Path, guilds: int, base_facts: int) -> tuple[Path, Path]:
    """The shipped knowledge (grown to `base_facts` with made-up facts) and the overlays."""
    knowledge, overlays = folder / "knowledge", folder / "data" / "overlays"
    shutil.copytree(default_knowledge_dir(), knowledge)
    kb = load_directory(knowledge).knowledge
    assert kb is not None
    if base_facts > len(kb.facts):
        grown = with_synthetic_facts(kb, base_facts - len(kb.facts))
        for path in knowledge.glob("*.yaml"):
            path.unlink()
        (knowledge / "all.yaml").write_text(export_yaml(grown), encoding="utf-8")
        kb = grown
    shared = [fact_record(f) for f in kb.facts.values() if not f.id.startswith("synthetic-")]
    overlays.mkdir(parents=True)
    rng = random.Random(guilds)
    for guild in range(1, guilds + 1):
        (overlays / f"{guild}.yaml").write_text(overlay_text(guild, shared, rng), "utf-8")
    return knowledge, overlays


def timed_ms(call: Any) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def measure(guilds: int, base_facts: int) -> dict[str, Any]:
    """Everything for one size, in this process."""
    questions = [i.question for i in load_split(ROOT / "tests" / "eval" / "tune")]
    questions = random.Random(0).sample(questions, min(QUESTIONS, len(questions)))
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        knowledge, overlays = prepare(folder, guilds, base_facts)
        before = rss_mb()
        service = KnowledgeService(knowledge, overlays)
        start = time.perf_counter()
        service.load()
        build_s = time.perf_counter() - start
        ids = list(range(1, guilds + 1))
        start = time.perf_counter()
        for guild in ids:
            service.engine_for(guild).answer("who plays cheyenne")
        views_s = time.perf_counter() - start
        memory = rss_mb()
        rng = random.Random(1)
        asked_in = [ids[n % len(ids)] for n in range(len(questions))]  # spread over guilds
        cold = [
            timed_ms(lambda q=q, g=g: service.engine_for(g).answer(q))
            for q, g in zip(questions, asked_in, strict=True)
        ]
        for question in questions:  # the shared engine, warmed once like the layers
            service.engine_for(None).answer(question)
        in_guilds = [
            timed_ms(lambda q=q, g=g: service.engine_for(g).answer(q))
            for q, g in zip(questions, asked_in, strict=True)
        ]
        alone = [timed_ms(lambda q=q: service.engine_for(None).answer(q)) for q in questions]
        editor = KnowledgeEditor(service, Store.open(folder / "data" / "bot.sqlite3"))
        record = {
            "id": "bench-guild-fact",
            "question": "Who catered the bench watch party?",
            "answer": "A bakery catered it.",
            "sources": ["deadline-2025-06-06"],
        }
        start = time.perf_counter()
        assert editor.save(ids[0], 1, record, expected_version=None).ok
        assert service.engine_for(ids[0]).answer(record["question"]).id == record["id"]
        guild_edit_ms = (time.perf_counter() - start) * 1000
        shared = record | {"id": "bench-shared-fact", "question": "Who lit the bench premiere?"}
        start = time.perf_counter()
        assert editor.save(SHARED_SCOPE, 1, shared, expected_version=None).ok
        shared_edit_ms = (time.perf_counter() - start) * 1000
        first = [
            timed_ms(lambda g=g: service.engine_for(g).answer(shared["question"]))
            for g in rng.sample(ids, min(FIRST_ASK_SAMPLE, len(ids)))
        ]
        assert service.engine_for(ids[-1]).answer(shared["question"]).id == shared["id"]
        facts = len(service.base.facts)
    return {
        "guilds": guilds,
        "overlay_facts": OVERLAY_FACTS,
        "base_facts": facts,
        "build_s": round(build_s, 2),
        "views_s": round(views_s, 2),
        "rss_mb": round(memory, 1),
        "rss_added_mb": round(memory - before, 1),
        "guild_edit_ms": round(guild_edit_ms, 1),
        "shared_edit_ms": round(shared_edit_ms, 1),
        "first_ask_after_shared_edit_p99_ms": round(percentile(first, 0.99), 2),
        "ask_p50_ms": round(percentile(in_guilds, 0.5), 3),
        "ask_p99_ms": round(percentile(in_guilds, 0.99), 3),
        "ask_p99_ms_no_overlays": round(percentile(alone, 0.99), 3),
        "ask_p99_ms_first_in_guild": round(percentile(cold, 0.99), 3),
        "ask_p99_ratio": round(percentile(in_guilds, 0.99) / percentile(alone, 0.99), 2),
    }


def table(rows: list[dict[str, Any]]) -> str:
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guilds", type=int, help="one size (default: the table of sizes)")
    parser.add_argument("--base-facts", type=int, default=0, help="grow the shared base to this")
    parser.add_argument("--json", action="store_true", help="one JSON object (with --guilds)")
    args = parser.parse_args()
    pin_to_one_core()
    if args.guilds is not None or args.base_facts:
        result = measure(args.guilds or 0, args.base_facts)
        print(json.dumps(result) if args.json else table([result]))
        return 0
    rows = []
    for size in SIZES:  # one process each: resident memory is per size
        out = subprocess.run(
            [sys.executable, __file__, "--guilds", str(size), "--json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(f"{size} guilds done", file=sys.stderr)
    print(f"$ python benchmarks/bench_guilds.py  (python {sys.version.split()[0]}, one core)\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
