"""End-to-end tests of the fake Discord (tests/fakediscord) with the real discord.py client."""

from __future__ import annotations

import asyncio
import io
import json
import zlib
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import (
    ALL_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    BasicWorld,
    FakeDiscord,
    FormErrors,
    Permission,
    PermissionOverwrite,
    is_valid_command_name,
    running_bot,
    running_fake_discord,
)
from tests.fakediscord.validation import (
    validate_autocomplete_result,
    validate_command_list,
    validate_embeds,
    validate_message_components,
    validate_modal,
)

pytestmark = pytest.mark.filterwarnings("error")

NONE = discord.AllowedMentions.none()
WORDS = [f"apple{i}" for i in range(30)] + ["banana", "cherry"]


# ---------------------------------------------------------------------------
# the bot under test


class PingView(discord.ui.View):
    """The button under /ping; clicking it edits the message (callback type 7)."""

    def __init__(self, bot: E2EBot) -> None:
        super().__init__(timeout=None)
        self.bot = bot

    @discord.ui.button(label="Again", custom_id="ping:again", style=discord.ButtonStyle.primary)
    async def again(
        self, interaction: discord.Interaction, button: discord.ui.Button[PingView]
    ) -> None:
        self.bot.clicks += 1
        await interaction.response.edit_message(
            content=f"Pong again ({self.bot.clicks})", view=self, allowed_mentions=NONE
        )


class ColorView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.select(
        custom_id="color:pick",
        options=[discord.SelectOption(label=c.title(), value=c) for c in ("red", "green", "blue")],
    )
    async def pick(
        self, interaction: discord.Interaction, select: discord.ui.Select[ColorView]
    ) -> None:
        await interaction.response.edit_message(
            content=f"You picked {select.values[0]}", view=None, allowed_mentions=NONE
        )


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    text: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
        label="Your feedback", custom_id="feedback:text", max_length=200
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"Thanks: {self.text.value}", ephemeral=True, allowed_mentions=NONE
        )


