"""Per-user cooldown shared by slash commands and mention replies."""

from __future__ import annotations

import time


class Cooldown:
    """At most one question per `seconds` per key; remembers only recent keys."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._last: dict[int, float] = {}

    def retry_after(self, key: int, now: float | None = None) -> float:
        """Seconds to wait, or 0.0 and the use is recorded."""
        now = time.monotonic() if now is None else now
        last = self._last.get(key)
        if last is not None and now - last < self.seconds:
            return self.seconds - (now - last)
        self._last[key] = now
        if len(self._last) > 10_000:  # forget keys whose cooldown is long over
            self._last = {k: t for k, t in self._last.items() if now - t < self.seconds}
        return 0.0
