"""Who may change what, checked in the handler on the server side.

Discord's default member permissions only hide commands in the client; a member can
still reach a command through an old client or a crafted request, and a server can
re-enable commands for everyone. Every moderation handler therefore calls
`edit_scope`, which decides from the member's real permissions.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.i18n import N_, Texts
from bot.storage.store import SHARED_SCOPE

if TYPE_CHECKING:
    from bot.client import EtoileBot

log = logging.getLogger(__name__)


class Refused(app_commands.CheckFailure):
    """Shown to the user as an ephemeral message by the command tree's error handler."""


def is_owner(bot: EtoileBot, user_id: int) -> bool:
    """Whether the user owns the bot, which allows shared-base edits and owner commands."""
    return user_id in bot.owner_ids_all()


async def is_moderator(bot: EtoileBot, interaction: discord.Interaction) -> bool:
    """Manage Server (or Administrator), or the moderator role the guild configured."""
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        return False
    if interaction.permissions.manage_guild or interaction.permissions.administrator:
        return True
    guild_id = interaction.guild.id
    settings = await bot.db.run(lambda s: s.guild_settings(guild_id))
    role_id = settings.moderator_role_id
    return role_id is not None and any(role.id == role_id for role in interaction.user.roles)


def _refuse(interaction: discord.Interaction, message: str) -> Refused:
    """The refusal in the user's language (the log keeps the English one)."""
    command = interaction.command.qualified_name if interaction.command else "?"
    log.warning(
        "Refused /%s for user %s in guild %s: %s",
        command,
        interaction.user.id,
        interaction.guild_id,
        message,
    )
    return Refused(Texts.of(interaction.locale)(message))


async def edit_scope(bot: EtoileBot, interaction: discord.Interaction, shared: bool = False) -> int:
    """The scope this user may edit: their guild's overlay, or the shared base for owners."""
    if shared:
        if not is_owner(bot, interaction.user.id):
            raise _refuse(
                interaction, N_("Only the bot's owners can change the shared knowledge base.")
            )
        return SHARED_SCOPE
    if interaction.guild is None:
        raise _refuse(
            interaction,
            N_("Use this in a server; in DMs only owners can edit (with `shared: True`)."),
        )
    if not (await is_moderator(bot, interaction) or is_owner(bot, interaction.user.id)):
        raise _refuse(
            interaction,
            N_(
                "Only this server's moderators (Manage Server, or the moderator role set with "
                "`/settings moderator_role`) can do that."
            ),
        )
    return interaction.guild.id


def require_owner(bot: EtoileBot, interaction: discord.Interaction) -> None:
    """Refuse the command unless one of the bot's owners runs it."""
    if not is_owner(bot, interaction.user.id):
        raise _refuse(interaction, N_("Only the bot's owners can do that."))


def require_manage_guild(interaction: discord.Interaction) -> None:
    """Changing who counts as a moderator needs more than being one."""
    if interaction.guild is None:
        raise _refuse(interaction, N_("Use this in a server."))
    if not (interaction.permissions.manage_guild or interaction.permissions.administrator):
        raise _refuse(
            interaction, N_("Only members with Manage Server can change the bot's settings.")
        )
