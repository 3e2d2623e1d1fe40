"""Rate limits and lockouts over a store: in memory for one process, Redis for several.

Two kinds of limit cover everything the app needs:

- a *rate* (``Rate``): at most ``count`` actions per ``period``, spread evenly once the burst
  is spent (the generic cell rate algorithm: one stored timestamp per key);
- a *lockout* (``Lockout``): ``attempts`` counted events within ``window`` lock the key for
  ``first`` seconds, and every further lockout within ``memory`` doubles, up to ``longest``.

The clock lives in ``Limiter``, not in the stores, so both stores make the same decisions from
the same timestamps (and tests can move time). Expiry in a store only reclaims memory; no
decision depends on it. A store that cannot be reached lets requests through and logs why:
an outage of the limits must not become an outage of the site.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from mockroom.errors import AppError

logger = logging.getLogger("mockroom.ratelimit")


@dataclass(frozen=True)
class Rate:
    count: int
    period: float

    @property
    def interval(self) -> float:
        return self.period / self.count


@dataclass(frozen=True)
class Lockout:
    attempts: int
    window: float
    first: float
    longest: float
    memory: float = 24 * 60 * 60

    def length(self, strike: int) -> float:
        return float(min(self.first * 2 ** (strike - 1), self.longest))


class StoreUnavailable(Exception):
    """The store could not answer (Redis down or too slow)."""


class LimitStore(Protocol):
    async def take(self, key: str, rate: Rate, now: float) -> float:
        """Count one action if the rate allows it and return 0; else the seconds to wait."""
        ...

    async def locked_for(self, key: str, now: float) -> float:
        """Seconds left on the key's lockout, 0 when it is not locked."""
        ...

    async def count(self, key: str, lockout: Lockout, now: float) -> float:
        """Count one event; return the length of the lockout it started, else 0."""
        ...

    async def pardon(self, key: str) -> None:
        """Drop the key's counted events; its past lockouts still lengthen the next one."""
        ...

    async def close(self) -> None: ...


@dataclass
class _Record:
    failures: int = 0
    window_start: float = 0.0
    strikes: int = 0
    struck_at: float = 0.0
    locked_until: float = 0.0

    def expires_at(self, lockout: Lockout) -> float:
        return max(
            self.window_start + lockout.window, self.struck_at + lockout.memory, self.locked_until
        )


def count_event(record: _Record, lockout: Lockout, now: float) -> float:
    """The lockout rule; redis_store.COUNT is the same rule in Lua, run atomically by Redis."""
    if record.failures == 0 or now - record.window_start >= lockout.window:
        record.failures = 0
        record.window_start = now
    record.failures += 1
    if record.failures < lockout.attempts:
        return 0.0
    if now - record.struck_at >= lockout.memory:
        record.strikes = 0
    record.strikes += 1
    length = lockout.length(record.strikes)
    record.failures = 0
    record.struck_at = now
    record.locked_until = now + length
    return length


class MemoryStore:
    """Limits for a single process. Every method runs without awaiting, so each is atomic."""

    SWEEP_EVERY = 1024

    def __init__(self) -> None:
        self._arrivals: dict[str, float] = {}
        self._records: dict[str, tuple[_Record, float]] = {}
        self._operations = 0

    async def take(self, key: str, rate: Rate, now: float) -> float:
        self._sweep(now)
        arrival = max(self._arrivals.get(key, now), now) + rate.interval
        wait = arrival - rate.period - now
        if wait > 0:
            return wait
        self._arrivals[key] = arrival
        return 0.0

    async def locked_for(self, key: str, now: float) -> float:
        found = self._records.get(key)
        return max(found[0].locked_until - now, 0.0) if found else 0.0

    async def count(self, key: str, lockout: Lockout, now: float) -> float:
        self._sweep(now)
        record = self._records[key][0] if key in self._records else _Record()
        length = count_event(record, lockout, now)
        self._records[key] = (record, record.expires_at(lockout))
        return length

    async def pardon(self, key: str) -> None:
        if key in self._records:
            self._records[key][0].failures = 0

    async def close(self) -> None:
        self._arrivals.clear()
        self._records.clear()

    def _sweep(self, now: float) -> None:
        """Drop keys that can no longer affect a decision, so memory stays bounded."""
        self._operations += 1
        if self._operations % self.SWEEP_EVERY:
            return
        self._arrivals = {key: when for key, when in self._arrivals.items() if when > now}
        self._records = {key: entry for key, entry in self._records.items() if entry[1] > now}


def wait_text(seconds: float) -> str:
    """A wait as people say it: "1 second", "40 seconds", "3 minutes", "2 hours"."""
    whole = max(math.ceil(seconds), 1)
    for unit, size in (("hour", 3600), ("minute", 60)):
        if whole >= size:
            amount = math.ceil(whole / size)
            return f"{amount} {unit}{'s' if amount != 1 else ''}"
    return f"{whole} second{'s' if whole != 1 else ''}"


class TooManyRequests(AppError):
    status = 429
    default_message = "Too many requests. Try again later."

    def __init__(self, retry_after: float, message: str | None = None) -> None:
        self.retry_after = max(math.ceil(retry_after), 1)
        super().__init__(message, detail={"retry_after": self.retry_after})


class Limiter:
    """Names keys under one prefix, reads the clock, and survives an unreachable store."""

    def __init__(
        self, store: LimitStore, prefix: str = "mockroom", clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.prefix = prefix
        self.clock = clock

    def _key(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    async def take(self, key: str, rate: Rate) -> float:
        try:
            return await self.store.take(self._key(key), rate, self.clock())
        except StoreUnavailable:
            logger.exception("rate limit store unavailable; allowing %s", key.split(":")[0])
            return 0.0

    async def locked_for(self, key: str) -> float:
        try:
            return await self.store.locked_for(self._key(key), self.clock())
        except StoreUnavailable:
            logger.exception("rate limit store unavailable; allowing %s", key.split(":")[0])
            return 0.0

    async def count(self, key: str, lockout: Lockout) -> float:
        try:
            return await self.store.count(self._key(key), lockout, self.clock())
        except StoreUnavailable:
            logger.exception("rate limit store unavailable; not counting %s", key.split(":")[0])
            return 0.0

    async def pardon(self, key: str) -> None:
        try:
            await self.store.pardon(self._key(key))
        except StoreUnavailable:
            logger.exception("rate limit store unavailable; %s not reset", key.split(":")[0])

    async def close(self) -> None:
        await self.store.close()
