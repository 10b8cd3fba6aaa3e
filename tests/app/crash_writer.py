"""Child process for the crash test: edits the knowledge in a loop until it is killed."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.app.editor import KnowledgeEditor, fact_version, source_from_url
from bot.app.knowledge import KnowledgeService
from bot.kb.export import fact_record
from bot.storage.store import SHARED_SCOPE, Store


def main(knowledge: str, data: str) -> None:
    service = KnowledgeService(Path(knowledge), Path(data) / "overlays")
    service.load()
    editor = KnowledgeEditor(service, Store.open(Path(data) / "bot.sqlite3"))
    kb = editor.knowledge(SHARED_SCOPE)
    original_sources = [
        s for s in kb.facts["cast-jack"].sources if "/crash/" not in (kb.sources[s].url or "")
    ]
    print("ready", flush=True)
    round_number = 0
    while True:
        round_number += 1
        scope = SHARED_SCOPE if round_number % 3 == 0 else 4242
        fact = editor.current(scope, "cast-jack")
        # Long answers make each write take a while, so kills land mid-write.
        answer = f"Luke Kirby plays Jack (edit {round_number}). " + "Padding sentence. " * 50
        record = fact_record(fact) | {"answer": answer[:990]}
        sources: tuple[dict[str, str], ...] = ()
        if scope == SHARED_SCOPE:
            # A new source goes to facts-moderators.yaml, the fact stays in base.yaml:
            # one change, two files.
            source = source_from_url(f"https://example.org/crash/{round_number}", "Crash test")
            sources = (source,)
            record["sources"] = [*original_sources, source["id"]]
        result = editor.save(scope, 1, record, expected_version=fact_version(fact), sources=sources)
        if not result.ok:
            print("failed:", result.message, result.problems, flush=True)
            sys.exit(3)
        print(f"ack {scope} {round_number}", flush=True)  # what a moderator would be told


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
