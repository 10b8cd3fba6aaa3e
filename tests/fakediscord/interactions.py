"""Handles returned to tests when they dispatch interactions or messages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .models import (
    CallbackType,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeUser,
    InteractionType,
    StoredFile,
)

if TYPE_CHECKING:
    from .server import FakeDiscord

JSON = dict[str, Any]


@dataclass
class InteractionResponse:
    """One POST to ``/interactions/{id}/{token}/callback`` (accepted or refused).

    ``latency`` is seconds from the dispatch of the interaction to the arrival
    of this callback. ``accepted`` is False when the fake refused it (then
    ``status``/``error_code`` say why, e.g. 400/40060 or 404/10062).
    """

    type: int
    data: JSON | None
    latency: float
    accepted: bool
    status: int
    error_code: int | None = None
    message: FakeMessage | None = None
    files: list[StoredFile] = field(default_factory=list)

    @property
    def content(self) -> str | None:
        """``data.content`` of a message response."""
        return (self.data or {}).get("content")

    @property
    def embeds(self) -> list[JSON]:
        """``data.embeds`` (empty list if none)."""
        return list((self.data or {}).get("embeds") or [])

    @property
    def components(self) -> list[JSON]:
        """``data.components`` (empty list if none)."""
        return list((self.data or {}).get("components") or [])

    @property
    def flags(self) -> int:
        """``data.flags`` (0 if absent)."""
        return int((self.data or {}).get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        """True if the response (or the deferred one) is ephemeral."""
        return bool(self.flags & 64)

    @property
    def choices(self) -> list[JSON]:
        """The choices of an autocomplete result (type 8)."""
        return list((self.data or {}).get("choices") or [])

    @property
    def choice_names(self) -> list[str]:
        """Just the names of the autocomplete choices."""
        return [c.get("name") for c in self.choices]

    @property
    def modal(self) -> JSON | None:
        """The modal payload of a type 9 response."""
        return self.data if self.type == CallbackType.MODAL else None

    @property
    def is_defer(self) -> bool:
        """True for types 5 and 6."""
        return self.type in (5, 6)


class InteractionHandle:
    """An interaction the test dispatched, and everything the bot answered.

    Attributes: ``id``, ``token``, ``type`` (:class:`InteractionType`),
    ``payload`` (the INTERACTION_CREATE data sent), ``user``, ``channel``,
    ``guild``, ``dispatched_at`` (fake clock), ``attempts`` (every callback,
    accepted or not), ``response`` (the accepted initial response),
    ``original`` (the message @original refers to), ``followups``.
    """

    def __init__(
        self,
        fake: FakeDiscord,
        *,
        id: int,
        token: str,
        type: InteractionType,
        payload: JSON,
        user: FakeUser,
        channel: FakeChannel,
        guild: FakeGuild | None,
        source_message: FakeMessage | None = None,
        command_name: str | None = None,
    ) -> None:
        self.fake = fake
        self.id = id
        self.token = token
        self.type = type
        self.payload = payload
        self.user = user
        self.channel = channel
        self.guild = guild
        self.source_message = source_message
        self.command_name = command_name
        self.dispatched_at = fake.now()
        self.attempts: list[InteractionResponse] = []
        self.response: InteractionResponse | None = None
        self.original: FakeMessage | None = None
        self.followups: list[FakeMessage] = []
        self.original_edits = 0
        self.rejected_followups: list[JSON] = []

    def __repr__(self) -> str:
        state = f"response={self.response.type}" if self.response else "unanswered"
        name = self.command_name or ""
        return f"<InteractionHandle id={self.id} type={self.type.name} {name} {state}>"

    # -- views ----------------------------------------------------------------

    @property
    def responded(self) -> bool:
        """True once an initial response was accepted."""
        return self.response is not None

    @property
    def rejections(self) -> list[InteractionResponse]:
        """Callbacks the fake refused (late, duplicate, invalid)."""
        return [a for a in self.attempts if not a.accepted]

    @property
    def latency(self) -> float | None:
        """Seconds between dispatch and the accepted initial response."""
        return self.response.latency if self.response else None

    @property
    def messages(self) -> list[FakeMessage]:
        """The original response message (if any) then the follow-ups, without repeats."""
        out: list[FakeMessage] = []
        if self.original is not None and self.original is not self.source_message:
            out.append(self.original)
        out.extend(m for m in self.followups if m not in out)
        return out

    # -- waiting -----------------------------------------------------------------

    async def wait_response(self, timeout: float = 5.0) -> InteractionResponse:
        """Wait for the accepted initial response (any callback type)."""
        return await self.fake.wait_for(
            lambda: self.response, timeout=timeout, what=f"a response to {self!r}"
        )

    async def wait_rejection(self, timeout: float = 5.0) -> InteractionResponse:
        """Wait for the first callback the fake refused (e.g. 40060, 10062)."""
        return await self.fake.wait_for(
            lambda: next(iter(self.rejections), None),
            timeout=timeout,
            what=f"a refused callback on {self!r}",
        )

    async def wait_attempts(self, count: int, timeout: float = 5.0) -> list[InteractionResponse]:
        """Wait until ``count`` callbacks (accepted or not) arrived."""
        return await self.fake.wait_for(
            lambda: self.attempts if len(self.attempts) >= count else None,
            timeout=timeout,
            what=f"{count} callbacks on {self!r}",
        )

    async def wait_followup(self, timeout: float = 5.0, *, count: int = 1) -> FakeMessage:
        """Wait for the ``count``-th follow-up message and return it."""
        return await self.fake.wait_for(
            lambda: self.followups[count - 1] if len(self.followups) >= count else None,
            timeout=timeout,
            what=f"follow-up #{count} of {self!r}",
        )

    async def wait_message(self, timeout: float = 5.0) -> FakeMessage:
        """Wait until the original response is a real message (not "thinking...")."""

        def ready() -> FakeMessage | None:
            msg = self.original
            unchanged_source = msg is self.source_message and not self.original_edits
            if msg is None or msg.loading or unchanged_source:
                return None
            return msg

        return await self.fake.wait_for(
            ready, timeout=timeout, what=f"the response message of {self!r}"
        )

    async def wait_edit(self, timeout: float = 5.0, *, count: int = 1) -> FakeMessage:
        """Wait until @original was edited ``count`` times; return the message."""
        return await self.fake.wait_for(
            lambda: self.original if self.original_edits >= count else None,
            timeout=timeout,
            what=f"{count} edit(s) of @original of {self!r}",
        )


class MessageHandle:
    """A message a test user sent (MESSAGE_CREATE), and the bot's replies to it."""

    def __init__(self, fake: FakeDiscord, message: FakeMessage, sequence: int | None) -> None:
        self.fake = fake
        self.message = message
        self.sequence = sequence

    @property
    def replies(self) -> list[FakeMessage]:
        """Bot messages in the same channel created after this message."""
        return [
            m
            for m in self.fake.messages_in(self.message.channel_id)
            if m.author.id == self.fake.bot_user.id and m.id > self.message.id
        ]

    async def wait_reply(
        self,
        timeout: float = 5.0,
        *,
        predicate: Callable[[FakeMessage], bool] | None = None,
    ) -> FakeMessage:
        """Wait for the first bot message after this one (matching ``predicate``)."""

        def find() -> FakeMessage | None:
            for msg in self.replies:
                if predicate is None or predicate(msg):
                    return msg
            return None

        return await self.fake.wait_for(
            find, timeout=timeout, what=f"a bot reply to message {self.message.id}"
        )

    async def wait_response(self, timeout: float = 5.0) -> FakeMessage:
        """Same as :meth:`wait_reply` (uniform with :class:`InteractionHandle`)."""
        return await self.wait_reply(timeout)


