"""The real bot, connected to the local fake of Discord, over real files and SQLite."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.client import EtoileBot
from bot.settings import Settings, default_knowledge_dir
from tests.fakediscord import BasicWorld, FakeDiscord, running_bot, running_fake_discord
from tests.fakediscord.interactions import InteractionHandle
from tests.fakediscord.models import FakeMessage


@dataclass
class Harness:
    fake: FakeDiscord
    world: BasicWorld
    bot: EtoileBot
    settings: Settings

    async def ask(self, question: str, user=None, channel=None, **options):
        handle = await self.fake.send_slash_command(
            "ask",
            {"question": question, **options},
            user=user or self.world.bob,
            channel=channel or self.world.general,
        )
        return handle, await handle.wait_response()


def make_settings(tmp_path: Path, **overrides) -> Settings:
    knowledge = tmp_path / "knowledge"
    if not knowledge.exists():
        shutil.copytree(default_knowledge_dir(), knowledge)
    values = {
        "data_dir": tmp_path / "data",
        "knowledge_dir": knowledge,
        "cooldown_seconds": 0.0,
        "watch_interval_seconds": 0.2,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_fake_discord() as fake:
        world = fake.create_basic_world()
        settings = make_settings(tmp_path, owner_ids=frozenset({world.owner.id}))
        bot = EtoileBot(settings, guild_ready_timeout=0.05)
        async with running_bot(fake, bot):
            await bot.tree.sync()
            yield Harness(fake, world, bot, settings)


@dataclass
class Shown:
    """What the user sees once an interaction settles: the same fields as a response."""

    message: FakeMessage

    @property
    def content(self) -> str:
        return self.message.content

    @property
    def embeds(self) -> list:
        return self.message.embeds

    @property
    def components(self) -> list:
        return self.message.components

    @property
    def ephemeral(self) -> bool:
        return bool(self.message.flags & 64)

    @property
    def type(self) -> int:
        return 4


async def settle(handle: InteractionHandle):
    """The response a user ends up seeing: for a deferred one, the message that followed
    ("thinking…" replaced, or the clicked message edited); otherwise the response."""
    response = await handle.wait_response()
    if response.type == 5:
        return Shown(await handle.wait_message())
    if response.type == 6:
        return Shown(await handle.wait_edit())
    return response
