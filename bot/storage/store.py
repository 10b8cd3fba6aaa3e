"""The operational store: what the bot learns while it runs, in one SQLite file.

Questions asked (and which went unanswered), feedback on answers, per-guild
settings, and the append-only history of every knowledge edit. WAL mode lets readers
work while a write is in progress; the schema is versioned and migrated forward at
open. `Store` is synchronous; the bot reaches it through `AsyncStore`, which runs
every call on one dedicated thread so the event loop never waits on the disk.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

SHARED_SCOPE = 0
"""History scope of the shared knowledge base; guild overlays use their guild id."""

MIGRATIONS: tuple[str, ...] = (
    # 1: questions, feedback, guild settings
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        guild_id INTEGER,
        channel_id INTEGER,
        user_id INTEGER,
        question TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('answer', 'choices', 'abstain')),
        fact_id TEXT,
        score REAL NOT NULL DEFAULT 0,
        created_at REAL NOT NULL
    );
    CREATE INDEX questions_by_guild ON questions (guild_id, outcome, created_at);
    CREATE TABLE feedback (
        message_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        guild_id INTEGER,
        fact_id TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('helpful', 'wrong')),
        created_at REAL NOT NULL,
        PRIMARY KEY (message_id, user_id)
    );
    CREATE TABLE guild_settings (
        guild_id INTEGER PRIMARY KEY,
        moderator_role_id INTEGER,
        qa_channel_id INTEGER,
        spoiler_mode TEXT NOT NULL DEFAULT 'tags',
        private_answers INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 2: the append-only history of knowledge edits, and gaps that were dealt with
    """
    CREATE TABLE fact_history (
        id INTEGER PRIMARY KEY,
        scope INTEGER NOT NULL,
        fact_id TEXT NOT NULL,
        actor_id INTEGER,
        action TEXT NOT NULL,
        before TEXT,
        after TEXT,
        created_at REAL NOT NULL
    );
    CREATE INDEX fact_history_by_fact ON fact_history (scope, fact_id, id);
    CREATE TRIGGER fact_history_no_update BEFORE UPDATE ON fact_history
    BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
    CREATE TRIGGER fact_history_no_delete BEFORE DELETE ON fact_history
    BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
    ALTER TABLE questions ADD COLUMN resolved INTEGER NOT NULL DEFAULT 0;
    """,
    # 3: whether related-fact buttons may offer spoilers (their questions stay hidden)
    """
    ALTER TABLE guild_settings ADD COLUMN related_spoilers INTEGER NOT NULL DEFAULT 0;
    """,
)

SPOILER_MODES = ("tags", "private")


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """One server's choices from /settings, read whenever the bot answers there."""

    guild_id: int
    moderator_role_id: int | None = None
    qa_channel_id: int | None = None
    spoiler_mode: str = (
        "tags"  # "tags": ||hidden|| in the channel; "private": only the asker sees it
    )
    private_answers: bool = False
    related_spoilers: bool = False  # related-fact buttons may offer spoilers (hidden labels)


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """An unanswered question as /kb gaps groups it."""

    id: int
    question: str
    created_at: float


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One recorded change to a fact, listed by /fact history and reversed by undo."""

    id: int
    scope: int
    fact_id: str
    actor_id: int | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    created_at: float


@dataclass(frozen=True, slots=True)
class Usage:
    """The figures behind /kb stats: outcomes, top questions and feedback per fact."""

    answers: int
    choices: int
    abstentions: int
    top_questions: list[tuple[str, int]]
    feedback: dict[str, tuple[int, int]]  # fact id -> (helpful, wrong)
    per_day: list[tuple[str, int, int, int]] = field(default_factory=list)
    """(YYYY-MM-DD, answered, choices, not answered) for each day with questions."""


class Store:
    """The SQLite store of questions, feedback, settings and edit history."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._lock = threading.Lock()
        # Read on every message in every guild, changed by a moderator now and then:
        # kept in memory, and dropped whenever this store saves a change. (The data
        # folder is locked to one process, so no other writer can make it stale.)
        self._settings: dict[int, GuildSettings] = {}

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open the store at a path, creating and migrating the database as needed."""
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=10
        )
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        store = cls(connection)
        store._migrate()
        return store

    def close(self) -> None:
        """Close the database connection at shutdown."""
        with self._lock:
            self._db.close()

    @property
    def schema_version(self) -> int:
        """The last migration applied, so opening knows which ones still have to run."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        with self._lock:
            current = self.schema_version
            for version, script in enumerate(MIGRATIONS, start=1):
                if version <= current:
                    continue
                # One transaction per migration: a crash leaves the previous version intact.
                self._db.executescript(
                    f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
                )

    def _write(self, sql: str, parameters: tuple[Any, ...] = ()) -> int:
        with self._lock:
            cursor = self._db.execute(sql, parameters)
            return int(cursor.lastrowid or 0)

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, parameters).fetchall()

    # -- questions --------------------------------------------------------------------

    def record_question(
        self,
        *,
        guild_id: int | None,
        channel_id: int | None,
        user_id: int | None,
        question: str,
        outcome: str,
        fact_id: str | None,
        score: float,
    ) -> int:
        """Log a question and its outcome for gaps, stats and retention; returns its id."""
        return self._write(
            "INSERT INTO questions (guild_id, channel_id, user_id, question, outcome, fact_id, score,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, channel_id, user_id, question, outcome, fact_id, score, time.time()),
        )

    def unanswered(self, guild_id: int | None, limit: int = 500) -> list[AskedQuestion]:
        """Abstentions not yet dealt with, newest first."""
        rows = self._read(
            "SELECT id, question, created_at FROM questions WHERE guild_id IS ? AND outcome = 'abstain'"
            " AND resolved = 0 ORDER BY created_at DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [AskedQuestion(r["id"], r["question"], r["created_at"]) for r in rows]

    def mark_unanswered(self, question_id: int) -> None:
        """The fan said none of the offered choices was right: a gap after all."""
        self._write("UPDATE questions SET outcome = 'abstain' WHERE id = ?", (question_id,))

    def resolve_questions(self, ids: list[int]) -> None:
        """Mark gap questions as dealt with, so /kb gaps stops listing them."""
        if ids:
            marks = ",".join("?" * len(ids))
            self._write(f"UPDATE questions SET resolved = 1 WHERE id IN ({marks})", tuple(ids))

    def usage(self, guild_id: int | None, top: int = 10, days: int = 30) -> Usage:
        """A server's answer counts, top questions, feedback and the last `days` days,
        for /kb stats."""
        counts: dict[str, int] = {
            row[0]: int(row[1])
            for row in self._read(
                "SELECT outcome, COUNT(*) FROM questions WHERE guild_id IS ? GROUP BY outcome",
                (guild_id,),
            )
        }
        top_rows = self._read(
            "SELECT lower(question) AS q, COUNT(*) AS n FROM questions WHERE guild_id IS ?"
            " GROUP BY q ORDER BY n DESC, max(created_at) DESC LIMIT ?",
            (guild_id, top),
        )
        feedback: dict[str, tuple[int, int]] = {}
        for row in self._read(
            "SELECT fact_id, SUM(verdict = 'helpful'), SUM(verdict = 'wrong') FROM feedback"
            " WHERE guild_id IS ? GROUP BY fact_id ORDER BY 3 DESC, 2 DESC",
            (guild_id,),
        ):
            feedback[row[0]] = (int(row[1]), int(row[2]))
        per_day = self._read(
            "SELECT date(created_at, 'unixepoch') AS day, SUM(outcome = 'answer'),"
            " SUM(outcome = 'choices'), SUM(outcome = 'abstain') FROM questions"
            " WHERE guild_id IS ? AND created_at >= ? GROUP BY day ORDER BY day",
            (guild_id, time.time() - days * 86400),
        )
        return Usage(
            counts.get("answer", 0),
            counts.get("choices", 0),
            counts.get("abstain", 0),
            [(r["q"], r["n"]) for r in top_rows],
            feedback,
            [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in per_day],
        )

    # -- privacy ----------------------------------------------------------------------

    def forget_before(self, cutoff: float) -> int:
        """Delete questions and feedback older than `cutoff` (the retention period)."""
        return self._delete(
            (
                "DELETE FROM questions WHERE created_at < ?",
                "DELETE FROM feedback WHERE created_at < ?",
            ),
            cutoff,
        )

    def forget_user(self, user_id: int) -> int:
        """Delete everything a fan asked or rated, in every server (a privacy request).

        The edit history keeps moderators' ids: it is the audit trail of the knowledge.
        """
        return self._delete(
            ("DELETE FROM questions WHERE user_id = ?", "DELETE FROM feedback WHERE user_id = ?"),
            user_id,
        )

    def _delete(self, statements: tuple[str, ...], value: float) -> int:
        """Run the deletions in one transaction; how many rows went."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                count = sum(self._db.execute(sql, (value,)).rowcount for sql in statements)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return count

    # -- feedback ---------------------------------------------------------------------

    def record_feedback(
        self, *, message_id: int, user_id: int, guild_id: int | None, fact_id: str, verdict: str
    ) -> None:
        """One verdict per fan per answer; clicking again changes it."""
        self._write(
            "INSERT INTO feedback (message_id, user_id, guild_id, fact_id, verdict, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, user_id)"
            " DO UPDATE SET verdict = excluded.verdict, created_at = excluded.created_at",
            (message_id, user_id, guild_id, fact_id, verdict, time.time()),
        )

    # -- guild settings ---------------------------------------------------------------

    def guild_settings(self, guild_id: int) -> GuildSettings:
        """A server's settings, or the defaults when it never changed any (cached)."""
        cached = self._settings.get(guild_id)
        if cached is not None:
            return cached
        settings = self._settings[guild_id] = self._read_guild_settings(guild_id)
        return settings

    def _read_guild_settings(self, guild_id: int) -> GuildSettings:
        rows = self._read("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
        if not rows:
            return GuildSettings(guild_id)
        row = rows[0]
        return GuildSettings(
            guild_id,
            row["moderator_role_id"],
            row["qa_channel_id"],
            row["spoiler_mode"],
            bool(row["private_answers"]),
            bool(row["related_spoilers"]),
        )

    def save_guild_settings(self, settings: GuildSettings) -> None:
        """Store a server's settings, refusing an unknown spoiler mode."""
        if settings.spoiler_mode not in SPOILER_MODES:
            raise ValueError(f"spoiler mode must be one of {SPOILER_MODES}")
        self._write(
            "INSERT OR REPLACE INTO guild_settings (guild_id, moderator_role_id, qa_channel_id,"
            " spoiler_mode, private_answers, related_spoilers) VALUES (?, ?, ?, ?, ?, ?)",
            (
                settings.guild_id,
                settings.moderator_role_id,
                settings.qa_channel_id,
                settings.spoiler_mode,
                int(settings.private_answers),
                int(settings.related_spoilers),
            ),
        )
        self._settings.pop(settings.guild_id, None)

    # -- knowledge history ------------------------------------------------------------

    def add_history(
        self,
        *,
        scope: int,
        fact_id: str,
        actor_id: int | None,
        action: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> int:
        """Append one change to a fact's history, for /fact history and undo."""
        return self._write(
            "INSERT INTO fact_history (scope, fact_id, actor_id, action, before, after, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                scope,
                fact_id,
                actor_id,
                action,
                json.dumps(before, ensure_ascii=False) if before is not None else None,
                json.dumps(after, ensure_ascii=False) if after is not None else None,
                time.time(),
            ),
        )

    def history(self, scope: int, fact_id: str, limit: int = 50) -> list[HistoryEntry]:
        """Newest first."""
        rows = self._read(
            "SELECT * FROM fact_history WHERE scope = ? AND fact_id = ? ORDER BY id DESC LIMIT ?",
            (scope, fact_id, limit),
        )
        return [
            HistoryEntry(
                r["id"],
                r["scope"],
                r["fact_id"],
                r["actor_id"],
                r["action"],
                json.loads(r["before"]) if r["before"] is not None else None,
                json.loads(r["after"]) if r["after"] is not None else None,
                r["created_at"],
            )
            for r in rows
        ]


T = TypeVar("T")


class AsyncStore:
    """Runs every store call on one worker thread, in order, off the event loop."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")

    async def run(self, call: Callable[[Store], T]) -> T:
        """Run a store call on the worker thread and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, call, self.store)

    def close(self) -> None:
        """Finish the pending calls, then close the store."""
        self._executor.shutdown(wait=True)
        self.store.close()
