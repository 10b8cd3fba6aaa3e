"""FakeDiscord: the aiohttp server (REST + gateway), its world state and the test API."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from .gateway import Gateway, GatewaySession, Intent, Op
from .interactions import InteractionHandle, InteractionResponse, MessageHandle, OptionBuilder
from .models import (
    ChannelType,
    FakeApplication,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeUser,
    InteractionType,
    PermissionOverwrite,
    RecordedRequest,
    StoredFile,
    Violation,
)
from .permissions import (
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    DM_APP_PERMISSIONS,
    Permission,
    channel_permissions,
    permission_value,
)
from .rest import RestApi
from .snowflakes import SnowflakeGenerator, iso_now
from .validation import allowed_mentions_problems, compute_would_ping, parse_mentions
from .waiting import Notifier

JSON = dict[str, Any]
T = TypeVar("T")
UserLike = FakeUser | FakeMember

DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024


def _user(value: UserLike) -> FakeUser:
    return value.user if isinstance(value, FakeMember) else value


@dataclass
class BasicWorld:
    """What :meth:`FakeDiscord.create_basic_world` builds.

    ``owner`` owns the application and the guild; ``alice`` has the
    ``Admin`` role (ADMINISTRATOR); ``bob`` only has ``Member``.
    """

    guild: FakeGuild
    general: FakeChannel
    admin_role: FakeRole
    member_role: FakeRole
    owner: FakeUser
    alice: FakeUser
    bob: FakeUser


class FakeDiscord:
    """A local fake of Discord's REST API and Gateway v10 for end-to-end tests.

    Start it with :func:`~tests.fakediscord.running_fake_discord` (or
    :meth:`start`/:meth:`stop`), build a world (:meth:`create_basic_world` or
    the ``create_*`` methods), run the real bot against it with
    :func:`~tests.fakediscord.running_bot`, then drive it with
    :meth:`send_slash_command`, :meth:`click_button`, :meth:`send_message`...
    and inspect :attr:`requests`, :attr:`violations` and the messages.
    """

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        bot_name: str = "TestBot",
        owner_name: str = "app-owner",
        interaction_timeout: float = 3.0,
        heartbeat_interval_ms: int = 41_250,
        shard_count: int = 1,
        privileged_intents: Iterable[str] = ("members", "presences", "message_content"),
        echo_bot_messages: bool = True,
        attachment_size_limit: int = DEFAULT_ATTACHMENT_LIMIT,
        host: str = "127.0.0.1",
    ) -> None:
        """Configure the fake; nothing listens until :meth:`start`.

        ``interaction_timeout``: seconds the bot has for an initial response.
        ``privileged_intents``: which of members/presences/message_content the
        application may request (others make IDENTIFY fail with 4014).
        ``echo_bot_messages``: dispatch MESSAGE_CREATE/UPDATE/DELETE for the
        bot's own messages, as Discord does.
        """
        self.token = token
        self.host = host
        self.interaction_timeout = interaction_timeout
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.shard_count = shard_count
        self.privileged_intents = frozenset(privileged_intents)
        self.echo_bot_messages = echo_bot_messages
        self.attachment_size_limit = attachment_size_limit
        self.snowflakes = SnowflakeGenerator()
        self._notifier = Notifier()
        self._t0 = time.monotonic()

        self.users: dict[int, FakeUser] = {}
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.owner = self.create_user(owner_name)
        self.bot_user = self.create_user(bot_name, bot=True)
        self.application = FakeApplication(id=self.bot_user.id, name=bot_name, owner=self.owner)

        self.global_commands: list[JSON] = []
        """Global application commands as registered by the bot (full Discord objects)."""
        self.guild_commands: dict[int, list[JSON]] = {}
        """Guild application commands, keyed by guild id."""
        self.messages: dict[int, FakeMessage] = {}
        self.channel_messages: dict[int, list[FakeMessage]] = {}
        self.message_log: list[tuple[str, FakeMessage, float]] = []
        """Every ("create"|"edit"|"delete", message, time) in order."""
        self.interactions: dict[int, InteractionHandle] = {}
        self.interactions_by_token: dict[str, InteractionHandle] = {}
        self.initial_responses: list[InteractionResponse] = []
        """Every initial-response attempt that was timed (accepted or late)."""
        self.modals: list[tuple[JSON, InteractionHandle]] = []
        self.uploads: dict[int, StoredFile] = {}
        self.requests: list[RecordedRequest] = []
        """Every HTTP request the bot made, in order."""
        self.violations: list[Violation] = []
        """Every rule the bot broke (see :data:`~tests.fakediscord.models.VIOLATION_KINDS`)."""

        self.gateway = Gateway(self)
        self.rest = RestApi(self)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Listen on ``host`` at a free port."""
        app = web.Application(client_max_size=256 * 1024 * 1024)
        app.router.add_get("/", self.gateway.handle)
        app.router.add_get("/resume", self.gateway.handle)
        app.router.add_get(
            "/attachments/{channel_id}/{attachment_id}/{filename}", self.rest.serve_attachment
        )
        app.router.add_route("*", "/{tail:.*}", self.rest.handle)
        app.on_shutdown.append(self._on_shutdown)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._t0 = time.monotonic()

    async def _on_shutdown(self, app: web.Application) -> None:
        await self.gateway.close_all()

    async def stop(self) -> None:
        """Close every gateway connection and stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (REST lives under ``/api/v10``)."""
        if self.port is None:
            raise RuntimeError("FakeDiscord is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        """What ``discord.http.Route.BASE`` must be set to."""
        return f"{self.url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The gateway websocket URL (``DiscordWebSocket.DEFAULT_GATEWAY``)."""
        return f"ws://{self.host}:{self.port}/"

    @property
    def resume_gateway_url(self) -> str:
        """The URL sent as READY.resume_gateway_url."""
        return f"ws://{self.host}:{self.port}/resume"

    def now(self) -> float:
        """Seconds since the fake started (the clock of every record)."""
        return time.monotonic() - self._t0

    # ------------------------------------------------------------------ waiting

    def notify(self) -> None:
        """Wake everything waiting in :meth:`wait_for` (called on every change)."""
        self._notifier.notify()

    async def wait_for(
        self, predicate: Callable[[], T], *, timeout: float = 5.0, what: str = "a condition"
    ) -> T:
        """Wait until ``predicate()`` is truthy and return it (TimeoutError otherwise)."""
        return await self._notifier.wait_for(predicate, timeout=timeout, what=what)

    # ------------------------------------------------------------------ records

    def add_violation(self, violation: Violation) -> None:
        """Record a violation (used by the REST and gateway halves)."""
        self.violations.append(violation)
        self.notify()

    def violations_of(self, kind: str) -> list[Violation]:
        """Violations with this ``kind``."""
        return [v for v in self.violations if v.kind == kind]

    def assert_no_violations(self, *, ignore: Iterable[str] = ()) -> None:
        """Raise AssertionError listing the violations (except kinds in ``ignore``)."""
        skipped = set(ignore)
        found = [v for v in self.violations if v.kind not in skipped]
        if found:
            lines = "\n".join(f"  - {v}" for v in found)
            raise AssertionError(f"{len(found)} Discord violation(s):\n{lines}")

    def clear_records(self) -> None:
        """Forget recorded requests, violations and latencies (not the world state)."""
        self.requests.clear()
        self.violations.clear()
        self.initial_responses.clear()

    def requests_to(
        self, method: str | None = None, path: str | None = None
    ) -> list[RecordedRequest]:
        """Recorded requests filtered by method and a regex that must match the whole path."""
        pattern = re.compile(path) if path else None
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper())
            and (pattern is None or pattern.fullmatch(r.path))
        ]

    @property
    def response_latencies(self) -> list[float]:
        """Latency (s) of every timed initial response, accepted or late."""
        return [r.latency for r in self.initial_responses]

    def messages_in(
        self, channel: FakeChannel | int, *, include_deleted: bool = False
    ) -> list[FakeMessage]:
        """Messages of a channel, oldest first (ephemeral ones included)."""
        cid = channel if isinstance(channel, int) else channel.id
        return [m for m in self.channel_messages.get(cid, []) if include_deleted or not m.deleted]

    def latest_message(
        self, channel: FakeChannel | int, *, author: UserLike | None = None
    ) -> FakeMessage | None:
        """The newest message of a channel (optionally by ``author``)."""
        for msg in reversed(self.messages_in(channel)):
            if author is None or msg.author.id == _user(author).id:
                return msg
        return None

    def bot_messages(self, channel: FakeChannel | int | None = None) -> list[FakeMessage]:
        """Messages the bot created (in one channel or everywhere), oldest first."""
        source = self.messages.values() if channel is None else self.messages_in(channel)
        return [m for m in source if m.author.id == self.bot_user.id and not m.deleted]

    async def wait_for_bot_message(
        self,
        channel: FakeChannel | int | None = None,
        *,
        predicate: Callable[[FakeMessage], bool] | None = None,
        after: FakeMessage | int | None = None,
        timeout: float = 5.0,
    ) -> FakeMessage:
        """Wait for a bot message (newer than ``after``) matching ``predicate``."""
        after_id = after.id if isinstance(after, FakeMessage) else (after or 0)

        def find() -> FakeMessage | None:
            for msg in self.bot_messages(channel):
                if msg.id > after_id and (predicate is None or predicate(msg)):
                    return msg
            return None

        return await self.wait_for(find, timeout=timeout, what="a bot message")

    # ------------------------------------------------------------------ world building

    def create_user(
        self, username: str, *, bot: bool = False, global_name: str | None = None
    ) -> FakeUser:
        """A new user (not in any guild yet)."""
        user = FakeUser(
            id=self.snowflakes.next(), username=username, global_name=global_name, bot=bot
        )
        self.users[user.id] = user
        return user

    def create_guild(
        self,
        name: str = "Test Guild",
        *,
        owner: UserLike | None = None,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        with_bot: bool = True,
    ) -> FakeGuild:
        """A guild with an @everyone role; the bot joins with a managed role (unless ``with_bot``).

        Add guilds before the bot connects: they are sent in READY/GUILD_CREATE.
        (Use :meth:`dispatch_guild_create` for one added later.)
        """
        owner_user = _user(owner) if owner is not None else self.owner
        guild = FakeGuild(id=self.snowflakes.next(), name=name, owner_id=owner_user.id)
        guild.roles[guild.id] = FakeRole(
            id=guild.id, guild_id=guild.id, name="@everyone", permissions=everyone_permissions
        )
        self.guilds[guild.id] = guild
        self.add_member(guild, owner_user)
        if with_bot:
            bot_role = self.create_role(
                guild, self.bot_user.username, permissions=bot_permissions, position=1
            )
            bot_role.managed = True
            bot_role.bot_id = self.bot_user.id
            self.add_member(guild, self.bot_user, roles=[bot_role])
        return guild

    def create_role(
        self,
        guild: FakeGuild,
        name: str,
        *,
        permissions: int | Iterable[Permission] = 0,
        position: int | None = None,
        mentionable: bool = False,
    ) -> FakeRole:
        """A role in ``guild`` with a permission bitfield (int or flags)."""
        role = FakeRole(
            id=self.snowflakes.next(),
            guild_id=guild.id,
            name=name,
            permissions=permission_value(permissions),
            position=len(guild.roles) if position is None else position,
            mentionable=mentionable,
        )
        guild.roles[role.id] = role
        return role

    def create_text_channel(
        self,
        guild: FakeGuild,
        name: str,
        *,
        topic: str | None = None,
        overwrites: Sequence[PermissionOverwrite] = (),
        type: ChannelType = ChannelType.GUILD_TEXT,
    ) -> FakeChannel:
        """A text (or other ``type``) channel in ``guild``."""
        channel = FakeChannel(
            id=self.snowflakes.next(),
            type=type,
            name=name,
            guild_id=guild.id,
            position=len(guild.channels),
            topic=topic,
            permission_overwrites=list(overwrites),
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_member(
        self,
        guild: FakeGuild,
        user: FakeUser,
        *,
        roles: Iterable[FakeRole | int] = (),
        nick: str | None = None,
    ) -> FakeMember:
        """Make ``user`` a member of ``guild`` with these roles."""
        role_ids = [r.id if isinstance(r, FakeRole) else int(r) for r in roles]
        member = FakeMember(user=user, guild_id=guild.id, roles=role_ids, nick=nick)
        guild.members[user.id] = member
        return member

    def create_dm(self, user: UserLike) -> FakeChannel:
        """The DM channel between ``user`` and the bot (created once, then reused)."""
        target = _user(user)
        for channel in self.channels.values():
            if channel.is_dm and channel.recipients and channel.recipients[0].id == target.id:
                return channel
        channel = FakeChannel(id=self.snowflakes.next(), type=ChannelType.DM, recipients=[target])
        self.channels[channel.id] = channel
        return channel

    def create_basic_world(self) -> BasicWorld:
        """A guild "Test Guild" with #general, roles Admin/Member and users alice/bob."""
        guild = self.create_guild("Test Guild")
        general = self.create_text_channel(guild, "general", topic="General chat")
        admin = self.create_role(guild, "Admin", permissions=Permission.ADMINISTRATOR)
        member = self.create_role(guild, "Member", permissions=0)
        alice = self.create_user("alice")
        bob = self.create_user("bob")
        self.add_member(guild, alice, roles=[admin, member])
        self.add_member(guild, bob, roles=[member])
        return BasicWorld(guild, general, admin, member, self.owner, alice, bob)

    def guild_of(self, channel: FakeChannel) -> FakeGuild | None:
        """The guild of a channel (None for DMs)."""
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def bot_guilds(self) -> list[FakeGuild]:
        """Guilds the bot is a member of."""
        return [g for g in self.guilds.values() if self.bot_user.id in g.members]

    def permissions_in(self, channel: FakeChannel | None, user: UserLike) -> int:
        """Computed permissions of ``user`` in ``channel`` (DM channels: DM defaults)."""
        target = _user(user)
        if channel is None or channel.is_dm:
            return DM_APP_PERMISSIONS
        guild = self.guilds[channel.guild_id]  # type: ignore[index]
        member = guild.get_member(target.id)
        if member is None:
            return 0
        return channel_permissions(guild, member, channel)

    def guild_permissions(self, guild: FakeGuild, user: UserLike) -> int:
        """Guild-level permissions of ``user`` (no channel overwrites)."""
        member = guild.get_member(_user(user).id)
        if member is None:
            return 0
        return channel_permissions(guild, member, None)

    def guild_create_payload(self, guild: FakeGuild, session: GatewaySession) -> JSON:
        """GUILD_CREATE data; without GUILD_MEMBERS only the bot's member is listed."""
        if session.has_intent(Intent.GUILD_MEMBERS):
            return guild.to_payload()
        me = guild.get_member(self.bot_user.id)
        return guild.to_payload(members=[me] if me else [])

    async def dispatch_guild_create(self, guild: FakeGuild) -> None:
        """Send GUILD_CREATE for a guild added after the bot connected."""
        session = self.gateway.session_for(guild.id)
        await self.gateway.dispatch_to(
            session, "GUILD_CREATE", self.guild_create_payload(guild, session)
        )

    # ------------------------------------------------------------------ commands

    def commands_for(self, guild: FakeGuild | int | None = None) -> list[JSON]:
        """Registered commands: global (``guild=None``) or of one guild."""
        if guild is None:
            return self.global_commands
        gid = guild if isinstance(guild, int) else guild.id
        return self.guild_commands.get(gid, [])

    def find_command(
        self, name: str, *, guild: FakeGuild | None = None, type: int = 1
    ) -> JSON | None:
        """The registered command a user would see in ``guild`` (guild commands first)."""
        pools = ([self.guild_commands.get(guild.id, [])] if guild else []) + [self.global_commands]
        for pool in pools:
            for cmd in pool:
                if cmd["name"] == name and cmd.get("type", 1) == type:
                    return cmd
        return None

    # ------------------------------------------------------------------ interactions

    def _new_interaction(
        self,
        itype: InteractionType,
        data: JSON,
        user: FakeUser,
        channel: FakeChannel,
        *,
        locale: str = "en-US",
        message: FakeMessage | None = None,
        command_name: str | None = None,
    ) -> InteractionHandle:
        guild = self.guild_of(channel)
        iid = self.snowflakes.next()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        payload: JSON = {
            "id": str(iid),
            "application_id": str(self.application.id),
            "type": int(itype),
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": self.attachment_size_limit,
            "channel_id": str(channel.id),
        }
        if guild is not None:
            member = guild.get_member(user.id)
            if member is None:
                raise ValueError(f"{user.username} is not a member of {guild.name}")
            user_perms = self.permissions_in(channel, user)
            payload.update(
                guild_id=str(guild.id),
                guild={
                    "id": str(guild.id),
                    "locale": guild.preferred_locale,
                    "features": list(guild.features),
                },
                guild_locale=guild.preferred_locale,
                member=member.to_payload(permissions=user_perms),
                app_permissions=str(self.permissions_in(channel, self.bot_user)),
                context=0,
                authorizing_integration_owners={"0": str(guild.id)},
                channel={**channel.to_payload(), "permissions": str(user_perms)},
            )
        else:
            if not channel.is_dm:
                raise ValueError("channel must be a guild channel or a DM channel")
            payload.update(
                user=user.to_payload(),
                app_permissions=str(DM_APP_PERMISSIONS),
                context=1,
                authorizing_integration_owners={"0": "0"},
                channel={**channel.to_payload(), "permissions": str(DM_APP_PERMISSIONS)},
            )
        if message is not None:
            payload["message"] = message.to_payload(guild=guild)
        handle = InteractionHandle(
            self,
            id=iid,
            token=token,
            type=itype,
            payload=payload,
            user=user,
            channel=channel,
            guild=guild,
            source_message=message,
            command_name=command_name,
        )
        self.interactions[iid] = handle
        self.interactions_by_token[token] = handle
        return handle

    async def _dispatch_interaction(self, handle: InteractionHandle) -> InteractionHandle:
        handle.dispatched_at = self.now()
        await self.gateway.dispatch(
            "INTERACTION_CREATE", handle.payload, guild_id=handle.guild.id if handle.guild else None
        )
        return handle

    def _command_data(
        self,
        command: str,
        options: Mapping[str, Any] | None,
        channel: FakeChannel,
        *,
        focused: str | None = None,
    ) -> tuple[JSON, str]:
        parts = command.strip().lstrip("/").split()
        if not parts:
            raise ValueError("empty command name")
        guild = self.guild_of(channel)
        schema = self.find_command(parts[0], guild=guild)
        if schema is None:
            known = sorted(
                {c["name"] for c in self.global_commands}
                | {c["name"] for c in (self.guild_commands.get(guild.id, []) if guild else [])}
            )
            raise LookupError(f"/{parts[0]} is not registered (registered: {known})")
        builder = OptionBuilder(self, guild, channel)
        built = builder.build(
            schema.get("options") or [],
            parts[1:],
            dict(options or {}),
            focused=focused,
            command=command,
        )
        data: JSON = {"id": schema["id"], "name": schema["name"], "type": 1, "options": built}
        if builder.resolved:
            data["resolved"] = builder.resolved
        if schema.get("guild_id"):
            data["guild_id"] = schema["guild_id"]
        return data, " ".join(parts)

    async def send_slash_command(
        self,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: UserLike,
        channel: FakeChannel,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Dispatch a chat-input command as ``user`` typed it in ``channel``.

        ``command`` is the full path, e.g. ``"ping"`` or ``"config set"`` or
        ``"admin users ban"`` (group + sub-command). ``options`` maps option
        names to plain values; their types come from the schema the bot
        registered. ``channel`` may be a DM channel (see :meth:`create_dm`).
        """
        data, path = self._command_data(command, options, channel)
        handle = self._new_interaction(
            InteractionType.APPLICATION_COMMAND,
            data,
            _user(user),
            channel,
            locale=locale,
            command_name=path,
        )
        return await self._dispatch_interaction(handle)

    async def send_message_command(
        self,
        name: str,
        target: FakeMessage,
        *,
        user: UserLike,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Dispatch a message context-menu command (right-click › Apps › ``name``) on
        ``target``, in the target's channel, as Discord does: type 3 data with the
        target id and the message in ``resolved``."""
        channel = self.channels[target.channel_id]
        guild = self.guild_of(channel)
        schema = self.find_command(name, guild=guild, type=3)
        if schema is None:
            raise LookupError(f"no message command {name!r} is registered")
        data: JSON = {
            "id": schema["id"],
            "name": schema["name"],
            "type": 3,
            "target_id": str(target.id),
            "resolved": {"messages": {str(target.id): target.to_payload(guild=guild)}},
        }
        handle = self._new_interaction(
            InteractionType.APPLICATION_COMMAND,
            data,
            _user(user),
            channel,
            locale=locale,
            command_name=name,
        )
        return await self._dispatch_interaction(handle)

    async def send_autocomplete(
        self,
        command: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        user: UserLike,
        channel: FakeChannel,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Dispatch an autocomplete request; ``focused`` names the option being typed.

        The reply (``await handle.wait_response()``) has ``.choices``.
        """
        data, path = self._command_data(command, options, channel, focused=focused)
        handle = self._new_interaction(
            InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE,
            data,
            _user(user),
            channel,
            locale=locale,
            command_name=path,
        )
        return await self._dispatch_interaction(handle)

    def _component_message(
        self, message: FakeMessage | int, custom_id: str
    ) -> tuple[FakeMessage, JSON]:
        msg = self.messages.get(message if isinstance(message, int) else message.id)
        if msg is None or msg.deleted:
            raise LookupError(f"message {message!r} does not exist")
        component = msg.find_component(custom_id)
        if component is None:
            raise LookupError(
                f"message {msg.id} has no component {custom_id!r}; it has {msg.custom_ids()}"
            )
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled; a user cannot use it")
        return msg, component

    async def click_button(
        self, message: FakeMessage | int, custom_id: str, *, user: UserLike
    ) -> InteractionHandle:
        """Click the button ``custom_id`` on a bot message (must exist and be enabled)."""
        msg, component = self._component_message(message, custom_id)
        if component.get("type") != 2:
            raise ValueError(f"{custom_id!r} is not a button")
        data = {"custom_id": custom_id, "component_type": 2}
        channel = self.channels[msg.channel_id]
        handle = self._new_interaction(
            InteractionType.MESSAGE_COMPONENT, data, _user(user), channel, message=msg
        )
        return await self._dispatch_interaction(handle)

    async def select_option(
        self,
        message: FakeMessage | int,
        custom_id: str,
        values: Sequence[Any],
        *,
        user: UserLike,
    ) -> InteractionHandle:
        """Pick ``values`` in the select menu ``custom_id`` of a bot message.

        For a string select the values must be option values; for user/role/
        channel selects pass FakeUser/FakeRole/FakeChannel objects (or ids).
        """
        msg, component = self._component_message(message, custom_id)
        ctype = component.get("type")
        if ctype not in (3, 5, 6, 7, 8):
            raise ValueError(f"{custom_id!r} is not a select menu")
        lo, hi = component.get("min_values", 1), component.get("max_values", 1)
        if not lo <= len(values) <= hi:
            raise ValueError(f"select {custom_id!r} takes {lo}..{hi} values, got {len(values)}")
        channel = self.channels[msg.channel_id]
        guild = self.guild_of(channel)
        data: JSON = {"custom_id": custom_id, "component_type": ctype}
        if ctype == 3:
            allowed = [o.get("value") for o in component.get("options") or []]
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ValueError(f"{bad} are not options of {custom_id!r} ({allowed})")
            data["values"] = [str(v) for v in values]
        else:
            builder = OptionBuilder(self, guild, channel)
            ids = []
            for value in values:
                if isinstance(value, FakeUser | FakeMember):
                    ids.append(builder._resolve_user(_user(value)))
                elif isinstance(value, FakeRole):
                    builder.resolved.setdefault("roles", {})[str(value.id)] = value.to_payload()
                    ids.append(str(value.id))
                elif isinstance(value, FakeChannel):
                    ids.append(builder._resolve_channel(value))
                else:
                    ids.append(str(value))
            data["values"] = ids
            data["resolved"] = builder.resolved
        handle = self._new_interaction(
            InteractionType.MESSAGE_COMPONENT, data, _user(user), channel, message=msg
        )
        return await self._dispatch_interaction(handle)

    async def submit_modal(
        self,
        custom_id: str,
        fields: Mapping[str, str | Sequence[str]],
        *,
        user: UserLike | None = None,
        channel: FakeChannel | None = None,
    ) -> InteractionHandle:
        """Submit the modal the bot last opened with this ``custom_id``.

        ``fields`` maps text-input custom_ids to the typed text (select menus
        inside labels take a list of values). ``user``/``channel`` default to
        those of the interaction that opened the modal.
        """
        found = [(m, o) for m, o in self.modals if m.get("custom_id") == custom_id]
        if not found:
            raise LookupError(f"the bot never opened a modal {custom_id!r}")
        modal, opener = found[-1]
        submitter = _user(user) if user is not None else opener.user
        where = channel or opener.channel
        components = _modal_submission(modal, dict(fields))
        data = {"custom_id": custom_id, "components": components}
        source = opener.source_message if opener.type == InteractionType.MESSAGE_COMPONENT else None
        handle = self._new_interaction(
            InteractionType.MODAL_SUBMIT, data, submitter, where, message=source
        )
        return await self._dispatch_interaction(handle)

    # ------------------------------------------------------------------ user messages

    async def send_message(
        self,
        channel: FakeChannel,
        author: UserLike,
        content: str = "",
        *,
        mentions: Sequence[UserLike] | None = None,
        reply_to: FakeMessage | None = None,
        embeds: Sequence[JSON] = (),
    ) -> MessageHandle:
        """A user posts a message (MESSAGE_CREATE is dispatched to the bot).

        ``mentions`` defaults to the users mentioned as ``<@id>`` in ``content``;
        role mentions and @everyone/@here are parsed from ``content`` too.
        Without the MESSAGE_CONTENT intent the bot receives empty content
        unless it is mentioned, as on Discord.
        """
        who = _user(author)
        guild = self.guild_of(channel)
        if guild is not None and guild.get_member(who.id) is None:
            raise ValueError(f"{who.username} is not a member of {guild.name}")
        user_ids, role_ids, everyone = parse_mentions(content)
        if mentions is None:
            mentioned = [self.users[u] for u in user_ids if u in self.users]
        else:
            mentioned = [_user(m) for m in mentions]
        msg = FakeMessage(
            id=self.snowflakes.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=who,
            kind="user",
            content=content,
            embeds=[dict(e) for e in embeds],
            mentions=mentioned,
            mention_roles=[r for r in role_ids if guild is None or r in guild.roles],
            mention_everyone=everyone,
        )
        if reply_to is not None:
            msg.message_reference = {
                "type": 0,
                "message_id": str(reply_to.id),
                "channel_id": str(reply_to.channel_id),
                **({"guild_id": str(reply_to.guild_id)} if reply_to.guild_id else {}),
            }
            msg.message_type = 19
        self.store_message(msg)
        seq = await self.dispatch_message_event("MESSAGE_CREATE", msg, referenced=reply_to)
        return MessageHandle(self, msg, seq)

    # ------------------------------------------------------------------ messages (shared with REST)

    def store_message(self, msg: FakeMessage) -> None:
        """Add a message to the world and the log."""
        self.messages[msg.id] = msg
        self.channel_messages.setdefault(msg.channel_id, []).append(msg)
        channel = self.channels.get(msg.channel_id)
        if channel is not None:
            channel.last_message_id = msg.id
        self.message_log.append(("create", msg, self.now()))
        self.notify()

    def message_event_payload(
        self, msg: FakeMessage, session: GatewaySession, *, referenced: FakeMessage | None = None
    ) -> JSON:
        """MESSAGE_CREATE/UPDATE data as ``session`` would receive it (content intent applied)."""
        guild = self.guilds.get(msg.guild_id) if msg.guild_id else None
        data = msg.to_payload(guild=guild)
        if guild is not None:
            data["mentions"] = []
            for user in msg.mentions:
                entry = user.to_payload()
                member = guild.get_member(user.id)
                if member is not None:
                    entry["member"] = member.to_payload(with_user=False)
                data["mentions"].append(entry)
        if referenced is not None:
            data["referenced_message"] = referenced.to_payload(guild=guild)
        can_read = (
            session.has_intent(Intent.MESSAGE_CONTENT)
            or guild is None
            or msg.author.id == self.bot_user.id
            or any(u.id == self.bot_user.id for u in msg.mentions)
        )
        if not can_read:
            data.update(content="", embeds=[], attachments=[], components=[])
            data.pop("poll", None)
        return data

    async def dispatch_message_event(
        self, event: str, msg: FakeMessage, *, referenced: FakeMessage | None = None
    ) -> int | None:
        """Dispatch MESSAGE_CREATE/UPDATE/DELETE if the bot's intents want it (returns the seq)."""
        if msg.ephemeral or not self.gateway.current:
            return None
        session = self.gateway.session_for(msg.guild_id)
        needed = Intent.GUILD_MESSAGES if msg.guild_id else Intent.DIRECT_MESSAGES
        if not session.has_intent(needed):
            return None
        if event == "MESSAGE_DELETE":
            data: JSON = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id:
                data["guild_id"] = str(msg.guild_id)
        else:
            data = self.message_event_payload(msg, session, referenced=referenced)
        return await self.gateway.dispatch_to(session, event, data)

    def new_bot_message(
        self,
        payload: JSON,
        *,
        channel: FakeChannel,
        kind: str,
        files: Sequence[StoredFile] = (),
        interaction: InteractionHandle | None = None,
        extra_flags: int = 0,
    ) -> FakeMessage:
        """Create (and store) a bot message from a create-message body."""
        guild = self.guild_of(channel)
        msg = FakeMessage(
            id=self.snowflakes.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=self.bot_user,
            kind=kind,
            content=payload.get("content") or "",
            embeds=list(payload.get("embeds") or []),
            components=list(payload.get("components") or []),
            flags=int(payload.get("flags") or 0) | extra_flags,
            tts=bool(payload.get("tts")),
            nonce=payload.get("nonce"),
            poll=payload.get("poll"),
            sticker_ids=list(payload.get("sticker_ids") or []),
        )
        msg.files = list(files)
        msg.attachments = self.build_attachments(payload, files, channel, existing=[])
        ref = payload.get("message_reference")
        if isinstance(ref, dict) and ref.get("message_id"):
            msg.message_reference = {
                "type": ref.get("type", 0),
                "message_id": str(ref["message_id"]),
                "channel_id": str(ref.get("channel_id") or channel.id),
                **({"guild_id": str(channel.guild_id)} if channel.guild_id else {}),
            }
            msg.message_type = 19
        if interaction is not None:
            msg.interaction_id = interaction.id
            msg.webhook_id = self.application.id
            msg.application_id = self.application.id
            msg.message_type = 20 if interaction.type == InteractionType.APPLICATION_COMMAND else 0
            msg.interaction_metadata = {
                "id": str(interaction.id),
                "type": int(interaction.type),
                "user": interaction.user.to_payload(),
                "authorizing_integration_owners": interaction.payload.get(
                    "authorizing_integration_owners", {}
                ),
            }
            if interaction.command_name:
                msg.interaction_metadata["name"] = interaction.command_name
        self.set_mentions(msg, payload.get("allowed_mentions"), guild)
        self.store_message(msg)
        return msg

    def set_mentions(
        self, msg: FakeMessage, allowed_mentions: Any, guild: FakeGuild | None
    ) -> None:
        """Recompute ``would_ping``/``mentions`` of a bot message for its current content."""
        msg.allowed_mentions = allowed_mentions
        replied = None
        if msg.is_reply:
            target = self.messages.get(int(msg.message_reference["message_id"]))  # type: ignore[index]
            replied = target.author.id if target is not None else None
        report = compute_would_ping(
            msg.content, allowed_mentions, replied_user_id=replied, guild=guild
        )
        msg.would_ping = report
        msg.mentions = [self.users[u] for u in report.users if u in self.users]
        if report.replied_user is not None and report.replied_user in self.users:
            replied_user = self.users[report.replied_user]
            if replied_user not in msg.mentions:
                msg.mentions.append(replied_user)
        msg.mention_roles = list(report.roles)
        msg.mention_everyone = report.everyone

    def check_mention_policy(
        self, msg: FakeMessage, allowed_mentions: Any, *, method: str, path: str
    ) -> None:
        """Record an ``allowed_mentions`` violation unless the body allows nothing."""
        problems = allowed_mentions_problems(allowed_mentions, is_reply=msg.is_reply)
        if problems:
            self.add_violation(
                Violation(
                    kind="allowed_mentions",
                    message="; ".join(problems),
                    method=method,
                    path=path,
                    details={
                        "message_id": msg.id,
                        "allowed_mentions": allowed_mentions,
                        "would_ping": msg.would_ping,
                        "content": msg.content,
                    },
                    at=self.now(),
                )
            )

    def build_attachments(
        self,
        payload: JSON,
        files: Sequence[StoredFile],
        channel: FakeChannel,
        *,
        existing: list[JSON],
    ) -> list[JSON]:
        """The attachments list after a create/edit (new files + kept old ones)."""
        by_index = {f.index: f for f in files}
        listed = payload.get("attachments")
        if listed is None:
            return list(existing) + [self._attachment_json(f, channel) for f in files]
        old = {str(a["id"]): a for a in existing}
        out: list[JSON] = []
        for att in listed:
            if not isinstance(att, dict):
                continue
            aid = att.get("id")
            if aid is not None and str(aid) in old:
                out.append(old[str(aid)])
            elif aid is not None and str(aid).isdigit() and int(aid) in by_index:
                stored = by_index[int(aid)]
                data = self._attachment_json(stored, channel, filename=att.get("filename"))
                if att.get("description"):
                    data["description"] = att["description"]
                out.append(data)
        return out

    def _attachment_json(
        self, stored: StoredFile, channel: FakeChannel, *, filename: str | None = None
    ) -> JSON:
        att_id = self.snowflakes.next()
        name = filename or stored.filename
        self.uploads[att_id] = stored
        url = f"{self.url}/attachments/{channel.id}/{att_id}/{name}"
        return {
            "id": str(att_id),
            "filename": name,
            "size": stored.size,
            "url": url,
            "proxy_url": url,
            "content_type": stored.content_type,
        }

    def apply_edit(self, msg: FakeMessage, payload: JSON, files: Sequence[StoredFile]) -> None:
        """Apply a PATCH body to a message (keeping a snapshot in ``history``)."""
        guild = self.guilds.get(msg.guild_id) if msg.guild_id else None
        msg.history.append(msg.to_payload(guild=guild))
        if "content" in payload:
            msg.content = payload["content"] or ""
        if "embeds" in payload:
            msg.embeds = list(payload["embeds"] or [])
        if "components" in payload:
            msg.components = list(payload["components"] or [])
        if "flags" in payload and payload["flags"] is not None:
            keep = msg.flags & (64 | 1 << 15)
            msg.flags = int(payload["flags"]) | keep
        msg.flags &= ~128  # an edit resolves a deferred "thinking" message
        channel = self.channels[msg.channel_id]
        if "attachments" in payload or files:
            msg.attachments = self.build_attachments(
                payload, files, channel, existing=msg.attachments
            )
            msg.files = [
                f for f in msg.files if any(a["filename"] == f.filename for a in msg.attachments)
            ]
            msg.files += list(files)
        self.set_mentions(msg, payload.get("allowed_mentions", msg.allowed_mentions), guild)
        msg.edited_at = iso_now()
        self.message_log.append(("edit", msg, self.now()))
        self.notify()

    def delete_message(self, msg: FakeMessage) -> None:
        """Mark a message deleted."""
        msg.deleted = True
        self.message_log.append(("delete", msg, self.now()))
        self.notify()

    # ------------------------------------------------------------------ gateway control

    async def dispatch_event(self, event: str, data: JSON, *, guild_id: int | None = None) -> int:
        """Dispatch any raw gateway event; returns its sequence number."""
        return await self.gateway.dispatch(event, data, guild_id=guild_id)

    async def drop_connection(
        self, *, code: int | None = 4000, shard_id: int | None = None
    ) -> None:
        """Cut the bot's gateway connection: close with ``code``, or abruptly if ``code`` is None.

        Events dispatched while the bot is away are replayed when it RESUMEs.
        """
        await self.gateway.drop(code=code, shard_id=shard_id)

    async def send_reconnect(self, *, shard_id: int = 0) -> None:
        """Send op 7 RECONNECT (the bot should reconnect and RESUME)."""
        await self.gateway.send_op(Op.RECONNECT, None, shard_id=shard_id)

    async def invalidate_session(self, *, resumable: bool = False, shard_id: int = 0) -> None:
        """Send op 9 INVALID_SESSION."""
        await self.gateway.send_op(Op.INVALID_SESSION, resumable, shard_id=shard_id)

    @property
    def identify_count(self) -> int:
        """How many IDENTIFYs succeeded."""
        return self.gateway.identify_count

    @property
    def resume_count(self) -> int:
        """How many RESUMEs succeeded."""
        return self.gateway.resume_count

    async def wait_for_identify(self, count: int = 1, *, timeout: float = 10.0) -> None:
        """Wait until ``count`` IDENTIFYs succeeded."""
        await self.wait_for(
            lambda: self.gateway.identify_count >= count, timeout=timeout, what=f"{count} IDENTIFY"
        )

    async def wait_for_resume(self, count: int = 1, *, timeout: float = 10.0) -> None:
        """Wait until ``count`` RESUMEs succeeded."""
        await self.wait_for(
            lambda: self.gateway.resume_count >= count, timeout=timeout, what=f"{count} RESUME"
        )

    @property
    def connected(self) -> bool:
        """True if some session has a live connection."""
        return any(s.connection is not None for s in self.gateway.current.values())


def _modal_submission(modal: JSON, fields: dict[str, Any]) -> list[JSON]:
    """The MODAL_SUBMIT ``components`` for ``fields``, mirroring the modal's layout."""
    unused = set(fields)
    out: list[JSON] = []

    def submit(comp: JSON) -> JSON:
        cid = comp.get("custom_id")
        unused.discard(cid)
        if comp.get("type") == 4:
            value = str(fields.get(cid, comp.get("value") or ""))
            if comp.get("required", True) and not value:
                raise ValueError(f"text input {cid!r} is required")
            if len(value) > int(comp.get("max_length") or 4000):
                raise ValueError(
                    f"text input {cid!r} takes at most {comp.get('max_length')} characters"
                )
            if value and len(value) < int(comp.get("min_length") or 0):
                raise ValueError(
                    f"text input {cid!r} needs at least {comp.get('min_length')} characters"
                )
            result: JSON = {"type": 4, "custom_id": cid, "value": value}
        else:
            raw = fields.get(cid, [])
            values = [raw] if isinstance(raw, str) else list(raw)
            result = {
                "type": comp.get("type"),
                "custom_id": cid,
                "values": [str(v) for v in values],
            }
        if "id" in comp:
            result["id"] = comp["id"]
        return result

    for row in modal.get("components") or []:
        if row.get("type") == 1:
            entry: JSON = {
                "type": 1,
                "components": [submit(c) for c in row.get("components") or []],
            }
        elif row.get("type") == 18 and isinstance(row.get("component"), dict):
            entry = {"type": 18, "component": submit(row["component"])}
        else:
            continue
        if "id" in row:
            entry["id"] = row["id"]
        out.append(entry)
    if unused:
        raise ValueError(f"the modal has no inputs {sorted(unused)}")
    return out


__all__ = ["ALL_PERMISSIONS", "BasicWorld", "FakeDiscord", "PermissionOverwrite"]
