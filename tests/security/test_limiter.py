"""The limiter's two rules, the same on both stores: in memory, and on the real Redis."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from mockroom.security.ratelimit import Limiter, LimitStore, Lockout, MemoryStore, Rate, wait_text
from mockroom.security.redis_store import RedisStore
from tests.security.conftest import FakeClock

FIVE_PER_MINUTE = Rate(count=5, period=60)
LOCKOUT = Lockout(attempts=3, window=900, first=60, longest=300, memory=3600)


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[LimitStore]:
    chosen: LimitStore
    if request.param == "memory":
        chosen = MemoryStore()
    else:
        chosen = RedisStore(request.getfixturevalue("redis_url"))
    yield chosen
    await chosen.close()


@pytest.fixture
def limiter(store: LimitStore, clock: FakeClock, key_prefix: str) -> Limiter:
    return Limiter(store, prefix=key_prefix, clock=clock)


async def test_a_rate_allows_its_burst_then_one_per_interval(
    limiter: Limiter, clock: FakeClock
) -> None:
    for _ in range(5):
        assert await limiter.take("answers:1", FIVE_PER_MINUTE) == 0
    wait = await limiter.take("answers:1", FIVE_PER_MINUTE)
    assert wait == pytest.approx(12)  # one action per 60/5 seconds once the burst is spent
    clock.advance(11)
    assert await limiter.take("answers:1", FIVE_PER_MINUTE) == pytest.approx(1)
    clock.advance(1)
    assert await limiter.take("answers:1", FIVE_PER_MINUTE) == 0
    assert await limiter.take("answers:1", FIVE_PER_MINUTE) > 0


async def test_a_refused_action_is_not_counted_and_keys_are_separate(
    limiter: Limiter, clock: FakeClock
) -> None:
    for _ in range(5):
        await limiter.take("answers:1", FIVE_PER_MINUTE)
    for _ in range(10):  # hammering while refused does not push the wait further out
        assert await limiter.take("answers:1", FIVE_PER_MINUTE) == pytest.approx(12)
    assert await limiter.take("answers:2", FIVE_PER_MINUTE) == 0
    clock.advance(60)
    for _ in range(5):
        assert await limiter.take("answers:1", FIVE_PER_MINUTE) == 0


async def test_a_lockout_starts_at_the_threshold_and_doubles_each_time(
    limiter: Limiter, clock: FakeClock
) -> None:
    assert await limiter.count("sign-in:a", LOCKOUT) == 0
    assert await limiter.count("sign-in:a", LOCKOUT) == 0
    assert await limiter.locked_for("sign-in:a") == 0
    assert await limiter.count("sign-in:a", LOCKOUT) == 60
    assert await limiter.locked_for("sign-in:a") == pytest.approx(60)
    clock.advance(45)
    assert await limiter.locked_for("sign-in:a") == pytest.approx(15)
    clock.advance(15)
    assert await limiter.locked_for("sign-in:a") == 0

    lengths = []
    for _ in range(4):
        for _ in range(2):
            assert await limiter.count("sign-in:a", LOCKOUT) == 0
        lengths.append(await limiter.count("sign-in:a", LOCKOUT))
        clock.advance(lengths[-1])
    assert lengths == [120, 240, 300, 300]  # doubling, up to the longest
    assert await limiter.locked_for("sign-in:b") == 0


async def test_old_failures_and_old_lockouts_are_forgotten(
    limiter: Limiter, clock: FakeClock
) -> None:
    await limiter.count("sign-in:a", LOCKOUT)
    await limiter.count("sign-in:a", LOCKOUT)
    clock.advance(900)  # the window passed: these two no longer count
    assert await limiter.count("sign-in:a", LOCKOUT) == 0
    assert await limiter.count("sign-in:a", LOCKOUT) == 0
    assert await limiter.count("sign-in:a", LOCKOUT) == 60
    clock.advance(3600)  # the memory passed: the next lockout is a first one again
    for _ in range(2):
        await limiter.count("sign-in:a", LOCKOUT)
    assert await limiter.count("sign-in:a", LOCKOUT) == 60


async def test_a_pardon_clears_failures_but_not_past_lockouts(
    limiter: Limiter, clock: FakeClock
) -> None:
    await limiter.pardon("sign-in:new")  # nothing to pardon: nothing happens
    for _ in range(2):
        await limiter.count("sign-in:a", LOCKOUT)
    await limiter.pardon("sign-in:a")
    for _ in range(2):
        assert await limiter.count("sign-in:a", LOCKOUT) == 0
    assert await limiter.count("sign-in:a", LOCKOUT) == 60
    clock.advance(60)
    await limiter.pardon("sign-in:a")
    for _ in range(2):
        assert await limiter.count("sign-in:a", LOCKOUT) == 0
    assert await limiter.count("sign-in:a", LOCKOUT) == 120  # the second lockout, doubled


async def test_redis_keys_expire_on_their_own(redis_url: str, key_prefix: str) -> None:
    limiter = Limiter(RedisStore(redis_url), prefix=key_prefix)
    client = Redis.from_url(redis_url, decode_responses=True)
    try:
        await limiter.take("answers:1", FIVE_PER_MINUTE)
        await limiter.count("sign-in:a", LOCKOUT)
        await limiter.pardon("sign-in:never-counted")
        rate_ttl = await client.pttl(f"{key_prefix}:answers:1")
        lockout_ttl = await client.pttl(f"{key_prefix}:sign-in:a")
        assert not await client.exists(f"{key_prefix}:sign-in:never-counted")
    finally:
        await client.aclose()
        await limiter.close()
    assert 0 < rate_ttl <= 12_000
    assert 0 < lockout_ttl <= 3_600_000


async def test_workers_sharing_redis_share_one_count(
    redis_url: str, key_prefix: str, clock: FakeClock
) -> None:
    """Two limiters, each with its own connection, as two worker processes would have."""
    workers = [Limiter(RedisStore(redis_url), prefix=key_prefix, clock=clock) for _ in range(2)]
    try:
        waits = await asyncio.gather(
            *(workers[number % 2].take("answers:1", FIVE_PER_MINUTE) for number in range(8))
        )
        assert sorted(waits)[:5] == [0] * 5 and all(wait > 0 for wait in sorted(waits)[5:])
        await workers[0].count("sign-in:a", LOCKOUT)
        await workers[1].count("sign-in:a", LOCKOUT)
        assert await workers[0].count("sign-in:a", LOCKOUT) == 60
        assert await workers[1].locked_for("sign-in:a") == pytest.approx(60)
    finally:
        for worker in workers:
            await worker.close()


async def test_an_unreachable_store_lets_requests_through_and_says_so(
    caplog: pytest.LogCaptureFixture, key_prefix: str
) -> None:
    # Nothing listens on port 1: the connection is refused at once.
    limiter = Limiter(RedisStore("redis://127.0.0.1:1/0"), prefix=key_prefix)
    with caplog.at_level(logging.ERROR, logger="mockroom.ratelimit"):
        assert await limiter.take("answers:1", Rate(count=1, period=60)) == 0
        assert await limiter.take("answers:1", Rate(count=1, period=60)) == 0
        assert await limiter.count("sign-in:a", Lockout(1, 60, 60, 60)) == 0
        assert await limiter.locked_for("sign-in:a") == 0
    await limiter.close()
    assert "rate limit store unavailable" in caplog.text


async def test_memory_store_forgets_keys_that_no_longer_matter(clock: FakeClock) -> None:
    store = MemoryStore()
    for number in range(MemoryStore.SWEEP_EVERY - 1):
        await store.take(f"answers:{number}", FIVE_PER_MINUTE, clock.now)
    clock.advance(61)
    await store.take("answers:last", FIVE_PER_MINUTE, clock.now)  # the sweeping operation
    assert store._arrivals.keys() == {"answers:last"}


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.2, "1 second"),
        (1, "1 second"),
        (40.5, "41 seconds"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (3600, "1 hour"),
        (7000, "2 hours"),
    ],
)
def test_waits_read_as_people_say_them(seconds: float, text: str) -> None:
    assert wait_text(seconds) == text
