"""The Redis store for limits, so that every worker and every server counts against one total.

Each decision is one Lua script, which Redis runs atomically: two workers counting the same
key at the same moment cannot both slip under a limit. Timestamps come from the caller (see
``Limiter``); key expiry only reclaims memory.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from mockroom.security.ratelimit import Lockout, Rate, StoreUnavailable

Result = TypeVar("Result")

# Stored arrival time of the next action; refuse when it would run more than a period ahead.
TAKE = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local arrival = tonumber(redis.call('GET', KEYS[1])) or now
if arrival < now then arrival = now end
arrival = arrival + interval
local wait = arrival - period - now
if wait > 0 then return string.format('%.6f', wait) end
redis.call('SET', KEYS[1], string.format('%.6f', arrival), 'PX', math.ceil((arrival - now) * 1000))
return '0'
"""

# The same rule as ratelimit.count_event, on a hash per key.
COUNT = """
local now = tonumber(ARGV[1])
local attempts = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local first = tonumber(ARGV[4])
local longest = tonumber(ARGV[5])
local memory = tonumber(ARGV[6])
local stored = redis.call('HMGET', KEYS[1], 'failures', 'window_start', 'strikes', 'struck_at',
  'locked_until')
local failures = tonumber(stored[1]) or 0
local window_start = tonumber(stored[2]) or 0
local strikes = tonumber(stored[3]) or 0
local struck_at = tonumber(stored[4]) or 0
local locked_until = tonumber(stored[5]) or 0
if failures == 0 or now - window_start >= window then
  failures = 0
  window_start = now
end
failures = failures + 1
local length = 0
if failures >= attempts then
  if now - struck_at >= memory then strikes = 0 end
  strikes = strikes + 1
  length = math.min(first * 2 ^ (strikes - 1), longest)
  failures = 0
  struck_at = now
  locked_until = now + length
end
redis.call('HSET', KEYS[1], 'failures', failures, 'strikes', strikes,
  'window_start', string.format('%.6f', window_start),
  'struck_at', string.format('%.6f', struck_at),
  'locked_until', string.format('%.6f', locked_until))
local keep = math.max(window_start + window, struck_at + memory, locked_until) - now
redis.call('PEXPIRE', KEYS[1], math.max(math.ceil(keep * 1000), 1))
return string.format('%.6f', length)
"""

# Only an existing key is changed: creating one here would leave it without an expiry.
PARDON = """
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'failures', 0) end
return 0
"""


class RedisStore:
    def __init__(self, url: str, timeout_seconds: float = 0.5) -> None:
        # A short timeout: a slow Redis should cost a request half a second, not hang it.
        self.client: Redis = Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=timeout_seconds,
            socket_connect_timeout=timeout_seconds,
        )
        self._take = self.client.register_script(TAKE)
        self._count = self.client.register_script(COUNT)
        self._pardon = self.client.register_script(PARDON)

    async def take(self, key: str, rate: Rate, now: float) -> float:
        args = [repr(now), repr(rate.interval), repr(rate.period)]
        return float(await self._call(self._take(keys=[key], args=args)))

    async def locked_for(self, key: str, now: float) -> float:
        until = await self._call(self.client.hget(key, "locked_until"))
        return max(float(until) - now, 0.0) if until else 0.0

    async def count(self, key: str, lockout: Lockout, now: float) -> float:
        args = [
            repr(now),
            str(lockout.attempts),
            repr(lockout.window),
            repr(lockout.first),
            repr(lockout.longest),
            repr(lockout.memory),
        ]
        return float(await self._call(self._count(keys=[key], args=args)))

    async def pardon(self, key: str) -> None:
        await self._call(self._pardon(keys=[key]))

    async def close(self) -> None:
        await self.client.aclose()

    @staticmethod
    async def _call(pending: Awaitable[Result]) -> Result:
        try:
            return await pending
        except (TimeoutError, RedisError, OSError) as error:
            raise StoreUnavailable(str(error)) from error
