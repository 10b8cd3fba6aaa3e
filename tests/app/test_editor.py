"""Moderator edits on real files and a real SQLite store."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
import yaml

from bot.app.editor import KnowledgeEditor, fact_version, source_from_url
from bot.app.knowledge import KnowledgeService
from bot.kb.export import fact_record
from bot.kb.loader import load_directory
from bot.settings import default_knowledge_dir
from bot.storage.store import SHARED_SCOPE, Store
from tests.conftest import FIXTURES
from tests.test_hostile_input import BOMB

GUILD_A, GUILD_B = 111, 222


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "mini_kb", knowledge)
    return knowledge, tmp_path / "data"


def open_editor(dirs: tuple[Path, Path]) -> KnowledgeEditor:
    knowledge, data = dirs
    service = KnowledgeService(knowledge, data / "overlays")
    service.load()
    return KnowledgeEditor(service, Store.open(data / "bot.sqlite3"))


def new_fact(**changes) -> dict:
    record = {
        "id": "director-who",
        "question": "Who directed the premiere?",
        "alternates": ["premiere director"],
        "answer": "The Palladinos directed the premiere.",
        "sources": ["src-a"],
    }
    return {**record, **changes}


def ask(editor: KnowledgeEditor, guild: int | None, question: str) -> str | None:
    return editor.service.engine_for(guild).answer(question).id


def test_a_guild_addition_is_seen_only_in_that_guild(dirs) -> None:
    editor = open_editor(dirs)
    result = editor.save(GUILD_A, 1, new_fact(), expected_version=None)
    assert result.ok, result
    assert ask(editor, GUILD_A, "who directed the premiere") == "director-who"
    assert ask(editor, GUILD_B, "who directed the premiere") is None
    assert ask(editor, None, "who directed the premiere") is None


def test_a_guild_edit_of_a_shared_fact_changes_only_that_guild(dirs) -> None:
    editor = open_editor(dirs)
    jack = editor.current(GUILD_A, "cast-jack")
    record = fact_record(jack) | {"answer": "Luke Kirby plays Jack; he was Lenny Bruce on Maisel."}
    assert editor.save(GUILD_A, 1, record, expected_version=fact_version(jack)).ok
    assert "Lenny" in editor.current(GUILD_A, "cast-jack").answer
    assert "Lenny" not in editor.current(GUILD_B, "cast-jack").answer
    assert "Lenny" not in (dirs[0] / "base.yaml").read_text(encoding="utf-8")


def test_a_stale_edit_is_refused(dirs) -> None:
    editor = open_editor(dirs)
    jack = editor.current(GUILD_A, "cast-jack")
    opened = fact_version(jack)
    assert editor.save(
        GUILD_A, 1, fact_record(jack) | {"answer": "First edit."}, expected_version=opened
    ).ok
    stale = editor.save(
        GUILD_A, 2, fact_record(jack) | {"answer": "Second edit."}, expected_version=opened
    )
    assert not stale.ok and "since you opened it" in stale.message
    assert editor.current(GUILD_A, "cast-jack").answer == "First edit."


def test_invalid_fact_is_refused_with_the_reason_and_nothing_written(dirs) -> None:
    editor = open_editor(dirs)
    result = editor.save(GUILD_A, 1, new_fact(sources=["nope"]), expected_version=None)
    assert not result.ok and "unknown source id 'nope'" in str(result.problems[0])
    assert not editor.service.overlay_path(GUILD_A).exists()


def test_retire_history_and_undo_survive_a_restart(dirs) -> None:
    editor = open_editor(dirs)
    assert editor.retire(GUILD_A, 7, "cast-jack").ok
    assert editor.current(GUILD_A, "cast-jack") is None
    assert editor.current(GUILD_B, "cast-jack") is not None
    restarted = open_editor(dirs)  # a new process: files and SQLite only
    assert restarted.current(GUILD_A, "cast-jack") is None
    (entry,) = restarted.history(GUILD_A, "cast-jack")
    assert entry.action == "retire" and entry.actor_id == 7 and entry.after is None
    assert restarted.undo(GUILD_A, 8, "cast-jack").ok
    assert restarted.current(GUILD_A, "cast-jack") is not None
    assert [e.action for e in restarted.history(GUILD_A, "cast-jack")] == ["undo", "retire"]
    # Undoing an addition removes the fact again.
    assert restarted.save(GUILD_A, 1, new_fact(), expected_version=None).ok
    assert restarted.undo(GUILD_A, 1, "director-who").ok
    assert restarted.current(GUILD_A, "director-who") is None


def test_new_source_from_a_url(dirs) -> None:
    editor = open_editor(dirs)
    source = source_from_url("https://variety.com/2023/tv/news/etoile", "Variety on Étoile")
    assert source["publisher"] == "variety.com"
    result = editor.save(
        GUILD_A, 1, new_fact(sources=[source["id"]]), expected_version=None, sources=(source,)
    )
    assert result.ok, result.problems
    answer = editor.service.engine_for(GUILD_A).answer("who directed the premiere")
    assert answer.citations[0].url == "https://variety.com/2023/tv/news/etoile"


def test_shared_edit_rewrites_only_that_fact_and_keeps_comments(dirs) -> None:
    editor = open_editor(dirs)
    base_file = dirs[0] / "base.yaml"
    before = base_file.read_text(encoding="utf-8")
    jack = editor.current(SHARED_SCOPE, "cast-jack")
    record = fact_record(jack) | {
        "answer": "Luke Kirby plays Jack McMillan, MBT's executive director."
    }
    assert editor.save(SHARED_SCOPE, 1, record, expected_version=fact_version(jack)).ok
    after = base_file.read_text(encoding="utf-8")
    assert "MBT's executive director" in after
    assert after.splitlines()[0] == before.splitlines()[0]  # the header comment survives
    assert after.count("- id:") == before.count("- id:")
    assert load_directory(dirs[0]).ok
    assert (
        "executive director" in editor.current(GUILD_B, "cast-jack").answer
    )  # every guild sees it


def test_shared_addition_goes_to_the_moderators_file(dirs) -> None:
    editor = open_editor(dirs)
    assert editor.save(SHARED_SCOPE, 1, new_fact(), expected_version=None).ok
    assert (dirs[0] / "facts-moderators.yaml").exists()
    assert load_directory(dirs[0]).ok
    assert ask(editor, GUILD_B, "who directed the premiere") == "director-who"
    assert editor.retire(SHARED_SCOPE, 1, "director-who").ok
    assert load_directory(dirs[0]).ok and ask(editor, GUILD_B, "who directed the premiere") is None


def test_import_plan_then_apply(dirs) -> None:
    editor = open_editor(dirs)
    upload = yaml.safe_dump({"facts": [new_fact()], "retired": ["jack-job"]})
    plan = editor.plan_import(GUILD_A, upload)
    assert plan.ok and plan.added == ("director-who",) and plan.retired == ("jack-job",)
    assert editor.current(GUILD_A, "director-who") is None  # nothing applied yet
    assert editor.apply_import(GUILD_A, 1, plan).ok
    assert editor.current(GUILD_A, "director-who") is not None
    assert editor.current(GUILD_A, "jack-job") is None


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        ("facts: !!python/object/apply:os.system ['echo pwned']\n", "not allowed"),
        (
            "facts:\n  - id: a\n    question: Q?\n    answer: A.\n    sources: [src-a]\n  - id: a\n    question: Q2?\n    answer: B.\n    sources: [src-a]\n",
            "already used",
        ),
        ("facts: [unclosed\n", "not valid YAML"),
        ("# " + "x" * 3_000_000, "larger than"),
        ("people:\n  - id: x\n    name: X\n", "not people"),
        (BOMB, "aliases expand to more than"),  # one moderator must not stall every server
        ("facts: " + "[" * 900 + "]" * 900, "nested too deeply"),
    ],
)
def test_malicious_or_broken_imports_are_refused(dirs, upload: str, expected: str) -> None:
    editor = open_editor(dirs)
    plan = editor.plan_import(GUILD_A, upload)
    assert not plan.ok and any(expected in str(p) for p in plan.problems)
    assert not editor.apply_import(GUILD_A, 1, plan).ok


def test_adding_one_alternate_to_a_shared_fact_is_a_one_line_diff(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), knowledge)
    editor = open_editor((knowledge, tmp_path / "data"))
    fact = editor.current(SHARED_SCOPE, "cast-jack")
    path = Path(fact.origin.file)
    before = path.read_text(encoding="utf-8").splitlines()
    assert editor.add_alternate(SHARED_SCOPE, 1, "cast-jack", "who's jack's actor again").ok
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert changed == ["+      - who's jack's actor again"], changed


def test_a_hand_comment_in_a_guild_file_survives_a_save(dirs) -> None:
    editor = open_editor(dirs)
    assert editor.save(GUILD_A, 1, new_fact(), expected_version=None).ok
    overlay = editor.service.overlay_path(GUILD_A)
    commented = overlay.read_text(encoding="utf-8").replace(
        "facts:\n", "facts:\n  # checked by the mod team in May\n", 1
    )
    overlay.write_text(commented, encoding="utf-8")
    editor.service.load()
    other = new_fact(id="another", question="Who lit the premiere?", alternates=[])
    assert editor.save(GUILD_A, 1, other, expected_version=None).ok
    assert "# checked by the mod team in May" in overlay.read_text(encoding="utf-8")
