"""The operational store on a real SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage.store import MIGRATIONS, SHARED_SCOPE, AsyncStore, GuildSettings, Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "data" / "bot.sqlite3")
    yield opened
    opened.close()


def test_created_in_wal_mode_at_the_latest_version(tmp_path: Path, store: Store) -> None:
    assert store.schema_version == len(MIGRATIONS)
    mode = (
        sqlite3.connect(tmp_path / "data" / "bot.sqlite3").execute("PRAGMA journal_mode").fetchone()
    )
    assert mode[0] == "wal"


def test_migrates_an_old_database_forward(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    old.execute(
        "INSERT INTO questions (guild_id, question, outcome, created_at) VALUES (1, 'who?', 'abstain', 1)"
    )
    old.commit()
    old.close()
    store = Store.open(path)
    assert store.schema_version == len(MIGRATIONS)
    assert [q.question for q in store.unanswered(1)] == ["who?"]  # data kept, new column defaulted
    store.close()


def test_unanswered_questions_per_guild_newest_first(store: Store) -> None:
    for question, outcome, guild in [
        ("pizza?", "abstain", 1),
        ("who plays jack", "answer", 1),
        ("budget?", "abstain", 1),
        ("other guild", "abstain", 2),
    ]:
        store.record_question(
            guild_id=guild,
            channel_id=5,
            user_id=7,
            question=question,
            outcome=outcome,
            fact_id=None,
            score=0,
        )
    gaps = store.unanswered(1)
    assert [g.question for g in gaps] == ["budget?", "pizza?"]
    store.resolve_questions([gaps[0].id])
    assert [g.question for g in store.unanswered(1)] == ["pizza?"]
    usage = store.usage(1)
    assert (usage.answers, usage.abstentions) == (1, 2)  # resolved gaps still count as asked


def test_feedback_is_one_verdict_per_fan_per_answer(store: Store) -> None:
    store.record_feedback(message_id=1, user_id=2, guild_id=3, fact_id="f", verdict="helpful")
    store.record_feedback(message_id=1, user_id=2, guild_id=3, fact_id="f", verdict="wrong")
    store.record_feedback(message_id=1, user_id=9, guild_id=3, fact_id="f", verdict="wrong")
    assert store.usage(3).feedback == {"f": (0, 2)}


def test_guild_settings_round_trip(store: Store) -> None:
    assert store.guild_settings(4) == GuildSettings(4)
    store.save_guild_settings(GuildSettings(4, moderator_role_id=10, spoiler_mode="private"))
    assert store.guild_settings(4).spoiler_mode == "private"
    with pytest.raises(ValueError):
        store.save_guild_settings(GuildSettings(4, spoiler_mode="loud"))


def test_history_is_append_only(store: Store) -> None:
    store.add_history(
        scope=SHARED_SCOPE, fact_id="f", actor_id=1, action="add", before=None, after={"a": 1}
    )
    store.add_history(
        scope=SHARED_SCOPE, fact_id="f", actor_id=2, action="edit", before={"a": 1}, after={"a": 2}
    )
    entries = store.history(SHARED_SCOPE, "f")
    assert [e.action for e in entries] == ["edit", "add"]
    assert entries[0].before == {"a": 1} and entries[0].after == {"a": 2}
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._write("DELETE FROM fact_history")


async def test_async_store_runs_off_the_event_loop(tmp_path: Path) -> None:
    import threading

    db = AsyncStore(Store.open(tmp_path / "s.sqlite3"))
    thread_name = await db.run(lambda _: threading.current_thread().name)
    assert thread_name.startswith("store")
    await db.run(
        lambda s: s.record_feedback(
            message_id=1, user_id=1, guild_id=None, fact_id="x", verdict="helpful"
        )
    )
    assert (await db.run(lambda s: s.usage(None))).feedback == {"x": (1, 0)}
    db.close()


def _ask(store: Store, user_id: int, guild_id: int) -> int:
    return store.record_question(
        guild_id=guild_id,
        channel_id=1,
        user_id=user_id,
        question=f"question from {user_id}",
        outcome="abstain",
        fact_id=None,
        score=0.0,
    )


def test_questions_past_the_retention_period_are_deleted(store: Store) -> None:
    old = _ask(store, 7, 1)
    store._db.execute("UPDATE questions SET created_at = 1000 WHERE id = ?", (old,))
    _ask(store, 8, 1)
    assert store.forget_before(cutoff=2000) == 1
    assert [q.question for q in store.unanswered(1)] == ["question from 8"]


def test_a_user_can_be_forgotten_in_every_server(store: Store) -> None:
    for guild in (1, 2):
        _ask(store, 7, guild)
        _ask(store, 8, guild)
    store.record_feedback(message_id=5, user_id=7, guild_id=1, fact_id="f", verdict="wrong")
    assert store.forget_user(7) == 3
    assert [q.question for g in (1, 2) for q in store.unanswered(g)] == ["question from 8"] * 2
    assert store.usage(1).feedback == {}


def test_guild_settings_are_read_from_the_database_once_until_they_change(store: Store) -> None:
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    for _ in range(5):
        store.guild_settings(7)
    assert sum("FROM guild_settings" in s for s in statements) == 1
    store.save_guild_settings(GuildSettings(7, private_answers=True))
    assert store.guild_settings(7).private_answers  # the change is seen at once
    assert sum("FROM guild_settings" in s for s in statements) == 2
