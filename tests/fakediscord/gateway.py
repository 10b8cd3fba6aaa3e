"""The fake Gateway v10: websocket sessions, compression, IDENTIFY/RESUME, dispatch."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from aiohttp import WSMsgType, web

from .models import GatewayFrame, Violation

if TYPE_CHECKING:
    from .server import FakeDiscord

try:  # discord.py asks for zstd-stream when this module is importable
    import zstandard as _zstandard
except ImportError:  # pragma: no cover - depends on the environment
    _zstandard = None

JSON = dict[str, Any]


class Op:
    """Gateway opcodes."""

    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE_UPDATE = 3
    VOICE_STATE_UPDATE = 4
    RESUME = 6
    RECONNECT = 7
    REQUEST_GUILD_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


class Intent:
    """Gateway intent bits the fake acts on."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15

    PRIVILEGED: ClassVar[dict[str, int]] = {
        "members": GUILD_MEMBERS,
        "presences": GUILD_PRESENCES,
        "message_content": MESSAGE_CONTENT,
    }


@dataclass(eq=False)
class GatewaySession:
    """A gateway session (what IDENTIFY creates and RESUME continues).

    Every dispatch gets the next sequence number and is kept in ``buffer`` so
    a RESUME can replay what the client missed.
    """

    id: str
    shard: tuple[int, int]
    intents: int
    identify: JSON
    seq: int = 0
    buffer: deque[JSON] = field(default_factory=lambda: deque(maxlen=10_000))
    connection: GatewayConnection | None = None
    resumes: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def shard_id(self) -> int:
        """This session's shard id (0 when not sharded)."""
        return self.shard[0]

    def has_intent(self, bit: int) -> bool:
        """True if the IDENTIFY asked for intent ``bit``."""
        return bool(self.intents & bit)


class GatewayConnection:
    """One websocket connection; serialises sends through one shared compressor."""

    _ids = itertools.count(1)

    def __init__(
        self,
        gateway: Gateway,
        ws: web.WebSocketResponse,
        request: web.Request,
        compression: str | None,
    ):
        self.id = next(self._ids)
        self.gateway = gateway
        self.ws = ws
        self.request = request
        self.path = request.path
        self.compression = compression
        self.session: GatewaySession | None = None
        self.closed = False
        self.close_code: int | None = None
        self._lock = asyncio.Lock()
        self._zlib = zlib.compressobj() if compression == "zlib-stream" else None
        self._zstd = (
            _zstandard.ZstdCompressor().compressobj()
            if compression == "zstd-stream" and _zstandard
            else None
        )

    async def send(self, payload: JSON) -> bool:
        """Send one gateway message; False if the connection is gone."""
        async with self._lock:
            if self.closed or self.ws.closed:
                return False
            raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
            try:
                if self._zlib is not None:
                    # zlib-stream: one compressor for the whole connection, every
                    # message ends with a Z_SYNC_FLUSH (00 00 ff ff).
                    await self.ws.send_bytes(
                        self._zlib.compress(raw) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                    )
                elif self._zstd is not None:
                    data = self._zstd.compress(raw) + self._zstd.flush(
                        _zstandard.COMPRESSOBJ_FLUSH_BLOCK
                    )
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(raw.decode())
            except (ConnectionError, RuntimeError):
                self.closed = True
                return False
            self.gateway.record_frame("out", payload, self.id)
            return True

    async def close(self, code: int, reason: str = "") -> None:
        """Close with a websocket close code (e.g. 4000 = unknown error, resumable)."""
        self.closed = True
        self.close_code = code
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(code=code, message=reason.encode()), 5)

    def abort(self) -> None:
        """Drop the TCP connection without a close frame."""
        self.closed = True
        self.close_code = 1006
        transport = self.request.transport
        if transport is not None:
            transport.abort()


