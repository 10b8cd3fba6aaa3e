"""Starting the bot: a rejected token or an unreachable Discord is one clear line, not a traceback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
from pydantic import SecretStr

from bot.runner import redact_tokens, run_bot
from bot.storage.lock import hold_data_dir
from tests.exts.conftest import make_settings
from tests.fakediscord import FakeDiscord, patch_discord


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """run_bot configures process-wide logging once logged in; undo it between tests."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@contextlib.contextmanager
def fake_in_a_thread(token: str) -> Iterator[FakeDiscord]:
    """run_bot owns its event loop, so the fake serves from a loop of its own."""
    loop = asyncio.new_event_loop()
    fake = FakeDiscord(token=token)
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(fake.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        with patch_discord(fake):
            yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def test_a_rejected_token_is_one_clear_line(tmp_path: Path, capsys) -> None:
    with fake_in_a_thread("the-right-token"):
        status = run_bot(make_settings(tmp_path, discord_token=SecretStr("a-wrong-token")))
    err = capsys.readouterr().err
    assert status == 1
    assert (
        err.startswith("error: Discord rejected the token in DISCORD_TOKEN.")
        and err.count("\n") == 1
    )
    assert "a-wrong-token" not in err


def test_sync_publishes_the_commands_globally(tmp_path: Path, capsys) -> None:
    with fake_in_a_thread("the-right-token") as fake:
        status = run_bot(
            make_settings(tmp_path, discord_token=SecretStr("the-right-token")), sync_only=True
        )
        names = {c["name"] for c in fake.global_commands}
    assert status == 0, capsys.readouterr().err
    assert {"ask", "fact", "kb", "settings"} <= names
    assert "Synced" in capsys.readouterr().out


def test_a_missing_token_says_how_to_get_one(tmp_path: Path, capsys) -> None:
    assert run_bot(make_settings(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN is not set" in err and "Reset Token" in err


def test_unreachable_discord_is_one_clear_line(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(
        discord.http.Route, "BASE", "http://127.0.0.1:9/api/v10"
    )  # nothing listens on port 9
    assert run_bot(make_settings(tmp_path, discord_token=SecretStr("some-token"))) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot reach Discord") and "Traceback" not in err


def test_a_second_bot_on_the_same_data_folder_exits_with_one_line(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "KNOWLEDGE_DIR"}
    environment |= {"DISCORD_TOKEN": "x" * 60, "DATA_DIR": str(tmp_path)}
    with hold_data_dir(tmp_path):  # the first bot, as far as the folder can tell
        second = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            capture_output=True,
            text=True,
            env=environment,
            timeout=60,
            cwd=Path(__file__).resolve().parent.parent,
        )
    assert second.returncode == 1
    assert second.stderr.strip().count("\n") == 0, second.stderr
    assert (
        "is in use by etoile-bot pid" in second.stderr and "one bot per DATA_DIR" in second.stderr
    )


def test_interaction_tokens_never_reach_the_logs() -> None:
    record = logging.LogRecord(
        "discord.http",
        logging.DEBUG,
        __file__,
        1,
        "POST https://discord.com/api/v10/interactions/%s/%s/callback has returned 204",
        ("1234", "aW50ZXJhY3Rpb246MTIz.secret-token_x"),
        None,
    )
    assert redact_tokens(record)
    assert "secret-token" not in record.getMessage()
    assert "/interactions/1234/[token]/callback" in record.getMessage()
