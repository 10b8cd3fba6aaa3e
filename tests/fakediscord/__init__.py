"""A local fake of Discord's REST API and Gateway v10 for end-to-end bot tests.

Quick start::

    from tests.fakediscord import running_fake_discord, running_bot

    async def test_ping():
        async with running_fake_discord() as fake:
            world = fake.create_basic_world()
            bot = make_bot(guild_ready_timeout=0.05)  # your commands.Bot
            async with running_bot(fake, bot):
                handle = await fake.send_slash_command(
                    "ping", user=world.alice, channel=world.general
                )
                response = await handle.wait_response()
                assert response.embeds[0]["title"] == "Pong"
            fake.assert_no_violations()
"""

from .harness import patch_discord, running_bot, running_fake_discord
from .interactions import InteractionHandle, InteractionResponse, MessageHandle
from .models import (
    VIOLATION_KINDS,
    CallbackType,
    ChannelType,
    FakeApplication,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeUser,
    GatewayFrame,
    InteractionType,
    MentionReport,
    MessageFlag,
    PermissionOverwrite,
    RecordedRequest,
    StoredFile,
    Violation,
)
from .permissions import (
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    Permission,
)
from .server import BasicWorld, FakeDiscord
from .validation import FormErrors, is_valid_command_name

__all__ = [
    "ALL_PERMISSIONS",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "VIOLATION_KINDS",
    "BasicWorld",
    "CallbackType",
    "ChannelType",
    "FakeApplication",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeMember",
    "FakeMessage",
    "FakeRole",
    "FakeUser",
    "FormErrors",
    "GatewayFrame",
    "InteractionHandle",
    "InteractionResponse",
    "InteractionType",
    "MentionReport",
    "MessageFlag",
    "MessageHandle",
    "Permission",
    "PermissionOverwrite",
    "RecordedRequest",
    "StoredFile",
    "Violation",
    "is_valid_command_name",
    "patch_discord",
    "running_bot",
    "running_fake_discord",
]