class E2EBot(commands.Bot):
    """A small bot exercising what the real bot will use."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.members = True
        intents.message_content = True
        super().__init__(
            command_prefix="!",
            intents=intents,
            guild_ready_timeout=0.05,
            help_command=None,
        )
        self.clicks = 0
        self.http_errors: list[discord.HTTPException] = []
        self.resumed = 0
        self.granted: list[tuple[int, int]] = []
        self._add_commands()

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_resumed(self) -> None:
        self.resumed += 1

    async def on_message(self, message: discord.Message) -> None:
        assert self.user is not None
        if message.author.bot or not any(m.id == self.user.id for m in message.mentions):
            return
        text = message.content.replace(f"<@{self.user.id}>", "").strip()
        if text.startswith("unsafe"):
            await message.channel.send(f"Echo: {text}")  # no allowed_mentions: a violation
        else:
            await message.reply(f"Echo: {text}", allowed_mentions=NONE)

    def _add_commands(self) -> None:
        tree = self.tree
        bot = self

        @tree.command(name="ping", description="Replies with an embed and a button")
        async def ping(interaction: discord.Interaction) -> None:
            embed = discord.Embed(title="Pong", description=f"Latency {bot.latency:.3f}s")
            embed.add_field(
                name="Guild", value=interaction.guild.name if interaction.guild else "DM"
            )
            await interaction.response.send_message(
                embed=embed, view=PingView(bot), allowed_mentions=NONE
            )

        @tree.command(name="echo", description="Repeats your text")
        @app_commands.describe(text="What to repeat", times="How many times")
        async def echo(interaction: discord.Interaction, text: str, times: int = 1) -> None:
            await interaction.response.send_message(" ".join([text] * times), allowed_mentions=NONE)

        @echo.autocomplete("text")
        async def echo_autocomplete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=w, value=w) for w in WORDS if w.startswith(current)][
                :25
            ]

        @tree.command(name="report", description="Defers, then follows up")
        async def report(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await asyncio.sleep(0.05)
            await interaction.followup.send("Report ready", allowed_mentions=NONE)
            await interaction.followup.send("Second part", allowed_mentions=NONE)

        @tree.command(name="double", description="Answers twice (the second is refused)")
        async def double(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("first", allowed_mentions=NONE)
            try:  # a fresh InteractionResponse bypasses discord.py's local guard
                await discord.InteractionResponse(interaction).send_message(
                    "second", allowed_mentions=NONE
                )
            except discord.HTTPException as exc:
                bot.http_errors.append(exc)

        @tree.command(name="late", description="Answers after the 3 s deadline")
        async def late(interaction: discord.Interaction) -> None:
            await asyncio.sleep(3.15)
            try:
                await interaction.response.send_message("too late", allowed_mentions=NONE)
            except discord.HTTPException as exc:
                bot.http_errors.append(exc)

        @tree.command(name="bigembed", description="Sends an embed over the limits")
        async def bigembed(interaction: discord.Interaction) -> None:
            embed = discord.Embed(title="T" * 300, description="fine")
            embed.add_field(name="empty value", value="")
            try:
                await interaction.response.send_message(embed=embed, allowed_mentions=NONE)
            except discord.HTTPException as exc:
                bot.http_errors.append(exc)
                await interaction.response.send_message("embed refused", allowed_mentions=NONE)

        @tree.command(name="whoami", description="Where am I and what may I do")
        async def whoami(interaction: discord.Interaction) -> None:
            where = interaction.guild.name if interaction.guild else "DM"
            await interaction.response.send_message(
                f"{interaction.user.name} in {where} perms={interaction.permissions.value}"
                f" app={interaction.app_permissions.value}",
                ephemeral=True,
                allowed_mentions=NONE,
            )

        @tree.command(name="dmme", description="Sends you a DM")
        async def dmme(interaction: discord.Interaction) -> None:
            await interaction.user.send("psst", allowed_mentions=NONE)
            await interaction.response.send_message(
                "check your DMs", ephemeral=True, allowed_mentions=NONE
            )

        @tree.command(name="color", description="Pick a color")
        async def color(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(
                "Pick a color", view=ColorView(), allowed_mentions=NONE
            )

        @tree.command(name="feedback", description="Opens a modal")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(FeedbackModal(custom_id="feedback"))

        @tree.command(name="export", description="Sends files")
        async def export(interaction: discord.Interaction) -> None:
            notes = discord.File(
                io.BytesIO(b"line 1\nline 2\n"), filename="notes.txt", description="Notes"
            )
            await interaction.response.send_message(
                "here you go", file=notes, allowed_mentions=NONE
            )
            data = discord.File(io.BytesIO(b'{"ok": true}'), filename="data.json")
            await interaction.followup.send("and the data", file=data, allowed_mentions=NONE)

        admin = app_commands.Group(name="admin", description="Admin tools")
        role = app_commands.Group(name="role", description="Role tools", parent=admin)

        @role.command(name="grant", description="Grant a role")
        async def grant(
            interaction: discord.Interaction, member: discord.Member, role: discord.Role
        ) -> None:
            bot.granted.append((member.id, role.id))
            await interaction.response.send_message(
                f"granted {role.name} to {member.name}", allowed_mentions=NONE
            )

        tree.add_command(admin)


# ---------------------------------------------------------------------------
# fixtures


@pytest.fixture(autouse=True)
async def no_leaked_tasks() -> AsyncIterator[None]:
    """Every test must leave no running task behind (bot and server shut down cleanly)."""
    yield
    await asyncio.sleep(0)
    current = asyncio.current_task()
    leaked = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    assert not leaked, f"leaked tasks: {leaked}"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake_discord() as server:
        yield server


@pytest.fixture
def world(fake: FakeDiscord) -> BasicWorld:
    return fake.create_basic_world()


@pytest.fixture
async def bot(fake: FakeDiscord, world: BasicWorld) -> AsyncIterator[E2EBot]:
    client = E2EBot()
    async with running_bot(fake, client):
        yield client


# ---------------------------------------------------------------------------
# start-up


async def test_login_and_command_sync_arrive_with_the_right_schema(
    fake: FakeDiscord, world: BasicWorld, bot: E2EBot
) -> None:
    app_id = fake.application.id
    routes = [r.route for r in fake.requests[:3]]
    assert routes == [
        "GET /users/@me",
        "GET /oauth2/applications/@me",
        f"PUT /applications/{app_id}/commands",
    ]
    assert all(r.headers.get("Authorization") == f"Bot {fake.token}" for r in fake.requests[:3])
    # the gateway was only opened after the command sync
    identify = next(f for f in fake.gateway.frames if f.direction == "in" and f.op == 2)
    assert identify.at > fake.requests[2].at
    assert identify.d["intents"] == bot.intents.value

    names = {c["name"]: c for c in fake.global_commands}
    assert set(names) >= {"ping", "echo", "report", "admin", "feedback"}
    assert names["ping"]["description"] == "Replies with an embed and a button"
    text, times = names["echo"]["options"]
    assert (text["name"], text["type"], text["required"], text["autocomplete"]) == (
        "text",
        3,
        True,
        True,
    )
    assert (times["name"], times["type"], times.get("required", False)) == ("times", 4, False)
    group = names["admin"]["options"][0]
    assert (group["name"], group["type"]) == ("role", 2)
    assert [o["name"] for o in group["options"][0]["options"]] == ["member", "role"]
    assert {c.name for c in await bot.tree.fetch_commands()} == set(names)

    synced = await bot.tree.sync(guild=discord.Object(world.guild.id))
    assert synced == [] and fake.commands_for(world.guild) == []
    fake.assert_no_violations()


async def test_ready_and_guild_create_populate_the_cache(
    fake: FakeDiscord, world: BasicWorld, bot: E2EBot
) -> None:
    assert bot.user is not None and bot.user.id == fake.bot_user.id
    assert bot.application_id == fake.application.id
    guild = bot.get_guild(world.guild.id)
    assert guild is not None and guild.name == "Test Guild"
    assert guild.owner_id == world.owner.id
    assert guild.get_channel(world.general.id).name == "general"  # type: ignore[union-attr]
    assert guild.me is not None and guild.me.id == fake.bot_user.id
    alice = guild.get_member(world.alice.id)
    assert alice is not None and {r.name for r in alice.roles} >= {"Admin", "Member"}
    assert alice.guild_permissions.administrator
    assert guild.member_count == 4 and len(guild.members) == 4
    # transport compression, sequence numbers on every dispatch
    (conn,) = fake.gateway.connections
    # zstd-stream when the zstandard module is importable, else zlib-stream
    assert conn.compression == discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE
    dispatches = [f for f in fake.gateway.frames if f.direction == "out" and f.op == 0]
    assert [f.t for f in dispatches[:2]] == ["READY", "GUILD_CREATE"]
    assert [f.s for f in dispatches] == list(range(1, len(dispatches) + 1))
    assert fake.gateway.frames[0].op == 10 and fake.gateway.frames[0].d["heartbeat_interval"] > 0
    fake.assert_no_violations()


async def test_zlib_stream_framing_matches_discord(fake: FakeDiscord, world: BasicWorld) -> None:
    """Raw client: HELLO, heartbeat ACK and READY arrive as one zlib stream, each Z_SYNC_FLUSHed."""
    inflator = zlib.decompressobj()
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{fake.gateway_url}?v=10&encoding=json&compress=zlib-stream") as ws,
    ):

        async def receive() -> dict[str, object]:
            msg = await ws.receive(timeout=5)
            assert msg.type is aiohttp.WSMsgType.BINARY
            assert msg.data[-4:] == b"\x00\x00\xff\xff"
            return json.loads(inflator.decompress(msg.data))

        assert (await receive())["op"] == 10
        await ws.send_json({"op": 1, "d": None})
        assert (await receive())["op"] == 11
        await ws.send_json({"op": 2, "d": {"token": fake.token, "intents": 513, "properties": {}}})
        ready = await receive()
        assert ready["t"] == "READY" and ready["s"] == 1
        guild_create = await receive()
        assert guild_create["t"] == "GUILD_CREATE" and guild_create["s"] == 2


# ---------------------------------------------------------------------------
# interactions


async def test_slash_command_round_trip(fake: FakeDiscord, world: BasicWorld, bot: E2EBot) -> None:
    handle = await fake.send_slash_command("ping", user=world.bob, channel=world.general)
    response = await handle.wait_response()
    assert response.type == 4 and response.accepted
    assert response.embeds[0]["title"] == "Pong"
    assert response.embeds[0]["fields"][0]["value"] == "Test Guild"
    assert response.components[0]["components"][0]["custom_id"] == "ping:again"
    assert response.latency < 3
    message = response.message
    assert message is not None and fake.latest_message(world.general) is message
    assert message.interaction_id == handle.id and message.buttons()[0]["label"] == "Again"
    # the member's permissions were computed from the roles
    assert int(handle.payload["member"]["permissions"]) == DEFAULT_EVERYONE_PERMISSIONS
    assert int(handle.payload["app_permissions"]) & Permission.SEND_MESSAGES
    admin = await fake.send_slash_command("whoami", user=world.alice, channel=world.general)
    assert f"perms={ALL_PERMISSIONS}" in ((await admin.wait_response()).content or "")
    fake.assert_no_violations()


async def test_autocomplete(fake: FakeDiscord, world: BasicWorld, bot: E2EBot) -> None:
    handle = await fake.send_autocomplete(
        "echo", {"text": "apple"}, focused="text", user=world.bob, channel=world.general
    )
    response = await handle.wait_response()
    assert response.type == 8
    assert len(response.choices) == 25
    assert all(name.startswith("apple") for name in response.choice_names)
    chosen = response.choices[3]["value"]
    echo = await fake.send_slash_command(
        "echo", {"text": chosen, "times": 2}, user=world.bob, channel=world.general
    )
    assert (await echo.wait_response()).content == f"{chosen} {chosen}"
    fake.assert_no_violations()


async def test_button_click_reaches_the_view(
    fake: FakeDiscord, world: BasicWorld, bot: E2EBot
) -> None:
    ping = await fake.send_slash_command("ping", user=world.bob, channel=world.general)
    message = (await ping.wait_response()).message
    assert message is not None
    for n in (1, 2):
        click = await fake.click_button(message, "ping:again", user=world.alice)
        response = await click.wait_response()
        assert response.type == 7
        assert message.content == f"Pong again ({n})"
    assert bot.clicks == 2 and message.edited
    fake.assert_no_violations()


async def test_select_and_modal(fake: FakeDiscord, world: BasicWorld, bot: E2EBot) -> None:
    color = await fake.send_slash_command("color", user=world.bob, channel=world.general)
    message = (await color.wait_response()).message
    assert message is not None
    pick = await fake.select_option(message, "color:pick", ["green"], user=world.bob)
    await pick.wait_response()
    assert message.content == "You picked green" and message.components == []

    opened = await fake.send_slash_command("feedback", user=world.bob, channel=world.general)
    modal = (await opened.wait_response()).modal
    assert modal is not None and modal["title"] == "Feedback"
    submitted = await fake.submit_modal("feedback", {"feedback:text": "great show"})
    response = await submitted.wait_response()
    assert response.content == "Thanks: great show" and response.ephemeral
    fake.assert_no_violations()


async def test_subcommand_group_with_resolved_options(
    fake: FakeDiscord, world: BasicWorld, bot: E2EBot
) -> None:
    handle = await fake.send_slash_command(
        "admin role grant",
        {"member": world.bob, "role": world.member_role},
        user=world.alice,
        channel=world.general,
    )
    assert (await handle.wait_response()).content == "granted Member to bob"
    assert bot.granted == [(world.bob.id, world.member_role.id)]
    fake.assert_no_violations()


async def test_defer_then_follow_up(fake: FakeDiscord, world: BasicWorld, bot: E2EBot) -> None:
    handle = await fake.send_slash_command("report", user=world.bob, channel=world.general)
    response = await handle.wait_response()
    assert response.type == 5
    first = await handle.wait_followup()
    second = await handle.wait_followup(count=2)
    # the first follow-up replaces the "thinking..." message, the second is new
    assert first is handle.original and first.content == "Report ready" and not first.loading
    assert second.content == "Second part" and second.kind == "followup"
    assert [m.content for m in handle.messages] == ["Report ready", "Second part"]
    fake.assert_no_violations()


async def test_a_second_initial_response_is_refused_with_40060(
    fake: FakeDiscord, world: BasicWorld, bot: E2EBot
) -> None:
    handle = await fake.send_slash_command("double", user=world.bob, channel=world.general)
    assert (await handle.wait_response()).content == "first"
    rejection = await handle.wait_rejection()
    assert (rejection.status, rejection.error_code) == (400, 40060)
    await fake.wait_for(lambda: bot.http_errors, what="the bot to see the error")
    assert bot.http_errors[0].code == 40060
    assert [v.kind for v in fake.violations] == ["already_acknowledged"]


async def test_a_response_after_3_seconds_is_refused(
    fake: FakeDiscord, world: BasicWorld, bot: E2EBot
) -> None:
    handle = await fake.send_slash_command("late", user=world.bob, channel=world.general)
    rejection = await handle.wait_rejection(timeout=6)
    assert (rejection.status, rejection.error_code) == (404, 10062)
    assert rejection.latency > 3
    assert handle.response is None
    assert max(fake.response_latencies) > 3
    await fake.wait_for(lambda: bot.http_errors, what="the bot to see the error")
    assert isinstance(bot.http_errors[0], discord.NotFound) and bot.http_errors[0].code == 10062
    assert {v.kind for v in fake.violations} == {"late_response", "unknown_interaction"}


async def test_an_oversized_embed_is_refused(
    fake: FakeDiscord, world: BasicWorld, bot: E2EBot
) -> None:
    handle = await fake.send_slash_command("bigembed", user=world.bob, channel=world.general)
    response = await handle.wait_response()
    assert response.content == "embed refused"
    (error,) = bot.http_errors
    assert error.status == 400 and error.code == 50035
    assert "embeds.0.title" in error.text and "embeds.0.fields.0.value" in error.text
    (violation,) = fake.violations
    assert violation.kind == "invalid_form_body"
    assert (
        "data.embeds.0.title: Must be 256 or fewer in length. (BASE_TYPE_MAX_LENGTH)"
        in violation.details["problems"]
    )


async def test_burst_of_50_interactions_all_answered(
    fake: FakeDiscord, world: BasicWorld, bot: E2EBot
) -> None:
    users = [world.alice, world.bob]
    handles = await asyncio.gather(
        *(
            fake.send_slash_command("ping", user=users[i % 2], channel=world.general)
            for i in range(50)
        )
    )
    responses = await asyncio.gather(*(h.wait_response(timeout=10) for h in handles))
    assert len({h.id for h in handles}) == 50
    assert all(r.type == 4 and r.accepted for r in responses)
    assert len(fake.response_latencies) == 50 and max(fake.response_latencies) < 3
    fake.assert_no_violations()


# ---------------------------------------------------------------------------
# messages and mentions


async def test_everyone_ping_is_a_violation_without_allowed_mentions(
    fake: FakeDiscord, world: BasicWorld, bot: E2EBot
) -> None:
    me = fake.bot_user.mention
    safe = await fake.send_message(world.general, world.bob, f"{me} hello @everyone")
    reply = await safe.wait_reply()
    assert reply.content == "Echo: hello @everyone" and reply.is_reply
    assert reply.allowed_mentions == {"parse": []} and not reply.would_ping.any
    fake.assert_no_violations()

    unsafe = await fake.send_message(
        world.general, world.bob, f"{me} unsafe @everyone <@{world.alice.id}>"
    )
    reply = await unsafe.wait_reply()
    assert reply.allowed_mentions is None
    assert reply.would_ping.everyone and reply.would_ping.users == [world.alice.id]
    (violation,) = fake.violations
    assert violation.kind == "allowed_mentions" and violation.details["message_id"] == reply.id


async def test_gateway_drop_is_followed_by_a_resume(
    fake: FakeDiscord, world: BasicWorld, bot: E2EBot
) -> None:
    me = fake.bot_user.mention
    for n, code in enumerate((4000, None), start=1):
        await fake.drop_connection(code=code)  # None: abrupt TCP drop
        missed = await fake.send_message(world.general, world.bob, f"{me} while away {n}")
        await fake.wait_for_resume(n)
        reply = await missed.wait_reply()  # the missed event was replayed
        assert reply.content == f"Echo: while away {n}"
    await fake.send_reconnect()  # op 7: the client closes and resumes by itself
    await fake.wait_for_resume(3)
    assert fake.identify_count == 1 and fake.resume_count == 3
    await fake.wait_for(lambda: bot.resumed == 3, what="on_resumed three times")
    resumes = [c for c in fake.gateway.all_connections if c.path == "/resume"]
    assert len(resumes) == 3
    handle = await fake.send_slash_command("ping", user=world.bob, channel=world.general)
    assert (await handle.wait_response()).type == 4
    fake.assert_no_violations()


async def test_direct_messages(fake: FakeDiscord, world: BasicWorld, bot: E2EBot) -> None:
    dm = fake.create_dm(world.bob)
    handle = await fake.send_slash_command("whoami", user=world.bob, channel=dm)
    assert (
        "user" in handle.payload
        and "member" not in handle.payload
        and handle.payload["context"] == 1
    )
    response = await handle.wait_response()
    assert (response.content or "").startswith("bob in DM")

    sent = await fake.send_message(dm, world.bob, f"{fake.bot_user.mention} hi in private")
    assert (await sent.wait_reply()).content == "Echo: hi in private"

    dmme = await fake.send_slash_command("dmme", user=world.alice, channel=world.general)
    await dmme.wait_response()
    assert fake.requests_to("POST", "/users/@me/channels")
    alice_dm = fake.create_dm(world.alice)
    latest = fake.latest_message(alice_dm)
    assert latest is not None and latest.content == "psst"
    fake.assert_no_violations()


async def test_bot_cannot_post_where_it_lacks_permission(
    fake: FakeDiscord, world: BasicWorld
) -> None:
    locked = fake.create_text_channel(
        world.guild,
        "locked",
        overwrites=[
            PermissionOverwrite(id=world.guild.id, type=0, deny=int(Permission.SEND_MESSAGES))
        ],
    )
    client = E2EBot()
    async with running_bot(fake, client):
        channel = client.get_channel(locked.id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.Forbidden):
            await channel.send("hi", allowed_mentions=NONE)
        assert fake.permissions_in(locked, world.alice) == ALL_PERMISSIONS
    assert [v.kind for v in fake.violations] == ["missing_permissions"]


async def test_uploaded_files_are_kept(fake: FakeDiscord, world: BasicWorld, bot: E2EBot) -> None:
    handle = await fake.send_slash_command("export", user=world.bob, channel=world.general)
    response = await handle.wait_response()
    assert response.content == "here you go"
    assert [(f.filename, f.data) for f in response.files] == [("notes.txt", b"line 1\nline 2\n")]
    message = response.message
    assert message is not None
    (attachment,) = message.attachments
    assert (attachment["filename"], attachment["size"], attachment.get("description")) == (
        "notes.txt",
        14,
        "Notes",
    )
    followup = await handle.wait_followup()
    assert followup.files[0].text() == '{"ok": true}'
    request = fake.requests_to("POST", rf"/interactions/{handle.id}/.*/callback")[0]
    assert request.json["data"]["attachments"][0]["filename"] == "notes.txt"
    async with aiohttp.ClientSession() as http, http.get(attachment["url"]) as resp:
        assert await resp.read() == b"line 1\nline 2\n"
    fake.assert_no_violations()


async def test_intents_are_enforced(world: BasicWorld, fake: FakeDiscord) -> None:
    seen: list[str] = []
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    client.event(_collect(seen))
    async with running_bot(fake, client):
        await fake.send_message(world.general, world.bob, "no mention")
        await fake.send_message(world.general, world.bob, f"{fake.bot_user.mention} mentioned")
        await fake.wait_for(lambda: len(seen) == 2, what="two messages")
    # without MESSAGE_CONTENT the bot only reads messages that mention it
    assert seen == ["", f"{fake.bot_user.mention} mentioned"]

    async with running_fake_discord(privileged_intents=()) as strict:
        strict.create_basic_world()
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with running_bot(strict, E2EBot()):
                pass
        assert [v.kind for v in strict.violations] == ["gateway"]


def _collect(seen: list[str]):  # type: ignore[no-untyped-def]
    async def on_message(message: discord.Message) -> None:
        seen.append(message.content)

    return on_message


async def test_auto_sharded_bot_asks_for_gateway_bot(fake: FakeDiscord, world: BasicWorld) -> None:
    client = commands.AutoShardedBot(
        command_prefix="!",
        intents=discord.Intents.default(),
        guild_ready_timeout=0.05,
        help_command=None,
    )
    async with running_bot(fake, client):
        assert client.shard_count == 1 and client.get_guild(world.guild.id) is not None
    routes = [r.route for r in fake.requests]
    assert routes[:3] == ["GET /users/@me", "GET /oauth2/applications/@me", "GET /gateway/bot"]
    identify = next(f for f in fake.gateway.frames if f.direction == "in" and f.op == 2)
    assert identify.d["shard"] == [0, 1]
    fake.assert_no_violations()


async def test_channel_message_routes(fake: FakeDiscord, world: BasicWorld, bot: E2EBot) -> None:
    channel = bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    async with channel.typing():
        sent = await channel.send("draft", allowed_mentions=NONE)
    await sent.edit(content="final", allowed_mentions=NONE)
    await sent.add_reaction("\N{THUMBS UP SIGN}")
    stored = fake.messages[sent.id]
    assert stored.content == "final" and stored.history[0]["content"] == "draft"
    assert stored.reactions == {"\N{THUMBS UP SIGN}": {fake.bot_user.id}}
    assert (await channel.fetch_message(sent.id)).content == "final"
    assert [m.content async for m in channel.history(limit=5)] == ["final"]
    member = await channel.guild.fetch_member(world.bob.id)
    assert member.name == "bob"
    await sent.delete()
    assert stored.deleted and fake.latest_message(world.general) is None
    events = [
        f.t
        for f in fake.gateway.frames
        if f.direction == "out" and f.t and f.t.startswith("MESSAGE")
    ]
    assert events == ["MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE"]
    fake.assert_no_violations()


# ---------------------------------------------------------------------------
# REST without a bot, and the validators


async def test_unknown_routes_and_bad_command_payloads(fake: FakeDiscord) -> None:
    headers = {"Authorization": f"Bot {fake.token}"}
    app = fake.application.id
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.get(f"{fake.api_base}/nope/123") as resp:
            assert resp.status == 404 and resp.headers["Content-Type"] == "application/json"
            assert await resp.json() == {"message": "404: Not Found", "code": 0}
        bad = [
            {"name": "Ping", "description": "x", "type": 1},
            {
                "name": "echo",
                "description": "",
                "options": [
                    {"name": "a", "description": "a", "type": 3},
                    {"name": "b", "description": "b", "type": 3, "required": True},
                ],
            },
        ]
        async with http.put(f"{fake.api_base}/applications/{app}/commands", json=bad) as resp:
            body = await resp.json()
            assert resp.status == 400 and body["code"] == 50035
            assert (
                body["errors"]["0"]["name"]["_errors"][0]["code"]
                == "APPLICATION_COMMAND_INVALID_NAME"
            )
            assert "description" in body["errors"]["1"]
            assert body["errors"]["1"]["options"]["1"]["required"]["_errors"][0]["code"] == (
                "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"
            )
        too_many = [{"name": f"c{i}", "description": "d"} for i in range(101)]
        async with http.put(f"{fake.api_base}/applications/{app}/commands", json=too_many) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == 30032
        async with (
            aiohttp.ClientSession() as anonymous,
            anonymous.get(f"{fake.api_base}/users/@me") as resp,
        ):
            assert resp.status == 401
    assert [v.kind for v in fake.violations] == [
        "unknown_route",
        "invalid_form_body",
        "too_many_commands",
        "unauthorized",
    ]


def test_validators_know_discords_limits() -> None:
    assert (
        is_valid_command_name("ping")
        and is_valid_command_name("नमस्ते")
        and is_valid_command_name("ทดสอบ")
    )
    assert not is_valid_command_name("Ping") and not is_valid_command_name("two words")
    assert not is_valid_command_name("x" * 33) and not is_valid_command_name("")

    errors = FormErrors()
    field = {"name": "n", "value": "v"}
    embeds = [{"title": "t", "fields": [field] * 26, "footer": {"text": "f" * 2049}}] + [
        {"description": "d" * 4000}
    ] * 2
    validate_embeds(embeds, errors, ("embeds",))
    codes = {(".".join(e.path), e.code) for e in errors.items}
    assert ("embeds.0.fields", "BASE_TYPE_MAX_LENGTH") in codes
    assert ("embeds.0.footer.text", "BASE_TYPE_MAX_LENGTH") in codes
    assert ("embeds", "MAX_EMBED_SIZE_EXCEEDED") in codes

    def button(i: int, label: str = "b") -> dict[str, object]:
        return {"type": 2, "style": 1, "custom_id": f"b{i}", "label": label}

    select = {
        "type": 3,
        "custom_id": "s",
        "options": [{"label": "x", "value": str(i)} for i in range(26)],
    }
    rows = [{"type": 1, "components": [button(i) for i in range(6)]}]
    rows += [{"type": 1, "components": [select, button(99, "L" * 81)]}]
    rows += [{"type": 1, "components": [button(100 + i)]} for i in range(4)]
    errors = FormErrors()
    validate_message_components(rows, errors, ("components",), v2=False)
    codes = {(".".join(e.path), e.code) for e in errors.items}
    assert ("components", "BASE_TYPE_MAX_LENGTH") in codes
    assert ("components.0.components", "BASE_TYPE_BAD_LENGTH") in codes
    assert ("components.1.components", "COMPONENT_LAYOUT_WIDTH_EXCEEDED") in codes
    assert ("components.1.components.0.options", "BASE_TYPE_BAD_LENGTH") in codes
    assert ("components.1.components.1.label", "BASE_TYPE_MAX_LENGTH") in codes

    errors = FormErrors()
    text_input = {"type": 4, "custom_id": "t", "style": 1, "label": "L" * 46, "max_length": 4001}
    validate_modal(
        {
            "title": "T" * 46,
            "custom_id": "m",
            "components": [{"type": 1, "components": [text_input]}] * 6,
        },
        errors,
    )
    paths = {".".join(e.path) for e in errors.items}
    assert {"data.title", "data.components", "data.components.0.components.0.label"} <= paths
    assert "data.components.0.components.0.max_length" in paths

    errors = FormErrors()
    option = {
        "name": "o",
        "description": "d",
        "type": 3,
        "choices": [{"name": "n" * 101, "value": "v"}],
    }
    assert (
        validate_command_list([{"name": "ok", "description": "d", "options": [option]}], errors)
        is None
    )
    assert [".".join(e.path) for e in errors.items] == ["0.options.0.choices.0.name"]

    errors = FormErrors()
    choices = [{"name": f"c{i}", "value": i} for i in range(25)] + [
        {"name": "n" * 101, "value": "v"}
    ]
    validate_autocomplete_result({"choices": choices}, errors)
    assert {".".join(e.path) for e in errors.items} == {"data.choices", "data.choices.25.name"}
