"""Wiring discord.py to a FakeDiscord: patching, starting the fake, running a bot."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar

from .server import FakeDiscord

ClientT = TypeVar("ClientT")


@contextlib.contextmanager
def patch_discord(fake: FakeDiscord) -> Iterator[None]:
    """Point discord.py's REST base and default gateway at ``fake``; restore on exit.

    ``Route.BASE`` also redirects interaction callbacks and webhooks, which
    discord.py builds from the same base.
    """
    import discord.gateway
    import discord.http
    import yarl

    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@contextlib.asynccontextmanager
async def running_fake_discord(**options: Any) -> AsyncIterator[FakeDiscord]:
    """Start a :class:`FakeDiscord` (``options`` go to its constructor); stop it on exit."""
    fake = FakeDiscord(**options)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord,
    bot: ClientT,
    *,
    ready_timeout: float = 10.0,
    token: str | None = None,
) -> AsyncIterator[ClientT]:
    """Run a discord.py ``Client``/``Bot`` against ``fake`` until the block exits.

    Patches discord.py (see :func:`patch_discord`), calls ``bot.start(token)``
    in a task and waits until ``bot.is_ready()`` (READY, GUILD_CREATEs and
    ``guild_ready_timeout`` have passed). On exit the bot is closed and its
    task awaited, so no task or session leaks. If the bot dies before it is
    ready, its exception is raised here.
    """
    client: Any = bot
    with patch_discord(fake):
        task = asyncio.create_task(client.start(token or fake.token), name="fakediscord-bot")
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + ready_timeout
            while not client.is_ready():
                if task.done():
                    task.result()  # raises the bot's exception
                    raise RuntimeError("the bot stopped before it was ready")
                if loop.time() > deadline:
                    raise TimeoutError(f"the bot was not ready after {ready_timeout:g}s")
                await asyncio.sleep(0.01)
            yield bot
        finally:
            if not client.is_closed():
                await client.close()
            done, _ = await asyncio.wait({task}, timeout=10)
            if not done:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
    # Reached only when the body did not raise: surface a bot that crashed meanwhile.
    if task.done() and not task.cancelled() and task.exception() is not None:
        raise task.exception()  # type: ignore[misc]
