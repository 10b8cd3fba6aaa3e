"""Discord permission bits and the permission computation Discord performs."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import FakeChannel, FakeGuild, FakeMember


class Permission(enum.IntFlag):
    """The permission bits of Discord's API (a subset of names, all of the bits)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    PRIORITY_SPEAKER = 1 << 8
    STREAM = 1 << 9
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    VIEW_GUILD_INSIGHTS = 1 << 19
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    MUTE_MEMBERS = 1 << 22
    DEAFEN_MEMBERS = 1 << 23
    MOVE_MEMBERS = 1 << 24
    USE_VAD = 1 << 25
    CHANGE_NICKNAME = 1 << 26
    MANAGE_NICKNAMES = 1 << 27
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    MANAGE_GUILD_EXPRESSIONS = 1 << 30
    USE_APPLICATION_COMMANDS = 1 << 31
    REQUEST_TO_SPEAK = 1 << 32
    MANAGE_EVENTS = 1 << 33
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    USE_EXTERNAL_STICKERS = 1 << 37
    SEND_MESSAGES_IN_THREADS = 1 << 38
    USE_EMBEDDED_ACTIVITIES = 1 << 39
    MODERATE_MEMBERS = 1 << 40
    VIEW_CREATOR_MONETIZATION_ANALYTICS = 1 << 41
    USE_SOUNDBOARD = 1 << 42
    CREATE_GUILD_EXPRESSIONS = 1 << 43
    CREATE_EVENTS = 1 << 44
    USE_EXTERNAL_SOUNDS = 1 << 45
    SEND_VOICE_MESSAGES = 1 << 46
    SET_VOICE_CHANNEL_STATUS = 1 << 48
    SEND_POLLS = 1 << 49
    USE_EXTERNAL_APPS = 1 << 50
    PIN_MESSAGES = 1 << 51
    BYPASS_SLOWMODE = 1 << 52


ALL_PERMISSIONS: int = (1 << 53) - 1 - (1 << 47)
"""Every permission bit Discord currently defines (what an administrator gets)."""

DEFAULT_EVERYONE_PERMISSIONS: int = int(
    Permission.CREATE_INSTANT_INVITE
    | Permission.ADD_REACTIONS
    | Permission.STREAM
    | Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
    | Permission.USE_EXTERNAL_EMOJIS
    | Permission.CONNECT
    | Permission.SPEAK
    | Permission.USE_VAD
    | Permission.CHANGE_NICKNAME
    | Permission.USE_APPLICATION_COMMANDS
    | Permission.CREATE_PUBLIC_THREADS
    | Permission.CREATE_PRIVATE_THREADS
    | Permission.USE_EXTERNAL_STICKERS
    | Permission.SEND_MESSAGES_IN_THREADS
    | Permission.USE_EMBEDDED_ACTIVITIES
    | Permission.USE_SOUNDBOARD
    | Permission.USE_EXTERNAL_SOUNDS
    | Permission.SEND_VOICE_MESSAGES
    | Permission.SEND_POLLS
    | Permission.USE_EXTERNAL_APPS
)
"""Roughly what a new guild's @everyone role gets."""

DEFAULT_BOT_PERMISSIONS: int = int(
    Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.SEND_MESSAGES_IN_THREADS
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
    | Permission.ADD_REACTIONS
    | Permission.USE_EXTERNAL_EMOJIS
    | Permission.USE_APPLICATION_COMMANDS
)
"""The permissions of the bot's managed role unless a test chooses others."""

DM_APP_PERMISSIONS: int = int(
    Permission.ADD_REACTIONS
    | Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
    | Permission.USE_EXTERNAL_EMOJIS
    | Permission.USE_APPLICATION_COMMANDS
)
"""What ``app_permissions`` holds for an interaction in a DM."""


def permission_value(value: int | Permission | Iterable[Permission]) -> int:
    """Normalise an int, a flag or an iterable of flags into an int bitfield."""
    if isinstance(value, int):
        return int(value)
    total = 0
    for flag in value:
        total |= int(flag)
    return total


def base_permissions(guild: FakeGuild, member: FakeMember) -> int:
    """Guild-level permissions of ``member`` (owner and ADMINISTRATOR get everything)."""
    if member.user.id == guild.owner_id:
        return ALL_PERMISSIONS
    perms = guild.everyone_role.permissions
    for role_id in member.roles:
        role = guild.roles.get(role_id)
        if role is not None:
            perms |= role.permissions
    if perms & Permission.ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def channel_permissions(guild: FakeGuild, member: FakeMember, channel: FakeChannel | None) -> int:
    """Permissions of ``member`` in ``channel``, applying overwrites like Discord does.

    The order is: @everyone overwrite, then all role overwrites together, then the
    member overwrite. Without VIEW_CHANNEL the result is 0.
    """
    perms = base_permissions(guild, member)
    if perms == ALL_PERMISSIONS and (
        member.user.id == guild.owner_id or _has_admin_role(guild, member)
    ):
        return ALL_PERMISSIONS
    if channel is None:
        return perms
    overwrites = {ow.id: ow for ow in channel.permission_overwrites}
    everyone = overwrites.get(guild.id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member.roles:
        ow = overwrites.get(role_id)
        if ow is not None and ow.type == 0:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    own = overwrites.get(member.user.id)
    if own is not None and own.type == 1:
        perms = (perms & ~own.deny) | own.allow
    if not perms & Permission.VIEW_CHANNEL:
        return 0
    return perms


def _has_admin_role(guild: FakeGuild, member: FakeMember) -> bool:
    perms = guild.everyone_role.permissions
    for role_id in member.roles:
        role = guild.roles.get(role_id)
        if role is not None:
            perms |= role.permissions
    return bool(perms & Permission.ADMINISTRATOR)
