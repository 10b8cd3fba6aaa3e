"""Guild engines are layers over the shared engine; a shared edit is a layer too."""

from __future__ import annotations

import time

from bot.app import knowledge as knowledge_module
from bot.storage.store import SHARED_SCOPE
from tests.app.test_editor import GUILD_A, GUILD_B, ask, dirs, new_fact, open_editor

__all__ = ["dirs"]  # the fixture, shared with the editor's tests


def test_a_guild_engine_is_a_layer_over_the_shared_one(dirs) -> None:
    editor = open_editor(dirs)
    assert editor.save(GUILD_A, 1, new_fact(), expected_version=None).ok
    service = editor.service
    guild, shared = service.engine_for(GUILD_A), service.engine_for(None)
    assert guild.base is shared  # the shared index is not copied
    assert service.engine_for(GUILD_B) is shared  # no edits, no layer


def test_a_shared_edit_is_served_everywhere_without_a_rebuild(dirs) -> None:
    editor = open_editor(dirs)
    assert editor.save(
        GUILD_A, 1, new_fact(id="guild-fact", question="What is guild lore?"), expected_version=None
    ).ok
    before = editor.service.engine_for(None)
    shared = new_fact(question="Who directed the shared premiere?", alternates=[])
    assert editor.save(SHARED_SCOPE, 1, shared, expected_version=None).ok
    after = editor.service.engine_for(None)
    assert after.base is before  # a layer, not a rebuild
    for guild in (None, GUILD_A, GUILD_B):
        assert ask(editor, guild, "who directed the shared premiere") == "director-who"
    assert ask(editor, GUILD_A, "what is guild lore") == "guild-fact"  # the guild keeps its own


def test_shared_layers_are_compacted_in_the_background(dirs, monkeypatch) -> None:
    monkeypatch.setattr(knowledge_module, "COMPACT_AFTER", 2)
    editor = open_editor(dirs)
    for n in range(2):
        record = new_fact(id=f"shared-{n}", question=f"What is shared fact {n}?", alternates=[])
        assert editor.save(SHARED_SCOPE, 1, record, expected_version=None).ok
    deadline = time.monotonic() + 10
    while editor.service.engine_for(None).base is not None:
        assert time.monotonic() < deadline, "the shared engine was never rebuilt whole"
        time.sleep(0.05)
    assert ask(editor, None, "what is shared fact 1") == "shared-1"


def test_an_overlay_the_shared_base_moved_under_keeps_its_last_engine(dirs) -> None:
    guild = GUILD_A
    editor = open_editor(dirs)
    assert editor.save(SHARED_SCOPE, 1, new_fact(), expected_version=None).ok
    assert editor.retire(guild, 1, "director-who").ok  # the guild hides a shared fact…
    assert editor.save(
        guild, 1, new_fact(id="own", question="What is our lore?"), expected_version=None
    ).ok
    assert ask(editor, guild, "what is our lore") == "own"
    assert editor.retire(SHARED_SCOPE, 1, "director-who").ok  # …that the owners then remove
    assert ask(editor, guild, "what is our lore") == "own"  # the guild still has its facts
    assert editor.service.broken_overlay(guild)  # and its edits pause until it is fixed
