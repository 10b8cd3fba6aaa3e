"""/settings: per-server choices, stored in the operational store."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import N_, Texts
from bot.permissions import edit_scope, require_manage_guild
from bot.render import NO_MENTIONS
from bot.storage.store import GuildSettings

if TYPE_CHECKING:
    from bot.client import EtoileBot


def describe(settings: GuildSettings, t: Texts | None = None) -> str:
    """The server's settings in words, for the /settings replies."""
    t = t or Texts()
    role = (
        f"<@&{settings.moderator_role_id}>"
        if settings.moderator_role_id
        else t("only Manage Server")
    )
    channel = f"<#{settings.qa_channel_id}>" if settings.qa_channel_id else t("none")
    # Described in words: literal ||pipes|| would turn the words into a spoiler bar.
    spoilers = (
        t("hidden in the channel behind a spoiler bar")
        if settings.spoiler_mode == "tags"
        else t("shown only to the asker")
    )
    answers = (
        t("only the asker sees them") if settings.private_answers else t("everyone in the channel")
    )
    related = (
        t("may be offered (their questions stay hidden)")
        if settings.related_spoilers
        else t("never offered")
    )
    return t(
        "Moderators: {role}\nQ&A channel: {channel}\nSpoilers: {spoilers}\nAnswers: {answers}\n"
        "Spoilers among related facts: {related}",
        role=role,
        channel=channel,
        spoilers=spoilers,
        answers=answers,
        related=related,
    )


MODERATOR_ROLE_VISIBILITY = N_(
    "\n\n{role} may now use `/fact` and `/kb`. Discord still hides moderator commands "
    "from members without Manage Server: to show them to the role, open *Server Settings "
    "→ Integrations → Étoile*, pick `/fact` and `/kb`, and add the role. (That menu only "
    "changes who sees the commands; the bot checks who may use them.)"
)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Settings(
    commands.GroupCog,
    group_name="settings",
    group_description="Moderators: how the bot behaves in this server",
):
    """The /settings group: how the bot behaves in one server."""

    def __init__(self, bot: EtoileBot) -> None:
        self.bot = bot
        super().__init__()

    async def _update(
        self, interaction: discord.Interaction, note: str = "", **changes: Any
    ) -> None:
        guild_id = await edit_scope(self.bot, interaction)
        await interaction.response.defer(ephemeral=True)  # a write: acknowledge first
        current = await self.bot.db.run(lambda s: s.guild_settings(guild_id))
        updated = dataclasses.replace(current, **changes)
        await self.bot.db.run(lambda s: s.save_guild_settings(updated))
        t = Texts.of(interaction.locale)
        await interaction.followup.send(
            t("Saved.") + f"\n{describe(updated, t)}{note}",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="show", description="The bot's settings in this server")
    async def show(self, interaction: discord.Interaction) -> None:
        """Show moderators the bot's current settings in this server."""
        guild_id = await edit_scope(self.bot, interaction)
        current = await self.bot.db.run(lambda s: s.guild_settings(guild_id))
        await interaction.response.send_message(
            describe(current, Texts.of(interaction.locale)),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(
        name="moderator_role",
        description="The role whose members may edit facts (empty: Manage Server only)",
    )
    @app_commands.describe(role="The moderators' role (leave empty to remove it)")
    async def moderator_role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        """Choose the role that may edit facts; only Manage Server may change it."""
        require_manage_guild(interaction)  # a moderator role must not be able to hand itself out
        await self._update(
            interaction,
            moderator_role_id=role.id if role else None,
            note=Texts.of(interaction.locale)(MODERATOR_ROLE_VISIBILITY, role=role.mention)
            if role
            else "",
        )

    @app_commands.command(
        name="qa_channel",
        description="A channel where every question gets an answer (needs the message-content intent)",
    )
    @app_commands.describe(channel="The Q&A channel (leave empty to turn it off)")
    async def qa_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        """Choose a channel where the bot answers questions without being mentioned."""
        await self._update(interaction, qa_channel_id=channel.id if channel else None)

    @app_commands.command(name="spoilers", description="How answers that reveal plot are shown")
    @app_commands.describe(mode="tags: hidden in the channel; private: only the asker sees them")
    async def spoilers(
        self, interaction: discord.Interaction, mode: Literal["tags", "private"]
    ) -> None:
        """Choose whether spoilers are tagged in the channel or shown only to the asker."""
        await self._update(interaction, spoiler_mode=mode)

    @app_commands.command(
        name="answers",
        description="Whether answers are visible to the channel or only to the asker",
    )
    @app_commands.describe(visibility="public: the whole channel; private: only the asker")
    async def answers(
        self, interaction: discord.Interaction, visibility: Literal["public", "private"]
    ) -> None:
        """Choose whether answers are public in the channel or private to the asker."""
        await self._update(interaction, private_answers=visibility == "private")

    @app_commands.command(
        name="related_spoilers",
        description="Whether related-fact buttons may offer spoilers (their questions stay hidden)",
    )
    @app_commands.describe(allowed="True: spoiler facts may be offered, their questions hidden")
    async def related_spoilers(self, interaction: discord.Interaction, allowed: bool) -> None:
        """Choose whether spoiler facts may appear among the related-fact buttons."""
        await self._update(interaction, related_spoilers=allowed)


async def setup(bot: EtoileBot) -> None:
    """Add the /settings cog when the extension loads."""
    await bot.add_cog(Settings(bot))
