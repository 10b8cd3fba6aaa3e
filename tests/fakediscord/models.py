"""The fake's world state (users, guilds, channels...) and its records.

Every model can render itself as the JSON payload Discord would send
(``to_payload``). The models are plain mutable dataclasses: tests may change
them directly (for example give a member a role) before dispatching an event.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from .snowflakes import iso_now, snowflake_time

JSON = dict[str, Any]


class ChannelType(IntEnum):
    """Discord channel types the fake knows."""

    GUILD_TEXT = 0
    DM = 1
    GUILD_VOICE = 2
    GUILD_CATEGORY = 4
    GUILD_ANNOUNCEMENT = 5
    GUILD_FORUM = 15


class InteractionType(IntEnum):
    """Discord interaction types."""

    PING = 1
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    APPLICATION_COMMAND_AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class CallbackType(IntEnum):
    """Interaction callback (response) types."""

    PONG = 1
    CHANNEL_MESSAGE_WITH_SOURCE = 4
    DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    APPLICATION_COMMAND_AUTOCOMPLETE_RESULT = 8
    MODAL = 9
    LAUNCH_ACTIVITY = 12


class MessageFlag(IntEnum):
    """Message flag bits the fake looks at."""

    SUPPRESS_EMBEDS = 1 << 2
    EPHEMERAL = 1 << 6
    LOADING = 1 << 7
    SUPPRESS_NOTIFICATIONS = 1 << 12
    IS_COMPONENTS_V2 = 1 << 15


@dataclass(eq=False)
class FakeUser:
    """A Discord user (a person, or the bot's own user when ``bot`` is true)."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None

    @property
    def mention(self) -> str:
        """``<@id>``, the text that mentions this user."""
        return f"<@{self.id}>"

    def to_payload(self) -> JSON:
        """The user object Discord sends."""
        data: JSON = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": self.avatar,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(eq=False)
class FakeRole:
    """A guild role. ``permissions`` is an int bitfield (see :mod:`.permissions`)."""

    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        """``<@&id>`` (``@everyone`` for the default role)."""
        return "@everyone" if self.id == self.guild_id else f"<@&{self.id}>"

    def to_payload(self) -> JSON:
        """The role object Discord sends."""
        data: JSON = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class PermissionOverwrite:
    """A channel permission overwrite (``type`` 0 = role, 1 = member)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def to_payload(self) -> JSON:
        """The overwrite object Discord sends."""
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass(eq=False)
class FakeChannel:
    """A guild channel or a DM channel (``type`` == :attr:`ChannelType.DM`)."""

    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    nsfw: bool = False
    permission_overwrites: list[PermissionOverwrite] = field(default_factory=list)
    recipients: list[FakeUser] = field(default_factory=list)
    last_message_id: int | None = None

    @property
    def is_dm(self) -> bool:
        """True for a DM channel."""
        return self.type == ChannelType.DM

    @property
    def mention(self) -> str:
        """``<#id>``."""
        return f"<#{self.id}>"

    def to_payload(self) -> JSON:
        """The channel object Discord sends."""
        last = str(self.last_message_id) if self.last_message_id else None
        if self.is_dm:
            return {
                "id": str(self.id),
                "type": int(self.type),
                "last_message_id": last,
                "flags": 0,
                "recipients": [u.to_payload() for u in self.recipients],
            }
        data: JSON = {
            "id": str(self.id),
            "type": int(self.type),
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "permission_overwrites": [ow.to_payload() for ow in self.permission_overwrites],
            "nsfw": self.nsfw,
            "flags": 0,
        }
        if self.type in (ChannelType.GUILD_TEXT, ChannelType.GUILD_ANNOUNCEMENT):
            data.update(
                topic=self.topic,
                last_message_id=last,
                rate_limit_per_user=0,
                default_auto_archive_duration=1440,
            )
        elif self.type == ChannelType.GUILD_VOICE:
            data.update(bitrate=64000, user_limit=0, rtc_region=None, last_message_id=last)
        return data


@dataclass(eq=False)
class FakeMember:
    """A user's membership in a guild, with the ids of the roles it holds."""

    user: FakeUser
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    def to_payload(self, *, with_user: bool = True, permissions: int | None = None) -> JSON:
        """The guild member object Discord sends (optionally with ``permissions``)."""
        data: JSON = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(eq=False)
class FakeGuild:
    """A guild with its roles, channels and members (keyed by id)."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)
    preferred_locale: str = "en-US"
    features: list[str] = field(default_factory=list)

    @property
    def everyone_role(self) -> FakeRole:
        """The @everyone role (its id is the guild id)."""
        return self.roles[self.id]

    def get_member(self, user_id: int) -> FakeMember | None:
        """The member with this user id, if any."""
        return self.members.get(user_id)

    def channel_named(self, name: str) -> FakeChannel:
        """The first channel called ``name`` (KeyError if none)."""
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(name)

    def role_named(self, name: str) -> FakeRole:
        """The first role called ``name`` (KeyError if none)."""
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(name)

    def to_payload(self, *, members: list[FakeMember] | None = None) -> JSON:
        """The GUILD_CREATE payload (``members`` defaults to every member)."""
        member_list = list(self.members.values()) if members is None else members
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.preferred_locale,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "application_id": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "features": list(self.features),
            "roles": [r.to_payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "channels": [c.to_payload() for c in self.channels.values()],
            "threads": [],
            "members": [m.to_payload() for m in member_list],
            "member_count": len(self.members),
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "large": len(self.members) > 250,
            "unavailable": False,
            "joined_at": iso_now(),
            "premium_progress_bar_enabled": False,
            "nsfw": False,
        }


@dataclass(eq=False)
class FakeApplication:
    """The bot's application: its id, owner and flags."""

    id: int
    name: str
    owner: FakeUser
    description: str = "A bot under test"
    flags: int = 0
    verify_key: str = "0" * 64

    def to_payload(self, bot: FakeUser) -> JSON:
        """The object GET /oauth2/applications/@me answers."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "description": self.description,
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": self.verify_key,
            "owner": self.owner.to_payload(),
            "team": None,
            "flags": self.flags,
            "bot": bot.to_payload(),
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "integration_types_config": {"0": {}, "1": {}},
            "install_params": None,
            "tags": [],
            "approximate_guild_count": 0,
        }


@dataclass
class StoredFile:
    """A file the bot uploaded (one ``files[n]`` part of a multipart body)."""

    index: int
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        """Length in bytes."""
        return len(self.data)

    def text(self, encoding: str = "utf-8") -> str:
        """The contents decoded as text."""
        return self.data.decode(encoding)


@dataclass
class MentionReport:
    """Who a message would have notified, given its content and allowed_mentions."""

    everyone: bool = False
    users: list[int] = field(default_factory=list)
    roles: list[int] = field(default_factory=list)
    replied_user: int | None = None

    @property
    def any(self) -> bool:
        """True if anyone at all would have been pinged."""
        return bool(self.everyone or self.users or self.roles or self.replied_user)


@dataclass(eq=False)
class FakeMessage:
    """A message in a channel: sent by a user (via the test API) or by the bot.

    ``kind`` tells where it came from: ``"user"`` (test-dispatched),
    ``"channel"`` (bot, POST /channels/{id}/messages), ``"interaction_response"``
    (the original response of an interaction) or ``"followup"``.
    """

    id: int
    channel_id: int
    guild_id: int | None
    author: FakeUser
    kind: str
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    flags: int = 0
    tts: bool = False
    attachments: list[JSON] = field(default_factory=list)
    files: list[StoredFile] = field(default_factory=list)
    message_reference: JSON | None = None
    allowed_mentions: JSON | None = None
    mentions: list[FakeUser] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    would_ping: MentionReport = field(default_factory=MentionReport)
    interaction_id: int | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    message_type: int = 0
    reactions: dict[str, set[int]] = field(default_factory=dict)
    interaction_metadata: JSON | None = None
    poll: JSON | None = None
    sticker_ids: list[str] = field(default_factory=list)
    nonce: str | None = None
    edited_at: str | None = None
    deleted: bool = False
    history: list[JSON] = field(default_factory=list)
    """Payload snapshots taken before each edit (oldest first)."""

    @property
    def created_at(self) -> datetime.datetime:
        """Creation time (from the snowflake)."""
        return snowflake_time(self.id)

    @property
    def ephemeral(self) -> bool:
        """True if the EPHEMERAL flag is set."""
        return bool(self.flags & MessageFlag.EPHEMERAL)

    @property
    def loading(self) -> bool:
        """True while this is a deferred "thinking..." placeholder."""
        return bool(self.flags & MessageFlag.LOADING)

    @property
    def edited(self) -> bool:
        """True once the message was edited at least once."""
        return bool(self.history)

    @property
    def is_reply(self) -> bool:
        """True if the message replies to another message."""
        return bool(self.message_reference and self.message_reference.get("message_id"))

    def custom_ids(self) -> list[str]:
        """Every component custom_id in the message, depth first."""
        return [c["custom_id"] for c in iter_components(self.components) if "custom_id" in c]

    def find_component(self, custom_id: str) -> JSON | None:
        """The component with this custom_id, or None."""
        for comp in iter_components(self.components):
            if comp.get("custom_id") == custom_id:
                return comp
        return None

    def buttons(self) -> list[JSON]:
        """All buttons (component type 2) in the message."""
        return [c for c in iter_components(self.components) if c.get("type") == 2]

    def embed_text(self) -> str:
        """All the text of the embeds joined, handy for ``in`` assertions."""
        parts: list[str] = []
        for embed in self.embeds:
            for key in ("title", "description"):
                if embed.get(key):
                    parts.append(str(embed[key]))
            for fld in embed.get("fields", []) or []:
                parts.append(str(fld.get("name", "")))
                parts.append(str(fld.get("value", "")))
            for key in ("footer", "author"):
                sub = embed.get(key) or {}
                text = sub.get("text") or sub.get("name")
                if text:
                    parts.append(str(text))
        return "\n".join(parts)

    def to_payload(self, *, guild: FakeGuild | None = None) -> JSON:
        """The message object Discord sends (over REST and the gateway)."""
        data: JSON = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.to_payload(),
            "content": self.content,
            "timestamp": self.created_at.isoformat(),
            "edited_timestamp": self.edited_at,
            "tts": self.tts,
            "mention_everyone": self.mention_everyone,
            "mentions": [u.to_payload() for u in self.mentions],
            "mention_roles": [str(r) for r in self.mention_roles],
            "attachments": copy.deepcopy(self.attachments),
            "embeds": copy.deepcopy(self.embeds),
            "components": copy.deepcopy(self.components),
            "pinned": False,
            "type": self.message_type,
            "flags": self.flags,
            "reactions": [
                {
                    "emoji": _emoji_payload(emoji),
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "me": False,
                    "me_burst": False,
                    "burst_colors": [],
                }
                for emoji, users in self.reactions.items()
                if users
            ],
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
            if guild is not None:
                member = guild.get_member(self.author.id)
                if member is not None and self.webhook_id is None:
                    data["member"] = member.to_payload(with_user=False)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.message_reference:
            data["message_reference"] = dict(self.message_reference)
        if self.interaction_metadata:
            data["interaction_metadata"] = copy.deepcopy(self.interaction_metadata)
        if self.poll:
            data["poll"] = copy.deepcopy(self.poll)
        if self.nonce is not None:
            data["nonce"] = self.nonce
        return data


def _emoji_payload(emoji: str) -> JSON:
    if ":" in emoji:
        name, _, emoji_id = emoji.partition(":")
        return {"id": emoji_id, "name": name}
    return {"id": None, "name": emoji}


def iter_components(components: list[JSON] | None) -> list[JSON]:
    """Flatten a component tree (rows, sections, containers, labels) depth first."""
    out: list[JSON] = []
    for comp in components or []:
        if not isinstance(comp, dict):
            continue
        out.append(comp)
        out.extend(iter_components(comp.get("components")))
        for key in ("accessory", "component"):
            child = comp.get(key)
            if isinstance(child, dict):
                out.extend(iter_components([child]))
    return out


@dataclass
class Violation:
    """Something the bot did that Discord would refuse or that breaks a house rule.

    ``kind`` is a short machine-readable tag (see :data:`VIOLATION_KINDS`).
    """

    kind: str
    message: str
    method: str = ""
    path: str = ""
    details: JSON = field(default_factory=dict)
    at: float = 0.0

    def __str__(self) -> str:
        where = f" [{self.method} {self.path}]" if self.method else ""
        return f"{self.kind}{where}: {self.message}"


VIOLATION_KINDS: dict[str, str] = {
    "invalid_form_body": "HTTP 400 50035: a payload broke one of Discord's limits",
    "allowed_mentions": "a message was created/edited without allowed_mentions that allows nothing",
    "already_acknowledged": "HTTP 400 40060: second initial response to an interaction",
    "unknown_interaction": "HTTP 404 10062: unknown interaction (or answered after 3 s)",
    "late_response": "the initial response came after the 3 s deadline",
    "invalid_response_type": "the callback type is not valid for this interaction type",
    "unknown_webhook": "HTTP 404 10015: follow-up/webhook use before an initial response",
    "unknown_message": "HTTP 404 10008",
    "unknown_channel": "HTTP 404 10003",
    "unknown_route": "HTTP 404: a route the fake (and maybe Discord) does not have",
    "unauthorized": "HTTP 401: missing or wrong bot token",
    "missing_permissions": "HTTP 403 50013: the bot lacks a permission",
    "missing_access": "HTTP 403 50001",
    "empty_message": "HTTP 400 50006: cannot send an empty message",
    "too_many_commands": "HTTP 400 30032: over 100 global chat-input commands",
    "file_too_large": "HTTP 413 40005",
    "not_author": "HTTP 403 50005: editing someone else's message",
    "gateway": "a gateway protocol error (bad IDENTIFY, RESUME...)",
}
"""Every violation kind the fake records, with a one-line meaning."""


@dataclass
class RecordedRequest:
    """One HTTP request the bot made, with the fake's answer.

    ``path`` is relative to ``/api/v10`` (e.g. ``/users/@me``); ``json`` is the
    parsed body (the ``payload_json`` part for multipart bodies).
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    files: list[StoredFile]
    at: float
    status: int = 0
    response: Any = None

    @property
    def route(self) -> str:
        """``"METHOD /path"``."""
        return f"{self.method} {self.path}"


@dataclass
class GatewayFrame:
    """One gateway message, sent (``direction == "out"``) or received (``"in"``)."""

    direction: str
    op: int
    t: str | None
    s: int | None
    d: Any
    connection_id: int
    at: float
