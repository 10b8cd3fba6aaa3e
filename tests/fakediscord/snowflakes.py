"""Snowflake ids the way Discord makes them (timestamp in the high bits)."""

from __future__ import annotations

import datetime
import itertools
import time

DISCORD_EPOCH_MS = 1_420_070_400_000
"""Milliseconds between the Unix epoch and the Discord epoch (2015-01-01)."""


class SnowflakeGenerator:
    """Hands out unique, strictly increasing snowflakes based on the current time."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._last = 0

    def next(self) -> int:
        """Return a new snowflake, greater than every one returned before."""
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (ms << 22) | (next(self._counter) & 0xFFF)
        if value <= self._last:
            value = self._last + 1
        self._last = value
        return value


def snowflake_time(snowflake: int) -> datetime.datetime:
    """The creation time encoded in ``snowflake`` (UTC)."""
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC)


def iso_now() -> str:
    """The current UTC time as an ISO 8601 string, like Discord's timestamps."""
    return datetime.datetime.now(datetime.UTC).isoformat()
