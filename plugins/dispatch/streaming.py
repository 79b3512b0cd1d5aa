"""Officers' positions to their agency's consoles, at most one per officer per interval: a
console with 500 officers on its map gets a few updates a second, not every ping."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import redis


class StreamGate(Protocol):
    def allow(self, officer_id: int, now: datetime) -> bool:
        """True when the officer's position may go out now (and then not again until the
        interval has passed)."""


class MemoryStreamGate:
    """One process's gate: enough when every ping reaches the same worker."""

    def __init__(self, interval: timedelta) -> None:
        self.interval = interval
        self._last_sent: dict[int, datetime] = {}

    def allow(self, officer_id: int, now: datetime) -> bool:
        last = self._last_sent.get(officer_id)
        if last is not None and now - last < self.interval:
            return False
        self._last_sent[officer_id] = now
        return True


class RedisStreamGate:
    """Every worker's gate at once: the first to set the officer's key sends; the key expires
    after the interval."""

    def __init__(
        self, client: redis.Redis, interval: timedelta, prefix: str = "smartcity:dispatch"
    ) -> None:
        self.client = client
        self.interval_ms = max(1, int(interval.total_seconds() * 1000))
        self.prefix = prefix

    def allow(self, officer_id: int, now: datetime) -> bool:
        key = f"{self.prefix}:streamed:{officer_id}"
        return bool(self.client.set(key, b"1", nx=True, px=self.interval_ms))


def build_stream_gate(settings: Mapping[str, Any], interval: timedelta) -> StreamGate:
    """Redis when positions live there (all workers share one gate), else in memory."""
    dispatch = settings.get("dispatch", {})
    if dispatch.get("position_store", "memory") != "redis":
        return MemoryStreamGate(interval)
    import redis  # here, not at the top: entry points patch gevent before sockets load

    url = dispatch.get("redis_url") or settings.get("message_queue")
    if not url:
        raise ValueError("dispatch.position_store = 'redis' needs dispatch.redis_url")
    return RedisStreamGate(redis.Redis.from_url(url), interval)
