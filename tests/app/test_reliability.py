"""Data-loss paths: each test reproduces one way an acknowledged edit used to be lost."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.app.editor import fact_version, source_from_url
from bot.app.knowledge import KnowledgeService
from bot.kb.export import fact_record
from bot.kb.loader import load_directory
from bot.storage import atomic
from bot.storage.store import SHARED_SCOPE
from tests.app.test_editor import ask, new_fact, open_editor
from tests.conftest import FIXTURES

GUILD = 111


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "mini_kb", knowledge)
    return knowledge, tmp_path / "data"


class Crash(BaseException):
    """Stands for the process dying: nothing after it runs."""


@pytest.mark.parametrize("writes_before_crash", [0, 1, 2])  # journal, base, moderators
def test_a_shared_edit_over_two_files_is_all_or_nothing(
    dirs, monkeypatch: pytest.MonkeyPatch, writes_before_crash: int
) -> None:
    editor = open_editor(dirs)
    jack = editor.current(SHARED_SCOPE, "cast-jack")
    source = source_from_url("https://example.org/new-interview", "A new interview")
    record = fact_record(jack) | {"sources": [*jack.sources, source["id"]]}
    real_write = atomic.atomic_write_text
    done = 0

    def dying_write(path: Path, text: str) -> None:
        nonlocal done
        if done == writes_before_crash:
            raise Crash
        done += 1
        real_write(path, text)

    monkeypatch.setattr(atomic, "atomic_write_text", dying_write)
    with pytest.raises(Crash):
        editor.save(SHARED_SCOPE, 1, record, expected_version=fact_version(jack), sources=(source,))
    monkeypatch.undo()

    restarted = KnowledgeService(dirs[0], dirs[1] / "overlays")
    restarted.load()  # start-up after the crash
    assert load_directory(dirs[0]).ok
    sources = restarted.base.facts["cast-jack"].sources
    assert sources in (jack.sources, (*jack.sources, source["id"]))


def test_every_edit_has_its_history_row_even_if_the_write_dies(
    dirs, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = open_editor(dirs)
    jack = editor.current(GUILD, "cast-jack")
    record = fact_record(jack) | {"answer": "Luke Kirby plays Jack, the director."}

    def dying_write(path: Path, text: str) -> None:
        raise Crash

    monkeypatch.setattr("bot.app.editor.atomic_write_text", dying_write)
    with pytest.raises(Crash):
        editor.save(GUILD, 1, record, expected_version=fact_version(jack))
    monkeypatch.undo()
    # The history row was committed before the file; its undo restores what is there.
    history = editor.history(GUILD, "cast-jack")
    assert history and history[0].before == fact_record(jack)


def test_an_overlay_broken_at_start_is_kept_and_never_overwritten(dirs) -> None:
    editor = open_editor(dirs)
    assert editor.save(GUILD, 1, new_fact(), expected_version=None).ok
    assert editor.retire(GUILD, 1, "cast-jack").ok
    overlay = editor.service.overlay_path(GUILD)
    broken = overlay.read_text(encoding="utf-8") + "facts: [\n"  # a hand edit gone wrong
    overlay.write_text(broken, encoding="utf-8")

    restarted = open_editor(dirs)  # the bot starts with the broken file
    # The guild keeps its own last good state: its fact, and Jack still retired.
    assert ask(restarted, GUILD, "who directed the premiere") == "director-who"
    assert restarted.current(GUILD, "cast-jack") is None
    # Edits are refused with the file and line, and the file is left as it is.
    other = new_fact(id="another", question="Who lit the premiere?", alternates=[])
    result = restarted.save(GUILD, 1, other, expected_version=None)
    assert not result.ok
    assert any(str(overlay) in str(p) and ":" in str(p) for p in result.problems)
    assert overlay.read_text(encoding="utf-8") == broken


def test_a_save_never_hides_a_hand_edit_of_another_file(dirs) -> None:
    editor = open_editor(dirs)
    base_file = dirs[0] / "base.yaml"
    text = base_file.read_text(encoding="utf-8")
    base_file.write_text(text.replace("Luke Kirby plays Jack", "Luke Kirby is Jack"), "utf-8")
    assert editor.save(GUILD, 1, new_fact(), expected_version=None).ok  # within the interval
    report = editor.service.reload_if_changed()
    assert report.changed
    assert "Luke Kirby is Jack" in editor.service.base.facts["cast-jack"].answer


def test_a_save_over_a_hand_edit_of_the_same_overlay_is_refused(dirs) -> None:
    editor = open_editor(dirs)
    assert editor.save(GUILD, 1, new_fact(), expected_version=None).ok
    overlay = editor.service.overlay_path(GUILD)
    hand = overlay.read_text(encoding="utf-8").replace("directed the premiere.", "did it.")
    overlay.write_text(hand, encoding="utf-8")
    os.utime(overlay, ns=(1, 1))  # a different stamp even on a coarse clock
    other = new_fact(id="another", question="Who lit the premiere?", alternates=[])
    result = editor.save(GUILD, 1, other, expected_version=None)
    assert not result.ok and "changed on disk" in " ".join(map(str, result.problems))
    assert overlay.read_text(encoding="utf-8") == hand
    assert "did it" in editor.current(GUILD, "director-who").answer  # and it was reloaded


def test_a_previewed_import_is_refused_if_a_fact_changed_since(dirs) -> None:
    editor = open_editor(dirs)
    jack = editor.current(GUILD, "cast-jack")
    upload = (
        "facts:\n  - id: cast-jack\n    question: Who plays Jack?\n"
        "    answer: Luke Kirby plays Jack (from the upload).\n    sources: [src-a]\n"
    )
    plan = editor.plan_import(GUILD, upload)
    assert plan.ok, plan.problems
    edited = fact_record(jack) | {"answer": "Luke Kirby plays Jack (edited meanwhile)."}
    assert editor.save(GUILD, 1, edited, expected_version=fact_version(jack)).ok
    result = editor.apply_import(GUILD, 1, plan)
    assert not result.ok and "changed since" in result.message
    assert "edited meanwhile" in editor.current(GUILD, "cast-jack").answer


def test_a_stray_file_in_the_overlays_folder_is_ignored(dirs) -> None:
    overlays = dirs[1] / "overlays"
    overlays.mkdir(parents=True)
    (overlays / "²³.yaml").write_text("facts: []\n", encoding="utf-8")  # digits to isdigit()
    (overlays / "notes.yaml").write_text("facts: []\n", encoding="utf-8")
    service = KnowledgeService(dirs[0], overlays)
    assert service.load().ok
