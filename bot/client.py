"""The bot: a discord.py client that owns the knowledge service and the store.

Features live in extensions under `bot/exts/`, loaded in `setup_hook`. Command sync
is explicit: at start only to the development guild (instant); globally only when
an owner asks (`etoile-bot sync` or `/kb sync`), because global sync is rate-limited
and slow to propagate.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.app.conversations import Conversations
from bot.app.editor import KnowledgeEditor
from bot.app.knowledge import KnowledgeService
from bot.i18n import N_, Texts
from bot.render import NO_MENTIONS
from bot.settings import Settings
from bot.storage.store import AsyncStore, Store
from bot.translator import CatalogTranslator

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.exts.ask",
    "bot.exts.browse",
    "bot.exts.facts",
    "bot.exts.kb_admin",
    "bot.exts.guild_settings",
)

APOLOGY = N_(
    "Sorry, something went wrong on my side. It has been logged; please try again in a moment."
)


def intents(settings: Settings) -> discord.Intents:
    """Only what the bot uses: guilds (for roles and channels) and messages that mention it."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.guild_messages = True
    chosen.dm_messages = True
    chosen.message_content = settings.message_content_intent  # privileged; only for Q&A channels
    return chosen


class EtoileTree(app_commands.CommandTree):
    """Command tree whose failures end in a private message to the user, not silence."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Show refusals as they are; log any other failure and apologise to the user."""
        if isinstance(error, app_commands.CheckFailure):
            t = Texts.of(interaction.locale)
            await send_private(interaction, str(error) or t("You can't use this command here."))
            return
        command = interaction.command.qualified_name if interaction.command else "?"
        log.error(
            "Command /%s failed for user %s in guild %s:\n%s",
            command,
            interaction.user.id,
            interaction.guild_id,
            "".join(traceback.format_exception(error)),
        )
        await send_private(interaction, Texts.of(interaction.locale)(APOLOGY))


class SafeView(discord.ui.View):
    """A view whose failures end like a command's: logged, and an apology to the user;
    and whose buttons are disabled when it expires, instead of failing when pressed."""

    opener: discord.Interaction | None = None  # whose response holds this view

    async def send(self, interaction: discord.Interaction, **kwargs: Any) -> None:
        """Send this view as the interaction's private response, remembering where it is."""
        self.opener = interaction
        if interaction.response.is_done():  # deferred before slow work
            await interaction.followup.send(
                view=self, ephemeral=True, allowed_mentions=NO_MENTIONS, **kwargs
            )
            return
        await interaction.response.send_message(
            view=self, ephemeral=True, allowed_mentions=NO_MENTIONS, **kwargs
        )

    def expired_content(self) -> str | None:
        """What the message says once the view expires (None: leave it as it is)."""
        return None

    async def on_timeout(self) -> None:
        """Disable the buttons when the view expires, so a late press cannot fail."""
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True
        if self.opener is None:
            return
        content = self.expired_content()
        with contextlib.suppress(discord.HTTPException):  # the message may be gone
            if content is None:
                await self.opener.edit_original_response(view=self)
            else:
                await self.opener.edit_original_response(content=content, view=self)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Log a failed button or menu and apologise to the user instead of failing silently."""
        log.error(
            "Component %s failed for user %s",
            getattr(item, "custom_id", item),
            interaction.user.id,
            exc_info=error,
        )
        await send_private(interaction, Texts.of(interaction.locale)(APOLOGY))


Callback = TypeVar("Callback", bound=Callable[..., Awaitable[None]])


def apologise_on_error(callback: Callback) -> Callback:
    """The same for a persistent button (`DynamicItem`), whose view discord.py creates itself."""

    @functools.wraps(callback)
    async def wrapper(self: object, interaction: discord.Interaction) -> None:
        """Run the button's callback, logging any failure and apologising to the user."""
        try:
            await callback(self, interaction)
        except Exception:
            log.exception(
                "Button %s failed for user %s",
                getattr(self, "custom_id", self),
                interaction.user.id,
            )
            await send_private(interaction, Texts.of(interaction.locale)(APOLOGY))

    return cast(Callback, wrapper)