# ---------------------------------------------------------------------------
# application command option building

OptionValue = Any


def _as_user(value: Any) -> FakeUser | None:
    if isinstance(value, FakeMember):
        return value.user
    if isinstance(value, FakeUser):
        return value
    return None


class OptionBuilder:
    """Turns ``{"name": value}`` into the typed option list of an interaction.

    It follows the command schema the bot registered, so tests pass plain
    Python values (str/int/float/bool, FakeUser/FakeMember, FakeRole,
    FakeChannel, or (filename, bytes) for attachments).
    """

    def __init__(self, fake: FakeDiscord, guild: FakeGuild | None, channel: FakeChannel) -> None:
        self.fake = fake
        self.guild = guild
        self.channel = channel
        self.resolved: JSON = {}

    def build(
        self,
        schema_options: list[JSON],
        path: list[str],
        values: Mapping[str, OptionValue],
        *,
        focused: str | None = None,
        command: str,
    ) -> list[JSON]:
        """Options for the sub-command at ``path`` below ``schema_options``."""
        if path:
            head, rest = path[0], path[1:]
            for opt in schema_options:
                if opt.get("name") == head and opt.get("type") in (1, 2):
                    inner = self.build(
                        opt.get("options") or [], rest, values, focused=focused, command=command
                    )
                    return [{"type": opt["type"], "name": head, "options": inner}]
            raise ValueError(f"/{command}: no sub-command or group named {head!r}")
        if any(opt.get("type") in (1, 2) for opt in schema_options):
            names = [o.get("name") for o in schema_options]
            raise ValueError(f"/{command} needs a sub-command, one of {names}")
        by_name = {opt["name"]: opt for opt in schema_options}
        unknown = set(values) - set(by_name)
        if unknown:
            raise ValueError(
                f"/{command} has no option(s) {sorted(unknown)}; it has {sorted(by_name)}"
            )
        if focused is not None and focused not in values:
            raise ValueError(f"focused option {focused!r} needs a value in options")
        out: list[JSON] = []
        for name, value in values.items():
            schema = by_name[name]
            if focused == name:
                out.append(
                    {"type": schema["type"], "name": name, "value": str(value), "focused": True}
                )
                continue
            out.append(
                {
                    "type": schema["type"],
                    "name": name,
                    "value": self._convert(schema, value, command),
                }
            )
        if focused is None:
            missing = [
                o["name"] for o in schema_options if o.get("required") and o["name"] not in values
            ]
            if missing:
                raise ValueError(f"/{command} misses required option(s) {missing}")
        return out

    def _convert(self, schema: JSON, value: Any, command: str) -> Any:
        otype = schema["type"]
        name = schema["name"]
        if otype == 3:
            result: Any = str(value)
        elif otype == 4:
            result = int(value)
        elif otype == 5:
            result = bool(value)
        elif otype == 10:
            result = float(value)
        elif otype in (6, 9) and _as_user(value) is not None:
            result = self._resolve_user(_as_user(value))  # type: ignore[arg-type]
        elif otype in (8, 9) and isinstance(value, FakeRole):
            self.resolved.setdefault("roles", {})[str(value.id)] = value.to_payload()
            result = str(value.id)
        elif otype == 7 and isinstance(value, FakeChannel):
            result = self._resolve_channel(value)
        elif otype == 11:
            result = self._resolve_attachment(value)
        else:
            raise TypeError(f"/{command} option {name!r} (type {otype}) cannot take {value!r}")
        choices = schema.get("choices")
        if choices and result not in [c.get("value") for c in choices]:
            raise ValueError(
                f"/{command} option {name!r} must be one of {[c.get('value') for c in choices]}"
            )
        return result

    def _resolve_user(self, user: FakeUser) -> str:
        self.resolved.setdefault("users", {})[str(user.id)] = user.to_payload()
        if self.guild is not None:
            member = self.guild.get_member(user.id)
            if member is not None:
                perms = self.fake.permissions_in(self.channel, user)
                data = member.to_payload(with_user=False, permissions=perms)
                self.resolved.setdefault("members", {})[str(user.id)] = data
        return str(user.id)

    def _resolve_channel(self, channel: FakeChannel) -> str:
        data = {
            "id": str(channel.id),
            "name": channel.name,
            "type": int(channel.type),
            "permissions": str(self.fake.permissions_in(channel, self.fake.bot_user)),
            "parent_id": str(channel.parent_id) if channel.parent_id else None,
        }
        self.resolved.setdefault("channels", {})[str(channel.id)] = data
        return str(channel.id)

    def _resolve_attachment(self, value: Any) -> str:
        if isinstance(value, StoredFile):
            filename, data, ctype = value.filename, value.data, value.content_type
        elif isinstance(value, tuple) and len(value) == 2:
            filename, data = value
            ctype = "application/octet-stream"
        else:
            raise TypeError("attachment options take (filename, bytes) or a StoredFile")
        att_id = self.fake.snowflakes.next()
        url = f"{self.fake.url}/attachments/{self.channel.id}/{att_id}/{filename}"
        self.fake.uploads[att_id] = StoredFile(
            index=0, filename=filename, content_type=ctype, data=bytes(data)
        )
        self.resolved.setdefault("attachments", {})[str(att_id)] = {
            "id": str(att_id),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": ctype,
        }
        return str(att_id)
