"""Knowledge checked as the engine reads it, on top of the file rules."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.app.validation import check_folder
from bot.kb.loader import load_directory
from tests.conftest import FIXTURES


def test_phrasings_the_engine_reads_as_one_question_collide(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "mini_kb", knowledge)
    (knowledge / "extra.yaml").write_text(
        "facts:\n  - id: jack-again\n    question: Who is the actor of Jack?\n"
        "    answer: Luke Kirby.\n    sources: [src-b]\n",
        encoding="utf-8",
    )
    # "actor" and "plays" are one concept to the engine, not to a plain file check.
    assert load_directory(knowledge).ok
    (message,) = [str(p) for p in check_folder(knowledge).problems]
    assert "is the same question as one of fact 'cast-jack'" in message
