"""A tiny "wait until this predicate holds" primitive driven by change notifications."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Notifier:
    """Lets coroutines wait until a predicate over shared state becomes truthy.

    Whoever mutates the state calls :meth:`notify`; waiters re-check their
    predicate on every notification.
    """

    def __init__(self, poll_interval: float = 0.02) -> None:
        self._waiters: list[asyncio.Future[None]] = []
        self.poll_interval = poll_interval

    def notify(self) -> None:
        """Wake every waiter so it re-checks its predicate."""
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait_for(self, predicate: Callable[[], T], *, timeout: float, what: str) -> T:
        """Return ``predicate()`` once it is truthy; TimeoutError after ``timeout`` s.

        The predicate is re-checked on every :meth:`notify` and at least every
        ``poll_interval`` seconds, so it may also look at state the fake does
        not own (e.g. attributes of the bot).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout:g}s waiting for {what}")
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append(fut)
            try:
                await asyncio.wait({fut}, timeout=min(remaining, self.poll_interval))
            finally:
                if not fut.done():
                    fut.cancel()
                if fut in self._waiters:
                    self._waiters.remove(fut)
