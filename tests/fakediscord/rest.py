"""The fake REST API (``/api/v10``): routing, recording, validation, Discord-style errors."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import web

from .interactions import InteractionHandle, InteractionResponse
from .models import (
    ChannelType,
    FakeChannel,
    FakeGuild,
    FakeMessage,
    InteractionType,
    MessageFlag,
    RecordedRequest,
    StoredFile,
    Violation,
)
from .permissions import Permission
from .validation import (
    FormErrors,
    is_empty_message,
    validate_autocomplete_result,
    validate_command,
    validate_command_list,
    validate_message,
    validate_modal,
)

if TYPE_CHECKING:
    from .server import FakeDiscord

JSON = dict[str, Any]
API_PREFIX = "/api/v10"

# Which callback types each interaction type accepts.
VALID_CALLBACKS: dict[int, set[int]] = {
    InteractionType.PING: {1},
    InteractionType.APPLICATION_COMMAND: {4, 5, 9, 12},
    InteractionType.MESSAGE_COMPONENT: {4, 5, 6, 7, 9, 12},
    InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE: {8},
    InteractionType.MODAL_SUBMIT: {4, 5, 6, 7},
}
FOLLOWUP_FLAGS = int(
    MessageFlag.SUPPRESS_EMBEDS
    | MessageFlag.EPHEMERAL
    | MessageFlag.SUPPRESS_NOTIFICATIONS
    | MessageFlag.IS_COMPONENTS_V2
)
CHANNEL_MESSAGE_FLAGS = int(
    MessageFlag.SUPPRESS_EMBEDS | MessageFlag.SUPPRESS_NOTIFICATIONS | MessageFlag.IS_COMPONENTS_V2
)


class DiscordError(Exception):
    """An error answer; ``kind`` (if set) is also recorded as a :class:`Violation`."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        errors: JSON | None = None,
        kind: str | None = None,
        details: JSON | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.kind = kind
        self.details = details or {}

    def body(self) -> JSON:
        """The JSON body Discord sends."""
        data: JSON = {"message": self.message, "code": self.code}
        if self.errors is not None:
            data["errors"] = self.errors
        return data


def form_error(errors: FormErrors, **details: Any) -> DiscordError:
    """A 400 50035 from collected form errors."""
    return DiscordError(
        400,
        50035,
        "Invalid Form Body",
        errors=errors.to_errors(),
        kind="invalid_form_body",
        details={"problems": errors.messages(), **details},
    )


