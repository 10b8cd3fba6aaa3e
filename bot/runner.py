"""Starting the Discord bot: logging, the token, and clear messages when it fails."""

from __future__ import annotations

import asyncio
import logging
import logging.handlers
import re
import sys

import aiohttp
import discord

from bot.app.knowledge import KnowledgeService, KnowledgeUnavailable
from bot.client import EtoileBot
from bot.settings import Settings, writable_knowledge_dir
from bot.storage.lock import DataDirInUse, hold_data_dir

log = logging.getLogger(__name__)

TOKEN_HELP = (
    "Create an application at https://discord.com/developers/applications, open Bot, "
    "press Reset Token, and put it in DISCORD_TOKEN (environment or .env; see .env.example)."
)


def setup_logging(settings: Settings) -> None:
    """discord.py's console logging, plus a rotating file in the data folder."""
    discord.utils.setup_logging(level=getattr(logging, settings.log_level), root=True)
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        log_dir / "bot.log", maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(
        logging.Formatter(
            "[{asctime}] [{levelname:<8}] {name}: {message}", "%Y-%m-%d %H:%M:%S", style="{"
        )
    )
    logging.getLogger().addHandler(handler)
    for each in logging.getLogger().handlers:
        each.addFilter(redact_tokens)


_TOKEN_IN_URL = re.compile(r"(/(?:interactions|webhooks)/\d+/)[\w.-]+")


def redact_tokens(record: logging.LogRecord) -> bool:
    """Interaction and webhook tokens in discord.py's DEBUG request lines are secrets:
    anyone holding one can answer as the bot for 15 minutes."""
    message = record.getMessage()
    if "/interactions/" in message or "/webhooks/" in message:
        record.msg, record.args = _TOKEN_IN_URL.sub(r"\1[token]", message), None
    return True


def run_bot(settings: Settings, *, sync_only: bool = False) -> int:
    """Run the Discord bot (or only sync commands), turning failures into one-line errors."""
    token = settings.discord_token.get_secret_value()
    if not token:
        print(f"error: DISCORD_TOKEN is not set. {TOKEN_HELP}", file=sys.stderr)
        return 2
    try:
        data_lock = hold_data_dir(settings.data_dir)
    except DataDirInUse as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    with data_lock:  # held while the bot runs: a second process would lose edits
        return _run_locked(settings, token, sync_only=sync_only)


def _run_locked(settings: Settings, token: str, *, sync_only: bool) -> int:
    knowledge_dir = writable_knowledge_dir(settings.knowledge_dir, settings.data_dir)
    settings = settings.model_copy(update={"knowledge_dir": knowledge_dir})
    knowledge = KnowledgeService(settings.knowledge_dir, settings.data_dir / "overlays")
    try:
        knowledge.load()
    except KnowledgeUnavailable as error:
        print(f"error: the knowledge base cannot be loaded: {error}", file=sys.stderr)
        return 1
    # Logging starts once Discord has accepted the token, so a rejected or missing token
    # stays a single clear line on the terminal.
    bot = EtoileBot(settings, knowledge, on_login=lambda: setup_logging(settings))
    try:
        if sync_only:
            asyncio.run(_sync_globally(bot, token))
        else:
            bot.run(token, log_handler=None)  # logging is already set up above
    except discord.LoginFailure:
        print(f"error: Discord rejected the token in DISCORD_TOKEN. {TOKEN_HELP}", file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:
        print(
            "error: MESSAGE_CONTENT_INTENT is on but the Message Content intent is not enabled "
            "for this bot in the Developer Portal (Bot → Privileged Gateway Intents).",
            file=sys.stderr,
        )
        return 1
    except (aiohttp.ClientError, OSError) as error:
        print(
            f"error: cannot reach Discord ({error}). Check the network connection.", file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


async def _sync_globally(bot: discord.Client, token: str) -> None:
    """Log in (which runs setup_hook and loads every extension), publish, log out."""
    async with bot:
        await bot.login(token)
        synced = await bot.tree.sync()  # type: ignore[attr-defined]
        print(
            f"Synced {len(synced)} commands globally; Discord may take up to an hour to show them."
        )
