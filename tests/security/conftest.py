"""The real Redis for the limit tests, a clock the tests move, and apps built around both.

Redis is the one at MOCKROOM_TEST_REDIS_URL, else 127.0.0.1:6379. Every test gets its own key
prefix and deletes its keys afterwards, so runs in parallel never see each other's counts.
When the variable is unset and no Redis answers, the Redis tests are skipped with a message
saying so; when it is set (CI sets it), an unreachable Redis fails them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from redis import Redis as SyncRedis
from redis.asyncio import Redis
from redis.exceptions import RedisError

CONFIGURED_REDIS_URL = os.environ.get("MOCKROOM_TEST_REDIS_URL", "")
REDIS_URL = CONFIGURED_REDIS_URL or "redis://127.0.0.1:6379/0"


@dataclass
class FakeClock:
    """Seconds since the epoch, moved only by the test."""

    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def redis_url() -> str:
    client = SyncRedis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except (RedisError, OSError) as error:
        if CONFIGURED_REDIS_URL:
            pytest.fail(f"MOCKROOM_TEST_REDIS_URL is set but Redis does not answer: {error}")
        pytest.skip(f"no Redis at {REDIS_URL}; start one or set MOCKROOM_TEST_REDIS_URL")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
async def key_prefix() -> AsyncIterator[str]:
    """A prefix of this test's own; its keys are deleted afterwards (if Redis was used)."""
    prefix = f"mockroom-test-{uuid.uuid4().hex}"
    yield prefix
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}:*")]
        if keys:
            await client.delete(*keys)
    except (RedisError, OSError):
        pass  # no Redis: the test used memory only
    finally:
        await client.aclose()