@dataclass
class RestRequest:
    """What a route handler receives."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    files: list[StoredFile]
    record: RecordedRequest


Handler = Callable[[RestRequest], Awaitable[Any]]


@dataclass
class Route:
    """One REST route: ``template`` uses ``{name}`` placeholders."""

    method: str
    template: str
    handler: str
    auth: bool
    pattern: re.Pattern[str]


def _compile(template: str) -> re.Pattern[str]:
    regex = re.sub(
        r"\{(\w+)\}", r"(?P<\1>[^/]+)", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
    )
    return re.compile(regex)


ROUTES: list[Route] = []


def route(
    method: str, template: str, *, auth: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a RestApi method as the handler of ``method template``."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        ROUTES.append(Route(method, template, fn.__name__, auth, _compile(template)))
        return fn

    return deco


def _ok(data: Any, status: int = 200) -> tuple[int, Any]:
    return status, data


NO_CONTENT = (204, None)


class RestApi:
    """Route handlers of the fake REST API (bound to a :class:`FakeDiscord`)."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    # ------------------------------------------------------------------ plumbing

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The aiohttp catch-all handler."""
        fake = self.fake
        raw_path = request.rel_url.raw_path
        path = raw_path[len(API_PREFIX) :] if raw_path.startswith(API_PREFIX + "/") else raw_path
        try:
            body, files = await self._read_body(request)
        except ValueError as exc:
            body, files = None, []
            parse_error: str | None = str(exc)
        else:
            parse_error = None
        record = RecordedRequest(
            method=request.method,
            path=unquote(path),
            query=dict(request.query),
            headers={
                k: v
                for k, v in request.headers.items()
                if k.lower() not in ("host", "content-length")
            },
            json=body,
            files=files,
            at=fake.now(),
        )
        fake.requests.append(record)
        try:
            if parse_error is not None:
                raise DiscordError(
                    400,
                    50109,
                    f"The request body contains invalid JSON. ({parse_error})",
                    kind="invalid_form_body",
                )
            if not raw_path.startswith(API_PREFIX + "/"):
                raise DiscordError(404, 0, "404: Not Found", kind="unknown_route")
            found, params, path_known = self._match(request.method, path)
            if found is None:
                if path_known:
                    raise DiscordError(405, 0, "405: Method Not Allowed", kind="unknown_route")
                raise DiscordError(404, 0, "404: Not Found", kind="unknown_route")
            if found.auth and request.headers.get("Authorization") != f"Bot {fake.token}":
                raise DiscordError(401, 0, "401: Unauthorized", kind="unauthorized")
            too_big = [f.filename for f in files if f.size > fake.attachment_size_limit]
            if too_big:
                raise DiscordError(
                    413,
                    40005,
                    "Request entity too large",
                    kind="file_too_large",
                    details={"files": too_big},
                )
            req = RestRequest(
                method=request.method,
                path=record.path,
                params=params,
                query=dict(request.query),
                headers=dict(request.headers),
                json=body,
                files=files,
                record=record,
            )
            status, data = await getattr(self, found.handler)(req)
        except DiscordError as err:
            status, data = err.status, err.body()
            if err.kind:
                fake.add_violation(
                    Violation(
                        kind=err.kind,
                        message=f"{err.status} {err.code} {err.message}",
                        method=request.method,
                        path=record.path,
                        details={**err.details, "response": data},
                        at=fake.now(),
                    )
                )
        record.status = status
        record.response = data
        fake.notify()
        if status == 204 or data is None:
            return web.Response(status=204)
        return web.Response(
            status=status,
            body=json.dumps(data).encode(),
            headers={"Content-Type": "application/json"},
        )

    def _match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        path_known = False
        for r in ROUTES:
            m = r.pattern.fullmatch(path)
            if m is None:
                continue
            path_known = True
            if r.method == method:
                return r, {k: unquote(v) for k, v in m.groupdict().items()}, True
        return None, {}, path_known

    async def _read_body(self, request: web.Request) -> tuple[Any, list[StoredFile]]:
        if not request.can_read_body:
            return None, []
        ctype = request.headers.get("Content-Type", "")
        if ctype.startswith("multipart/"):
            payload: Any = None
            files: list[StoredFile] = []
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                name = getattr(part, "name", None) or ""
                if name == "payload_json":
                    payload = json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    match = re.fullmatch(r"files\[(\d+)\]", name)
                    data = await part.read(decode=False)  # type: ignore[union-attr]
                    files.append(
                        StoredFile(
                            index=int(match.group(1)) if match else len(files),
                            filename=getattr(part, "filename", None) or name,
                            content_type=part.headers.get(
                                "Content-Type", "application/octet-stream"
                            ),
                            data=bytes(data),
                        )
                    )
            return payload, files
        text = await request.text()
        if not text:
            return None, []
        return json.loads(text), []

    async def serve_attachment(self, request: web.Request) -> web.StreamResponse:
        """GET of an attachment URL returns the uploaded bytes."""
        stored = self.fake.uploads.get(int(request.match_info["attachment_id"]))
        if stored is None:
            return web.Response(status=404)
        return web.Response(body=stored.data, headers={"Content-Type": stored.content_type})

    # ------------------------------------------------------------------ helpers

    def _channel(self, channel_id: str) -> FakeChannel:
        channel = self.fake.channels.get(int(channel_id)) if channel_id.isdigit() else None
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel", kind="unknown_channel")
        return channel

    def _guild(self, guild_id: str) -> FakeGuild:
        guild = self.fake.guilds.get(int(guild_id)) if guild_id.isdigit() else None
        if guild is None:
            raise DiscordError(404, 10004, "Unknown Guild", kind="missing_access")
        if self.fake.bot_user.id not in guild.members:
            raise DiscordError(403, 50001, "Missing Access", kind="missing_access")
        return guild

    def _message(self, channel: FakeChannel, message_id: str) -> FakeMessage:
        msg = self.fake.messages.get(int(message_id)) if message_id.isdigit() else None
        if msg is None or msg.deleted or msg.channel_id != channel.id or msg.ephemeral:
            raise DiscordError(404, 10008, "Unknown Message", kind="unknown_message")
        return msg

    def _require(self, channel: FakeChannel, *perms: Permission) -> None:
        if channel.is_dm:
            return
        have = self.fake.permissions_in(channel, self.fake.bot_user)
        missing = [p.name for p in perms if not have & p]
        if missing:
            raise DiscordError(
                403,
                50013,
                "Missing Permissions",
                kind="missing_permissions",
                details={"missing": missing},
            )

    def _app(self, app_id: str) -> None:
        if app_id != str(self.fake.application.id):
            raise DiscordError(404, 10002, "Unknown Application", kind="missing_access")

    def _guild_payload(self, guild: FakeGuild) -> JSON:
        data = guild.to_payload()
        for key in (
            "channels",
            "members",
            "threads",
            "presences",
            "voice_states",
            "joined_at",
            "large",
            "member_count",
        ):
            data.pop(key, None)
        return data

    def _validate_message_body(
        self, body: Any, *, allowed_flags: int, has_files: bool, creating: bool
    ) -> JSON:
        if not isinstance(body, dict):
            errors = FormErrors()
            errors.add((), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            raise form_error(errors)
        errors = FormErrors()
        validate_message(body, errors, allowed_flags=allowed_flags)
        if errors:
            raise form_error(errors)
        if creating and is_empty_message(body, has_files=has_files):
            raise DiscordError(400, 50006, "Cannot send an empty message", kind="empty_message")
        return body

    # ------------------------------------------------------------------ users, app, gateway

    @route("GET", "/users/@me")
    async def get_me(self, req: RestRequest) -> tuple[int, Any]:
        return _ok(
            {
                **self.fake.bot_user.to_payload(),
                "verified": True,
                "mfa_enabled": False,
                "locale": "en-US",
            }
        )

    @route("GET", "/users/{user_id}")
    async def get_user(self, req: RestRequest) -> tuple[int, Any]:
        uid = req.params["user_id"]
        user = self.fake.users.get(int(uid)) if uid.isdigit() else None
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        return _ok(user.to_payload())

    @route("POST", "/users/@me/channels")
    async def open_dm(self, req: RestRequest) -> tuple[int, Any]:
        rid = str((req.json or {}).get("recipient_id", ""))
        user = self.fake.users.get(int(rid)) if rid.isdigit() else None
        if user is None:
            errors = FormErrors()
            errors.add(("recipient_id",), "USER_UNKNOWN", "Unknown user")
            raise form_error(errors)
        return _ok(self.fake.create_dm(user).to_payload())

    @route("GET", "/oauth2/applications/@me")
    async def get_application(self, req: RestRequest) -> tuple[int, Any]:
        return _ok(self.fake.application.to_payload(self.fake.bot_user))

    @route("GET", "/applications/@me")
    async def get_application_me(self, req: RestRequest) -> tuple[int, Any]:
        return _ok(self.fake.application.to_payload(self.fake.bot_user))

    @route("GET", "/gateway", auth=False)
    async def get_gateway(self, req: RestRequest) -> tuple[int, Any]:
        return _ok({"url": self.fake.gateway_url.rstrip("/")})

    @route("GET", "/gateway/bot")
    async def get_gateway_bot(self, req: RestRequest) -> tuple[int, Any]:
        return _ok(
            {
                "url": self.fake.gateway_url.rstrip("/"),
                "shards": self.fake.shard_count,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    # ------------------------------------------------------------------ application commands

    def _command_pool(self, req: RestRequest) -> tuple[list[JSON], FakeGuild | None]:
        self._app(req.params["app_id"])
        if "guild_id" in req.params:
            guild = self._guild(req.params["guild_id"])
            return self.fake.guild_commands.setdefault(guild.id, []), guild
        return self.fake.global_commands, None

    def _materialise(self, body: JSON, guild: FakeGuild | None, existing: JSON | None) -> JSON:
        cmd: JSON = {
            "id": existing["id"] if existing else str(self.fake.snowflakes.next()),
            "application_id": str(self.fake.application.id),
            "version": str(self.fake.snowflakes.next()),
            "type": body.get("type", 1),
            "name": body["name"],
            "name_localizations": body.get("name_localizations"),
            "description": body.get("description", ""),
            "description_localizations": body.get("description_localizations"),
            "default_member_permissions": body.get("default_member_permissions"),
            "nsfw": bool(body.get("nsfw", False)),
            "contexts": body.get("contexts"),
            "integration_types": body.get("integration_types", [0]),
            "options": body.get("options") or [],
        }
        if guild is not None:
            cmd["guild_id"] = str(guild.id)
        else:
            cmd["dm_permission"] = body.get("dm_permission", True)
        return cmd

    @route("GET", "/applications/{app_id}/commands")
    @route("GET", "/applications/{app_id}/guilds/{guild_id}/commands")
    async def list_commands(self, req: RestRequest) -> tuple[int, Any]:
        pool, _ = self._command_pool(req)
        return _ok(pool)

    @route("PUT", "/applications/{app_id}/commands")
    @route("PUT", "/applications/{app_id}/guilds/{guild_id}/commands")
    async def bulk_overwrite_commands(self, req: RestRequest) -> tuple[int, Any]:
        pool, guild = self._command_pool(req)
        errors = FormErrors()
        too_many = validate_command_list(req.json, errors)
        if errors:
            raise form_error(errors)
        if too_many:
            raise DiscordError(400, 30032, too_many, kind="too_many_commands")
        old = {(c.get("type", 1), c["name"]): c for c in pool}
        new = [
            self._materialise(b, guild, old.get((b.get("type", 1), b["name"]))) for b in req.json
        ]
        pool[:] = new
        return _ok(new)

    @route("POST", "/applications/{app_id}/commands")
    @route("POST", "/applications/{app_id}/guilds/{guild_id}/commands")
    async def upsert_command(self, req: RestRequest) -> tuple[int, Any]:
        pool, guild = self._command_pool(req)
        errors = FormErrors()
        validate_command(req.json, errors)
        if errors:
            raise form_error(errors)
        body = req.json
        for i, cmd in enumerate(pool):
            if cmd["name"] == body["name"] and cmd.get("type", 1) == body.get("type", 1):
                pool[i] = self._materialise(body, guild, cmd)
                return _ok(pool[i])
        if (
            guild is None
            and body.get("type", 1) == 1
            and sum(1 for c in pool if c.get("type", 1) == 1) >= 100
        ):
            raise DiscordError(
                400,
                30032,
                "Maximum number of application commands reached (100)",
                kind="too_many_commands",
            )
        cmd = self._materialise(body, guild, None)
        pool.append(cmd)
        return _ok(cmd, 201)

    def _find_command(self, pool: list[JSON], cmd_id: str) -> int:
        for i, cmd in enumerate(pool):
            if cmd["id"] == cmd_id:
                return i
        raise DiscordError(404, 10063, "Unknown application command")

    @route("GET", "/applications/{app_id}/commands/{cmd_id}")
    @route("GET", "/applications/{app_id}/guilds/{guild_id}/commands/{cmd_id}")
    async def get_command(self, req: RestRequest) -> tuple[int, Any]:
        pool, _ = self._command_pool(req)
        return _ok(pool[self._find_command(pool, req.params["cmd_id"])])

    @route("PATCH", "/applications/{app_id}/commands/{cmd_id}")
    @route("PATCH", "/applications/{app_id}/guilds/{guild_id}/commands/{cmd_id}")
    async def edit_command(self, req: RestRequest) -> tuple[int, Any]:
        pool, guild = self._command_pool(req)
        i = self._find_command(pool, req.params["cmd_id"])
        merged = {**pool[i], **(req.json or {})}
        errors = FormErrors()
        validate_command(merged, errors)
        if errors:
            raise form_error(errors)
        pool[i] = self._materialise(merged, guild, pool[i])
        return _ok(pool[i])

    @route("DELETE", "/applications/{app_id}/commands/{cmd_id}")
    @route("DELETE", "/applications/{app_id}/guilds/{guild_id}/commands/{cmd_id}")
    async def delete_command(self, req: RestRequest) -> tuple[int, Any]:
        pool, _ = self._command_pool(req)
        del pool[self._find_command(pool, req.params["cmd_id"])]
        return NO_CONTENT

    # ------------------------------------------------------------------ interactions

    def _time_attempt(
        self, handle: InteractionHandle, ctype: int, data: Any, files: list[StoredFile]
    ) -> InteractionResponse:
        latency = self.fake.now() - handle.dispatched_at
        attempt = InteractionResponse(
            type=ctype, data=data, latency=latency, accepted=False, status=0, files=files
        )
        handle.attempts.append(attempt)
        return attempt

    @route("POST", "/interactions/{interaction_id}/{token}/callback", auth=False)
    async def interaction_callback(self, req: RestRequest) -> tuple[int, Any]:
        fake = self.fake
        iid = req.params["interaction_id"]
        handle = fake.interactions.get(int(iid)) if iid.isdigit() else None
        body = req.json if isinstance(req.json, dict) else {}
        ctype = body.get("type")
        data = body.get("data")
        if handle is None or handle.token != req.params["token"]:
            raise DiscordError(404, 10062, "Unknown interaction", kind="unknown_interaction")
        attempt = self._time_attempt(handle, ctype, data, req.files)
        try:
            if handle.response is not None:
                raise DiscordError(
                    400,
                    40060,
                    "Interaction has already been acknowledged.",
                    kind="already_acknowledged",
                    details={"interaction_id": handle.id, "first_type": handle.response.type},
                )
            fake.initial_responses.append(attempt)
            if attempt.latency > fake.interaction_timeout:
                fake.add_violation(
                    Violation(
                        kind="late_response",
                        message=(
                            f"initial response after {attempt.latency:.3f}s"
                            f" (limit {fake.interaction_timeout:g}s)"
                        ),
                        method=req.method,
                        path=req.path,
                        details={"interaction_id": handle.id, "latency": attempt.latency},
                        at=fake.now(),
                    )
                )
                raise DiscordError(404, 10062, "Unknown interaction", kind="unknown_interaction")
            if ctype not in VALID_CALLBACKS.get(handle.type, set()):
                errors = FormErrors()
                errors.add(
                    ("type",),
                    "INTERACTION_RESPONSE_TYPE_INVALID",
                    f"Interaction response type {ctype} is not valid"
                    f" for interaction type {int(handle.type)}",
                )
                err = form_error(errors)
                err.kind = "invalid_response_type"
                raise err
            result = self._accept_callback(req, handle, int(ctype), data)
        except DiscordError as err:
            attempt.status = err.status
            attempt.error_code = err.code
            fake.notify()
            raise
        attempt.accepted = True
        attempt.status = result[0]
        attempt.message = handle.original if ctype in (4, 5, 7) else None
        handle.response = attempt
        if handle.original is not None and ctype in (4, 5):
            await fake.dispatch_message_event("MESSAGE_CREATE", handle.original)
        elif handle.original is not None and ctype == 7:
            await fake.dispatch_message_event("MESSAGE_UPDATE", handle.original)
        fake.notify()
        return result

    def _accept_callback(
        self, req: RestRequest, handle: InteractionHandle, ctype: int, data: Any
    ) -> tuple[int, Any]:
        fake = self.fake
        resource: JSON = {"type": ctype}
        errors = FormErrors()
        if ctype in (4, 7):
            if not isinstance(data, dict):
                if ctype == 4:
                    errors.add(("data",), "BASE_TYPE_REQUIRED", "This field is required")
                    raise form_error(errors)
                data = {}
            validate_message(data, errors, ("data",), allowed_flags=FOLLOWUP_FLAGS)
            if errors:
                raise form_error(errors)
            if ctype == 4 and is_empty_message(data, has_files=bool(req.files)):
                raise DiscordError(400, 50006, "Cannot send an empty message", kind="empty_message")
        elif ctype == 9:
            validate_modal(data, errors)
        elif ctype == 8:
            validate_autocomplete_result(data, errors)
        elif ctype == 5 and data is not None and not isinstance(data, dict):
            errors.add(
                ("data",), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"
            )
        if errors:
            raise form_error(errors)

        if ctype == 4:
            msg = fake.new_bot_message(
                data,
                channel=handle.channel,
                kind="interaction_response",
                files=req.files,
                interaction=handle,
            )
            handle.original = msg
            fake.check_mention_policy(
                msg, data.get("allowed_mentions"), method=req.method, path=req.path
            )
            resource["message"] = msg.to_payload(guild=handle.guild)
        elif ctype == 5:
            flags = int((data or {}).get("flags") or 0) & int(MessageFlag.EPHEMERAL)
            msg = fake.new_bot_message(
                {"content": "", "flags": flags},
                channel=handle.channel,
                kind="interaction_response",
                interaction=handle,
                extra_flags=int(MessageFlag.LOADING),
            )
            msg.allowed_mentions = {"parse": []}
            handle.original = msg
            resource["message"] = msg.to_payload(guild=handle.guild)
        elif ctype in (6, 7):
            source = handle.source_message
            if source is None and handle.type == InteractionType.MODAL_SUBMIT:
                errors.add(
                    ("type",),
                    "INTERACTION_RESPONSE_TYPE_INVALID",
                    "This modal was not opened from a message",
                )
                err = form_error(errors)
                err.kind = "invalid_response_type"
                raise err
            handle.original = source
            if ctype == 7 and source is not None:
                fake.apply_edit(source, data, req.files)
                handle.original_edits += 1
                fake.check_mention_policy(
                    source, data.get("allowed_mentions"), method=req.method, path=req.path
                )
                resource["message"] = source.to_payload(guild=handle.guild)
        elif ctype == 9:
            fake.modals.append((data, handle))
        if req.query.get("with_response") not in ("1", "true", "True"):
            return NO_CONTENT
        interaction: JSON = {"id": str(handle.id), "type": int(handle.type)}
        if handle.original is not None and ctype in (4, 5, 6, 7):
            interaction["response_message_id"] = str(handle.original.id)
            interaction["response_message_loading"] = ctype == 5
            interaction["response_message_ephemeral"] = handle.original.ephemeral
        return _ok({"interaction": interaction, "resource": resource})

    def _webhook_handle(self, req: RestRequest) -> InteractionHandle:
        handle = self.fake.interactions_by_token.get(req.params["token"])
        if handle is None or req.params["app_id"] != str(self.fake.application.id):
            raise DiscordError(404, 10015, "Unknown Webhook", kind="unknown_webhook")
        return handle

    def _webhook_target(self, handle: InteractionHandle, message_id: str) -> FakeMessage:
        if message_id == "@original":
            msg = handle.original
        else:
            msg = next((m for m in handle.messages if str(m.id) == message_id), None)
            if (
                msg is None
                and handle.original is not None
                and str(handle.original.id) == message_id
            ):
                msg = handle.original
        if msg is None or msg.deleted:
            raise DiscordError(404, 10008, "Unknown Message", kind="unknown_message")
        return msg

    @route("POST", "/webhooks/{app_id}/{token}", auth=False)
    async def execute_webhook(self, req: RestRequest) -> tuple[int, Any]:
        fake = self.fake
        handle = self._webhook_handle(req)
        if handle.response is None or handle.response.type not in (4, 5, 6, 7):
            handle.rejected_followups.append(req.json or {})
            raise DiscordError(
                404,
                10015,
                "Unknown Webhook",
                kind="unknown_webhook",
                details={
                    "reason": "follow-up before an initial message response",
                    "interaction_id": handle.id,
                },
            )
        body = self._validate_message_body(
            req.json, allowed_flags=FOLLOWUP_FLAGS, has_files=bool(req.files), creating=True
        )
        original = handle.original
        if handle.response.type == 5 and original is not None and original.loading:
            # The first follow-up after a "thinking" defer replaces the loading message.
            payload = {k: v for k, v in body.items() if k != "flags"}
            fake.apply_edit(original, payload, req.files)
            handle.original_edits += 1
            msg = original
            event = "MESSAGE_UPDATE"
        else:
            msg = fake.new_bot_message(
                body, channel=handle.channel, kind="followup", files=req.files, interaction=handle
            )
            event = "MESSAGE_CREATE"
        handle.followups.append(msg)
        fake.check_mention_policy(
            msg, body.get("allowed_mentions"), method=req.method, path=req.path
        )
        await fake.dispatch_message_event(event, msg)
        fake.notify()
        if req.query.get("wait") in ("1", "true", "True"):
            return _ok(msg.to_payload(guild=handle.guild))
        return NO_CONTENT

    @route("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", auth=False)
    async def get_webhook_message(self, req: RestRequest) -> tuple[int, Any]:
        handle = self._webhook_handle(req)
        msg = self._webhook_target(handle, req.params["message_id"])
        return _ok(msg.to_payload(guild=handle.guild))

    @route("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", auth=False)
    async def edit_webhook_message(self, req: RestRequest) -> tuple[int, Any]:
        fake = self.fake
        handle = self._webhook_handle(req)
        msg = self._webhook_target(handle, req.params["message_id"])
        body = self._validate_message_body(
            req.json or {}, allowed_flags=FOLLOWUP_FLAGS, has_files=bool(req.files), creating=False
        )
        fake.apply_edit(msg, body, req.files)
        if msg is handle.original:
            handle.original_edits += 1
        fake.check_mention_policy(
            msg, body.get("allowed_mentions"), method=req.method, path=req.path
        )
        await fake.dispatch_message_event("MESSAGE_UPDATE", msg)
        fake.notify()
        return _ok(msg.to_payload(guild=handle.guild))

    @route("DELETE", "/webhooks/{app_id}/{token}/messages/{message_id}", auth=False)
    async def delete_webhook_message(self, req: RestRequest) -> tuple[int, Any]:
        handle = self._webhook_handle(req)
        msg = self._webhook_target(handle, req.params["message_id"])
        self.fake.delete_message(msg)
        await self.fake.dispatch_message_event("MESSAGE_DELETE", msg)
        return NO_CONTENT

    # ------------------------------------------------------------------ channels and messages

    @route("GET", "/channels/{channel_id}")
    async def get_channel(self, req: RestRequest) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        self._require(channel, Permission.VIEW_CHANNEL)
        return _ok(channel.to_payload())

    @route("POST", "/channels/{channel_id}/typing")
    async def typing(self, req: RestRequest) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        self._require(channel, Permission.VIEW_CHANNEL, Permission.SEND_MESSAGES)
        return NO_CONTENT

    @route("GET", "/channels/{channel_id}/messages")
    async def list_messages(self, req: RestRequest) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        self._require(channel, Permission.VIEW_CHANNEL, Permission.READ_MESSAGE_HISTORY)
        limit = max(1, min(100, int(req.query.get("limit", 50))))
        msgs = [m for m in self.fake.messages_in(channel) if not m.ephemeral]
        if "before" in req.query:
            msgs = [m for m in msgs if m.id < int(req.query["before"])]
        if "after" in req.query:
            msgs = [m for m in msgs if m.id > int(req.query["after"])][:limit]
        if "around" in req.query:
            pivot = int(req.query["around"])
            older = [m for m in msgs if m.id <= pivot][-(limit // 2 + limit % 2) :]
            newer = [m for m in msgs if m.id > pivot][: limit // 2]
            msgs = older + newer
        guild = self.fake.guild_of(channel)
        return _ok([m.to_payload(guild=guild) for m in reversed(msgs[-limit:])])

    @route("GET", "/channels/{channel_id}/messages/{message_id}")
    async def get_message(self, req: RestRequest) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        self._require(channel, Permission.VIEW_CHANNEL, Permission.READ_MESSAGE_HISTORY)
        msg = self._message(channel, req.params["message_id"])
        return _ok(msg.to_payload(guild=self.fake.guild_of(channel)))

    @route("POST", "/channels/{channel_id}/messages")
    async def create_message(self, req: RestRequest) -> tuple[int, Any]:
        fake = self.fake
        channel = self._channel(req.params["channel_id"])
        if channel.type not in (
            ChannelType.GUILD_TEXT,
            ChannelType.GUILD_ANNOUNCEMENT,
            ChannelType.DM,
            ChannelType.GUILD_VOICE,
        ):
            raise DiscordError(400, 50008, "Cannot send messages in a non-text channel")
        self._require(channel, Permission.VIEW_CHANNEL, Permission.SEND_MESSAGES)
        if req.files:
            self._require(channel, Permission.ATTACH_FILES)
        body = self._validate_message_body(
            req.json, allowed_flags=CHANNEL_MESSAGE_FLAGS, has_files=bool(req.files), creating=True
        )
        referenced: FakeMessage | None = None
        ref = body.get("message_reference")
        if isinstance(ref, dict) and ref.get("message_id"):
            self._require(channel, Permission.READ_MESSAGE_HISTORY)
            target = fake.messages.get(int(ref["message_id"]))
            if (
                target is None
                or target.deleted
                or target.channel_id != int(ref.get("channel_id") or channel.id)
            ):
                if ref.get("fail_if_not_exists", True):
                    errors = FormErrors()
                    errors.add(
                        ("message_reference",),
                        "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                        "Unknown message",
                    )
                    raise form_error(errors)
                body = {k: v for k, v in body.items() if k != "message_reference"}
            else:
                referenced = target
        msg = fake.new_bot_message(body, channel=channel, kind="channel", files=req.files)
        fake.check_mention_policy(
            msg, body.get("allowed_mentions"), method=req.method, path=req.path
        )
        await fake.dispatch_message_event("MESSAGE_CREATE", msg, referenced=referenced)
        payload = msg.to_payload(guild=fake.guild_of(channel))
        if referenced is not None:
            payload["referenced_message"] = referenced.to_payload(guild=fake.guild_of(channel))
        return _ok(payload)

    @route("PATCH", "/channels/{channel_id}/messages/{message_id}")
    async def edit_message(self, req: RestRequest) -> tuple[int, Any]:
        fake = self.fake
        channel = self._channel(req.params["channel_id"])
        msg = self._message(channel, req.params["message_id"])
        body = self._validate_message_body(
            req.json or {},
            allowed_flags=CHANNEL_MESSAGE_FLAGS,
            has_files=bool(req.files),
            creating=False,
        )
        if msg.author.id != fake.bot_user.id and set(body) - {"flags"}:
            raise DiscordError(
                403, 50005, "Cannot edit a message authored by another user", kind="not_author"
            )
        fake.apply_edit(msg, body, req.files)
        if msg.author.id == fake.bot_user.id:
            fake.check_mention_policy(
                msg, body.get("allowed_mentions"), method=req.method, path=req.path
            )
        await fake.dispatch_message_event("MESSAGE_UPDATE", msg)
        return _ok(msg.to_payload(guild=fake.guild_of(channel)))

    @route("DELETE", "/channels/{channel_id}/messages/{message_id}")
    async def delete_channel_message(self, req: RestRequest) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        msg = self._message(channel, req.params["message_id"])
        if msg.author.id != self.fake.bot_user.id:
            self._require(channel, Permission.MANAGE_MESSAGES)
        self.fake.delete_message(msg)
        await self.fake.dispatch_message_event("MESSAGE_DELETE", msg)
        return NO_CONTENT

    # ------------------------------------------------------------------ reactions

    def _reaction_target(self, req: RestRequest) -> tuple[FakeMessage, str]:
        channel = self._channel(req.params["channel_id"])
        msg = self._message(channel, req.params["message_id"])
        return msg, req.params["emoji"]

    @route("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
    async def add_reaction(self, req: RestRequest) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        self._require(channel, Permission.READ_MESSAGE_HISTORY, Permission.ADD_REACTIONS)
        msg, emoji = self._reaction_target(req)
        msg.reactions.setdefault(emoji, set()).add(self.fake.bot_user.id)
        self.fake.notify()
        return NO_CONTENT

    @route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
    async def remove_own_reaction(self, req: RestRequest) -> tuple[int, Any]:
        msg, emoji = self._reaction_target(req)
        msg.reactions.get(emoji, set()).discard(self.fake.bot_user.id)
        self.fake.notify()
        return NO_CONTENT

    @route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}")
    async def remove_user_reaction(self, req: RestRequest) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        self._require(channel, Permission.MANAGE_MESSAGES)
        msg, emoji = self._reaction_target(req)
        msg.reactions.get(emoji, set()).discard(int(req.params["user_id"]))
        self.fake.notify()
        return NO_CONTENT

    @route("GET", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}")
    async def list_reactions(self, req: RestRequest) -> tuple[int, Any]:
        msg, emoji = self._reaction_target(req)
        users = [
            self.fake.users[u].to_payload()
            for u in sorted(msg.reactions.get(emoji, set()))
            if u in self.fake.users
        ]
        return _ok(users)

    @route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions")
    async def clear_reactions(self, req: RestRequest) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        self._require(channel, Permission.MANAGE_MESSAGES)
        msg = self._message(channel, req.params["message_id"])
        msg.reactions.clear()
        self.fake.notify()
        return NO_CONTENT

    # ------------------------------------------------------------------ guilds

    @route("GET", "/guilds/{guild_id}")
    async def get_guild(self, req: RestRequest) -> tuple[int, Any]:
        guild = self._guild(req.params["guild_id"])
        data = self._guild_payload(guild)
        if req.query.get("with_counts") in ("1", "true", "True"):
            data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return _ok(data)

    @route("GET", "/guilds/{guild_id}/channels")
    async def get_guild_channels(self, req: RestRequest) -> tuple[int, Any]:
        guild = self._guild(req.params["guild_id"])
        return _ok([c.to_payload() for c in guild.channels.values()])

    @route("GET", "/guilds/{guild_id}/roles")
    async def get_guild_roles(self, req: RestRequest) -> tuple[int, Any]:
        guild = self._guild(req.params["guild_id"])
        return _ok([r.to_payload() for r in guild.roles.values()])

    @route("GET", "/guilds/{guild_id}/members")
    async def list_members(self, req: RestRequest) -> tuple[int, Any]:
        guild = self._guild(req.params["guild_id"])
        limit = max(1, min(1000, int(req.query.get("limit", 1))))
        after = int(req.query.get("after", 0))
        members = sorted(
            (m for m in guild.members.values() if m.user.id > after), key=lambda m: m.user.id
        )
        return _ok([m.to_payload() for m in members[:limit]])

    @route("GET", "/guilds/{guild_id}/members/{user_id}")
    async def get_member(self, req: RestRequest) -> tuple[int, Any]:
        guild = self._guild(req.params["guild_id"])
        uid = req.params["user_id"]
        member = guild.get_member(int(uid)) if uid.isdigit() else None
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        return _ok(member.to_payload())