class Gateway:
    """The gateway half of :class:`FakeDiscord` (see its gateway methods)."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sessions: dict[str, GatewaySession] = {}
        self.current: dict[int, GatewaySession] = {}
        self.connections: list[GatewayConnection] = []
        self.all_connections: list[GatewayConnection] = []
        self.frames: list[GatewayFrame] = []
        self.identify_count = 0
        self.resume_count = 0
        self.presence_updates: list[JSON] = []

    # -- bookkeeping ---------------------------------------------------------

    def record_frame(self, direction: str, payload: JSON, connection_id: int) -> None:
        """Append to :attr:`frames` and wake waiters."""
        self.frames.append(
            GatewayFrame(
                direction=direction,
                op=payload.get("op", -1),
                t=payload.get("t"),
                s=payload.get("s"),
                d=payload.get("d"),
                connection_id=connection_id,
                at=self.fake.now(),
            )
        )
        self.fake.notify()

    def _violation(self, message: str, **details: Any) -> None:
        self.fake.add_violation(
            Violation(kind="gateway", message=message, details=details, at=self.fake.now())
        )

    # -- websocket handler ---------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """aiohttp handler for ``GET /`` and ``GET /resume`` (websocket upgrade)."""
        query = request.query
        encoding = query.get("encoding", "json")
        compression = query.get("compress") or None
        if encoding != "json":
            return _plain_error(
                400, f"the fake gateway only speaks encoding=json, not {encoding!r}"
            )
        if compression not in (None, "zlib-stream", "zstd-stream"):
            return _plain_error(400, f"unknown compress={compression!r}")
        if compression == "zstd-stream" and _zstandard is None:
            return _plain_error(
                400, "compress=zstd-stream needs the 'zstandard' module in the fake's interpreter"
            )
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True, heartbeat=None)
        await ws.prepare(request)
        conn = GatewayConnection(self, ws, request, compression)
        self.connections.append(conn)
        self.all_connections.append(conn)
        try:
            if query.get("v") not in (None, "10"):
                await conn.close(4012, "Invalid API version")
                return ws
            await conn.send(
                {"op": Op.HELLO, "d": {"heartbeat_interval": self.fake.heartbeat_interval_ms}}
            )
            async for msg in ws:
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    break
                try:
                    payload = json.loads(msg.data)
                except ValueError:
                    self._violation("gateway message is not JSON")
                    await conn.close(4002, "Decode error")
                    break
                self.record_frame("in", payload, conn.id)
                await self._on_message(conn, payload)
                if conn.closed:
                    break
        finally:
            conn.closed = True
            if conn.close_code is None:
                conn.close_code = ws.close_code
            if conn in self.connections:
                self.connections.remove(conn)
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            self.fake.notify()
        return ws

    async def _on_message(self, conn: GatewayConnection, payload: JSON) -> None:
        op = payload.get("op")
        data = payload.get("d")
        if op == Op.HEARTBEAT:
            await conn.send({"op": Op.HEARTBEAT_ACK})
        elif op == Op.IDENTIFY:
            await self._identify(conn, data or {})
        elif op == Op.RESUME:
            await self._resume(conn, data or {})
        elif conn.session is None:
            self._violation(f"op {op} sent before IDENTIFY")
            await conn.close(4003, "Not authenticated.")
        elif op == Op.REQUEST_GUILD_MEMBERS:
            await self._request_members(conn.session, data or {})
        elif op == Op.PRESENCE_UPDATE:
            self.presence_updates.append(data)
        elif op == Op.VOICE_STATE_UPDATE:
            pass
        else:
            self._violation(f"unknown gateway opcode {op}")
            await conn.close(4001, "Unknown opcode.")

    async def _identify(self, conn: GatewayConnection, data: JSON) -> None:
        fake = self.fake
        if conn.session is not None:
            self._violation("IDENTIFY sent twice on one connection")
            await conn.close(4005, "Already authenticated.")
            return
        if data.get("token") != fake.token:
            self._violation("IDENTIFY with a wrong token")
            await conn.close(4004, "Authentication failed.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents >= 1 << 26:
            self._violation("IDENTIFY without valid intents", intents=intents)
            await conn.close(4013, "Invalid intent(s).")
            return
        for name, bit in Intent.PRIVILEGED.items():
            if intents & bit and name not in fake.privileged_intents:
                self._violation(f"IDENTIFY asks for the privileged intent {name!r}, not enabled")
                await conn.close(4014, "Disallowed intent(s).")
                return
        shard = data.get("shard") or [0, 1]
        if not isinstance(shard, list) or len(shard) != 2 or not 0 <= shard[0] < shard[1]:
            self._violation("IDENTIFY with an invalid shard", shard=shard)
            await conn.close(4010, "Invalid shard.")
            return
        self.identify_count += 1
        session = GatewaySession(
            id=secrets.token_hex(16), shard=(shard[0], shard[1]), intents=intents, identify=data
        )
        self.sessions[session.id] = session
        self.current[session.shard_id] = session
        session.connection = conn
        conn.session = session
        guilds = [g for g in fake.bot_guilds() if (g.id >> 22) % shard[1] == shard[0]]
        ready: JSON = {
            "v": 10,
            "user": {
                **fake.bot_user.to_payload(),
                "verified": True,
                "mfa_enabled": False,
                "email": None,
            },
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": fake.resume_gateway_url,
            "application": {"id": str(fake.application.id), "flags": fake.application.flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
            "_trace": ["fakediscord"],
        }
        if data.get("shard") is not None:
            ready["shard"] = list(shard)
        await self.dispatch_to(session, "READY", ready)
        for guild in guilds:
            await self.dispatch_to(
                session, "GUILD_CREATE", fake.guild_create_payload(guild, session)
            )
        fake.notify()

    async def _resume(self, conn: GatewayConnection, data: JSON) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or data.get("token") != self.fake.token:
            self._violation("RESUME of an unknown session or with a wrong token", data=data)
            await conn.send({"op": Op.INVALID_SESSION, "d": False})
            return
        old = session.connection
        if old is not None and old is not conn:
            session.connection = None
            await old.close(4000, "Session resumed elsewhere")
        last_seq = data.get("seq")
        async with session.lock:
            session.connection = conn
            conn.session = session
            for frame in list(session.buffer):
                missed = last_seq is None or frame["s"] > last_seq
                if missed and not await conn.send(frame):
                    return
            session.seq += 1
            resumed = {
                "op": Op.DISPATCH,
                "t": "RESUMED",
                "s": session.seq,
                "d": {"_trace": ["fakediscord"]},
            }
            session.buffer.append(resumed)
            await conn.send(resumed)
        session.resumes += 1
        self.resume_count += 1
        self.fake.notify()

    async def _request_members(self, session: GatewaySession, data: JSON) -> None:
        guild = self.fake.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        query = str(data.get("query") or "").lower()
        user_ids = {int(u) for u in data.get("user_ids") or []}
        limit = int(data.get("limit") or 0) or len(guild.members)
        members = []
        for member in guild.members.values():
            if user_ids and member.user.id not in user_ids:
                continue
            names = (member.user.username.lower(), (member.nick or "").lower())
            if query and not any(n.startswith(query) for n in names):
                continue
            members.append(member.to_payload())
        members = members[:limit]
        payload: JSON = {
            "guild_id": str(guild.id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [str(u) for u in user_ids if u not in guild.members],
        }
        if data.get("nonce"):
            payload["nonce"] = data["nonce"]
        if data.get("presences"):
            payload["presences"] = []
        await self.dispatch_to(session, "GUILD_MEMBERS_CHUNK", payload)

    # -- dispatching ---------------------------------------------------------

    def session_for(self, guild_id: int | None) -> GatewaySession:
        """The live session that receives events for ``guild_id`` (None = DMs, shard 0)."""
        if not self.current:
            raise RuntimeError("the bot has no gateway session yet (did it connect and IDENTIFY?)")
        any_session = next(iter(self.current.values()))
        count = any_session.shard[1]
        shard_id = 0 if guild_id is None else (guild_id >> 22) % count
        session = self.current.get(shard_id)
        if session is None:
            raise RuntimeError(f"no gateway session for shard {shard_id}")
        return session

    async def dispatch_to(self, session: GatewaySession, event: str, data: JSON) -> int:
        """Send a DISPATCH on ``session`` (buffered for RESUME if disconnected)."""
        async with session.lock:
            session.seq += 1
            frame = {"op": Op.DISPATCH, "t": event, "s": session.seq, "d": data}
            session.buffer.append(frame)
            conn = session.connection
            if conn is not None:
                await conn.send(frame)
            return session.seq

    async def dispatch(self, event: str, data: JSON, *, guild_id: int | None = None) -> int:
        """Dispatch ``event`` to the session that owns ``guild_id``; returns its sequence."""
        return await self.dispatch_to(self.session_for(guild_id), event, data)

    # -- test hooks ------------------------------------------------------------

    async def drop(self, *, code: int | None = 4000, shard_id: int | None = None) -> None:
        """Close the live connection(s); ``code=None`` drops TCP without a close frame."""
        targets = [
            c
            for c in list(self.connections)
            if shard_id is None or (c.session is not None and c.session.shard_id == shard_id)
        ]
        if not targets:
            raise RuntimeError("no live gateway connection to drop")
        for conn in targets:
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            if code is None:
                conn.abort()
            else:
                await conn.close(code, "dropped by test")

    async def send_op(self, op: int, data: Any = None, *, shard_id: int = 0) -> None:
        """Send a raw non-dispatch opcode (e.g. RECONNECT) on the shard's connection."""
        session = self.current.get(shard_id)
        if session is None or session.connection is None:
            raise RuntimeError("no live gateway connection")
        await session.connection.send({"op": op, "d": data})

    async def close_all(self) -> None:
        """Close every connection (server shutdown)."""
        for conn in list(self.connections):
            await conn.close(1001, "server shutting down")


def _plain_error(status: int, message: str) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps({"message": message, "code": 0}).encode(),
        headers={"Content-Type": "application/json"},
    )