async def send_private(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral reply, whether or not the interaction was already answered."""
    with contextlib.suppress(discord.HTTPException):
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )


class EtoileBot(commands.AutoShardedBot):
    """The bot. Auto-sharded, as RoboDanny is: one shard unless SHARD_COUNT says more (or
    Discord asks for more), so sharding is a setting, not another class."""

    db: AsyncStore
    editor: KnowledgeEditor

    def __init__(
        self,
        settings: Settings,
        knowledge: KnowledgeService | None = None,
        *,
        on_login: Callable[[], None] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(settings),
            tree_cls=EtoileTree,
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            shard_count=settings.shard_count,  # None: as many as Discord recommends
            **options,
        )
        self._on_login = on_login  # e.g. file logging, once Discord accepted the token
        self.settings = settings
        self.knowledge = knowledge or KnowledgeService(
            settings.knowledge_dir, settings.data_dir / "overlays"
        )
        # One question per COOLDOWN_SECONDS per fan, slash command or mention alike.
        self.cooldown = commands.CooldownMapping.from_cooldown(
            1, settings.cooldown_seconds, _by_user_id
        )
        self.conversations = Conversations()  # each fan's last answer, for follow-ups
        self._startup_notice: asyncio.Task[None] | None = None

    async def setup_hook(self) -> None:
        """Load the knowledge, store and extensions, and start the background tasks at login."""
        if self._on_login is not None:
            self._on_login()
        bot = self
        log.info(
            "Knowledge from %s; data (overlays, database, logs) in %s",
            self.knowledge.knowledge_dir,
            self.settings.data_dir,
        )
        if self.knowledge._snapshot is None:
            await asyncio.to_thread(self.knowledge.load)
        store = await asyncio.to_thread(Store.open, self.settings.data_dir / "bot.sqlite3")
        self.db = AsyncStore(store)
        self.editor = KnowledgeEditor(self.knowledge, store)
        await bot.tree.set_translator(CatalogTranslator())
        for extension in EXTENSIONS:
            await bot.load_extension(extension)
        if self.settings.dev_guild_id:
            guild = discord.Object(self.settings.dev_guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            log.info("Synced %d commands to the development guild %s", len(synced), guild.id)
        self.watch_knowledge.change_interval(seconds=self.settings.watch_interval_seconds)
        self.watch_knowledge.start()
        self.forget_old_questions.start()
        if self.knowledge.last_report.problems:
            # Start-up found broken files (a guild's overlay, a hand edit): the owners
            # hear it once now, as they would from a reload.
            self._startup_notice = asyncio.create_task(
                self.notify_owners(
                    "Some knowledge files could not be loaded at start-up; the last good "
                    "version answers, and edits to a broken server file are paused:\n"
                    + "\n".join(f"• {p}" for p in self.knowledge.last_report.problems[:10])
                )
            )

    @tasks.loop(hours=24)
    async def forget_old_questions(self) -> None:
        """Questions and feedback name fans: kept QUESTION_RETENTION_DAYS, then deleted."""
        cutoff = time.time() - self.settings.question_retention_days * 86400
        deleted = await self.db.run(lambda store: store.forget_before(cutoff))
        if deleted:
            log.info("Deleted %d questions and ratings past the retention period", deleted)

    @tasks.loop(seconds=2.0)
    async def watch_knowledge(self) -> None:
        """Pick up hand edits of the knowledge files while the bot runs.

        Polling stays right here: a stat per file every few seconds is cheap, and it works
        on every file system (a bind mount or NFS share may never deliver inotify events).
        """
        try:
            report = await asyncio.to_thread(self.knowledge.reload_if_changed)
        except Exception:
            log.exception("Knowledge watch failed; will try again")
            return
        if report.changed or report.problems:
            log.info("Knowledge reloaded from disk (%d problems)", len(report.problems))
        if report.problems:
            await self.notify_owners(
                "A knowledge file failed validation; the last good version keeps answering:\n"
                + "\n".join(f"• {p}" for p in report.problems[:10])
            )

    def owner_ids_all(self) -> set[int]:
        """OWNER_IDS plus the application's owner (or team), fetched by discord.py at login."""
        owners = set(self.settings.owner_ids)
        app = getattr(self, "application", None)
        if app is not None:
            if app.team:
                owners |= {m.id for m in app.team.members}
            elif app.owner:
                owners.add(app.owner.id)
        return owners

    async def notify_owners(self, text: str) -> None:
        """DM every owner, so knowledge problems reach someone who can fix them."""
        bot = self
        for owner_id in self.owner_ids_all():
            try:
                user = bot.get_user(owner_id) or await bot.fetch_user(owner_id)
                await user.send(text[:2000], allowed_mentions=NO_MENTIONS)
            except discord.HTTPException:
                log.warning("Could not DM owner %s", owner_id)

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands exist: mentions are answered by the ask extension's
        listener, never looked up as commands (which logged CommandNotFound each time)."""

    async def close(self) -> None:
        """Stop the background tasks and close the store cleanly on shutdown."""
        self.watch_knowledge.cancel()
        self.forget_old_questions.cancel()
        await super().close()
        if hasattr(self, "db"):
            await asyncio.to_thread(self.db.close)


def _by_user_id(user_id: int) -> int:
    """The cooldown bucket key: the fan, whatever the channel or server."""
    return user_id
